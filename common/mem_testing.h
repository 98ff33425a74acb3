/* Test-only control over common/mem.h: make the next allocations fail, so
 * that every out-of-memory path can be tested. Only test targets may
 * depend on //common:mem_testing. */
#ifndef OBJPOOL_COMMON_MEM_TESTING_H
#define OBJPOOL_COMMON_MEM_TESTING_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* mem_fail_next - make the next @count calls to mem_alloc and
 * mem_realloc_array fail with ENOMEM; 0 ends it. Safe from any thread. */
void mem_fail_next(size_t count);

/* mem_fail_after - let the next @skip allocations succeed, then make the
 * @count after them fail; 0 @count ends it. mem_fail_after(0, n) is
 * mem_fail_next(n). Failing the 1st, 2nd, ... allocation of an operation
 * in turn reaches every allocation point (SQLite's way). Safe from any
 * thread, but which thread's allocation is the Nth is a race. */
void mem_fail_after(size_t skip, size_t count);

/* mem_fail_pending - how many of those failures have not happened yet. */
size_t mem_fail_pending(void);

#ifdef __cplusplus
}
#endif

#endif
