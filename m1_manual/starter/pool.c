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
	vec_t idle;		 /* objects ready to hand out; last in, first out */
	pool_factory_fn factory; /* makes an object, NULL on failure */
	pool_destroy_fn destroy; /* frees an object; NULL: nothing to free */
	void *ctx;		 /* passed to factory and destroy */
	size_t out;		 /* objects pool_get handed out, not yet back */
};

pool_t *pool_new(pool_factory_fn factory, pool_destroy_fn destroy, void *ctx)
{
	UNIMPLEMENTED("create a pool with:\n"
		      "- no factory: set errno = EINVAL and return NULL\n"
		      "- allocate it with mem_alloc (NULL: return NULL, errno is set)\n"
		      "- an empty idle vec (VEC_INIT), the factory, destroy and ctx");
	(void)factory;
	(void)destroy;
	(void)ctx;
	errno = ENOSYS;
	return NULL;
}

int pool_preallocate(pool_t *pool, size_t count)
{
	UNIMPLEMENTED("make count objects with the factory and push them:\n"
		      "- NULL pool: -EINVAL; live = idle + out objects;\n"
		      "  live + count past SIZE_MAX: -EOVERFLOW\n"
		      "- vec_reserve(&pool->idle, live + count) first, so that\n"
		      "  pool_return cannot fail (on error, return that error)\n"
		      "- for each: obj = factory(ctx); NULL means it failed: return\n"
		      "  -errno (ENOMEM if the factory left errno 0); else\n"
		      "  vec_push(&pool->idle, obj)\n"
		      "- set errno = 0 before calling the factory, but on success put\n"
		      "  back the errno the caller had");
	(void)pool;
	(void)count;
	return -ENOSYS;
}

void *pool_get(pool_t *pool)
{
	UNIMPLEMENTED("pop an object from the idle vec:\n"
		      "- NULL pool: errno = EINVAL, return NULL\n"
		      "- vec_pop(&pool->idle); empty: errno = EAGAIN, return NULL\n"
		      "- count it out (out++)");
	(void)pool;
	errno = ENOSYS;
	return NULL;
}

int pool_return(pool_t *pool, void *obj)
{
	UNIMPLEMENTED("push the object back onto the idle vec:\n"
		      "- NULL pool or obj: -EINVAL\n"
		      "- reserve live + 1 places: obj may be from elsewhere\n"
		      "- that failed and nothing is out: return the error\n"
		      "- else vec_push (a place is free) and count it back (out--)");
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
	UNIMPLEMENTED("destroy every idle object, then the pool:\n"
		      "- NULL pool: nothing to do\n"
		      "- pop each idle object and call destroy(obj, ctx) if destroy\n"
		      "  is not NULL; then vec_free(&pool->idle) and mem_free(pool)");
	(void)pool;
}
