/* Milestone 2 starter: write the functions marked UNIMPLEMENTED until
 *	bazel test //m2_guard:starter_test
 * passes. pool.h (one directory up) says what each function must do; the
 * README explains the design. Keep the signatures.
 *
 * The rest is milestone 1, given. There is no pool_return any more: the
 * guard gives the object back. Rust's Deref has nothing to write here:
 * the guard's obj field is the object. */
#include "m2_guard/pool.h"

#include <errno.h>
#include <stdint.h>

#include "common/mem.h"
#include "common/unimplemented.h"
#include "common/vec.h"

struct pool {
	vec_t idle; /* objects ready to hand out; last in, first out */
	pool_factory_fn factory; /* makes an object, NULL on failure */
	pool_destroy_fn destroy; /* frees an object; NULL: nothing to free */
	void *ctx;		 /* passed to factory and destroy */
	size_t created;		 /* objects made so far: idle + out */
};

/* What a failed pool_get hands out. */
static const pool_guard_t empty_guard = { NULL, NULL };

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

int pool_preallocate(pool_t *pool, size_t count)
{
	if (!pool)
		return -EINVAL;
	if (count > SIZE_MAX - pool->created)
		return -EOVERFLOW;
	/* A place in the idle list for every object ever made: a release
	 * never has to grow it, so it never fails. */
	int err = vec_reserve(&pool->idle, pool->created + count);

	if (err < 0)
		return err;
	for (size_t i = 0; i < count; i++) {
		void *obj = create(pool);

		if (!obj)
			return -errno;
		pool->created++;
		vec_push_reserved(&pool->idle, obj);
	}
	return 0;
}

pool_guard_t pool_get(pool_t *pool)
{
	UNIMPLEMENTED(
		"a guard holding an idle object and the pool it goes back "
		"to. None idle, or a NULL pool: an empty guard, errno "
		"EAGAIN or EINVAL");
	(void)pool;
	errno = ENOSYS;
	return empty_guard;
}

void pool_guard_release(pool_guard_t *guard)
{
	UNIMPLEMENTED("the guard's object is idle again and the guard empty. "
		      "Never fails; an empty guard (a second release) does "
		      "nothing");
	(void)guard;
}

void *pool_guard_take(pool_guard_t *guard)
{
	UNIMPLEMENTED(
		"the caller owns the guard's object from now on; the guard "
		"is empty, so its release at scope exit does nothing");
	(void)guard;
	return NULL;
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
