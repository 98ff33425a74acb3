/* Milestone 7: per-thread caches in front of milestone 6's pool.
 *
 * The design, in the order a reader meets it:
 *
 * Caches. Each thread has one pool__tcache (pool.h), thread-local, with
 * POOL_CACHE_SLOTS slots; pool id i uses slot i % POOL_CACHE_SLOTS. A slot
 * holds up to cache_size idle objects of one pool and that thread's
 * counters for it: hits, and out, the guards got minus the guards
 * released on this thread (kept as base - n, pool.h; a guard released on
 * another thread makes one thread's out go up and another's down). The
 * inline fast paths in pool.h touch only this slot and
 * the pool's read-only head: no lock, no atomic read-modify-write, no
 * shared cache line written.
 *
 * Depot. The pool's idle list of milestone 6, under the pool's lock, with
 * the counters that the slow paths keep (misses, creations, destructions,
 * the guards they counted: pool->out). Refill moves half a cache from the
 * depot, flush half a cache to it; what the depot, bounded by max_size,
 * has no room for is destroyed. The depot has a place reserved for every
 * live object (created - destroyed - taken), so no put into it ever
 * allocates or fails, not even at the end of the pool.
 *
 * The lock of the thread caches (caches_lock) guards the list of
 * registered caches, the binding of any slot to a pool (bind, evict, the
 * end of a pool) and the holds of ended pools. Lock order: caches_lock,
 * then a pool's lock. The fast paths never take it.
 *
 * Pool ids. An id comes from a 64-bit counter and is never reused: a slot
 * whose id is not the pool's is a slot of another pool, even when a new
 * pool was built at an ended pool's address. The end of a pool unbinds its
 * slots (id 0) in every thread, under caches_lock.
 *
 * References, percpu_ref style. pool_build and pool_ref take a reference
 * in pool->ref, one atomic count, as in milestone 6. A guard's hold on the
 * pool is not in that count: it is counted in the slot of the thread that
 * got it (out = base - n, pool.h) and taken off in the slot of the thread
 * that releases it, or in pool->out for the slow paths. Those counts are
 * per thread and written with plain stores, which is what keeps a get and
 * a release off every shared cache line. Their sum is the number of
 * guards out, and nobody needs it while the pool has references: the
 * pool is alive. When the last reference goes (end_pool), the pool
 * switches to one count, pool->holds, under caches_lock: guards out +
 * objects being destroyed outside the lock (pool->pins) + 1 for the ender
 * itself. From then on every release, take and unpin subtracts from
 * pool->holds under caches_lock, and whoever brings it to 0 frees the
 * pool.
 *
 * The switch is the hard part. Once the last reference is gone no thread
 * can get from the pool (a get needs a reference), and every get happened
 * before the last pool_unref (the acq_rel count orders them), so the ender
 * sees every get's count. Releases, though, may run concurrently: a guard
 * does not need a reference. A release's fast path reads its slot's id,
 * and if it is still the pool's puts the object in the slot, with plain
 * stores. The ender must not sum the slots while such a release is between
 * its read and its stores, or it would miss the object and its count (a
 * pool never freed, an object never destroyed). So, as Linux's percpu_ref
 * waits for an RCU grace period before it reads the per-CPU counts:
 *   the release: busy = 1 in its slot; compiler barrier; read the slot's
 *	id; if it is the pool's, store into the slot; busy = 0 (release
 *	order);
 *   the ender: set every slot's id of the pool to 0 (pool stays set);
 *	membarrier(); wait until the busy of the pool's slot is 0 in every
 *	registered thread (acquire); only then read and empty the slots.
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) makes every other running
 * thread of the process execute a full memory barrier before it returns.
 * A release whose read of the id came before that barrier had stored
 * busy = 1 before it, and the barrier makes that store visible: the ender
 * sees busy = 1 and waits for the release to finish. A release whose read
 * came after the barrier sees id 0 and takes the slow path, which finds
 * the pool ended under the pool's lock and counts itself in pool->holds.
 * The release pays two plain stores to its own cache line and a compiler
 * barrier; the ender pays a system call. busy is in the slot, not one
 * per thread: a release of this pool can only be in this pool's slot,
 * so that is the busy the ender must wait for, and the slot's address is
 * all the fast path computes. The slot's id is a word of its own, which
 * the release only reads: were it in nh, the word the release loads and
 * stores back (pool.h), a release that loaded it before the ender's 0
 * would store the old id back after it, and the next release on that
 * thread would go fast into a slot the ender is reading. Where
 * membarrier is missing, no slot is ever bound: every get and release
 * works with the depot, correct and slower.
 *
 * Nothing that runs with busy = 1 takes a lock or calls a callback, so the
 * ender may wait for busy while it holds caches_lock. Objects that must be
 * destroyed outside the locks while the pool lives are counted in
 * pool->pins meanwhile, so that the end of the pool waits for them too.
 */
