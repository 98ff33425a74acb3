#include "m6_stats/pool.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "common/mem.h"
#include "common/mutex.h"
#include "common/refcount.h"
#include "common/vec.h"

struct pool {
	refcount_atomic_t ref; /* pool_build/pool_ref holders + guards out */
	mutex_t lock;	       /* guards every field below it */
	vec_t idle;	    /* objects ready to hand out; last in, first out */
	pool_stats_t stats; /* counters; available is vec_len(&idle) */
	/* Set by pool_build, read-only after: */
	pool_factory_fn factory; /* makes an object, NULL on failure */
	pool_reset_fn reset;	 /* cleans a returned object; NULL: none */
	pool_destroy_fn destroy; /* frees an object; NULL: nothing to free */
	void *ctx;		 /* passed to the callbacks */
};

static const pool_guard_t empty_guard = { NULL, NULL };

/* The lock protects the pool's value, not its identity: it may be taken
 * through a const pointer. A lock or unlock that fails aborts, and in
 * debug builds so does a relock by the holder (common/mutex.h). */
static void lock(const pool_t *pool)
{
	mutex_lock((mutex_t *)&pool->lock);
}

static void unlock(const pool_t *pool)
{
	mutex_unlock((mutex_t *)&pool->lock);
}

pool_t *pool_build(const pool_config_t *config)
{
	if (!config || !config->factory) {
		errno = EINVAL;
		return NULL;
	}
	pool_t *pool = mem_alloc(sizeof(*pool));

	if (!pool)
		return NULL;
	*pool = (pool_t){
		.idle = VEC_INIT,
		.factory = config->factory,
		.reset = config->reset,
		.destroy = config->destroy,
		.ctx = config->ctx,
		.stats.max_size = config->max_size ? config->max_size
						   : POOL_DEFAULT_MAX_SIZE,
	};
	int err = mutex_init(&pool->lock);

	if (err) {
		mem_free(pool);
		errno = -err;
		return NULL;
	}
	refcount_atomic_init(&pool->ref);
	return pool;
}

pool_t *pool_ref(pool_t *pool)
{
	if (pool)
		refcount_atomic_inc(&pool->ref);
	return pool;
}

/* Free @obj with the pool's destroy callback, if it has one.
 * Context: the lock is not held. */
static void destroy(pool_t *pool, void *obj)
{
	assert(!mutex_held(&pool->lock) &&
	       "destroy runs without the pool's lock");
	if (pool->destroy)
		pool->destroy(obj, pool->ctx);
}

void pool_unref(pool_t *pool)
{
	if (!pool || !refcount_atomic_dec_and_test(&pool->ref))
		return;
	/* The last reference: no other thread can reach the pool any more. */
	assert(!mutex_held(&pool->lock) && "the last reference is dropped with "
					   "the lock held: unlock first");
	void *obj;

	while ((obj = vec_pop(&pool->idle)))
		destroy(pool, obj);
	vec_free(&pool->idle);
	mutex_destroy(&pool->lock);
	mem_free(pool);
}

/* Make sure the idle list has a place for every live object, up to
 * max_size, plus @extra just made: then a return never has to grow it, and
 * never fails. Return: 0, -ENOMEM or -EOVERFLOW.
 * Context: the lock is held. */
static int reserve_places_locked(pool_t *pool, size_t extra)
{
	assert(mutex_held(&pool->lock));
	size_t live = vec_len(&pool->idle) + pool->stats.allocated;
	size_t max = pool->stats.max_size;
	size_t want = live >= max || extra >= max - live ? max : live + extra;

	return vec_reserve(&pool->idle, want);
}

/* Call the factory. Return: the object (errno as it was), or NULL with
 * errno set.
 * Context: the lock is not held. */
static void *create(pool_t *pool)
{
	assert(!mutex_held(&pool->lock) &&
	       "the factory runs without the pool's lock");
	int saved = errno;

	errno = 0;
	void *obj = pool->factory(pool->ctx);

	if (obj)
		errno = saved; /* a success leaves errno as it was */
	else if (errno == 0)
		errno = ENOMEM;
	return obj;
}

