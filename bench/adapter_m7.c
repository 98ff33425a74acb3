/* m7_threadcache: m6 with a per-thread cache in front of the locked
 * depot; get and release inline from pool.h, no lock, no atomic RMW. */
#include "m7_threadcache/pool.h"
#include "bench/bench.h"

const struct bench_adapter bench_adapter = {
	.label = "m7",
	.what = "m7 + per-thread cache",
	.base = "m6",
	.is_pool = true,
	.thread_safe = true,
	.has_reset = true,
};

#include "bench/adapter_config.inc"
#include "bench/adapter_guard.inc"
#include "bench/bench_loop.inc"