#define _GNU_SOURCE /* syscall, sched_yield */

#include "m7_threadcache/pool.h"

#include <assert.h>
#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/mutex.h"
#include "common/refcount.h"
#include "common/vec.h"

struct pool {
	char pad_before[POOL__HEAD_OFFSET]; /* keep head's cache line */
	struct pool__head head;		    /* the inline fast paths read it */
	char pad_after[64];		    /* ... read-only */
	refcount_atomic_t ref; /* references from pool_build and pool_ref */
	mutex_t lock;	       /* guards every field below it */
	vec_t depot;	       /* idle objects; last in, first out; with a
				    place for every live object */
	pool_stats_t stats;    /* the slow paths' counters; gets, allocated,
				    available, cached are computed */
	size_t taken;	       /* objects taken out with pool_guard_take */
	intptr_t out;	       /* guards counted here, not in a slot (slow
				    paths, slots given back) */
	size_t pins;	       /* objects being destroyed outside the lock */
	bool ended;	       /* the last reference is gone; also read under
				    caches_lock, written under both */
	size_t holds;	       /* once ended, under caches_lock: guards out,
				    pins and the ender's; 0 frees the pool */
	/* Set by pool_build, read-only after: */
	bool cached;		 /* slots may be bound (membarrier works) */
	pool_factory_fn factory; /* makes an object, NULL on failure */
	pool_destroy_fn destroy; /* frees an object; NULL: nothing to free */
};

_Static_assert(offsetof(struct pool, head) == POOL__HEAD_OFFSET,
	       "pool.h finds the head at POOL__HEAD_OFFSET");
_Static_assert(POOL_MAX_CACHE_SIZE <= POOL__N_MASK,
	       "a slot's n fits below its hits in nh");

__thread struct pool__tcache pool__tc;

static mutex_t caches_lock;	    /* set up by setup_caches */
static struct pool__tcache *caches; /* registered caches; caches_lock */
static pthread_once_t caches_once = PTHREAD_ONCE_INIT;
static pthread_key_t caches_key; /* its destructor: thread_exit */
static int caches_err;		 /* a setup error (-errno), or 0 */
static bool membarrier_ok;	 /* registered for PRIVATE_EXPEDITED */
static atomic_uint_least64_t next_id = 1;
static atomic_int no_caches; /* pool__no_caches_for_testing */
static uintptr_t tc_offset;  /* pool__tc's distance from POOL__TP() */

static const pool_guard_t empty_guard = { NULL, NULL };

/* A lock or unlock that fails aborts, and in debug builds so does a
 * relock by the holder (common/mutex.h). The lock protects the pool's
 * value, not its identity: it may be taken through a const pointer. */
static mutex_t *lock_of(const pool_t *pool)
{
	return (mutex_t *)&pool->lock;
}

static void thread_exit(void *cache);

/* Once per process: the key whose destructor gives a thread's cached
 * objects back, pool__tc's distance from the thread pointer (the same in
 * every thread: pool.h), and membarrier for the end of a pool. */
