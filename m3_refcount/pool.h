/* objpool milestone 3: a shared pool that grows on demand.
 *
 * The pool has a reference count. pool_new gives its creator one
 * reference; pool_ref takes another, pool_unref drops one, and every guard
 * holds one while its object is out. The pool is freed when the last
 * reference goes, so pool_unref with guards still out is safe: the last
 * guard's release frees the pool.
 *
 * pool_get makes a new object with the factory when no idle object is
 * left. Objects coming back are kept idle up to max_size; an object
 * returned while max_size objects are already idle is destroyed.
 *
 *	pool_t *pool = pool_new(make_conn, close_conn, NULL, 10);
 *	{
 *		POOL_GUARD(a, pool);	// created: the pool was empty
 *		POOL_GUARD(b, pool);	// a second one, while a is out
 *		...
 *	}				// both back, idle
 *	pool_unref(pool);		// destroys the idle objects
 *
 * Single-threaded: the pool and its guards must stay on one thread. The
 * factory and destroy callbacks must not call into the pool that runs
 * them (where Rust's RefCell would panic): a reference taken while the
 * pool is being freed aborts; other re-entry is not checked, and can cost
 * an object its reserved place (a release out of memory then destroys it).
 */
#ifndef OBJPOOL_M3_REFCOUNT_POOL_H
#define OBJPOOL_M3_REFCOUNT_POOL_H

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

/* The callbacks run inside pool calls and must return normally: a longjmp
 * or a C++ exception out of a release's destroy loses the guard's
 * reference to the pool. (A factory may throw: the pool
 * has changed nothing yet.) */

typedef struct pool pool_t;

/* An object on loan from a pool. Both fields are NULL when the guard holds
 * nothing: after a failed pool_get, a release or a take. While it holds an
 * object, the guard holds a reference to the pool. */
typedef struct pool_guard {
	pool_t *pool; /* where the object goes back */
	void *obj;    /* the object; yours to use until the guard is released */
} pool_guard_t;

/* pool_new - create an empty pool; the caller holds its one reference.
 * @factory: makes objects; required.
 * @destroy: frees them; NULL when objects need no freeing.
 * @ctx: passed to @factory and @destroy as is.
 * @max_size: the most idle objects kept; 0 keeps none.
 * Return: the pool, or NULL with errno EINVAL (no factory) or ENOMEM. */
OBJPOOL_MUST_CHECK
pool_t *pool_new(pool_factory_fn factory, pool_destroy_fn destroy, void *ctx,
		 size_t max_size);

/* pool_ref - take another reference to @pool, for a new holder of the
 * pointer. Only a holder may take another: a reference taken on a pool
 * that is being freed (from its destroy callback) aborts.
 * Return: @pool (NULL for NULL). */
pool_t *pool_ref(pool_t *pool);

/* pool_unref - drop a reference; the last one destroys the idle objects and
 * frees the pool. NULL is fine. An extra unref frees the pool too early:
 * every later use of it is a use-after-free. */
void pool_unref(pool_t *pool);

/* pool_preallocate - make @count objects with the factory and keep them
 * idle.
 * Return: 0; -EINVAL for a NULL pool; -ENOSPC when more than max_size
 * objects would be idle (nothing is made); -ENOMEM when memory is short,
 * -EOVERFLOW when the idle list could not even be addressed (nothing is
 * made); or the factory's error (-errno), in which case the objects made
 * before the failure stay in the pool. */
OBJPOOL_MUST_CHECK
int pool_preallocate(pool_t *pool, size_t count);

/* pool_get - take an idle object, or make one when none is idle.
 * Return: a guard holding the object and a reference to the pool; or a
 * guard holding nothing, with errno EINVAL for a NULL pool, ENOMEM when
 * memory is short, or the factory's errno. A failed get changes no
 * counter. */
OBJPOOL_MUST_CHECK
pool_guard_t pool_get(pool_t *pool);

/* pool_guard_release - give the guard's object back, or destroy it when
 * max_size objects are already idle; then drop the guard's reference to
 * the pool, which may free it. The guard is left empty: a second release,
 * or releasing NULL, does nothing. Cannot fail. */
void pool_guard_release(pool_guard_t *guard);

/* pool_guard_take - detach the object from the guard and from the pool:
 * the caller owns it and must destroy it. Drops the guard's reference.
 * Return: the object, NULL for an empty guard or NULL. */
OBJPOOL_MUST_CHECK
void *pool_guard_take(pool_guard_t *guard);

/* POOL_GUARD - declare guard @name = pool_get(@pool), released when @name
 * goes out of scope (__attribute__((cleanup))). */
#define POOL_GUARD(name, pool)                                                 \
	pool_guard_t name __attribute__((cleanup(pool_guard_release))) =       \
		pool_get(pool)

/* Counters; each is 0 for a NULL pool. */
size_t pool_available(const pool_t *pool);     /* idle objects */
size_t pool_allocated(const pool_t *pool);     /* objects out in guards now */
size_t pool_created_count(const pool_t *pool); /* objects the factory made */
size_t pool_len(const pool_t *pool); /* the spec's name: pool_available */

#ifdef __cplusplus
}
#endif

#endif
