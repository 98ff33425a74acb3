/* m1_manual: a vector of idle objects; pool_get pops, pool_return pushes. */
#include "m1_manual/pool.h"
#include "bench/bench.h"

const struct bench_adapter bench_adapter = {
	.label = "m1",
	.what = "m1 vec pool: pool_get + pool_return",
	.is_pool = true,
};

#include "bench/adapter_new.inc"

/* m1 has no guard: the loan is the pool and the object. */
typedef struct {
	pool_t *pool;
	void *obj;
} bench_loan_t;

static inline void bench_get(void *pool, bench_loan_t *loan)
{
	loan->pool = pool;
	loan->obj = pool_get(pool);
}

static inline void bench_put(bench_loan_t *loan)
{
	pool_return(loan->pool, loan->obj);
}

#include "bench/bench_loop.inc"
