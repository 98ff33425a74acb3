/* objpool milestone 8 (beyond the spec): a bounded pool for scarce
 * objects such as database connections. Milestone 6's pool, plus:
 *
 *   - max_total bounds the objects in existence (out + idle). When all
 *     are out, pool_get waits, at most max_wait_ns (30 s by default,
 *     never forever unless asked), pool_get_until until an absolute
 *     CLOCK_MONOTONIC deadline, pool_try_get not at all. Waiters are
 *     served first come, first served: a returned object, or a slot
 *     freed by a destroyed one, goes to the longest waiter, never to a
 *     thread that arrives later.
 *   - validate checks an object before it is handed out again; a broken
 *     one is destroyed and the get goes on. pool_guard_discard destroys
 *     an object its user saw break.
 *   - max_lifetime_ns and idle_timeout_ns retire old and long-idle
 *     objects; pool_evict sweeps the idle ones now.
 *   - Each loan records the file:line that took it; pool_leaks_report
 *     names the loans out longer than leak_threshold_ns.
 *   - A guard carries a generation: releasing a stale copy of a guard, a
 *     guard of another pool or garbage changes nothing and is counted.
 *   - The statistics count waits, timeouts, evictions, leaks, bad releases
 *     and the time-weighted average of objects out.
 *
 *	pool_config_t config = {
 *		.factory = connect, .validate = is_alive, .destroy = disconnect,
 *		.ctx = &db, .max_total = 10, .max_wait_ns = 2000000000,
 *		.leak_threshold_ns = 60000000000,
 *	};
 *	pool_t *pool = pool_build(&config);
 *	...
 *	POOL_GUARD(conn, pool);		// waits up to 2 s for a connection
 *	if (!conn.obj)
 *		return -errno;		// ETIMEDOUT: all 10 are busy
 *	if (query(conn.obj) == BROKEN)
 *		pool_guard_discard(&conn);	// not back into the pool
 *
 * Time: deadlines and waits are on CLOCK_MONOTONIC. Ages, idle and out
 * times and the average of objects out are recorded on
 * CLOCK_MONOTONIC_COARSE, a kernel tick (1-4 ms) coarser and far cheaper
 * to read: lifetimes, idle timeouts and leak thresholds are meant in
 * seconds or minutes, and are kept to within a tick.
 *
 * Threads: as milestone 6. A mutex guards the pool's state; each waiter
 * sleeps on its own condition variable. The factory, reset, validate and
 * destroy callbacks never run while the lock is held, and must be safe to
 * call from several threads at once. One guard belongs to one thread at a
 * time: pass it on, do not share it.
 */
#ifndef OBJPOOL_M8_BOUNDED_POOL_H
#define OBJPOOL_M8_BOUNDED_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

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

/* Checks an idle object before it is handed out. Return: true when it
 * works, false when it is broken (the pool destroys it). */
typedef bool (*pool_validate_fn)(void *obj, void *ctx);

/* The callbacks run inside pool calls and must return normally, but for
 * the factory: a factory may throw a C++ exception (pool.c is built with
 * -fexceptions), and the get is then counted as a miss and a failure and
 * its place in max_total passes on, to a waiter if there is one. A
 * longjmp out of any callback, or an exception out of validate, reset or
 * destroy, leaves the pool's place for that object busy for good: the
 * pool is one object smaller. */

/* max_size when the configuration leaves it 0. */
#define POOL_DEFAULT_MAX_SIZE 100

/* max_wait_ns when the configuration leaves it 0: 30 s. */
#define POOL_DEFAULT_MAX_WAIT_NS UINT64_C(30000000000)

/* How to build a pool. Zero fields take their defaults. */
typedef struct pool_config {
	pool_factory_fn factory; /* makes objects; required */
	pool_reset_fn reset;	 /* cleans a returned object; NULL: no reset */
	pool_destroy_fn destroy; /* frees objects; NULL: nothing to free */
	void *ctx;		 /* passed to the callbacks as is */
	/* The most idle objects kept; 0: max_total, or without one
	 * POOL_DEFAULT_MAX_SIZE. */
	size_t max_size;
	/* The most objects in existence: out, idle, being made or
	 * destroyed; 0: no bound. */
	size_t max_total;
	uint64_t max_wait_ns;	    /* pool_get's longest wait; 0: 30 s */
	pool_validate_fn validate;  /* checks a reused object; NULL: none */
	uint64_t max_lifetime_ns;   /* older objects are destroyed; 0: never */
	uint64_t idle_timeout_ns;   /* idle longer: destroyed; 0: never */
	uint64_t leak_threshold_ns; /* out longer: a suspected leak; 0: off */
} pool_config_t;

typedef struct pool pool_t;

