/* Milestone 5 starter: write the functions marked UNIMPLEMENTED until
 *	bazel test //m5_threadsafe:starter_test
 * passes, under --config=tsan too. pool.h (one directory up) says what
 * each function must do; the README explains the design. Keep the
 * signatures.
 *
 * Given: the lock()/unlock() wrappers, pool_ref/pool_unref on the atomic
 * count, the helpers destroy(), reserve_places_locked() and create(),
 * pool_preallocate (a model of taking the lock around the pool's fields
 * and calling the factory outside it), pool_guard_take and the counters.
 * Yours: building a pool with a lock, and the get and release that use it.
 * The rule: every field below the lock is touched with the lock held; the
 * factory, reset and destroy never run with it held. */
#include "m5_threadsafe/pool.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>

#include "common/mem.h"
#include "common/mutex.h"
#include "common/refcount.h"
#include "common/unimplemented.h"
#include "common/vec.h"

struct pool {
	refcount_atomic_t ref; /* pool_build/pool_ref holders + guards out */
	mutex_t lock;	       /* guards every field below it */
	vec_t idle;	/* objects ready to hand out; last in, first out */
	size_t out;	/* objects in guards now */
	size_t created; /* objects the factory made, ever */
	/* Set by pool_build, read-only after: */
	pool_factory_fn factory; /* makes an object, NULL on failure */
	pool_reset_fn reset;	 /* cleans a returned object; NULL: none */
	pool_destroy_fn destroy; /* frees an object; NULL: nothing to free */
	void *ctx;		 /* passed to the callbacks */
	size_t max_size;	 /* the most objects kept idle */
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
	UNIMPLEMENTED("milestone 4's pool_build, for a pool that any number of "
		      "threads share (Rc<RefCell> -> Arc<Mutex>)");
	(void)config;
	errno = ENOSYS;
	return NULL;
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
	size_t live = vec_len(&pool->idle) + pool->out;
	size_t max = pool->max_size;
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
	bool room = count <= pool->max_size - vec_len(&pool->idle);
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
		bool keep = err == 0 && vec_len(&pool->idle) < pool->max_size;

		if (err == 0)
			pool->created++;
		if (keep)
			vec_push_reserved(&pool->idle, obj);
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
		"milestone 4's pool_get, safe from any number of threads; "
		"the factory never runs with the lock held");
	(void)pool;
	errno = ENOSYS;
	return empty_guard;
}

void pool_guard_release(pool_guard_t *guard)
{
	UNIMPLEMENTED(
		"milestone 4's release, safe from any thread; reset and "
		"destroy never run with the lock held, and the release may "
		"free the pool");
	(void)guard;
}

void *pool_guard_take(pool_guard_t *guard)
{
	if (!guard || !guard->obj)
		return NULL;
	pool_t *pool = guard->pool;
	void *obj = guard->obj;

	*guard = empty_guard;
	lock(pool);
	assert(pool->out > 0);
	pool->out--;
	unlock(pool);
	pool_unref(pool);
	return obj;
}

/* The three counters at one moment. */
struct counts {
	size_t available, allocated, created;
};

/* The counters of @pool, all 0 for NULL. Context: takes the lock. */
static struct counts counts(const pool_t *pool)
{
	struct counts c = { 0, 0, 0 };

	if (pool) {
		lock(pool);
		c = (struct counts){ vec_len(&pool->idle), pool->out,
				     pool->created };
		unlock(pool);
	}
	return c;
}

size_t pool_available(const pool_t *pool)
{
	return counts(pool).available;
}

size_t pool_allocated(const pool_t *pool)
{
	return counts(pool).allocated;
}

size_t pool_created_count(const pool_t *pool)
{
	return counts(pool).created;
}

size_t pool_len(const pool_t *pool)
{
	return pool_available(pool);
}