static void setup_caches(void)
{
	/* Only a process out of resources fails these, once, before its
	 * first pool: no test can (libc_testing armed that early would fail
	 * every pool of the test binary). */
	caches_err = mutex_init(&caches_lock);
	if (caches_err == 0) /* LCOV_EXCL_BR_LINE */
		caches_err = -pthread_key_create(&caches_key, thread_exit);
	tc_offset = (uintptr_t)&pool__tc - POOL__TP();
	membarrier_ok =
		syscall(SYS_membarrier,
			MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}

pool_t *pool_build(const pool_config_t *config)
{
	if (!config || !config->factory) {
		errno = EINVAL;
		return NULL;
	}
	pthread_once(&caches_once, setup_caches);
	pool_t *pool = mem_alloc(sizeof(*pool));

	if (!pool)
		return NULL;
	size_t max =
		config->max_size ? config->max_size : POOL_DEFAULT_MAX_SIZE;
	size_t cache = config->cache_size ? config->cache_size
					  : POOL_DEFAULT_CACHE_SIZE;

	if (cache > POOL_MAX_CACHE_SIZE)
		cache = POOL_MAX_CACHE_SIZE;
	if (cache > max)
		cache = max;
	uint64_t id = atomic_fetch_add(&next_id, 1);

	*pool = (pool_t){
		.head = {
			.id = id,
			.slot = tc_offset + offsetof(struct pool__tcache, slots) +
				id % POOL_CACHE_SLOTS * sizeof(struct pool__slot),
			.reset = config->reset,
			.ctx = config->ctx,
		},
		.depot = VEC_INIT,
		/* membarrier is missing only before Linux 4.14: tests stand
		 * in with pool__no_caches_for_testing. */
		.cached = membarrier_ok && !atomic_load(&no_caches), /* LCOV_EXCL_BR_LINE */
		.stats.max_size = max,
		.stats.cache_size = cache,
		.factory = config->factory,
		.destroy = config->destroy,
	};
	int err = caches_err ? caches_err
			     : mutex_init(&pool->lock); /* LCOV_EXCL_BR_LINE */

	if (err) {
		mem_free(pool);
		errno = -err;
		return NULL;
	}
	refcount_atomic_init(&pool->ref);
	return pool;
}

void pool__no_caches_for_testing(int off)
{
	atomic_store(&no_caches, off);
}

pool_t *pool_ref(pool_t *pool)
{
	if (pool)
		refcount_atomic_inc(&pool->ref);
	return pool;
}

/* Call the destroy callback on each of @objs[0 .. @n - 1].
 * Context: no lock held. */
static void destroy_all(pool_t *pool, void *const *objs, size_t n)
{
	assert(!mutex_held(&pool->lock) && !mutex_held(&caches_lock) &&
	       "destroy runs without a lock");
	for (size_t i = 0; i < n && pool->destroy; i++)
		pool->destroy(objs[i], pool->head.ctx);
}

/* The objects alive now: idle, out, or in a thread's cache. */
static size_t live_locked(const pool_t *pool)
{
	const pool_stats_t *s = &pool->stats;

	return s->created_count - s->destroyed_count - pool->taken;
}

/* Make sure the depot has a place for every live object plus @extra just
 * made or about to be: then no put into it (release, flush, thread exit,
 * the end of the pool) ever has to grow it. Return: 0, -ENOMEM, or
 * -EOVERFLOW when that many places cannot be addressed.
 * Context: the pool's lock is held. */
static int reserve_places_locked(pool_t *pool, size_t extra)
{
	assert(mutex_held(&pool->lock));
	size_t live = live_locked(pool);

	return vec_reserve(&pool->depot,
			   extra > SIZE_MAX - live ? SIZE_MAX : live + extra);
}

/* Put @obj in the depot if it has room; return false when it is full.
 * Context: the pool's lock is held. */
static bool depot_put_locked(pool_t *pool, void *obj, size_t limit)
{
	assert(mutex_held(&pool->lock));
	if (vec_len(&pool->depot) >= limit)
		return false;
	vec_push_reserved(&pool->depot, obj);
	return true;
}

/* Objects just left the depot or were made: raise the peak of objects out
 * of the depot if it is higher now. Context: the pool's lock is held. */
static void note_peak_locked(pool_t *pool)
{
	assert(mutex_held(&pool->lock));
	size_t outside = live_locked(pool) - vec_len(&pool->depot);

	if (outside > pool->stats.peak_allocated)
		pool->stats.peak_allocated = outside;
}

/* Call the factory. Return: the object (errno as it was), or NULL with
 * errno set.
 * Context: no lock held. */
static void *create(pool_t *pool)
{
	assert(!mutex_held(&pool->lock) &&
	       "the factory runs without the pool's lock");
	int saved = errno;

	errno = 0;
	void *obj = pool->factory(pool->head.ctx);

	if (obj)
		errno = saved; /* a success leaves errno as it was */
	else if (errno == 0)
		errno = ENOMEM;
	return obj;
}

/* Free an ended pool whose last hold is gone. */
static void free_pool(pool_t *pool)
{
	vec_free(&pool->depot);
	mutex_destroy(&pool->lock);
	mem_free(pool);
}

/* End the hold of @guards guards and of @pins pins on @pool: while it
 * lives, in its counts; once it has ended, in pool->holds, and the last
 * hold frees it.
 * Context: called with the pool's lock held; releases it; takes
 * caches_lock for an ended pool. */
static void drop_unlock(pool_t *pool, size_t guards, size_t pins)
{
	assert(mutex_held(&pool->lock));
	bool ended = pool->ended;

	if (!ended) {
		assert(pool->pins >= pins);
		pool->out -= (intptr_t)guards;
		pool->pins -= pins;
	}
	mutex_unlock(&pool->lock);
	if (!ended)
		return;
	mutex_lock(&caches_lock);
	assert(pool->holds >= guards + pins);
	pool->holds -= guards + pins;
	bool last = pool->holds == 0;

	mutex_unlock(&caches_lock);
	if (last)
		free_pool(pool);
}

/* Destroy @objs[0 .. @n - 1], pinned on @pool, then unpin them.
 * Context: no lock held. */
static void destroy_pinned(pool_t *pool, void *const *objs, size_t n)
{
	if (n == 0)
		return;
	destroy_all(pool, objs, n);
	mutex_lock(&pool->lock);
	drop_unlock(pool, 0, n);
}

/* The slot of @pool in the caches @tc of any thread. */
static struct pool__slot *slot_in(struct pool__tcache *tc, const pool_t *pool)
{
	return &tc->slots[pool->head.id % POOL_CACHE_SLOTS];
}

/* The objects in slot @s: n in its word nh (pool.h). */
static uint32_t slot_n(const struct pool__slot *s)
{
	return POOL__LOAD(&s->nh) & POOL__N_MASK;
}

/* The gets slot @s served: hits in its word nh (pool.h). */
static size_t slot_hits(const struct pool__slot *s)
{
	return (size_t)(POOL__LOAD(&s->nh) >> POOL__N_BITS);
}

/* Set the objects in slot @s to @n, keeping its hits.
 * Context: @s is this thread's (only its thread writes nh). */
static void set_slot_n(struct pool__slot *s, uint32_t n)
{
	POOL__STORE(&s->nh, (POOL__LOAD(&s->nh) & ~(uint64_t)POOL__N_MASK) | n);
}

/* The slot of @pool in this thread's caches. */
static struct pool__slot *my_slot(const pool_t *pool)
{
	return slot_in(&pool__tc, pool);
}

static bool is_bound(const struct pool__slot *s, const pool_t *pool)
{
	return POOL__LOAD(&s->id) == pool->head.id;
}

/* Give slot @s of @pool back: its objects go to the depot, as long as it
 * holds fewer than @limit; the others go to @excess, pinned and counted
 * as destroyed; its counters join the pool's. Unbinds the slot (which may
 * already have id 0: a pool being ended).
 * Return: how many objects went to @excess.
 * Context: caches_lock and the pool's lock are held; the slot's thread is
 * this one, or is not inside the fast path of a release of @pool. */
static size_t unbind_locked(pool_t *pool, struct pool__slot *s, size_t limit,
			    void **excess)
{
	assert(mutex_held(&caches_lock) && mutex_held(&pool->lock) &&
	       s->pool == pool);
	uint32_t n = slot_n(s);
	size_t k = 0;

	for (uint32_t i = 0; i < n; i++)
		if (!depot_put_locked(pool, s->objs[i], limit))
			excess[k++] = s->objs[i];
	pool->stats.destroyed_count += k;
	pool->pins += k;
	pool->out += POOL__LOAD(&s->base) - (intptr_t)n;
	pool->stats.hits += slot_hits(s);
	POOL__STORE(&s->id, 0);
	s->pool = NULL;
	return k;
}

/* Give slot @s of this thread back to its pool, if it holds one; destroy
 * what that pool's depot has no room for.
 * Context: takes caches_lock and the pool's lock; destroys without them. */
static void evict(struct pool__slot *s)
{
	void *excess[POOL_MAX_CACHE_SIZE];
	pool_t *pool = NULL;
	size_t k = 0;

	mutex_lock(&caches_lock);
	if (POOL__LOAD(&s->id)) {
		pool = s->pool;
		mutex_lock(&pool->lock);
		k = unbind_locked(pool, s, pool->stats.max_size, excess);
		mutex_unlock(&pool->lock);
	}
	mutex_unlock(&caches_lock);
	if (pool)
		destroy_pinned(pool, excess, k);
}

/* The destructor of caches_key: a thread exits; give every cached object
 * back, and take its cache off the list.
 * Context: the exiting thread; takes caches_lock and pools' locks. */
static void thread_exit(void *cache)
{
	struct pool__tcache *tc = cache;

	for (size_t i = 0; i < POOL_CACHE_SLOTS; i++)
		evict(&tc->slots[i]);
	mutex_lock(&caches_lock);
	if (tc->prev)
		tc->prev->next = tc->next;
	else
		caches = tc->next;
	if (tc->next)
		tc->next->prev = tc->prev;
	tc->registered = 0;
	mutex_unlock(&caches_lock);
}

/* Put this thread's cache on the list, with a destructor for its exit.
 * Return: 0, or -errno when the destructor cannot be set (ENOMEM).
 * Context: caches_lock is held. */
static int register_locked(struct pool__tcache *tc)
{
	assert(mutex_held(&caches_lock));
	int err = pthread_setspecific(caches_key, tc);

	/* Fails only out of memory for the key's block, which libc_testing
	 * cannot inject. */
	if (err)	     /* LCOV_EXCL_BR_LINE */
		return -err; /* LCOV_EXCL_LINE */
	tc->prev = NULL;
	tc->next = caches;
	if (caches)
		caches->prev = tc;
	caches = tc;
	tc->registered = 1;
	return 0;
}

/* Bind this thread's slot for @pool to it, giving back first what the slot
 * held of another pool.
 * Return: the slot; NULL when @pool has ended or this thread cannot have
 * a cache (the destructor cannot be set, or there is no membarrier to end
 * a pool safely): then the caller works with the depot alone.
 * Context: takes caches_lock and pools' locks. */
static struct pool__slot *bind(pool_t *pool)
{
	struct pool__tcache *tc = &pool__tc;
	struct pool__slot *s = my_slot(pool);

	if (!pool->cached) /* set by pool_build, read-only: no lock */
		return NULL;
	evict(s);
	mutex_lock(&caches_lock);
	bool ok = !pool->ended &&
		  (tc->registered ||
		   register_locked(tc) == 0); /* LCOV_EXCL_BR_LINE */

	if (ok) {
		s->pool = pool;
		s->cap = (uint32_t)pool->stats.cache_size;
		POOL__STORE(&s->nh, 0);
		POOL__STORE(&s->base, 0);
		POOL__STORE(&s->id, pool->head.id);
	}
	mutex_unlock(&caches_lock);
	return ok ? s : NULL;
}

/* Take an object for a get: refill slot @s from the depot up to half a
 * cache and take one from it, counting the guard in the slot; or, with no
 * slot (NULL), take one from the depot, counting the guard in the pool.
 * Return: the object, NULL when the depot is empty.
 * Context: the pool's lock is held. */
static void *refill_locked(pool_t *pool, struct pool__slot *s)
{
	assert(mutex_held(&pool->lock));
	if (!s) {
		void *obj = vec_pop(&pool->depot);

		pool->out += obj != NULL;
		return obj;
	}
	uint32_t n = slot_n(s), was = n;
	void *obj;

	while (n < (s->cap + 1) / 2 && (obj = vec_pop(&pool->depot)))
		s->objs[n++] = obj;
	POOL__STORE(&s->base, POOL__LOAD(&s->base) + (intptr_t)(n - was));
	obj = n ? s->objs[--n] : NULL; /* n - 1, out + 1: base stays */
	set_slot_n(s, n);
	return obj;
}

void *pool__get_slow(pool_t *pool)
{
	if (!pool) {
		errno = EINVAL;
		return NULL;
	}
	struct pool__slot *s = my_slot(pool);

	if (!is_bound(s, pool))
		s = bind(pool);
	mutex_lock(&pool->lock);
	void *obj = refill_locked(pool, s);
	int err = 0;

	if (obj) {
		pool->stats.hits++;
		note_peak_locked(pool);
	} else {
		/* A miss: make one without the lock, then count it. */
		pool->stats.misses++;
		mutex_unlock(&pool->lock);
		obj = create(pool);
		err = obj ? 0 : -errno;
		mutex_lock(&pool->lock);
		if (obj)
			err = reserve_places_locked(pool, 1);
		if (err == 0) {
			pool->stats.created_count++;
			pool->out++;
			note_peak_locked(pool);
		} else {
			pool->stats.failures++;
		}
	}
	mutex_unlock(&pool->lock);
	if (err < 0) {
		if (obj)
			destroy_all(pool, &obj, 1);
		errno = -err;
		return NULL;
	}
	return obj;
}

/* Make room in the full slot @s: move its older half to the depot, as
 * much as fits, and the rest to @excess. Return: how many went to @excess.
 * Context: the pool's lock is held. */
static size_t flush_locked(pool_t *pool, struct pool__slot *s, void **excess)
{
	assert(mutex_held(&pool->lock));
	uint32_t n = slot_n(s);
	uint32_t half = (n + 1) / 2;
	size_t k = 0;

	for (uint32_t i = 0; i < half; i++)
		if (!depot_put_locked(pool, s->objs[i], pool->stats.max_size))
			excess[k++] = s->objs[i];
	memmove(s->objs, s->objs + half, (n - half) * sizeof(s->objs[0]));
	set_slot_n(s, n - half);
	POOL__STORE(&s->base, POOL__LOAD(&s->base) - (intptr_t)half);
	return k;
}

void pool__release_slow(pool_t *pool, void *obj)
{
	struct pool__slot *s = my_slot(pool);
	void *excess[POOL_MAX_CACHE_SIZE];
	size_t k = 0;

	if (!is_bound(s, pool))
		s = bind(pool);
	mutex_lock(&pool->lock);
	if (pool->ended) {
		/* No one can get from the pool any more: destroy. */
		mutex_unlock(&pool->lock);
		destroy_all(pool, &obj, 1);
		mutex_lock(&pool->lock);
		drop_unlock(pool, 1, 0);
		return;
	}
	if (s) {
		uint32_t n = slot_n(s);

		if (n == s->cap) {
			k = flush_locked(pool, s, excess);
			n = slot_n(s);
		}
		s->objs[n] = obj;
		set_slot_n(s, n + 1); /* n + 1, out - 1: base stays */
	} else {
		if (!depot_put_locked(pool, obj, pool->stats.max_size))
			excess[k++] = obj;
		pool->out--;
	}
	pool->stats.destroyed_count += k;
	pool->pins += k;
	mutex_unlock(&pool->lock);
	destroy_pinned(pool, excess, k);
}

void *pool_guard_take(pool_guard_t *guard)
{
	if (!guard || !guard->obj)
		return NULL;
	pool_t *pool = guard->pool;
	void *obj = guard->obj;

	*guard = empty_guard;
	mutex_lock(&pool->lock);
	if (!pool->ended)
		pool->taken++;
	drop_unlock(pool, 1, 0);
	return obj;
}

/* The last reference is gone: destroy every idle object, in the depot and
 * in every thread's cache, and hand the pool's life to pool->holds (see
 * the top of this file).
 * Context: takes caches_lock and the pool's lock; destroys without them. */
static void end_pool(pool_t *pool)
{
	assert(!mutex_held(&pool->lock) && "the last reference is dropped with "
					   "the lock held: unlock first");
	mutex_lock(&caches_lock);
	mutex_lock(&pool->lock);
	pool->ended = true;
	mutex_unlock(&pool->lock);
	/* Stop the fast releases: id 0, pool still set. */
	for (struct pool__tcache *tc = caches; tc; tc = tc->next)
		if (is_bound(slot_in(tc, pool), pool))
			POOL__STORE(&slot_in(tc, pool)->id, 0);
	/* Registered by setup_caches: it cannot fail. The wait loops only
	 * when a release is inside its fast path at this very moment, which
	 * CacheEnd.RacesWithReleases provokes but cannot guarantee. */
	if (membarrier_ok && /* LCOV_EXCL_BR_LINE */
	    syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) !=
		    0)
		abort(); /* LCOV_EXCL_LINE */
	for (struct pool__tcache *tc = caches; tc; tc = tc->next) {
		const int *busy = &slot_in(tc, pool)->busy;

		/* LCOV_EXCL_BR_START */
		while (__atomic_load_n(busy, __ATOMIC_ACQUIRE))
			sched_yield(); /* LCOV_EXCL_LINE */
				       /* LCOV_EXCL_BR_STOP */
	}
	/* Every release that saw its slot bound has finished: take it all. */
	mutex_lock(&pool->lock);
	for (struct pool__tcache *tc = caches; tc; tc = tc->next) {
		struct pool__slot *s = slot_in(tc, pool);

		assert(!is_bound(s, pool));
		if (s->pool == pool)
			(void)unbind_locked(pool, s, SIZE_MAX,
					    NULL); /* all fit */
	}
	vec_t idle = pool->depot;

	pool->depot = (vec_t)VEC_INIT;
	pool->holds = (size_t)pool->out + pool->pins + 1; /* + this call's */
	mutex_unlock(&pool->lock);
	mutex_unlock(&caches_lock);
	destroy_all(pool, (void *const *)idle.items, vec_len(&idle));
	vec_free(&idle);
	mutex_lock(&pool->lock);
	drop_unlock(pool, 0, 1);
}

