/* objpool milestone 2: a guard returns the object at scope exit.
 *
 * pool_get hands out a guard, { pool, obj }. Releasing the guard puts the
 * object back; POOL_GUARD declares a guard that is released when it goes
 * out of scope, on every path out of the block, early returns included:
 *
 *	{
 *		POOL_GUARD(g, pool);		// pool_get(pool)
 *		if (!g.obj)
 *			return -errno;		// empty: nothing to give back
 *		struct buffer *buf = g.obj;
 *		...
 *	}					// back in the pool here
 *
 * POOL_GUARD relies on __attribute__((cleanup)) (GCC and Clang). A C++
 * exception thrown through C code built with -fexceptions runs it too;
 * longjmp does not.
 *
 * The guard holds a plain pointer to the pool: free the pool while a guard
 * is out and the guard's release writes to freed memory. Milestone 3 fixes
 * that with a reference count.
 *
 * Single-threaded: one pool must not be used by two threads at once.
 */
#ifndef OBJPOOL_M2_GUARD_POOL_H
#define OBJPOOL_M2_GUARD_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/must_check.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Makes one object. Return: the object, or NULL on failure; the factory may
 * set errno to say why (ENOMEM is reported if it does not). */
typedef void *(*pool_factory_fn)(void *ctx);

/* Frees one object made by the factory. */
typedef void (*pool_destroy_fn)(void *obj, void *ctx);

typedef struct pool pool_t;

/* An object on loan from a pool. Both fields are NULL when the guard holds
 * nothing: after a failed pool_get, a release or a take. */
typedef struct pool_guard {
	pool_t *pool; /* where the object goes back */
	void *obj;    /* the object; yours to use until the guard is released */
} pool_guard_t;

/* pool_new - create an empty pool.
 * @factory: makes objects; required.
 * @destroy: frees them; NULL when objects need no freeing.
 * @ctx: passed to @factory and @destroy as is.
 * Return: the pool, or NULL with errno EINVAL (no factory) or ENOMEM. */
OBJPOOL_MUST_CHECK
pool_t *pool_new(pool_factory_fn factory, pool_destroy_fn destroy, void *ctx);

/* pool_preallocate - make @count objects with the factory and keep them
 * idle in the pool.
 * Return: 0; -EINVAL for a NULL pool; -EOVERFLOW when the pool would hold
 * more objects than a size_t counts; -ENOMEM when memory is short (nothing
 * was made); or the factory's error (-errno) when it fails, in which case
 * the objects made before the failure stay in the pool. */
OBJPOOL_MUST_CHECK
int pool_preallocate(pool_t *pool, size_t count);

/* pool_get - take an idle object out of the pool, in a guard.
 * Return: a guard holding the object; a guard holding nothing, with errno
 * EAGAIN when the pool is empty or EINVAL for a NULL pool. */
OBJPOOL_MUST_CHECK
pool_guard_t pool_get(pool_t *pool);

/* pool_guard_release - give the guard's object back to its pool and empty
 * the guard. Releasing an empty guard, or NULL, does nothing, so a second
 * release is harmless. Cannot fail: the object's place in the pool was
 * reserved when it was made. */
void pool_guard_release(pool_guard_t *guard);

/* pool_guard_take - detach the object from the guard and from the pool:
 * the caller owns it from now on and must destroy it. The guard is left
 * empty. Return: the object, NULL for an empty guard or NULL. */
OBJPOOL_MUST_CHECK
void *pool_guard_take(pool_guard_t *guard);

/* POOL_GUARD - declare guard @name = pool_get(@pool), released when @name
 * goes out of scope. */
#define POOL_GUARD(name, pool)                                                 \
	pool_guard_t name __attribute__((cleanup(pool_guard_release))) =       \
		pool_get(pool)

/* pool_len - how many idle objects the pool holds; 0 for NULL. */
size_t pool_len(const pool_t *pool);

/* pool_is_empty - pool_len(pool) == 0. */
bool pool_is_empty(const pool_t *pool);

/* pool_free - destroy every idle object, then the pool; NULL is fine.
 * No guard may be out: its release would use the freed pool. */
void pool_free(pool_t *pool);

#ifdef __cplusplus
}
#endif

#endif