int pool_preallocate(pool_t *pool, size_t count)
{
	if (!pool)
		return -EINVAL;
	lock(pool);
	bool room = count <= pool->stats.max_size - vec_len(&pool->idle);
	/* Places for them all before the first is made: a count that cannot
	 * fit in memory is refused now, not once memory has run out. */
	int err = room ? reserve_places_locked(pool, count) : 0;

	unlock(pool);
	if (!room)
		return -ENOSPC;
	if (err < 0)
		return err;
	for (size_t i = 0; i < count; i++) {
		void *obj = create(pool);

		if (!obj)
			return -errno;
		lock(pool);
		err = reserve_places_locked(pool, 1);
		/* Other threads may have filled the idle list meanwhile. */
		bool keep =
			err == 0 && vec_len(&pool->idle) < pool->stats.max_size;

		if (err == 0)
			pool->stats.created_count++;
		if (keep)
			vec_push_reserved(&pool->idle, obj);
		else if (err == 0)
			pool->stats.destroyed_count++;
		unlock(pool);
		if (!keep)
			destroy(pool, obj);
		if (err < 0)
			return err;
	}
	return 0;
}

/* Count one more object out. Context: the lock is held. */
static void hand_out_locked(pool_t *pool)
{
	assert(mutex_held(&pool->lock));
	pool_stats_t *s = &pool->stats;

	if (++s->allocated > s->peak_allocated)
		s->peak_allocated = s->allocated;
}

pool_guard_t pool_get(pool_t *pool)
{
	if (!pool) {
		errno = EINVAL;
		return empty_guard;
	}
	lock(pool);
	void *obj = vec_pop(&pool->idle);

	pool->stats.gets++;
	if (obj) {
		pool->stats.hits++;
		hand_out_locked(pool);
	} else {
		pool->stats.misses++;
	}
	unlock(pool);
	if (!obj) {
		/* A miss: make one without the lock, then count it. */
		obj = create(pool);
		int err = obj ? 0 : -errno;

		lock(pool);
		if (obj)
			err = reserve_places_locked(pool, 1);
		if (err == 0) {
			pool->stats.created_count++;
			hand_out_locked(pool);
		} else {
			pool->stats.failures++;
		}
		unlock(pool);
		if (err < 0) {
			if (obj)
				destroy(pool, obj);
			errno = -err;
			return empty_guard;
		}
	}
	return (pool_guard_t){ .pool = pool_ref(pool), .obj = obj };
}

void pool_guard_release(pool_guard_t *guard)
{
	if (!guard || !guard->obj)
		return;
	pool_t *pool = guard->pool;
	void *obj = guard->obj;

	*guard = empty_guard;
	if (pool->reset)
		pool->reset(obj, pool->ctx);
	lock(pool);
	assert(pool->stats.allocated > 0);
	pool->stats.allocated--;
	bool keep = vec_len(&pool->idle) < pool->stats.max_size;

	if (keep)
		vec_push_reserved(&pool->idle, obj);
	else
		pool->stats.destroyed_count++;
	unlock(pool);
	if (!keep)
		destroy(pool, obj);
	pool_unref(pool);
}

void *pool_guard_take(pool_guard_t *guard)
{
	if (!guard || !guard->obj)
		return NULL;
	pool_t *pool = guard->pool;
	void *obj = guard->obj;

	*guard = empty_guard;
	lock(pool);
	assert(pool->stats.allocated > 0);
	pool->stats.allocated--;
	unlock(pool);
	pool_unref(pool);
	return obj;
}

pool_stats_t pool_stats(const pool_t *pool)
{
	pool_stats_t s = { 0 };

	if (pool) {
		lock(pool);
		s = pool->stats;
		s.available = vec_len(&pool->idle);
		unlock(pool);
	}
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
	int len = snprintf(buf, size,
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
			   "- Available: %zu\n",
			   s.gets, s.hits, hit, s.misses,
			   100.0 * pool_stats_miss_rate(&s), hit,
			   s.created_count, s.destroyed_count, s.failures,
			   s.peak_allocated, s.allocated, s.available);

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