void pool_unref(pool_t *pool)
{
	if (pool && refcount_atomic_dec_and_test(&pool->ref))
		end_pool(pool);
}

int pool_preallocate(pool_t *pool, size_t count)
{
	if (!pool)
		return -EINVAL;
	mutex_lock(&pool->lock);
	bool room = count <= pool->stats.max_size - vec_len(&pool->depot);
	/* Places for them all before the first is made: a count that cannot
	 * fit in memory is refused now, not once memory has run out. */
	int err = room ? reserve_places_locked(pool, count) : 0;

	mutex_unlock(&pool->lock);
	if (!room)
		return -ENOSPC;
	if (err < 0)
		return err;
	for (size_t i = 0; i < count; i++) {
		void *obj = create(pool);

		if (!obj)
			return -errno;
		mutex_lock(&pool->lock);
		err = reserve_places_locked(pool, 1);
		/* Other threads may have filled the depot meanwhile. */
		bool keep = err == 0 &&
			    depot_put_locked(pool, obj, pool->stats.max_size);

		if (err == 0)
			pool->stats.created_count++;
		if (err == 0 && !keep)
			pool->stats.destroyed_count++;
		mutex_unlock(&pool->lock);
		if (!keep)
			destroy_all(pool, &obj, 1);
		if (err < 0)
			return err;
	}
	return 0;
}