/* An object on loan from a pool. pool and obj are NULL when the guard
 * holds nothing: after a failed get, a release, a discard or a take.
 * While it holds an object, the guard holds a reference to the pool.
 * slot and gen name the loan: the pool checks them on release, so that a
 * stale copy of the guard (C copies structs) cannot return the object a
 * second time. Do not change them. */
typedef struct pool_guard {
	pool_t *pool; /* where the object goes back */
	void *obj;    /* the object; yours to use until the guard is released */
	size_t slot;  /* the pool's record of the loan */
	uint64_t gen; /* which loan of that record; never 0 for a real loan */
} pool_guard_t;

/* pool_build - create an empty pool from @config (copied: it may be a
 * temporary); the caller holds the pool's one reference.
 * Return: the pool, or NULL with errno EINVAL (no config, or no factory),
 * ENOMEM, or EAGAIN (the system lacks the resources for another mutex). */
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
 * frees the pool. NULL is fine. No guard and no waiter may be left: each
 * holds a reference. An extra unref frees the pool too early: every later
 * use of it is a use-after-free.
 * Context: any thread; takes no lock, not even for the last reference (no
 * other thread can reach the pool then). Never call it with the pool's
 * lock held: the last reference would free the held lock. */
void pool_unref(pool_t *pool);

/* pool_preallocate - make @count objects with the factory and keep them
 * idle (or hand them to waiters).
 * Return: 0; -EINVAL for a NULL pool; -ENOSPC when more than max_size
 * objects would be idle, or more than max_total would exist (nothing is
 * made), or when other threads took the room meanwhile; -EOVERFLOW when
 * the places for @count more objects could not even be addressed (nothing
 * is made: the places for them all are reserved first); -ENOMEM when
 * memory is short; or the factory's error (-errno). On an error after the
 * start, the objects made before it stay in the pool.
 * Context: takes the lock; calls the factory without it. */
OBJPOOL_MUST_CHECK
int pool_preallocate(pool_t *pool, size_t count);

/* pool_get_until_at - take an object: an idle one (validated, when the
 * pool has a validate callback, and not expired), or a new one when fewer
 * than max_total exist; otherwise wait in line until one is returned or
 * destroyed, or until @deadline (absolute, on CLOCK_MONOTONIC; NULL: no
 * deadline). @file and @line name the caller in the leak report; the
 * macros below pass them.
 * Return: a guard holding the object and a reference to the pool; or an
 * empty guard with errno EINVAL (a NULL pool, a @deadline whose tv_nsec is
 * not in [0, 1e9)), ETIMEDOUT (the deadline passed), ENOMEM, or the
 * factory's errno. A deadline already past takes what is there without
 * waiting. Every call counts as a get: a hit when it hands out an object
 * that was idle or returned, else a miss (and then a failure when it hands
 * out nothing).
 * Context: takes the lock; sleeps without it; calls the factory, validate
 * and destroy without it. */
OBJPOOL_MUST_CHECK
pool_guard_t pool_get_until_at(pool_t *pool, const struct timespec *deadline,
			       const char *file, int line);

/* pool_get_at - pool_get_until_at with a deadline max_wait_ns after the
 * get joins the line (a get that need not wait reads no clock for it).
 * Return: as pool_get_until_at (ETIMEDOUT after max_wait_ns).
 * Context: as pool_get_until_at. */
OBJPOOL_MUST_CHECK
pool_guard_t pool_get_at(pool_t *pool, const char *file, int line);

/* pool_try_get_at - pool_get_until_at without waiting.
 * Return: as pool_get_until_at, with errno EAGAIN where it would wait.
 * Context: as pool_get_until_at, never sleeps (the callbacks may). */
OBJPOOL_MUST_CHECK
pool_guard_t pool_try_get_at(pool_t *pool, const char *file, int line);

/* pool_get, pool_try_get, pool_get_until: the calls to write; they record
 * the caller's file and line. */
#define pool_get(pool) pool_get_at((pool), __FILE__, __LINE__)
#define pool_try_get(pool) pool_try_get_at((pool), __FILE__, __LINE__)
#define pool_get_until(pool, deadline)                                         \
	pool_get_until_at((pool), (deadline), __FILE__, __LINE__)

/* pool_guard_release - give the guard's object back: reset it and hand it
 * to the longest waiter, or keep it idle; destroy it instead when it is
 * past max_lifetime_ns, or when max_size objects are already idle. Then
 * drop the guard's reference to the pool, which may free it. The guard is
 * left empty: a second release, or releasing NULL or an empty guard, does
 * nothing. A guard the pool did not lend out as it is (a stale copy of a
 * released guard, a guard of another pool, garbage) changes nothing in
 * the pool but its bad_releases count. Cannot fail.
 * Context: any thread, not only the one that got the object; takes the
 * lock; calls reset and destroy without it. */
void pool_guard_release(pool_guard_t *guard);

