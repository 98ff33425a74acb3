/* m6_stats: m5 plus statistics counted under the same lock. */
#include "m6_stats/pool.h"
#include "bench/bench.h"

const struct bench_adapter bench_adapter = {
	.label = "m6",
	.what = "m6 + statistics",
	.base = "m5",
	.is_pool = true,
	.thread_safe = true,
	.has_reset = true,
};

#include "bench/adapter_config.inc"
#include "bench/adapter_guard.inc"
#include "bench/bench_loop.inc"
