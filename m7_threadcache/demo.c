/* The spec's complete example in C: a pool of buffers shared by four
 * threads, with its statistics before and after.
 *	bazel run //m7_threadcache:demo
 *
 * The threads use the typed face of the pool (POOL_TYPED): their guards
 * hold a struct buffer *, not a void *. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "m7_threadcache/pool.h"

enum {
	BUFFER_CAPACITY = 1024, /* Vec::with_capacity(1024) */
	THREADS = 4,
	TASKS = 5, /* per thread */
};

/* A byte buffer: the spec's Vec<u8>. */
struct buffer {
	size_t len;	 /* bytes in use */
	size_t capacity; /* bytes data can hold */
	char *data;	 /* the bytes */
};

POOL_TYPED(buffer_pool, struct buffer);

/* pool_factory_fn: an empty buffer. */
static void *make_buffer(void *ctx)
{
	(void)ctx;
	struct buffer *b = malloc(sizeof(*b));

	if (!b)
		return NULL;
	*b = (struct buffer){ .capacity = BUFFER_CAPACITY,
			      .data = malloc(BUFFER_CAPACITY) };
	if (!b->data) {
		free(b);
		return NULL;
	}
	return b;
}

/* pool_reset_fn: vec.clear(): empty, capacity kept. */
static void clear_buffer(void *obj, void *ctx)
{
	(void)ctx;
	((struct buffer *)obj)->len = 0;
}

/* pool_destroy_fn */
static void free_buffer(void *obj, void *ctx)
{
	struct buffer *b = obj;

	(void)ctx;
	free(b->data);
	free(b);
}

/* Print the pool's report, measured first (snprintf semantics).
 * Return: 0, or -1 with errno set. */
static int print_report(const pool_t *pool)
{
	int len = pool_stats_report(pool, NULL, 0);

	if (len < 0) {
		errno = -len;
		return -1;
	}
	char *text = malloc((size_t)len + 1);

	if (!text)
		return -1;
	pool_stats_report(pool, text, (size_t)len + 1);
	fputs(text, stdout);
	free(text);
	return 0;
}

/* What a worker thread gets: its number and its own pool reference. */
struct worker {
	pthread_t thread; /* the thread running work() */
	int id;		  /* 0 .. THREADS - 1 */
	pool_t *pool;	  /* a reference of the thread's own, dropped by it */
	int err;	  /* 0, or the errno that stopped the thread */
};

/* One task: fill a buffer, work on it for 10 ms, give it back.
 * Return: 0, or an errno value. */
static int task(pool_t *pool, int thread_id, int task_id)
{
	POOL_TYPED_GUARD(buffer_pool, buf, pool);

	if (!buf.obj)
		return errno;
	if (buf.obj->len != 0)
		return EPROTO; /* the reset did not clear it */
	int len = snprintf(buf.obj->data, buf.obj->capacity,
			   "Thread %d Task %d", thread_id, task_id);

	buf.obj->len = (size_t)len;
	nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	printf("Thread %d completed task %d\n", thread_id, task_id);
	return 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;

	for (int task_id = 0; task_id < TASKS && !w->err; task_id++)
		w->err = task(w->pool, w->id, task_id);
	pool_unref(w->pool);
	return NULL;
}

int main(void)
{
	pool_t *pool = pool_build(&(pool_config_t){
		.factory = make_buffer,
		.reset = clear_buffer,
		.destroy = free_buffer,
		.max_size = 10,
		/* Each worker holds one buffer at a time: a cache of one
		 * each, so that no worker strands idle buffers the others
		 * need (the default would let the first take five). */
		.cache_size = 1,
	});

	if (!pool) {
		perror("pool_build");
		return 1;
	}
	int err = pool_preallocate(pool, 5);

	if (err < 0) {
		fprintf(stderr, "pool_preallocate: %s\n", strerror(-err));
		pool_unref(pool);
		return 1;
	}

	int status = 0;

	printf("Initial state:\n");
	if (print_report(pool) < 0) {
		perror("pool_stats_report");
		status = 1;
	}
	printf("\nProcessing %d tasks across %d threads...\n\n",
	       THREADS * TASKS, THREADS);

	struct worker workers[THREADS];
	int started = 0;

	for (; started < THREADS; started++) {
		struct worker *w = &workers[started];

		*w = (struct worker){ .id = started, .pool = pool_ref(pool) };
		err = pthread_create(&w->thread, NULL, work, w);
		if (err) {
			pool_unref(w->pool);
			fprintf(stderr, "pthread_create: %s\n", strerror(err));
			break;
		}
	}
	if (started < THREADS)
		status = 1;
	for (int i = 0; i < started; i++) {
		pthread_join(workers[i].thread, NULL);
		if (workers[i].err) {
			fprintf(stderr, "thread %d: %s\n", i,
				strerror(workers[i].err));
			status = 1;
		}
	}

	printf("\nFinal statistics:\n");
	if (print_report(pool) < 0) {
		perror("pool_stats_report");
		status = 1;
	}
	pool_unref(pool);
	return status;
}
