#include "m1_manual/pool.h"

#include <errno.h>
#include <stdint.h>

#include "common/mem.h"
#include "common/vec.h"

struct pool {
	vec_t idle; /* objects ready to hand out; last in, first out */
	pool_factory_fn factory; /* makes an object, NULL on failure */
	pool_destroy_fn destroy; /* frees an object; NULL: nothing to free */
	void *ctx;		 /* passed to factory and destroy */
	size_t out;		 /* objects pool_get handed out, not yet back */
};

pool_t *pool_new(pool_factory_fn factory, pool_destroy_fn destroy, void *ctx)
{
	if (!factory) {
		errno = EINVAL;
		return NULL;
	}
	pool_t *pool = mem_alloc(sizeof(*pool));

	if (!pool)
		return NULL;
	*pool = (pool_t){
		.idle = VEC_INIT,
		.factory = factory,
		.destroy = destroy,
		.ctx = ctx,
	};
	return pool;
}

/* Call the factory. Return: the object (errno as it was), or NULL with
 * errno set. */
static void *create(pool_t *pool)
{
	int saved = errno;

	errno = 0;
	void *obj = pool->factory(pool->ctx);

	if (obj)
		errno = saved; /* a success leaves errno as it was */
	else if (errno == 0)
		errno = ENOMEM;
	return obj;
}

/* Make sure the idle list has a place for every object idle or out, plus
 * @extra: then returning an object that is out never has to grow it.
 * Return: 0; -EOVERFLOW when that many places cannot be counted; -ENOMEM;
 * on error nothing changed. */
static int reserve_places(pool_t *pool, size_t extra)
{
	size_t live = vec_len(&pool->idle) + pool->out;

	if (extra > SIZE_MAX - live)
		return -EOVERFLOW;
	if (live + extra <= pool->idle.cap)
		return 0; /* every pool_return but a few: no call */
	return vec_reserve(&pool->idle, live + extra);
}

int pool_preallocate(pool_t *pool, size_t count)
{
	if (!pool)
		return -EINVAL;
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

void *pool_get(pool_t *pool)
{
	if (!pool) {
		errno = EINVAL;
		return NULL;
	}
	void *obj = vec_pop(&pool->idle);

	if (obj)
		pool->out++;
	else
		errno = EAGAIN;
	return obj;
}

int pool_return(pool_t *pool, void *obj)
{
	if (!pool || !obj)
		return -EINVAL;
	/* @obj may come from elsewhere: give it a place of its own, so that
	 * the places kept for the objects out stay theirs. Short of memory,
	 * it takes the place of one that is out, if any is. */
	int err = reserve_places(pool, 1);

	if (err < 0 && pool->out == 0)
		return err;
	vec_push_reserved(&pool->idle, obj); /* a place is free */
	if (pool->out > 0)
		pool->out--;
	return 0;
}

size_t pool_len(const pool_t *pool)
{
	return pool ? vec_len(&pool->idle) : 0;
}

bool pool_is_empty(const pool_t *pool)
{
	return pool_len(pool) == 0;
}

void pool_free(pool_t *pool)
{
	if (!pool)
		return;
	void *obj;

	while ((obj = vec_pop(&pool->idle)))
		if (pool->destroy)
			pool->destroy(obj, pool->ctx);
	vec_free(&pool->idle);
	mem_free(pool);
}
