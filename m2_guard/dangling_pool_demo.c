/* What milestone 2 cannot prevent: freeing the pool while a guard is out.
 *
 * Rust rejects this program at compile time: a PooledObject<'a> borrows
 * the pool, and the pool cannot be dropped while the borrow lives. In C
 * the guard holds a plain pool pointer, the compiler says nothing, and the
 * release writes into freed memory.
 *
 *	bazel test --config=asan //m2_guard:dangling_pool_demo
 *
 * fails with "AddressSanitizer: heap-use-after-free" (tools/check.sh
 * checks that it does). Without a sanitizer the outcome is undefined: it
 * may crash, or seem to work. Tagged manual: //... never runs it.
 * Milestone 3 makes this program correct: there the guard holds a
 * reference to the pool, which then outlives it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "m2_guard/pool.h"

static void *make_buffer(void *ctx)
{
	(void)ctx;
	return calloc(1, 64);
}

static void free_buffer(void *buf, void *ctx)
{
	(void)ctx;
	free(buf);
}

int main(void)
{
	pool_t *pool = pool_new(make_buffer, free_buffer, NULL);

	if (!pool) {
		perror("pool_new"); /* NULL and errno */
		return 1;
	}
	int err = pool_preallocate(pool, 1);

	if (err < 0) {
		/* A negative errno in the return value; errno says nothing. */
		fprintf(stderr, "pool_preallocate: %s\n", strerror(-err));
		pool_free(pool);
		return 1;
	}
	pool_guard_t g = pool_get(pool);

	pool_free(pool);	/* BUG: g is still out */
	pool_guard_release(&g); /* pushes onto the freed pool's idle list */
	return 0;
}
