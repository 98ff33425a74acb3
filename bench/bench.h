/* objpool benchmark: what the measurement core (bench_core.c) and the
 * per-milestone adapters (adapter_*.c) say to each other.
 *
 * Every milestone defines the same names (pool_t, pool_get, ...), so two
 * milestones never link into one binary. Each benchmark binary is therefore
 * bench_core.c (main, the objects, the threads, the clocks) plus one
 * adapter, which includes its milestone's pool.h, says what its pool can
 * do (bench_adapter) and how to open and close it, and includes
 * bench_loop.inc: the timed loop, compiled in the adapter's own file so
 * that it calls the milestone's pool_get and release directly, as a user
 * of the pool would.
 */
#ifndef OBJPOOL_BENCH_BENCH_H
#define OBJPOOL_BENCH_BENCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* Objects each pool holds idle before the timed loop; the malloc baseline
 * keeps as many live. One per thread would do: the loop holds one object
 * at a time, so every get is a hit. */
#define BENCH_IDLE 2

/* The pooled object: a buffer with a small header, allocated as one block
 * of bench_object.size bytes. */
struct bench_buf {
	size_t len;	      /* bytes in use; the cheap reset sets it to 0 */
	size_t cap;	      /* bytes in data[] */
	unsigned char data[]; /* the buffer itself */
};

/* A kind of object; the context of the factory, reset and destroy below. */
struct bench_object {
	size_t size; /* bytes per object, header included */
	bool zeroed; /* calloc and write every page (the expensive
				 * object); false: plain malloc */
	size_t page; /* the page size, for the writes */
};

/* The callbacks every pool gets, with the signatures of the milestones'
 * pool_factory_fn, pool_reset_fn and pool_destroy_fn. bench_buf_new counts
 * its calls in the calling thread: a pool row whose timed loop calls it has
 * measured misses, and the core stops with an error. */
void *bench_buf_new(void *object);
void bench_buf_reset_len(void *buf, void *object);    /* len = 0 */
void bench_buf_reset_memset(void *buf, void *object); /* zero all, len = 0 */
void bench_buf_free(void *buf, void *object);

/* What an adapter's pool is and can do; every adapter defines one. The
 * driver (bench.c) asks each binary for it (--describe) and makes the
 * table's rows from it: one row with 1 thread, one with 2 threads when
 * thread_safe. */
struct bench_adapter {
	const char *label; /* the pool's short name in the table: "m4" */
	const char *what;  /* its 1-thread row's first column: what it adds */
	const char *base;  /* the pool it adds a feature to, as named in
			    * BENCH_POOLS ("m3"), or NULL */
	bool is_pool; /* false: the malloc baseline (a factory call per get) */
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

/* The adapter: open a pool holding BENCH_IDLE idle objects; close it.
 * Errors in open stop the program (bench_check). */
void *bench_open(const struct bench_setup *setup);
void bench_close(void *pool);

/* The timed loop (bench_loop.inc, in the adapter's file): @n get+return
 * pairs on @pool, or fewer when *@stop turns true (looked at after
 * every BENCH_CHUNK pairs). bench_measure is the measured run, and the only
 * code callgrind counts (--toggle-collect=bench_measure); bench_warm, the
 * same loop, warms up. Return: the pairs done. */
size_t bench_measure(void *pool, size_t n, const atomic_bool *stop);
size_t bench_warm(void *pool, size_t n);

/* For the adapters: stop the program with a message naming @what when
 * @ret < 0 (a negative errno) or @ptr is NULL (errno says why).
 * Return: @ptr. */
void bench_check(const char *what, int ret);
void *bench_check_ptr(const char *what, void *ptr);

/* For the timed loop: a get failed; stop the program (errno says why). */
__attribute__((noreturn)) void bench_get_failed(void);

#endif
