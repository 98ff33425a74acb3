/* m8_bounded: m6 plus slots with loan generations, the call site, clock
 * readings for the time-weighted average; no bound set, so no waiting. */
#include "m8_bounded/pool.h"
#include "bench/bench.h"

const struct bench_adapter bench_adapter = {
	.label = "m8",
	.what = "m8 + loan records, clock, bound (never reached)",
	.base = "m6",
	.is_pool = true,
	.thread_safe = true,
	.has_reset = true,
};

#include "bench/adapter_config.inc"
#include "bench/adapter_guard.inc"
#include "bench/bench_loop.inc"
