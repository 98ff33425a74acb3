/* objpool milestone 5: the milestone 4 pool, safe from any number of
 * threads.
 *
 * A mutex guards the idle list and the counters; the reference count is
 * atomic. Any thread may get from the pool, and a guard may be released
 * on a thread other than the one that got it. The factory, reset and
 * destroy callbacks never run while the lock is held: a slow factory does
 * not stop other threads from taking idle objects, and a callback may use
 * the pool itself (but for the destroy calls of the last pool_unref: a
 * reference taken on a pool being freed aborts). The callbacks must be
 * safe to call from several threads at once.
 *
 *	pool_t *pool = pool_build(&(pool_config_t){
 *		.factory = make_buffer,
 *		.reset = clear_buffer,
 *		.destroy = free_buffer,
 *		.max_size = 16,
 *	});
 *	// each thread (with its own reference, or while the pool lives):
 *	{
 *		POOL_GUARD(g, pool);
 *		...
 *	}
 *
 * One guard belongs to one thread at a time: pass it on, do not share it.
 */
#ifndef OBJPOOL_M5_THREADSAFE_POOL_H
#define OBJPOOL_M5_THREADSAFE_POOL_H

#include <stddef.h>

#include "common/must_check.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Makes one object. Return: the object, or NULL on failure; the factory may
 * set errno to say why (ENOMEM is reported if it does not). */
typedef void *(*pool_factory_fn)(void *ctx);

/* Cleans an object for its next user (clear a buffer, end a transaction). */
typedef void (*pool_reset_fn)(void *obj, void *ctx);

/* Frees one object made by the factory. */
typedef void (*pool_destroy_fn)(void *obj, void *ctx);

/* The callbacks run inside pool calls and must return normally: a longjmp
 * or a C++ exception out of a release's reset or destroy loses the object
 * and the guard's reference to the pool. (A factory may throw: the pool
 * has changed nothing yet.) */

/* max_size when the configuration leaves it 0. */
#define POOL_DEFAULT_MAX_SIZE 100

/* How to build a pool. Zero fields take their defaults. */
typedef struct pool_config {
	pool_factory_fn factory; /* makes objects; required */
	pool_reset_fn reset;	 /* cleans a returned object; NULL: no reset */
	pool_destroy_fn destroy; /* frees objects; NULL: nothing to free */
	void *ctx;		 /* passed to the three callbacks as is */
	size_t max_size; /* the most idle objects kept; 0: the default */
} pool_config_t;

typedef struct pool pool_t;

/* An object on loan from a pool. Both fields are NULL when the guard holds
 * nothing: after a failed pool_get, a release or a take. While it holds an
 * object, the guard holds a reference to the pool. */
typedef struct pool_guard {
	pool_t *pool; /* where the object goes back */
	void *obj;    /* the object; yours to use until the guard is released */
} pool_guard_t;

/* pool_build - create an empty pool from @config (copied: it may be a
 * temporary); the caller holds the pool's one reference.
 * Return: the pool, or NULL with errno EINVAL (no config, or no factory),
 * ENOMEM, or EAGAIN (the system lacks the resources for another mutex).
 * Context: any thread; takes no lock: no other thread has the pool yet. */
OBJPOOL_MUST_CHECK
pool_t *pool_build(const pool_config_t *config);

/* pool_ref - take another reference to @pool, for a new holder of the
 * pointer (for example a thread). Only a holder may take another: a
 * reference taken on a pool that is being freed (from its destroy
 * callback) aborts.
 * Return: @pool (NULL for NULL).
 * Context: any thread holding a reference; takes no lock. */
pool_t *pool_ref(pool_t *pool);

/* pool_unref - drop a reference; the last one destroys the idle objects and
 * frees the pool. NULL is fine. An extra unref frees the pool too early:
 * every later use of it is a use-after-free.
 * Context: any thread; takes no lock, not even for the last reference (no
 * other thread can reach the pool then). Never call it with the pool's
 * lock held: the last reference would free the held lock. */
void pool_unref(pool_t *pool);

/* pool_preallocate - make @count objects with the factory and keep them
 * idle.
 * Return: 0; -EINVAL for a NULL pool; -ENOSPC when more than max_size
 * objects would be idle (nothing is made); -ENOMEM when memory is short,
 * -EOVERFLOW when the idle list could not even be addressed (nothing is
 * made, the places for all @count are reserved first); or the factory's
 * error (-errno). On an error after the start, the
 * objects made before it stay in the pool. Should other threads fill the
 * idle list meanwhile, the objects that find it full are destroyed.
 * Context: takes the lock; calls the factory without it, so other threads
 * may get and return meanwhile. */
OBJPOOL_MUST_CHECK
int pool_preallocate(pool_t *pool, size_t count);

/* pool_get - take an idle object, or make one when none is idle.
 * Return: a guard holding the object and a reference to the pool; or a
 * guard holding nothing, with errno EINVAL for a NULL pool, ENOMEM when
 * memory is short, or the factory's errno. A failed get changes no
 * counter.
 * Context: takes the lock; calls the factory without it. */
OBJPOOL_MUST_CHECK
pool_guard_t pool_get(pool_t *pool);

/* pool_guard_release - reset the guard's object and give it back, or
 * destroy it when max_size objects are already idle;
 * then drop the guard's reference to the pool, which may free it. The
 * guard is left empty: a second release, or releasing NULL, does nothing.
 * Cannot fail. The reset hook runs before the pool knows whether the
 * object will be kept, so it may also run on an object then destroyed.
 * Context: any thread, not only the one that got the object; takes the
 * lock; calls reset and destroy without it. */
void pool_guard_release(pool_guard_t *guard);

/* pool_guard_take - detach the object from the guard and from the pool:
 * the caller owns it, as it is (no reset), and must destroy it. Drops the
 * guard's reference.
 * Return: the object, NULL for an empty guard or NULL.
 * Context: any thread; takes the lock. */
OBJPOOL_MUST_CHECK
void *pool_guard_take(pool_guard_t *guard);

/* POOL_GUARD - declare guard @name = pool_get(@pool), released when @name
 * goes out of scope (__attribute__((cleanup))). */
#define POOL_GUARD(name, pool)                                                 \
	pool_guard_t name __attribute__((cleanup(pool_guard_release))) =       \
		pool_get(pool)

/* Counters; each is 0 for a NULL pool. Each call takes the lock and reads
 * one counter: with other threads at work, two calls are two moments. */
size_t pool_available(const pool_t *pool);     /* idle objects */
size_t pool_allocated(const pool_t *pool);     /* objects out in guards now */
size_t pool_created_count(const pool_t *pool); /* objects the factory made */
size_t pool_len(const pool_t *pool); /* the spec's name: pool_available */

#ifdef __cplusplus
}
#endif

#endif
