/* The C half of typed_test.cc: code that uses POOL_TYPED and
 * POOL_TYPED_GUARD compiled as C, with the project's strict C flags, and
 * called from the C++ test. Test-only. */
#ifndef OBJPOOL_M7_THREADCACHE_TYPED_TEST_C_H
#define OBJPOOL_M7_THREADCACHE_TYPED_TEST_C_H

#include <stddef.h>

#include "m7_threadcache/pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the callbacks of a typed_c pool did. */
struct typed_c_counts {
	int made;      /* buffers the factory made */
	int destroyed; /* buffers freed */
	int resets;    /* buffers cleared on return */
};

/* typed_c_build - a pool of C struct buffer objects (a length and 64
 * bytes) with a reset that clears them; @counts is the pool's ctx.
 * Return: the pool, or NULL with errno set. */
pool_t *typed_c_build(struct typed_c_counts *counts, size_t max_size);

/* typed_c_write - in one scope, get a buffer with POOL_TYPED_GUARD, check
 * that it arrived clear, copy @text into it and note pool_available at
 * that moment in @available_inside; the guard is released at scope exit.
 * Return: the length written; -errno when the get failed; -EPROTO when the
 * buffer was not clear. */
int typed_c_write(pool_t *pool, const char *text, size_t *available_inside);

/* typed_c_release_twice - get a typed guard, release it by hand, then let
 * the scope release it again (nothing happens the second time).
 * Return: 0; -errno when the get failed; -EPROTO when the guard was not
 * left empty. */
int typed_c_release_twice(pool_t *pool);

/* typed_c_take - take a buffer out of the pool with name##_guard_take,
 * write @text into it and hand it over.
 * Return: the buffer (free it with typed_c_free), NULL with errno set. */
void *typed_c_take(pool_t *pool, const char *text);

/* typed_c_text - the text in a buffer from typed_c_take. */
const char *typed_c_text(const void *buffer);

/* typed_c_free - free a buffer from typed_c_take, as the pool's destroy
 * callback would (@counts->destroyed counts it). */
void typed_c_free(void *buffer, struct typed_c_counts *counts);

/* typed_c_null_guards - the typed release and take accept NULL.
 * Return: 0, or -EPROTO when take returned something. */
int typed_c_null_guards(void);

#ifdef __cplusplus
}
#endif

#endif
