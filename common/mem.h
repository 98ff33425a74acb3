/* Allocation for objpool: malloc and realloc with overflow checks, and one
 * place where tests can make allocations fail (common/mem_testing.h). */
#ifndef OBJPOOL_COMMON_MEM_H
#define OBJPOOL_COMMON_MEM_H

#include <stddef.h>

#include "common/must_check.h"

#ifdef __cplusplus
extern "C" {
#endif

/* mem_alloc - malloc(size).
 * Return: the memory, or NULL with errno ENOMEM. */
OBJPOOL_MUST_CHECK void *mem_alloc(size_t size);

/* mem_realloc_array - resize @ptr to hold @count elements of @size bytes.
 * Return: the new memory, or NULL with errno EOVERFLOW when count * size
 * does not fit a size_t, ENOMEM when memory is short. On error @ptr is
 * untouched and still owned by the caller. */
OBJPOOL_MUST_CHECK void *mem_realloc_array(void *ptr, size_t count,
					   size_t size);

/* mem_free - free(ptr); NULL is fine. */
void mem_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif
