/* objpool benchmark: what the measurement core (bench_core.c) and the
 * per-milestone adapters (adapter_*.c) say to each other.
 *
 * Every milestone defines the same names (pool_t, pool_get, ...), so two
 * milestones never link into one binary. Each benchmark binary is therefore
 * bench_core.c (main, the objects, the timed loop) plus one adapter, which
 * includes its milestone's pool.h and implements the four bench_ functions
 * below. The core calls them directly, the same way for every pool, so the
 * timed loops differ only in what the pools do.
 */
#ifndef OBJPOOL_BENCH_BENCH_H
#define OBJPOOL_BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>

/* Objects each pool holds idle before the timed loop; the malloc baseline
 * keeps as many live. One per thread would do: the loop holds one object
 * at a time, so every get is a hit. */
#define BENCH_IDLE 2

/* The pooled object: a buffer with a small header, allocated as one block
 * of bench_object.size bytes. */
struct bench_buf {
	size_t len;		/* bytes in use; the cheap reset sets it to 0 */
	size_t cap;		/* bytes in data[] */
	unsigned char data[];	/* the buffer itself */
};

/* A kind of object; the context of the factory, reset and destroy below. */
struct bench_object {
	size_t size;		/* bytes per object, header included */
	bool zeroed;		/* calloc and write every page (the expensive
				 * object); false: plain malloc */
	size_t page;		/* the page size, for the writes */
};

/* The callbacks every pool gets, with the signatures of the milestones'
 * pool_factory_fn, pool_reset_fn and pool_destroy_fn. bench_buf_new counts
 * its calls in the calling thread: a pool row whose timed loop calls it has
 * measured misses, and the core stops with an error. */
void *bench_buf_new(void *object);
void bench_buf_reset_len(void *buf, void *object);    /* len = 0 */
void bench_buf_reset_memset(void *buf, void *object); /* zero all, len = 0 */
void bench_buf_free(void *buf, void *object);

/* What an adapter can do; every adapter defines one. */
struct bench_adapter {
	bool is_pool;	  /* false: the malloc baseline (a factory call per get) */
	bool thread_safe; /* one pool may serve several threads at once */
	bool has_reset;	  /* bench_open honours bench_setup.reset */
};
extern const struct bench_adapter bench_adapter;

/* A reset callback, as the milestones' pool_reset_fn. */
typedef void (*bench_reset_fn)(void *obj, void *ctx);

/* How to open the pool of one row. */
struct bench_setup {
	struct bench_object *object; /* the factory's context */
	bench_reset_fn reset;	     /* NULL: no reset */
};

/* An object on loan: the milestone's guard, or the pool and the object. */
typedef struct bench_loan {
	void *pool; /* where the object goes back */
	void *obj;  /* the object, a struct bench_buf */
} bench_loan_t;

/* The adapter: open a pool holding BENCH_IDLE idle objects; get one (the
 * loan's obj is NULL on failure); give it back; close the pool. Errors in
 * open stop the program (bench_check). A loan travels by value, in two
 * registers: through memory, the copy into a guard could cost a failed
 * store-to-load forwarding (two 8-byte stores read back as one 16-byte
 * load, ~7 ns here), a cost of the benchmark, not of the pool. */
void *bench_open(const struct bench_setup *setup);
bench_loan_t bench_get(void *pool);
void bench_put(bench_loan_t loan);
void bench_close(void *pool);

/* For the adapters: stop the program with a message naming @what when
 * @ret < 0 (a negative errno) or @ptr is NULL (errno says why).
 * Return: @ptr. */
void bench_check(const char *what, int ret);
void *bench_check_ptr(const char *what, void *ptr);

#endif
