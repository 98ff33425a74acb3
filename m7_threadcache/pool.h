/* objpool milestone 7: the pool of milestone 6 with a per-thread cache in
 * front of it. A pool that costs less than malloc, and keeps that cost
 * when threads share it.
 *
 * Each thread keeps, for each pool it uses, a small cache of idle objects
 * (a "magazine", Bonwick's word): up to cache_size. pool_get takes from
 * this thread's cache, pool_guard_release puts into it; neither takes a
 * lock nor does an atomic read-modify-write while the cache can serve
 * them, which is almost always. Behind the caches sits the depot, the
 * shared idle list of milestone 6 under the pool's lock: a get that finds
 * the cache empty refills it from the depot (half a cache at once), a
 * release that finds it full flushes half of it there. Only then does
 * a thread take the lock.
 *
 *	pool_config_t config = { .factory = make, .destroy = destroy,
 *				 .max_size = 64, .cache_size = 16 };
 *	pool_t *pool = pool_build(&config);
 *	POOL_GUARD(g, pool);		// from this thread's cache: ~1 ns
 *
 * What max_size bounds now: the depot. Each thread that used the pool may
 * keep cache_size more idle objects (cache_size is at most max_size), so
 * a pool used by T threads keeps at most max_size * (T + 1) idle objects.
 * A release into a full cache moves half of it to the depot; what the
 * depot has no room for is destroyed.
 *
 * The rules of milestone 6 hold, with what a thread cache changes:
 * - Any thread may get; a guard may be released on any thread, and its
 *   object then joins that thread's cache.
 * - A thread that exits gives its cached objects back to the depot (those
 *   the depot has no room for are destroyed): nothing is stranded in a
 *   dead thread. A thread that lives on but stops using a pool keeps its
 *   cached objects until the pool ends: that is the price of the cache.
 * - pool_unref of the last reference from pool_build or pool_ref ends the
 *   pool: every idle object, in the depot and in every thread's cache,
 *   is destroyed then, exactly once. Guards still out keep the pool's
 *   memory alive for their own release or take, which destroy their
 *   object; the last of them frees the pool. A guard is therefore not a
 *   reference for pool_ref or pool_get: those need a reference from
 *   pool_build or pool_ref (milestone 6 let a guard holder pool_ref).
 * - The factory, reset and destroy callbacks never run while a lock is
 *   held, nor inside the fast path's busy window (pool.c), and must be
 *   safe to call from several threads at once.
 * - The statistics are counted per thread and summed by pool_stats: see
 *   pool_stats_t for what may lag.
 * - A process may build any number of pools, one after the other or at
 *   once; each gets an id never used before, so a pool built at the
 *   address of an ended one never sees that pool's objects in any cache.
 *   A thread keeps POOL_CACHE_SLOTS caches: two pools whose ids share a
 *   slot take turns in it, which costs a lock per turn.
 *
 * Everything below "internal" is the fast path, inline here so that a get
 * and a release cost a few instructions in the caller; the rest (refill,
 * flush, misses, thread exit, the end of a pool) is out of line in
 * pool.c.
 */
#ifndef OBJPOOL_M7_THREADCACHE_POOL_H
#define OBJPOOL_M7_THREADCACHE_POOL_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

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
 * and the guard's hold on the pool. (A factory may throw: the get is
 * counted as a miss, and nothing else has changed.) */

/* max_size when the configuration leaves it 0. */
#define POOL_DEFAULT_MAX_SIZE 100

/* cache_size when the configuration leaves it 0, and the most it can be. */
#define POOL_DEFAULT_CACHE_SIZE 16
#define POOL_MAX_CACHE_SIZE 64

/* How many pools one thread caches at once (a power of two). */
#define POOL_CACHE_SLOTS 16

