/* Milestone 6 starter: write the functions marked UNIMPLEMENTED until
 *	bazel test //m6_stats:starter_test
 * passes, under --config=tsan too. pool.h (one directory up) says what
 * each function must do; the README explains the design. Keep the
 * signatures.
 *
 * The pool is milestone 5's, with its counters moved into a pool_stats_t
 * (pool->stats) that every function keeps up to date under the lock.
 * Given: building, references, pool_preallocate (counts created_count and
 * destroyed_count), the release (allocated--, destroyed_count) and the
 * take, the snapshot pool_stats() and the counters, and too_small().
 * Yours: the counting in pool_get (the spec's get_or_create), the two
 * rates and the report. A small helper of your own for "one more object
 * out" (allocated and peak_allocated) serves both of pool_get's paths. */
#include "m6_stats/pool.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "common/mem.h"
#include "common/mutex.h"
#include "common/refcount.h"
#include "common/unimplemented.h"
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

pool_guard_t pool_get(pool_t *pool)
{
	UNIMPLEMENTED(
		"milestone 5's get, counted in pool->stats: every get a hit "
		"or a miss, a failed miss also a failure, allocated and "
		"peak_allocated following the objects out; one consistent "
		"update under the lock");
	(void)pool;
	errno = ENOSYS;
	return empty_guard;
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

double pool_stats_hit_rate(const pool_stats_t *stats)
{
	UNIMPLEMENTED(
		"hits / gets, from 0 to 1; 0 without stats or without gets");
	(void)stats;
	return 0.0;
}

double pool_stats_miss_rate(const pool_stats_t *stats)
{
	UNIMPLEMENTED("misses / gets, from 0 to 1; 0 without stats or without "
		      "gets");
	(void)stats;
	return 0.0;
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
	UNIMPLEMENTED(
		"the spec's report (the lines in pool.h) from one snapshot, "
		"with snprintf's contract: the whole report's length, and "
		"what fits in buf. -EINVAL, or a failed snprintf's -errno");
	(void)pool;
	(void)buf;
	(void)size;
	(void)too_small;
	return -ENOSYS;
}
