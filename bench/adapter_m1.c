/* m1_manual: a vector of idle objects; pool_get pops, pool_return pushes. */
#include "m1_manual/pool.h"
#include "bench/bench.h"

const struct bench_adapter bench_adapter = { .is_pool = true };

#include "bench/adapter_new.inc"

bench_loan_t bench_get(void *pool)
{
	return (bench_loan_t){ .pool = pool, .obj = pool_get(pool) };
}

void bench_put(bench_loan_t loan)
{
	pool_return(loan.pool, loan.obj);
}
