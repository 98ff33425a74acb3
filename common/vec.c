#include "common/vec.h"

#include <errno.h>
#include <stdint.h>

#include "common/mem.h"

/* The most pointers a size_t byte count can describe. */
#define VEC_MAX_CAP (SIZE_MAX / sizeof(void *))

int vec_reserve(vec_t *v, size_t capacity)
{
	if (capacity <= v->cap)
		return 0;
	if (capacity > VEC_MAX_CAP)
		return -EOVERFLOW;

	size_t grown = v->cap < VEC_MAX_CAP / 2 ? v->cap * 2 : VEC_MAX_CAP;

	if (grown < 8)
		grown = 8;
	if (capacity < grown)
		capacity = grown;

	void **items = mem_realloc_array(v->items, capacity, sizeof(void *));

	if (!items)
		return -errno;
	v->items = items;
	v->cap = capacity;
	return 0;
}

void vec_free(vec_t *v)
{
	mem_free(v->items);
	*v = (vec_t)VEC_INIT;
}
