#include "m4_reset/testing/map_pool.h"

#include "m4_reset/testing/strmap.h"

static void *make_map(void *ctx)
{
	(void)ctx;
	return strmap_new(MAP_POOL_CAPACITY);
}

static void free_map(void *map, void *ctx)
{
	(void)ctx;
	strmap_free(map);
}

pool_t *map_pool_build(size_t max_size)
{
	/* The literal lives until this function returns; the pool keeps a
	 * copy. Unnamed fields (ctx here) are zero. */
	return pool_build(&(pool_config_t){
		.factory = make_map,
		.reset = strmap_clear,
		.destroy = free_map,
		.max_size = max_size,
	});
}