pool_stats_t pool_stats(const pool_t *pool)
{
	pool_stats_t s = { 0 };

	if (!pool)
		return s;
	mutex_lock(&caches_lock);
	mutex_lock(lock_of(pool));
	s = pool->stats;
	intptr_t out = pool->out;

	for (struct pool__tcache *tc = caches; tc; tc = tc->next) {
		const struct pool__slot *slot = slot_in(tc, pool);

		if (is_bound(slot, pool)) {
			uint32_t n = slot_n(slot);

			s.cached += n;
			s.hits += slot_hits(slot);
			out += POOL__LOAD(&slot->base) - (intptr_t)n;
		}
	}
	s.available = vec_len(&pool->depot) + s.cached;
	mutex_unlock(lock_of(pool));
	mutex_unlock(&caches_lock);
	s.gets = s.hits + s.misses;
	s.allocated = out > 0 ? (size_t)out : 0; /* < 0: a count that lags */
	return s;
}

size_t pool_available(const pool_t *pool)
{
	return pool_stats(pool).available;
}

size_t pool_allocated(const pool_t *pool)
{
	return pool_stats(pool).allocated;
}

size_t pool_created_count(const pool_t *pool)
{
	return pool_stats(pool).created_count;
}

size_t pool_len(const pool_t *pool)
{
	return pool_available(pool);
}

