/* Milestone 1 starter: write the functions marked UNIMPLEMENTED until
 *	bazel test //m1_manual:starter_test
 * passes. pool.h (one directory up) says what each function must do; the
 * README explains the design. Keep the signatures. */
#include "m1_manual/pool.h"

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
	size_t out;		 /* objects pool_get handed out, not yet back */
};

pool_t *pool_new(pool_factory_fn factory, pool_destroy_fn destroy, void *ctx)
{
	UNIMPLEMENTED(
		"a pool with no idle object, that makes objects with "
		"factory and frees them with destroy. Without a factory, or "
		"without memory: NULL, errno EINVAL or ENOMEM");
	(void)factory;
	(void)destroy;
	(void)ctx;
	errno = ENOSYS;
	return NULL;
}

int pool_preallocate(pool_t *pool, size_t count)
{
	UNIMPLEMENTED("count more objects made now and kept idle, with room "
		      "reserved so that returning an object that is out never "
		      "fails. 0, or the negative errno of what failed (pool.h "
		      "lists them)");
	(void)pool;
	(void)count;
	return -ENOSYS;
}

void *pool_get(pool_t *pool)
{
	UNIMPLEMENTED(
		"an idle object, the caller's until pool_return. None idle, "
		"or a NULL pool: NULL, errno EAGAIN or EINVAL");
	(void)pool;
	errno = ENOSYS;
	return NULL;
}

int pool_return(pool_t *pool, void *obj)
{
	UNIMPLEMENTED(
		"the object is idle again, ready for the next pool_get. 0, "
		"or -EINVAL; -ENOMEM only when no object is out (the object "
		"is from elsewhere and stays the caller's)");
	(void)pool;
	(void)obj;
	return -ENOSYS;
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
	UNIMPLEMENTED(
		"the pool and every idle object freed; a NULL pool is fine");
	(void)pool;
}