/* How to build a pool. Zero fields take their defaults. */
typedef struct pool_config {
	pool_factory_fn factory; /* makes objects; required */
	pool_reset_fn reset;	 /* cleans a returned object; NULL: no reset */
	pool_destroy_fn destroy; /* frees objects; NULL: nothing to free */
	void *ctx;		 /* passed to the three callbacks as is */
	size_t max_size;	 /* the most idle objects in the depot; 0: the
				    default */
	size_t cache_size;	 /* the most idle objects one thread keeps of
				    this pool; 0: the default. Capped at
				    max_size and POOL_MAX_CACHE_SIZE */
} pool_config_t;

typedef struct pool pool_t;

/* An object on loan from a pool. Both fields are NULL when the guard holds
 * nothing: after a failed pool_get, a release or a take. While it holds an
 * object, the guard keeps the pool alive for its own release or take. */
typedef struct pool_guard {
	pool_t *pool; /* where the object goes back */
	void *obj;    /* the object; yours to use until the guard is released */
} pool_guard_t;

/* pool_build - create an empty pool from @config (copied: it may be a
 * temporary); the caller holds the pool's one reference.
 * Return: the pool, or NULL with errno EINVAL (no config, or no factory),
 * ENOMEM, or EAGAIN (the system lacks the resources for another mutex).
 * When the first call cannot set up the thread caches (ENOMEM, EAGAIN),
 * every later call fails with the same error.
 * Context: any thread; the first call sets up the thread caches (once
 * per process). */
OBJPOOL_MUST_CHECK
pool_t *pool_build(const pool_config_t *config);

/* pool_ref - take another reference to @pool, for example for a thread.
 * Only a holder of a reference from pool_build or pool_ref may take one
 * (a guard is not enough).
 * Return: @pool (NULL for NULL).
 * Context: any thread; one atomic add. */
pool_t *pool_ref(pool_t *pool);

/* pool_unref - drop a reference. The last one ends the pool: it destroys
 * every idle object, in the depot and in every thread's cache, and frees
 * the pool unless guards are still out (the last of them frees it).
 * NULL is fine. An extra unref ends the pool too early: every later use of
 * it is a use-after-free.
 * Context: any thread; one atomic subtract but for the last reference,
 * which takes the lock of the thread caches and the pool's lock, and
 * waits until no other thread is inside the fast path of a release. */
void pool_unref(pool_t *pool);

/* pool_preallocate - make @count objects with the factory and keep them
 * idle in the depot.
 * Return: 0; -EINVAL for a NULL pool; -ENOSPC when more than max_size
 * objects would be in the depot (nothing is made); -ENOMEM when memory is
 * short, -EOVERFLOW when the depot could not even be addressed; or the
 * factory's error (-errno). On an error after the start,
 * the objects made before it stay in the pool. Should other threads fill
 * the depot meanwhile, the objects that find it full are destroyed.
 * Context: takes the pool's lock; calls the factory without it. */
OBJPOOL_MUST_CHECK
int pool_preallocate(pool_t *pool, size_t count);

/* pool_get - take an idle object from this thread's cache; when it is
 * empty, refill it from the depot; when that is empty too, make one.
 * Return: a guard holding the object; or a guard holding nothing, with
 * errno EINVAL for a NULL pool, ENOMEM when memory is short, or the
 * factory's errno. A failed get on a pool counts as a get, a miss and a
 * failure (see pool_stats_t).
 * Context: the caller holds a reference from pool_build or pool_ref. No
 * lock and no atomic read-modify-write while this thread's cache has an
 * object; otherwise takes the pool's lock (and, the first time a thread
 * uses the pool, the lock of the thread caches); calls the factory
 * without a lock. Inline. */
OBJPOOL_MUST_CHECK
static inline pool_guard_t pool_get(pool_t *pool);

/* pool_guard_release - reset the guard's object, then put it in this
 * thread's cache; when the cache is full, first move half of it to the
 * depot, and destroy what the depot has no room for. When the pool has
 * ended (pool_unref of its last reference), destroy the object instead,
 * and free the pool if this was the last guard out. The guard is left
 * empty: a second release, or releasing NULL, does nothing. Cannot fail.
 * The reset hook runs before the pool knows whether the object will be
 * kept, so it may also run on an object then destroyed.
 * Context: any thread, not only the one that got the object. No lock and
 * no atomic read-modify-write while this thread's cache has room;
 * otherwise takes the pool's lock; calls reset and destroy without a
 * lock. Inline. */