/* part / whole, 0 when whole is 0. */
static double ratio(size_t part, size_t whole)
{
	return whole ? (double)part / (double)whole : 0.0;
}

double pool_stats_hit_rate(const pool_stats_t *stats)
{
	return stats ? ratio(stats->hits, stats->gets) : 0.0;
}

double pool_stats_miss_rate(const pool_stats_t *stats)
{
	return stats ? ratio(stats->misses, stats->gets) : 0.0;
}

/* The pool keeps fewer objects than its load needs: returned objects were
 * destroyed for want of room, and more objects than max_size were out at
 * once (a destroy without that peak comes from a pool_preallocate racing
 * with returns, and raising max_size would not help). */
static bool too_small(const pool_stats_t *s)
{
	return s->destroyed_count > 0 && s->peak_allocated > s->max_size;
}

int pool_stats_report(const pool_t *pool, char *buf, size_t size)
{
	if (!pool || (!buf && size > 0))
		return -EINVAL;
	pool_stats_t s = pool_stats(pool);
	double hit = 100.0 * pool_stats_hit_rate(&s);
	int len = snprintf(
		buf, size,
		"Pool Statistics:\n"
		"- Total gets: %zu\n"
		"- Hits: %zu (%.1f%%)\n"
		"- Misses: %zu (%.1f%%)\n"
		"- Hit rate: %.1f%%\n"
		"- Created: %zu\n"
		"- Destroyed (pool full): %zu\n"
		"- Failed gets: %zu\n"
		"- Peak allocated: %zu\n"
		"- Current allocated: %zu\n"
		"- Available: %zu (%zu in thread caches)\n",
		s.gets, s.hits, hit, s.misses, 100.0 * pool_stats_miss_rate(&s),
		hit, s.created_count, s.destroyed_count, s.failures,
		s.peak_allocated, s.allocated, s.available, s.cached);

	if (len < 0)
		return errno ? -errno : -EOVERFLOW;
	if (too_small(&s)) {
		/* Append after what fit; once @buf is full, only measure. */
		size_t done = (size_t)len < size ? (size_t)len : size;
		bool one = s.destroyed_count == 1;
		int more = snprintf(
			buf ? buf + done : NULL, size - done,
			"- Recommendation: raise max_size from %zu to %zu "
			"(the peak); %zu %s destroyed because the pool "
			"was full\n",
			s.max_size, s.peak_allocated, s.destroyed_count,
			one ? "object was" : "objects were");

		if (more < 0)
			return errno ? -errno : -EOVERFLOW;
		len += more;
	}
	return len;
}
