/* m4_reset: m3 plus a reset callback on every release, and a pool_config_t. */
#include "m4_reset/pool.h"
#include "bench/bench.h"

const struct bench_adapter bench_adapter = {
	.label = "m4",
	.what = "m4 + reset callback (len = 0)",
	.base = "m3",
	.is_pool = true,
	.has_reset = true,
};

#include "bench/adapter_config.inc"
#include "bench/adapter_guard.inc"
#include "bench/bench_loop.inc"
