/* What a connection costs: SELECT 1 per request, with a new connection
 * per request, through the pool, and through the pool with DISCARD ALL on
 * every release; 1 and 4 client threads; pgbench's own figures for the
 * same server beside. One throwaway server (pgserver.h) for all of it.
 *
 *	bazel run -c opt //m8_bounded/postgres:bench
 *	bazel run -c opt //m8_bounded/postgres:bench -- --tsv
 *	... -- --seconds 5	each measurement's length (default 2)
 *
 * --tsv prints one line per row: mode (connect, pooled, pooled_reset,
 * pgbench_C, pgbench), client threads, requests per second.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep, popen */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "m8_bounded/postgres/pgpool.h"
#include "m8_bounded/postgres/pgserver.h"

enum { MAX_THREADS = 4, ROWS = 10 };

static const int thread_counts[] = { 1, MAX_THREADS };

/* One measurement. */
struct row {
	const char *mode; /* connect, pooled, ... */
	int threads;	  /* client threads (pgbench: clients) */
	double rps;	  /* requests (transactions) per second */
};

/* What the client threads of one measurement share. */
struct run {
	const char *conninfo; /* for connect */
	pool_t *pool;	      /* for pooled modes; NULL: connect */
	atomic_bool stop;     /* set by main when the time is up */
	pthread_barrier_t go; /* all threads and main start together */
	atomic_long requests; /* done, all threads */
	atomic_long errors;   /* failed, all threads */
};

/* select_one - SELECT 1 on @conn. Return: whether it answered 1. */
static bool select_one(PGconn *conn)
{
	PGresult *r = PQexec(conn, "SELECT 1");
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK &&
		  strcmp(PQgetvalue(r, 0, 0), "1") == 0;

	PQclear(r);
	return ok;
}

/* request - one request of @run's mode. Return: whether it succeeded. */
static bool request(struct run *run)
{
	if (!run->pool) {
		PGconn *conn = PQconnectdb(run->conninfo);
		bool ok = PQstatus(conn) == CONNECTION_OK && select_one(conn);

		PQfinish(conn);
		return ok;
	}
	POOL_GUARD(g, run->pool);
	return g.obj && select_one(g.obj);
}

/* client - a client thread: requests until told to stop. */
static void *client(void *arg)
{
	struct run *run = arg;
	long done = 0, failed = 0;

	pthread_barrier_wait(&run->go);
	while (!atomic_load_explicit(&run->stop, memory_order_relaxed)) {
		if (request(run))
			done++;
		else
			failed++;
	}
	atomic_fetch_add(&run->requests, done);
	atomic_fetch_add(&run->errors, failed);
	return NULL;
}

/* now_s - CLOCK_MONOTONIC in seconds. */
static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* measure - run @threads clients on @pool (NULL: connect per request) for
 * @seconds. Return: requests per second; -1 after an error (printed). */
static double measure(const char *conninfo, pool_t *pool, int threads,
		      double seconds)
{
	struct run run = { .conninfo = conninfo, .pool = pool };
	pthread_t tids[MAX_THREADS];
	struct timespec pause = { (time_t)seconds,
				  (long)((seconds - (double)(time_t)seconds) *
					 1e9) };

	pthread_barrier_init(&run.go, NULL, (unsigned)threads + 1);
	for (int i = 0; i < threads; i++)
		pthread_create(&tids[i], NULL, client, &run);
	pthread_barrier_wait(&run.go);
	double start = now_s();
	nanosleep(&pause, NULL);
	atomic_store(&run.stop, true);
	for (int i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	double took = now_s() - start;
	pthread_barrier_destroy(&run.go);
	if (atomic_load(&run.errors)) {
		fprintf(stderr, "bench: %ld requests failed\n",
			atomic_load(&run.errors));
		return -1;
	}
	return (double)atomic_load(&run.requests) / took;
}

/* measure_pooled - measure through a pgpool of @threads connections with
 * @reset, made before the clock starts. Return: as measure. */
static double measure_pooled(const char *conninfo, pgpool_reset_mode_t reset,
			     int threads, double seconds)
{
	pgpool_t *pg = pgpool_new(&(pgpool_config_t){
		.conninfo = conninfo,
		.pool = { .max_total = (size_t)threads },
		.reset = reset,
	});

	if (!pg || pool_preallocate(pgpool_pool(pg), (size_t)threads) != 0) {
		char msg[256] = "";

		pgpool_last_error(pg, msg, sizeof(msg));
		fprintf(stderr, "bench: no pool: %s %s\n", strerror(errno),
			msg);
		pgpool_free(pg);
		return -1;
	}
	double rps = measure(conninfo, pgpool_pool(pg), threads, seconds);
	pgpool_free(pg);
	return rps;
}

/* pgbench - pgbench's tps for SELECT 1 with @clients clients, with a new
 * connection per transaction when @reconnect (-C). Return: tps; -1 when
 * pgbench fails or prints no tps. */
static double pgbench(const pgserver_t *srv, int clients, bool reconnect,
		      double seconds)
{
	char script[128], cmd[1024], line[256];
	double tps = -1;

	snprintf(script, sizeof(script), "%s/select1.sql", srv->dir);
	FILE *f = fopen(script, "w");

	if (!f)
		return -1;
	fputs("SELECT 1;\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "'%s/pgbench' -n %s -f '%s' -T %d -c %d -j %d '%s' 2>&1",
		 srv->bindir, reconnect ? "-C" : "", script,
		 seconds < 1 ? 1 : (int)seconds, clients, clients,
		 srv->conninfo);
	FILE *p = popen(cmd, "r");

	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		double parsed;

		if (tps < 0 && sscanf(line, "tps = %lf", &parsed) == 1)
			tps = parsed;
	}
	if (pclose(p) != 0 || tps < 0) {
		fprintf(stderr, "bench: %s failed\n", cmd);
		return -1;
	}
	return tps;
}

