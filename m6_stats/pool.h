/* objpool milestone 6: the thread-safe pool of milestone 5, with
 * statistics. The production pool.
 *
 * Every get counts as a hit (an idle object was there) or a miss (the
 * factory was called). pool_stats copies all counters at one moment;
 * pool_stats_report prints them, with a recommendation when the pool is
 * too small for its load.
 *
 *	pool_stats_t s = pool_stats(pool);
 *	if (pool_stats_hit_rate(&s) < 0.9) ...
 *	char report[1024];	// enough: a report is under 600 bytes
 *	pool_stats_report(pool, report, sizeof(report));
 *
 * POOL_TYPED(name, type) gives a typed face to the pool: name_get returns
 * a guard whose obj is a type *, not a void *.
 *
 * The pool: a mutex guards the idle list and the counters; the reference
 * count is atomic. Any thread may get from the pool, and a guard may be
 * released on a thread other than the one that got it. The factory, reset
 * and destroy callbacks never run while the lock is held, and must be
 * safe to call from several threads at once. One guard belongs to one
 * thread at a time: pass it on, do not share it.
 */
#ifndef OBJPOOL_M6_STATS_POOL_H
#define OBJPOOL_M6_STATS_POOL_H

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
 * and the guard's reference to the pool. (A factory may throw: the get is
 * counted as a miss, and nothing else has changed.) */

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
 * memory is short, or the factory's errno. A failed get on a pool counts
 * as a get, a miss and a failure (see pool_stats_t).
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
 * one counter: with other threads at work, two calls are two moments.
 * pool_stats reads them all at one moment. */
size_t pool_available(const pool_t *pool);     /* idle objects */
size_t pool_allocated(const pool_t *pool);     /* objects out in guards now */
size_t pool_created_count(const pool_t *pool); /* objects the factory made */
size_t pool_len(const pool_t *pool); /* the spec's name: pool_available */

/* The pool's statistics at one moment. At every moment
 *	gets = hits + misses
 *	allocated <= peak_allocated, available <= max_size
 *	created_count = available + allocated + destroyed_count
 *			+ objects taken out with pool_guard_take
 * A get that finds no idle object is a miss, whether or not it then
 * succeeds; a miss that hands out nothing is also a failure. An object the
 * factory made but the pool could not find room for (out of memory) is
 * destroyed at once and counted neither as created nor as destroyed. */
typedef struct pool_stats {
	size_t gets;		/* pool_get calls on the pool */
	size_t hits;		/* gets served by an idle object */
	size_t misses;		/* gets that found no idle object */
	size_t failures;	/* misses that handed out nothing (errors) */
	size_t created_count;	/* objects made, preallocated ones included */
	size_t destroyed_count; /* objects destroyed: max_size were idle */
	size_t peak_allocated;	/* the most objects out at once */
	size_t allocated;	/* objects out now */
	size_t available;	/* idle objects now */
	size_t max_size;	/* the most idle objects kept (configuration) */
} pool_stats_t;

/* pool_stats - all the counters, copied under the lock at one moment; all
 * zero for a NULL pool.
 * Context: takes the lock. */
pool_stats_t pool_stats(const pool_t *pool);

/* pool_stats_hit_rate - hits / gets, from 0 to 1.
 * Return: the rate; 0 when there were no gets or @stats is NULL.
 * Context: any thread; reads @stats only. */
double pool_stats_hit_rate(const pool_stats_t *stats);

/* pool_stats_miss_rate - misses / gets, from 0 to 1.
 * Return: the rate; 0 when there were no gets or @stats is NULL.
 * Context: any thread; reads @stats only. */
double pool_stats_miss_rate(const pool_stats_t *stats);

/* pool_stats_report - write a report of pool_stats(@pool) to @buf, as
 * snprintf does: at most @size bytes, always NUL-terminated when @size > 0;
 * @buf may be NULL when @size is 0, to measure. The lines:
 *	Pool Statistics:
 *	- Total gets: 100
 *	- Hits: 95 (95.0%)
 *	- Misses: 5 (5.0%)
 *	- Hit rate: 95.0%
 *	- Created: 10
 *	- Destroyed (pool full): 0
 *	- Failed gets: 0
 *	- Peak allocated: 8
 *	- Current allocated: 0
 *	- Available: 10
 * and, when objects were destroyed because the pool was full and the
 * peak exceeds max_size (the pool keeps fewer objects than its load
 * needs), a last line
 *	- Recommendation: raise max_size from 4 to 8 (the peak); 3 objects
 *	  were destroyed because the pool was full
 * (one line in the report).
 * Return: the length of the whole report (not counting the NUL), as
 * snprintf: a value >= @size means @buf was too small; -EINVAL for a NULL
 * pool, or a NULL @buf with @size > 0.
 * Context: takes the lock once, for the snapshot. */
int pool_stats_report(const pool_t *pool, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

/* POOL_TYPED - declare a typed face of the pool for objects of @type:
 *	name##_guard_t				{ pool_t *pool; type *obj; }
 *	name##_guard_t name##_get(pool_t *)	pool_get, typed
 *	void name##_guard_release(name##_guard_t *)
 *	type *name##_guard_take(name##_guard_t *)
 * Write it at file scope, with a semicolon, like a declaration.
 * POOL_TYPED_GUARD(name, var, pool) then declares a typed guard released
 * at scope exit. The pool is the same pool_t and the functions behave as
 * their untyped twins; only the guard is typed, so the compiler checks
 * what the code does with the object (no void * casts at each use):
 *
 *	struct buffer { size_t len; char data[1024]; };
 *	POOL_TYPED(buffer_pool, struct buffer);
 *	...
 *	POOL_TYPED_GUARD(buffer_pool, g, pool);
 *	if (g.obj)
 *		g.obj->len = 0;		// g.obj is a struct buffer *
 *
 * The pool does not know the type: build it with a factory that makes
 * @type objects. The functions are static inline, the same code as the
 * untyped ones; the trailing struct declaration only takes the semicolon.
 */
#define POOL_TYPED(name, type)                                                 \
	typedef struct name##_guard {                                          \
		pool_t *pool; /* where the object goes back */                 \
		type *obj;    /* the object, NULL when the guard is empty */   \
	} name##_guard_t;                                                      \
	static inline name##_guard_t name##_get(pool_t *pool)                  \
	{                                                                      \
		pool_guard_t raw = pool_get(pool);                             \
		name##_guard_t g = { raw.pool, (type *)raw.obj };              \
		return g;                                                      \
	}                                                                      \
	static inline void name##_guard_release(name##_guard_t *g)             \
	{                                                                      \
		if (!g)                                                        \
			return;                                                \
		pool_guard_t raw = { g->pool, g->obj };                        \
		g->pool = NULL;                                                \
		g->obj = NULL;                                                 \
		pool_guard_release(&raw);                                      \
	}                                                                      \
	static inline type *name##_guard_take(name##_guard_t *g)               \
	{                                                                      \
		if (!g)                                                        \
			return NULL;                                           \
		pool_guard_t raw = { g->pool, g->obj };                        \
		g->pool = NULL;                                                \
		g->obj = NULL;                                                 \
		return (type *)pool_guard_take(&raw);                          \
	}                                                                      \
	struct name##_guard

/* POOL_TYPED_GUARD - declare typed guard @var = name##_get(@pool),
 * released when @var goes out of scope (__attribute__((cleanup))). */
#define POOL_TYPED_GUARD(name, var, pool)                                      \
	name##_guard_t var __attribute__((cleanup(name##_guard_release))) =    \
		name##_get(pool)

#endif
