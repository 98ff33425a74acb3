/* objpool milestone 1: a pool of reusable objects, returned by hand.
 *
 * The pool keeps idle objects in a growable array. pool_get pops one,
 * pool_return pushes it back. Objects come from the factory, in
 * pool_preallocate only: an empty pool gives nothing.
 *
 *	pool_t *pool = pool_new(make_buffer, free_buffer, NULL);
 *	pool_preallocate(pool, 10);
 *	struct buffer *buf = pool_get(pool);
 *	...
 *	pool_return(pool, buf);		// forget this and the buffer is lost
 *	pool_free(pool);
 *
 * Single-threaded: one pool must not be used by two threads at once.
 */
#ifndef OBJPOOL_M1_MANUAL_POOL_H
#define OBJPOOL_M1_MANUAL_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/must_check.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Makes one object. Return: the object, or NULL on failure; the factory may
 * set errno to say why (ENOMEM is reported if it does not). */
typedef void *(*pool_factory_fn)(void *ctx);

/* Frees one object made by the factory. */
typedef void (*pool_destroy_fn)(void *obj, void *ctx);

typedef struct pool pool_t;

/* pool_new - create an empty pool.
 * @factory: makes objects; required.
 * @destroy: frees them; NULL when objects need no freeing.
 * @ctx: passed to @factory and @destroy as is.
 * Return: the pool, or NULL with errno EINVAL (no factory) or ENOMEM. */
OBJPOOL_MUST_CHECK
pool_t *pool_new(pool_factory_fn factory, pool_destroy_fn destroy, void *ctx);

/* pool_preallocate - make @count objects with the factory and keep them
 * idle in the pool.
 * Return: 0; -EINVAL for a NULL pool; -EOVERFLOW when the pool would hold
 * more objects than a size_t counts; -ENOMEM when memory is short (nothing
 * was made); or the factory's error (-errno) when it fails, in which case
 * the objects made before the failure stay in the pool. */
OBJPOOL_MUST_CHECK
int pool_preallocate(pool_t *pool, size_t count);

/* pool_get - take an idle object out of the pool. The caller owns it until
 * pool_return.
 * Return: the object; NULL with errno EAGAIN when the pool is empty, EINVAL
 * for a NULL pool. */
OBJPOOL_MUST_CHECK
void *pool_get(pool_t *pool);

/* pool_return - give an object back, for the next pool_get.
 * Return: 0; -EINVAL for a NULL pool or object; -ENOMEM only when no
 * object is out (every pool_get already matched by a pool_return): the
 * object is then one from elsewhere, it needs a new place in the pool, and
 * on failure the caller keeps it. While objects are out, a return cannot
 * fail: the pool keeps a place for every object idle or out, and makes a
 * new one, memory permitting, for an object from elsewhere. */
int pool_return(pool_t *pool, void *obj);

/* pool_len - how many idle objects the pool holds; 0 for NULL. */
size_t pool_len(const pool_t *pool);

/* pool_is_empty - pool_len(pool) == 0. */
bool pool_is_empty(const pool_t *pool);

/* pool_free - destroy every idle object, then the pool; NULL is fine.
 * Objects still out are the caller's: the pool no longer knows them. */
void pool_free(pool_t *pool);

#ifdef __cplusplus
}
#endif

#endif