static inline void pool_guard_release(pool_guard_t *guard);

/* pool_guard_take - detach the object from the guard and from the pool:
 * the caller owns it, as it is (no reset), and must destroy it. Ends the
 * guard's hold on the pool, which may free an ended pool.
 * Return: the object, NULL for an empty guard or NULL.
 * Context: any thread; takes the pool's lock. */
OBJPOOL_MUST_CHECK
void *pool_guard_take(pool_guard_t *guard);

/* POOL_GUARD - declare guard @name = pool_get(@pool), released when @name
 * goes out of scope (__attribute__((cleanup))). */
#define POOL_GUARD(name, pool)                                                 \
	pool_guard_t name __attribute__((cleanup(pool_guard_release))) =       \
		pool_get(pool)

/* Counters; each is 0 for a NULL pool. Each call takes a snapshot and
 * reads one counter of it: with other threads at work, two calls are two
 * moments. */
size_t pool_available(const pool_t *pool); /* idle objects, caches included */
size_t pool_allocated(const pool_t *pool); /* objects out in guards now */
size_t pool_created_count(const pool_t *pool); /* objects the factory made */
size_t pool_len(const pool_t *pool); /* the spec's name: pool_available */

/* The pool's statistics. Every thread counts its own gets from its cache
 * (and the objects it handed out and took back) in its cache, with plain
 * stores; pool_stats adds them up with what the depot counted under the
 * lock. The snapshot is exact whenever no other thread is inside a call
 * on the pool, for example once the threads that used it are joined, or
 * have passed a barrier after their last call; then
 *	gets = hits + misses
 *	allocated <= peak_allocated
 *	available = depot + cached, cached <= threads * cache_size
 *	created_count = available + allocated + destroyed_count
 *			+ objects taken out with pool_guard_take
 * While other threads are inside calls, gets = hits + misses still holds
 * and no counter goes back, but hits, allocated, available and cached may
 * lag behind the other threads' latest fast-path gets and releases by a
 * few each (a thread's cache and its counters are read at slightly
 * different moments), so the last equation may be off by that much.
 * A get that finds no idle object in the cache or the depot is a miss,
 * whether or not it then succeeds; a miss that hands out nothing is also a
 * failure. peak_allocated is the most objects out of the depot at once,
 * out in guards or idle in threads' caches: it is measured when objects
 * leave the depot (refill, miss), so it is an upper bound of the most
 * objects that were out in guards. */
typedef struct pool_stats {
	size_t gets;		/* pool_get calls on the pool */
	size_t hits;		/* gets served by an idle object */
	size_t misses;		/* gets that found no idle object */
	size_t failures;	/* misses that handed out nothing (errors) */
	size_t created_count;	/* objects made, preallocated ones included */
	size_t destroyed_count; /* objects destroyed: the depot was full */
	size_t peak_allocated;	/* the most objects out of the depot at once */
	size_t allocated;	/* objects out now */
	size_t available;	/* idle objects now, depot and caches */
	size_t cached;		/* of available, those in threads' caches */
	size_t max_size;	/* the most idle objects in the depot
				   (configuration) */
	size_t cache_size;	/* the most idle objects per thread cache
				   (configuration, after the caps) */
} pool_stats_t;

/* pool_stats - all the counters, summed over the depot and every thread's
 * cache; all zero for a NULL pool. See pool_stats_t for when it is exact.
 * Context: takes the lock of the thread caches and the pool's lock. */
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
 *	- Available: 10 (6 in thread caches)
 * and, when objects were destroyed because the depot was full and the
 * peak exceeds max_size (the pool keeps fewer objects than its load
 * needs), a last line
 *	- Recommendation: raise max_size from 4 to 8 (the peak); 3 objects
 *	  were destroyed because the pool was full
 * (one line in the report).
 * Return: the length of the whole report (not counting the NUL), as
 * snprintf: a value >= @size means @buf was too small; -EINVAL for a NULL
 * pool, or a NULL @buf with @size > 0.
 * Context: takes one snapshot (pool_stats). */
