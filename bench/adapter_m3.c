/* m3_refcount: a guard holds a reference to the pool (pool_ref on get,
 * pool_unref on release), and pool_get would call the factory when the
 * pool is empty (it never is here). */
#include "m3_refcount/pool.h"
#include "bench/bench.h"

const struct bench_adapter bench_adapter = {
	.label = "m3",
	.what = "m3 + refcount, grow on demand",
	.base = "m2",
	.is_pool = true,
};

void *bench_open(const struct bench_setup *setup)
{
	pool_t *pool = bench_check_ptr("pool_new",
				       pool_new(bench_buf_new, bench_buf_free,
						setup->object, BENCH_IDLE));

	bench_check("pool_preallocate", pool_preallocate(pool, BENCH_IDLE));
	return pool;
}

void bench_close(void *pool)
{
	pool_unref(pool);
}

#include "bench/adapter_guard.inc"
#include "bench/bench_loop.inc"
