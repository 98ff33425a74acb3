#include "common/mem.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/mem_testing.h"

/* Failures still to inject; 0 in production, so one relaxed load. */
static atomic_size_t fail_pending;
/* Allocations to let through before the first injected failure. */
static atomic_size_t fail_skip;

void mem_fail_after(size_t skip, size_t count)
{
	atomic_store_explicit(&fail_skip, skip, memory_order_relaxed);
	atomic_store_explicit(&fail_pending, count, memory_order_relaxed);
}

void mem_fail_next(size_t count)
{
	mem_fail_after(0, count);
}

size_t mem_fail_pending(void)
{
	return atomic_load_explicit(&fail_pending, memory_order_relaxed);
}

/* Decrement @counter if it is above 0. Return: whether it was. */
static bool take_one(atomic_size_t *counter)
{
	size_t n = atomic_load_explicit(counter, memory_order_relaxed);

	while (n > 0) {
		/* The retry (n reloaded) follows a race lost to another thread,
		 * which no test can stage on demand: not counted by the
		 * coverage gate (tools/coverage). */
		/* LCOV_EXCL_BR_START */
		if (atomic_compare_exchange_weak_explicit(counter, &n, n - 1,
							  memory_order_relaxed,
							  memory_order_relaxed))
			return true;
		/* LCOV_EXCL_BR_STOP */
	}
	return false;
}

/* Consume one injected failure, if any is pending and no allocation is
 * to be let through first. */
static bool inject_failure(void)
{
	if (atomic_load_explicit(&fail_pending, memory_order_relaxed) == 0)
		return false;
	if (take_one(&fail_skip))
		return false; /* let this one through */
	/* false only when another thread took the last failure since the
	 * check above */
	return take_one(&fail_pending);
}

void *mem_alloc(size_t size)
{
	if (inject_failure()) {
		errno = ENOMEM;
		return NULL;
	}
	return malloc(size ? size : 1);
}

void *mem_realloc_array(void *ptr, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size) {
		errno = EOVERFLOW;
		return NULL;
	}
	if (inject_failure()) {
		errno = ENOMEM;
		return NULL;
	}
	size_t bytes = count * size;

	return realloc(ptr, bytes ? bytes : 1);
}

void mem_free(void *ptr)
{
	free(ptr);
}
