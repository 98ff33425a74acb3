/* m4_reset: m3 plus a reset callback on every release, and a pool_config_t. */
#include "m4_reset/pool.h"
#include "m6_stats/bench/bench.h"

const struct bench_adapter bench_adapter = {
	.is_pool = true,
	.thread_safe = false,
	.has_reset = true,
};

#include "m6_stats/bench/adapter_config.inc"
#include "m6_stats/bench/adapter_guard.inc"
