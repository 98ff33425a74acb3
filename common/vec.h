/* vec - a growable array of void pointers: the idle list of every pool.
 *
 * Growth checks both overflow and allocation failure; on error nothing is
 * lost: the vec and the item stay as they were. Push and pop are inline:
 * they are on every pool's hot path.
 *
 *	vec_t v = VEC_INIT;
 *	if (vec_push(&v, obj) < 0) ...	// obj is still yours
 *	if (vec_reserve(&v, n) < 0) ...	// then up to n items in all:
 *	vec_push_reserved(&v, obj);	// cannot fail
 *	obj = vec_pop(&v);		// NULL when empty
 *	vec_free(&v);			// the storage, not the items
 */
#ifndef OBJPOOL_COMMON_VEC_H
#define OBJPOOL_COMMON_VEC_H

#include <assert.h>
#include <stddef.h>

#include "common/must_check.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vec {
	void **items; /* storage, NULL until the first reservation */
	size_t len;   /* items in use: items[0] .. items[len - 1] */
	size_t cap;   /* items that fit without reallocating */
} vec_t;

/* clang-format 14 would spread this braced macro over four lines. */
/* clang-format off */
#define VEC_INIT { NULL, 0, 0 }
/* clang-format on */

/* vec_reserve - make room for at least @capacity items in all, so that
 * pushes up to that length cannot fail. Grows by doubling at least.
 * Return: 0; -EOVERFLOW when @capacity pointers do not fit in memory's
 * address range; -ENOMEM when memory is short. On error @v is unchanged. */
OBJPOOL_MUST_CHECK int vec_reserve(vec_t *v, size_t capacity);

/* vec_push - append @item.
 * Return: 0; -ENOMEM (or -EOVERFLOW) when the array could not grow, in
 * which case @v is unchanged and @item was not stored.
 * Where room was reserved, call vec_push_reserved instead. */
OBJPOOL_MUST_CHECK static inline int vec_push(vec_t *v, void *item)
{
	if (v->len == v->cap) {
		int err = vec_reserve(v, v->len + 1);

		if (err < 0)
			return err;
	}
	v->items[v->len++] = item;
	return 0;
}

/* vec_push_reserved - append @item into room reserved by vec_reserve:
 * cannot fail. Asserts (debug builds) that there is room. */
static inline void vec_push_reserved(vec_t *v, void *item)
{
	assert(v->len < v->cap && "vec_push_reserved: no room was reserved");
	v->items[v->len++] = item;
}

/* vec_pop - remove and return the last item, NULL when empty. */
static inline void *vec_pop(vec_t *v)
{
	return v->len > 0 ? v->items[--v->len] : NULL;
}

static inline size_t vec_len(const vec_t *v)
{
	return v->len;
}

/* vec_free - free the storage (not the items) and leave @v empty, ready
 * for reuse. */
void vec_free(vec_t *v);

#ifdef __cplusplus
}
#endif

#endif