/* pool_guard_discard - destroy the guard's object instead of returning it
 * (its user saw it break), free its place for a waiter, and drop the
 * guard's reference. The guard is left empty; bad guards as for
 * pool_guard_release.
 * Context: any thread; takes the lock; calls destroy without it. */
void pool_guard_discard(pool_guard_t *guard);

/* pool_guard_take - detach the object from the guard and from the pool:
 * the caller owns it, as it is (no reset), and must destroy it; its place
 * in max_total goes to a waiter. Drops the guard's reference.
 * Return: the object; NULL for an empty guard, NULL, or a bad guard (as
 * for pool_guard_release: counted, nothing else changes).
 * Context: any thread; takes the lock. */
OBJPOOL_MUST_CHECK
void *pool_guard_take(pool_guard_t *guard);

/* POOL_GUARD - declare guard @name = pool_get(@pool), released when @name
 * goes out of scope (__attribute__((cleanup))). */
#define POOL_GUARD(name, pool)                                                 \
	pool_guard_t name __attribute__((cleanup(pool_guard_release))) =       \
		pool_get(pool)

/* pool_evict - destroy the idle objects past max_lifetime_ns or
 * idle_timeout_ns now, and give their places to waiters. The pool starts
 * no thread: call it from a timer of yours, or let gets and releases
 * retire expired objects as they meet them.
 * Return: how many objects were destroyed; 0 for a NULL pool.
 * Context: takes the lock; calls destroy without it. */
size_t pool_evict(pool_t *pool);

/* pool_leaks_report - write the loans out longer than leak_threshold_ns,
 * each with the file:line that took it, to @buf with snprintf semantics
 * (as pool_stats_report):
 *	Suspected leaks (out longer than 5000.0 ms): 1
 *	- 0x5581c0 out for 7012.3 ms, taken at server.c:42
 * or, when leak_threshold_ns is 0, the one line
 *	Suspected leaks: not tracked (leak_threshold_ns is 0)
 * Return: the length of the whole report; -EINVAL for a NULL pool, or a
 * NULL @buf with @size > 0.
 * Context: takes the lock once, while it writes. */
int pool_leaks_report(const pool_t *pool, char *buf, size_t size);

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
 *	total = allocated + available + objects inside a pool call (being
 *		made, validated, reset or destroyed) <= max_total (when set)
 *	created_count = total + destroyed_count + validation_failures
 *			+ discarded + evicted_lifetime + evicted_idle
 *			+ objects taken out with pool_guard_take
 *			- places that hold no object yet (a factory call on
 *			  its way)
 * A get that hands out an idle or returned object is a hit; every other
 * get is a miss (it made an object, or failed); a miss that hands out
 * nothing is a failure (timeouts included). */