int pool_stats_report(const pool_t *pool, char *buf, size_t size);

/* --- internal: the fast path ---------------------------------------------
 *
 * Not part of the API; pool.c explains the design. Names with two
 * underscores are internal.
 *
 * A pool has a pool__head POOL__HEAD_OFFSET bytes in, which the inline
 * functions read; the bytes around it are padding, so that no write, to
 * the pool or to a neighbouring allocation, shares its cache line. A
 * thread's caches are one thread-local pool__tcache: POOL_CACHE_SLOTS
 * slots, pool id i in slot i % POOL_CACHE_SLOTS. The owner thread writes
 * its slots; other threads read them only under the lock of the thread
 * caches (pool_stats, the end of a pool), which also unbinds a slot of an
 * ended pool (id = 0); so id, nh and base are accessed with relaxed
 * atomic loads and stores: plain moves on x86, no lock prefix.
 *
 * pool__tc is initial-exec TLS: it lies at the same distance from the
 * thread pointer in every thread, so a pool stores its slot's distance
 * (head.slot) and a fast path finds this thread's slot with one add to
 * the thread pointer, which the compiler keeps in a register across a
 * loop. The price, as for jemalloc's and tcmalloc's initial-exec TLS: the
 * pool must be in the program or in a library loaded with it, not in one
 * loaded later with dlopen (which then fails: "cannot allocate memory in
 * static TLS block"). */

struct pool__head {
	uint64_t id;	     /* never reused; 0 is no pool */
	uintptr_t slot;	     /* where a thread's slots[id %
				    POOL_CACHE_SLOTS] is: its distance
				    from the thread's POOL__TP(), the same
				    in every thread */
	pool_reset_fn reset; /* the configuration's */
	void *ctx;	     /* the configuration's */
};

/* One pool's cache in one thread. The guards this thread got minus those
 * it released, out, is base - n: a fast get takes an object (n - 1) and
 * hands out a guard (out + 1), a fast release the reverse, so neither
 * has to write out, and base changes only when refill or flush move
 * objects between the slot and the depot, under the pool's lock.
 *
 * n and hits share one word, nh = hits << POOL__N_BITS | n, which only
 * the slot's own thread writes: a fast get is one add to it (hits + 1,
 * n - 1), a fast release another (n + 1). n <= POOL_MAX_CACHE_SIZE never
 * carries into hits; hits would need 2^56 gets to overflow. id stays a
 * word of its own: the end of a pool stores 0 in it from another thread
 * while this thread may be storing nh, and neither store may undo the
 * other (pool.c). */
struct pool__slot {
	uint64_t id;   /* the pool cached here; 0: none, or a pool
				    being ended (pool still set) */
	uint64_t nh;   /* hits << POOL__N_BITS | n (above): hits,
				    the gets served from objs[]; n, the
				    objects in objs[] */
	uint32_t cap;  /* the pool's cache_size */
	int busy;      /* 1 while this thread is inside the fast
				    path of a release into this slot */
	intptr_t base; /* n + out (see above) */
	pool_t *pool;  /* the pool cached here; NULL: none */
	void *objs[POOL_MAX_CACHE_SIZE]; /* idle objects, last in first out */
};

#define POOL__N_BITS 8
#define POOL__N_MASK ((1u << POOL__N_BITS) - 1)
#define POOL__HIT ((uint64_t)1 << POOL__N_BITS) /* one hit in nh */

struct pool__tcache {
	int registered;			  /* on the list that pool.c walks */
	struct pool__tcache *next, *prev; /* that list */
	struct pool__slot slots[POOL_CACHE_SLOTS];
};

extern __thread struct pool__tcache pool__tc
	__attribute__((tls_model("initial-exec")));

