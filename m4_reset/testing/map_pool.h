/* map_pool - a pool of strmaps, built the C way: pool_build from a
 * compound literal that is gone once map_pool_build returns. Tests use it
 * for the spec's HashMap pool (Checkpoint.ComplexReset) and to show that
 * pool_build copies its configuration. */
#ifndef OBJPOOL_M4_RESET_TESTING_MAP_POOL_H
#define OBJPOOL_M4_RESET_TESTING_MAP_POOL_H

#include <stddef.h>

#include "m4_reset/pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for this many keys in every new map: HashMap::with_capacity(100). */
#define MAP_POOL_CAPACITY 100

/* map_pool_build - a pool of strmaps with room for MAP_POOL_CAPACITY keys,
 * reset by strmap_clear, keeping at most @max_size idle.
 * Return: the pool, or NULL with errno set by pool_build. */
pool_t *map_pool_build(size_t max_size);

#ifdef __cplusplus
}
#endif

#endif