typedef struct pool_stats {
	size_t gets;		/* get calls that have returned */
	size_t hits;		/* gets served by an existing object */
	size_t misses;		/* the other gets */
	size_t failures;	/* misses that handed out nothing */
	size_t created_count;	/* objects made, preallocated ones included */
	size_t destroyed_count; /* objects destroyed: max_size were idle */
	size_t peak_allocated;	/* the most objects out at once */
	size_t allocated;	/* objects out now */
	size_t available;	/* idle objects now */
	size_t max_size;	/* the most idle objects kept (configuration) */
	size_t total;		/* objects in existence now (see above) */
	size_t max_total;	/* the bound (configuration); 0: none */
	size_t waits;		/* gets that had to wait in line */
	size_t timeouts;	/* gets that gave up: ETIMEDOUT, EAGAIN */
	size_t waiting;		/* threads waiting now */
	size_t peak_waiting;	/* the most threads waiting at once */
	uint64_t wait_ns_total; /* time spent waiting, all waits */
	uint64_t wait_ns_max;	/* the longest wait */
	size_t validation_failures; /* objects validate found broken */
	size_t discarded;	    /* objects given to pool_guard_discard */
	size_t evicted_lifetime;    /* destroyed past max_lifetime_ns */
	size_t evicted_idle;	    /* destroyed past idle_timeout_ns */
	size_t suspected_leaks;	    /* out longer than leak_threshold_ns now */
	size_t bad_releases;	    /* stale, foreign or garbage guards given */
	/* Objects out, averaged over the time since pool_build: the spec's
	 * "Avg allocated". */
	double avg_allocated;
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
 *	- Avg allocated: 3.2
 *	- Total: 10 of 10
 *	- Waits: 12 (avg 1.5 ms, max 4.0 ms)
 *	- Timeouts: 0
 *	- Waiting: 0 (peak 3)
 *	- Validation failures: 0
 *	- Discarded: 0
 *	- Evicted: 0 (lifetime), 0 (idle)
 *	- Suspected leaks: 0
 *	- Bad releases: 0
 * ("Total: 10" alone when there is no bound), then up to two
 * recommendation lines, each one line in the report:
 *	- Recommendation: raise max_size from 4 to 8 (the peak); 3 objects
 *	  were destroyed because the pool was full
 * when objects were destroyed for want of idle room and the peak exceeds
 * max_size, and
 *	- Recommendation: raise max_total from 10 to 13; gets that gave
 *	  up: 2, that waited: 12 of 100, most waiting at once: 3
 * when a get gave up (ETIMEDOUT, EAGAIN) or more than one get in ten
 * waited; the figure is max_total plus the most threads that waited at
 * once (at least one more). Check first that the objects are not held
 * longer than they need, and that what they stand for (a database) can
 * take more.
 * Return: the length of the whole report (not counting the NUL), as
 * snprintf: a value >= @size means @buf was too small; -EINVAL for a NULL
 * pool, or a NULL @buf with @size > 0.
 * Context: takes the lock once, for the snapshot. */
int pool_stats_report(const pool_t *pool, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

/* POOL_TYPED - declare a typed face of the pool for objects of @type:
 *	name##_guard_t		{ pool_t *pool; type *obj; size_t slot;
 *				  uint64_t gen; }
 *	name##_guard_t name##_get_at(pool_t *, const char *file, int line)
 *	name##_guard_t name##_get(pool_t *)	records the line of POOL_TYPED
 *	void name##_guard_release(name##_guard_t *)
 *	void name##_guard_discard(name##_guard_t *)
 *	type *name##_guard_take(name##_guard_t *)
 * Write it at file scope, with a semicolon, like a declaration.
 * POOL_TYPED_GUARD(name, var, pool) then declares a typed guard, taken
 * with pool_get's wait and released at scope exit. The pool is the same
 * pool_t and the functions behave as their untyped twins; only the guard
 * is typed, so the compiler checks what the code does with the object:
 *
 *	struct conn { int fd; };
 *	POOL_TYPED(conn_pool, struct conn);
 *	...
 *	POOL_TYPED_GUARD(conn_pool, c, pool);
 *	if (c.obj)
 *		send(c.obj->fd, ...);	// c.obj is a struct conn *
 *
 * The pool does not know the type: build it with a factory that makes
 * @type objects. The trailing struct declaration only takes the
 * semicolon.
 */
#define POOL_TYPED(name, type)                                                 \
	typedef struct name##_guard {                                          \
		pool_t *pool; /* where the object goes back */                 \
		type *obj;    /* the object, NULL when the guard is empty */   \
		size_t slot;  /* the loan, as in pool_guard_t */               \
		uint64_t gen;                                                  \
	} name##_guard_t;                                                      \
	static inline name##_guard_t name##_typed(pool_guard_t raw)            \
	{                                                                      \
		name##_guard_t g = { raw.pool, (type *)raw.obj, raw.slot,      \
				     raw.gen };                                \
		return g;                                                      \
	}                                                                      \
	static inline pool_guard_t name##_raw(name##_guard_t *g)               \
	{                                                                      \
		pool_guard_t raw = { g->pool, g->obj, g->slot, g->gen };       \
		name##_guard_t empty = { NULL, NULL, 0, 0 };                   \
		*g = empty;                                                    \
		return raw;                                                    \
	}                                                                      \
	static inline name##_guard_t name##_get_at(pool_t *pool,               \
						   const char *file, int line) \
	{                                                                      \
		return name##_typed(pool_get_at(pool, file, line));            \
	}                                                                      \
	static inline name##_guard_t name##_get(pool_t *pool)                  \
	{                                                                      \
		return name##_get_at(pool, __FILE__, __LINE__);                \
	}                                                                      \
	static inline void name##_guard_release(name##_guard_t *g)             \
	{                                                                      \
		if (g) {                                                       \
			pool_guard_t raw = name##_raw(g);                      \
			pool_guard_release(&raw);                              \
		}                                                              \
	}                                                                      \
	static inline void name##_guard_discard(name##_guard_t *g)             \
	{                                                                      \
		if (g) {                                                       \
			pool_guard_t raw = name##_raw(g);                      \
			pool_guard_discard(&raw);                              \
		}                                                              \
	}                                                                      \
	static inline type *name##_guard_take(name##_guard_t *g)               \
	{                                                                      \
		if (!g)                                                        \
			return NULL;                                           \
		pool_guard_t raw = name##_raw(g);                              \
		return (type *)pool_guard_take(&raw);                          \
	}                                                                      \
	struct name##_guard

/* POOL_TYPED_GUARD - declare typed guard @var = name##_get_at(@pool, this
 * file, this line), released when @var goes out of scope. */
#define POOL_TYPED_GUARD(name, var, pool)                                      \
	name##_guard_t var __attribute__((cleanup(name##_guard_release))) =    \
		name##_get_at((pool), __FILE__, __LINE__)

#endif
