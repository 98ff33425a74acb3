/* A burst of requests through a pool of two "connections", one of which
 * is never given back. bazel run //m8_bounded:demo
 *
 * main takes a connection and forgets it (a leak). Six threads run four
 * requests each; a request takes a connection (at most 2 exist:
 * max_total, so all of them share the one left), holds it for 5 ms and
 * gives it back. The pool's report then shows the waits and the
 * recommendation, and the leak report names the line that took the
 * connection never returned. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "m8_bounded/pool.h"

enum {
	THREADS = 6,
	REQUESTS = 4, /* per thread */
};

/* A pretend database connection. */
struct conn {
	int id;		    /* the connection's number, from 1 */
	int in_transaction; /* a request left a transaction open */
};

POOL_TYPED(conn_pool, struct conn);

/* pool_factory_fn: "connect"; @ctx counts the connections made. */
static void *connect_db(void *ctx)
{
	atomic_int *made = ctx;
	struct conn *c = malloc(sizeof(*c));

	if (c)
		*c = (struct conn){ .id = atomic_fetch_add(made, 1) + 1 };
	return c;
}

/* pool_reset_fn: "ROLLBACK". */
static void rollback(void *obj, void *ctx)
{
	(void)ctx;
	((struct conn *)obj)->in_transaction = 0;
}

/* pool_validate_fn: a connection is fine unless a transaction is open. */
static bool usable(void *obj, void *ctx)
{
	(void)ctx;
	return !((struct conn *)obj)->in_transaction;
}

/* pool_destroy_fn: "disconnect". */
static void disconnect(void *obj, void *ctx)
{
	(void)ctx;
	free(obj);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR) {
	}
}

/* The request that forgets its connection. */
static conn_pool_guard_t leaked;

/* One thread's requests. Return: NULL. */
static void *requests(void *arg)
{
	pool_t *pool = arg;

	for (int r = 0; r < REQUESTS; r++) {
		POOL_TYPED_GUARD(conn_pool, c, pool);
		if (!c.obj) {
			printf("a request gave up: %s\n", strerror(errno));
			continue;
		}
		c.obj->in_transaction = 1; /* BEGIN ... */
		sleep_ms(5);		   /* the query */
	}
	return NULL;
}

int main(void)
{
	atomic_int made = 0;
	pool_t *pool = pool_build(&(pool_config_t){
		.factory = connect_db,
		.reset = rollback,
		.validate = usable,
		.destroy = disconnect,
		.ctx = &made,
		.max_total = 2,
		.max_wait_ns = 2000000000,     /* 2 s */
		.leak_threshold_ns = 50000000, /* 50 ms */
	});

	if (!pool) {
		perror("pool_build");
		return 1;
	}
	/* The leak: taken here, never given back until the end. */
	leaked = conn_pool_get_at(pool, __FILE__, __LINE__);
	if (!leaked.obj) {
		perror("pool_get");
		return 1;
	}
	pthread_t threads[THREADS];

	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&threads[i], NULL, requests, pool)) {
			perror("pthread_create");
			return 1;
		}
	for (int i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	sleep_ms(60); /* past the leak threshold, whatever the pace */

	int len = pool_stats_report(pool, NULL, 0);
	int leaks = pool_leaks_report(pool, NULL, 0);
	char *text = malloc((size_t)(len > leaks ? len : leaks) + 1);

	if (len < 0 || leaks < 0 || !text) {
		fprintf(stderr, "report: %s\n",
			strerror(len < 0 ? -len : ENOMEM));
		return 1;
	}
	pool_stats_report(pool, text, (size_t)len + 1);
	fputs(text, stdout);
	putchar('\n');
	pool_leaks_report(pool, text, (size_t)leaks + 1);
	fputs(text, stdout);
	free(text);

	conn_pool_guard_release(&leaked);
	pool_unref(pool);
	return 0;
}
