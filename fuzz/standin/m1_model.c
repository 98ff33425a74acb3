/* STAND-IN for //m1_manual:model until the model branch lands: a small m1
 * interpreter (preallocate, get, return, injected allocation failure),
 * enough to build and run the fuzzer against. */
#include "common/model.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/mem_testing.h"
#include "m1_manual/pool.h"

static int made;

static void *make(void *ctx)
{
	(void)ctx;
	made++;
	return malloc(1);
}

static void destroy(void *obj, void *ctx)
{
	(void)ctx;
	made--;
	free(obj);
}

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "model: %s\n", what);
		abort();
	}
}

void model_run(const uint8_t *data, size_t size)
{
	pool_t *pool = pool_new(make, destroy, NULL);
	void *out[16];
	size_t nout = 0, idle = 0;

	check(pool != NULL, "pool_new failed");
	for (size_t i = 0; i < size; i++) {
		uint8_t op = data[i] >> 6, arg = data[i] & 63;

		if (op == 0) {
			int err = pool_preallocate(pool, arg % 8);

			if (err == 0)
				idle += arg % 8;
			idle = err == 0 ? idle : pool_len(pool);
		} else if (op == 1 && nout < 16) {
			void *obj = pool_get(pool);

			check((obj != NULL) == (idle > 0), "get");
			if (obj) {
				out[nout++] = obj;
				idle--;
			}
		} else if (op == 2 && nout > 0) {
			check(pool_return(pool, out[--nout]) == 0, "return");
			idle++;
		} else if (op == 3) {
			mem_fail_next(arg % 3);
		}
		check(pool_len(pool) == idle, "pool_len");
	}
	mem_fail_next(0);
	while (nout > 0)
		check(pool_return(pool, out[--nout]) == 0, "return");
	pool_free(pool);
	check(made == 0, "leak");
}