/* run_all - every row into @rows. Return: 0; -1 after a failure. */
static int run_all(const pgserver_t *srv, double seconds, struct row rows[ROWS])
{
	int n = 0;

	for (size_t i = 0; i < sizeof(thread_counts) / sizeof(thread_counts[0]);
	     i++) {
		int t = thread_counts[i];

		rows[n++] = (struct row){
			"connect", t, measure(srv->conninfo, NULL, t, seconds)
		};
		rows[n++] = (struct row){ "pooled", t,
					  measure_pooled(srv->conninfo,
							 PGPOOL_RESET_ROLLBACK,
							 t, seconds) };
		rows[n++] = (struct row){ "pooled_reset", t,
					  measure_pooled(srv->conninfo,
							 PGPOOL_RESET_DISCARD,
							 t, seconds) };
		rows[n++] = (struct row){ "pgbench_C", t,
					  pgbench(srv, t, true, seconds) };
		rows[n++] = (struct row){ "pgbench", t,
					  pgbench(srv, t, false, seconds) };
	}
	for (int i = 0; i < n; i++)
		if (rows[i].rps < 0)
			return -1;
	return 0;
}

/* print_table - the Markdown table, each row also as a multiple of
 * connect-per-request with as many threads. */
static void print_table(const struct row rows[ROWS], double seconds)
{
	printf("SELECT 1 per request, %.1f s per row, one server on a unix "
	       "socket\n\n",
	       seconds);
	printf("| mode | client threads | requests/s | x connect |\n");
	printf("|---|---:|---:|---:|\n");
	for (int i = 0; i < ROWS; i++) {
		/* each group of 5 starts with connect */
		double connect = rows[i - i % 5].rps;

		printf("| %s | %d | %.0f | %.1f |\n", rows[i].mode,
		       rows[i].threads, rows[i].rps, rows[i].rps / connect);
	}
	printf("\npooled / connect, 1 thread: %.1fx\n",
	       rows[1].rps / rows[0].rps);
	printf("pooled_reset / pooled, 1 thread: %.2f (DISCARD ALL: a round "
	       "trip per release)\n",
	       rows[2].rps / rows[1].rps);
}

int main(int argc, char **argv)
{
	bool tsv = false;
	double seconds = 2;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tsv") == 0) {
			tsv = true;
		} else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			seconds = atof(argv[++i]);
		} else {
			fprintf(stderr, "usage: %s [--tsv] [--seconds S]\n",
				argv[0]);
			return 2;
		}
	}
	if (seconds <= 0) {
		fprintf(stderr, "bench: --seconds must be positive\n");
		return 2;
	}
	pgserver_t srv;
	int err = pgserver_start(&srv);

	if (err) {
		fprintf(stderr, "bench: no server: %s\n", strerror(-err));
		return 1;
	}
	struct row rows[ROWS];

	err = run_all(&srv, seconds, rows);
	pgserver_cleanup(&srv);
	if (err)
		return 1;
	if (tsv)
		for (int i = 0; i < ROWS; i++)
			printf("%s\t%d\t%.0f\n", rows[i].mode, rows[i].threads,
			       rows[i].rps);
	else
		print_table(rows, seconds);
	return 0;
}