/* The slow paths, in pool.c. pool__get_slow returns the object, or NULL
 * with errno set. */
void *pool__get_slow(pool_t *pool);
void pool__release_slow(pool_t *pool, void *obj);

/* Tests only: pools built while @off is not 0 bind no slot, as where
 * membarrier is missing: every get and release works with the depot,
 * under the lock. */
void pool__no_caches_for_testing(int off);

/* The thread pointer (%fs:0 on x86-64). Without the builtin: pool__tc's
 * address, which pool.c then measures head.slot from. pool.c and the
 * code that calls pool_get must make the same choice: build them with
 * compilers that agree on the builtin. */
#ifdef __has_builtin
#if __has_builtin(__builtin_thread_pointer)
#define POOL__TP() ((uintptr_t)__builtin_thread_pointer())
#endif
#endif
#ifndef POOL__TP
#define POOL__TP() ((uintptr_t)&pool__tc)
#endif

/* @cond holds. Without NDEBUG an assert checks it; with NDEBUG the
 * compiler is told it and may drop code that tests it. */
#ifdef NDEBUG
#define POOL__ASSUME(cond) ((cond) ? (void)0 : __builtin_unreachable())
#else
#define POOL__ASSUME(cond) assert(cond)
#endif

#define POOL__LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define POOL__STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

#define POOL__HEAD_OFFSET 64

static inline const struct pool__head *pool__head_of(const pool_t *pool)
{
	return (const struct pool__head *)((const char *)pool +
					   POOL__HEAD_OFFSET);
}

/* This thread's slot for the pool of @h: the thread pointer plus a
 * distance the pool computed once (no multiplication here). */
static inline struct pool__slot *pool__my_slot(const struct pool__head *h)
{
	return (struct pool__slot *)(POOL__TP() + h->slot);
}

/* The guard's pool is set before the test and cleared only when the slow
 * path fails, and a cached object is never NULL (a release of nothing
 * caches nothing): so on the fast path the compiler knows both, and drops
 * the caller's test of g.obj and a reload of the pool for the release. */
static inline pool_guard_t pool_get(pool_t *pool)
{
	pool_guard_t g = { pool, NULL };

	if (__builtin_expect(pool != NULL, 1)) {
		const struct pool__head *h = pool__head_of(pool);
		struct pool__slot *s = pool__my_slot(h);
		uint64_t nh = POOL__LOAD(&s->nh);
		size_t n =
			nh & POOL__N_MASK; /* a word: objs[n - 1] is one move */

		if (__builtin_expect(POOL__LOAD(&s->id) == h->id && n > 0, 1)) {
			g.obj = s->objs[n - 1];
			POOL__STORE(&s->nh,
				    nh + POOL__HIT - 1); /* hits + 1, n - 1 */
			POOL__ASSUME(g.obj != NULL);
			return g;
		}
	}
	g.obj = pool__get_slow(pool);
	if (!g.obj)
		g.pool = NULL;
	return g;
}

static inline void pool_guard_release(pool_guard_t *guard)
{
	if (!guard || !guard->obj)
		return;
	pool_t *pool = guard->pool;
	void *obj = guard->obj;
	const struct pool__head *h = pool__head_of(pool);

	guard->pool = NULL;
	guard->obj = NULL;
	if (h->reset)
		h->reset(obj, h->ctx);
	struct pool__slot *s = pool__my_slot(h);

	/* busy tells a pool_unref that ends the pool to wait (pool.c). */
	POOL__STORE(&s->busy, 1);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	uint64_t nh = POOL__LOAD(&s->nh);
	uint32_t n = nh & POOL__N_MASK;

	if (__builtin_expect(POOL__LOAD(&s->id) == h->id && n < s->cap, 1)) {
		s->objs[n] = obj;
		POOL__STORE(&s->nh, nh + 1); /* n + 1 */
		__atomic_store_n(&s->busy, 0, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&s->busy, 0, __ATOMIC_RELEASE);
	pool__release_slow(pool, obj);
}

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
