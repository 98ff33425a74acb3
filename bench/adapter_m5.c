/* m5_threadsafe: m4 behind a mutex, with an atomic reference count. */
#include "m5_threadsafe/pool.h"
#include "bench/bench.h"

const struct bench_adapter bench_adapter = {
	.label = "m5",
	.what = "m5 + mutex, atomic refcount",
	.base = "m4",
	.is_pool = true,
	.thread_safe = true,
	.has_reset = true,
};

#include "bench/adapter_config.inc"
#include "bench/adapter_guard.inc"
#include "bench/bench_loop.inc"
