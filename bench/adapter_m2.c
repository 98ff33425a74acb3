/* m2_guard: m1's pool, but pool_get hands out a guard and the object goes
 * back with pool_guard_release. */
#include "m2_guard/pool.h"
#include "bench/bench.h"

const struct bench_adapter bench_adapter = {
	.label = "m2",
	.what = "m2 + guard",
	.base = "m1",
	.is_pool = true,
};

#include "bench/adapter_new.inc"
#include "bench/adapter_guard.inc"
#include "bench/bench_loop.inc"
