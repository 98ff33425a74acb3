/* The baseline: no pool. Every get makes a new object with the pools'
 * factory (malloc, or calloc and a write to every page) and every put
 * frees it. BENCH_IDLE objects of the same kind stay live meanwhile, as
 * they stay idle in the pools. */
#include <stdlib.h>

#include "bench/bench.h"

const struct bench_adapter bench_adapter = {
	.label = "no pool",
	.what = "no pool: factory + free each time",
	.is_pool = false,
	.thread_safe = true,
	.has_reset = false,
};

struct no_pool {
	struct bench_object *object; /* what to make */
	void *live[BENCH_IDLE];	     /* kept live until bench_close */
};

void *bench_open(const struct bench_setup *setup)
{
	struct no_pool *np = bench_check_ptr("malloc", malloc(sizeof(*np)));

	np->object = setup->object;
	for (size_t i = 0; i < BENCH_IDLE; i++)
		np->live[i] = bench_check_ptr("bench_buf_new",
					      bench_buf_new(np->object));
	return np;
}

void bench_close(void *pool)
{
	struct no_pool *np = pool;

	for (size_t i = 0; i < BENCH_IDLE; i++)
		bench_buf_free(np->live[i], np->object);
	free(np);
}

/* The loan: the object and what it is. */
typedef struct {
	struct bench_object *object;
	void *obj;
} bench_loan_t;

static inline void bench_get(void *pool, bench_loan_t *loan)
{
	struct no_pool *np = pool;

	loan->object = np->object;
	loan->obj = bench_buf_new(np->object);
}

static inline void bench_put(bench_loan_t *loan)
{
	bench_buf_free(loan->obj, loan->object);
}

#include "bench/bench_loop.inc"
