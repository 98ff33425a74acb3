/* Milestone 4 starter: write the functions marked UNIMPLEMENTED until
 *	bazel test //m4_reset:starter_test
 * passes. pool.h (one directory up) says what each function must do; the
 * README explains the design. Keep the signatures.
 *
 * Yours: the builder (pool_build) and the release that resets. The rest is
 * milestone 3, given. */
#include "m4_reset/pool.h"

#include <assert.h>
#include <errno.h>

#include "common/mem.h"
#include "common/refcount.h"
#include "common/unimplemented.h"
#include "common/vec.h"

struct pool {
	refcount_t ref; /* pool_build/pool_ref holders + guards out */
	vec_t idle;	/* objects ready to hand out; last in, first out */
	pool_factory_fn factory; /* makes an object, NULL on failure */
	pool_reset_fn reset;	 /* cleans a returned object; NULL: none */
	pool_destroy_fn destroy; /* frees an object; NULL: nothing to free */
	void *ctx;		 /* passed to factory, reset and destroy */
	size_t max_size;	 /* the most objects kept idle */
	size_t out;		 /* objects in guards now */
	size_t created;		 /* objects the factory made, ever */
};

/* What a failed pool_get hands out, and what a release or take leaves. */
static const pool_guard_t empty_guard = { NULL, NULL };

pool_t *pool_build(const pool_config_t *config)
{
	UNIMPLEMENTED(
		"a pool from a copy of *config, a zero field meaning its "
		"default. NULL with errno EINVAL (no config, no factory) or "
		"ENOMEM");
	(void)config;
	errno = ENOSYS;
	return NULL;
}

pool_t *pool_ref(pool_t *pool)
{
	if (pool)
		refcount_inc(&pool->ref);
	return pool;
}

/* Free @obj with the pool's destroy callback, if it has one. */
static void destroy(pool_t *pool, void *obj)
{
	if (pool->destroy)
		pool->destroy(obj, pool->ctx);
}

void pool_unref(pool_t *pool)
{
	if (!pool || !refcount_dec_and_test(&pool->ref))
		return;
	void *obj;

	while ((obj = vec_pop(&pool->idle)))
		destroy(pool, obj);
	vec_free(&pool->idle);
	mem_free(pool);
}

/* Make sure the idle list has a place for every live object (idle or out),
 * up to max_size, plus @extra about to be made: then a release never has
 * to grow it, and never fails. Return: 0, -ENOMEM or -EOVERFLOW; on error
 * nothing changed. */
static int reserve_places(pool_t *pool, size_t extra)
{
	size_t live = vec_len(&pool->idle) + pool->out;
	size_t max = pool->max_size;
	size_t want = live >= max || extra >= max - live ? max : live + extra;

	return vec_reserve(&pool->idle, want);
}

/* Call the factory. Return: the object (errno as it was), or NULL with
 * errno set. */
static void *create(pool_t *pool)
{
	int saved = errno;

	errno = 0;
	void *obj = pool->factory(pool->ctx);

	if (obj) {
		errno = saved; /* a success leaves errno as it was */
		pool->created++;
	} else if (errno == 0) {
		errno = ENOMEM;
	}
	return obj;
}

int pool_preallocate(pool_t *pool, size_t count)
{
	if (!pool)
		return -EINVAL;
	if (count > pool->max_size - vec_len(&pool->idle))
		return -ENOSPC;
	int err = reserve_places(pool, count);

	if (err < 0)
		return err;
	for (size_t i = 0; i < count; i++) {
		void *obj = create(pool);

		if (!obj)
			return -errno;
		vec_push_reserved(&pool->idle, obj);
	}
	return 0;
}

pool_guard_t pool_get(pool_t *pool)
{
	if (!pool) {
		errno = EINVAL;
		return empty_guard;
	}
	void *obj = vec_pop(&pool->idle);

	if (!obj) {
		int err = reserve_places(pool, 1);

		if (err < 0) {
			errno = -err;
			return empty_guard;
		}
		obj = create(pool);
		if (!obj)
			return empty_guard;
	}
	pool->out++;
	return (pool_guard_t){ .pool = pool_ref(pool), .obj = obj };
}

void pool_guard_release(pool_guard_t *guard)
{
	UNIMPLEMENTED(
		"milestone 3's release, where an object going back to the "
		"idle list is reset first");
	(void)guard;
}

void *pool_guard_take(pool_guard_t *guard)
{
	if (!guard || !guard->obj)
		return NULL;
	pool_t *pool = guard->pool;
	void *obj = guard->obj;

	*guard = empty_guard;
	assert(pool->out > 0);
	pool->out--;
	pool_unref(pool);
	return obj;
}

size_t pool_available(const pool_t *pool)
{
	return pool ? vec_len(&pool->idle) : 0;
}

size_t pool_allocated(const pool_t *pool)
{
	return pool ? pool->out : 0;
}

size_t pool_created_count(const pool_t *pool)
{
	return pool ? pool->created : 0;
}

size_t pool_len(const pool_t *pool)
{
	return pool_available(pool);
}
