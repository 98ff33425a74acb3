/* The pool of connections at work: a throwaway server, 6 threads sharing
 * 3 connections, one backend terminated halfway (the pool notices and
 * replaces it), and the pool's report. bazel run //m8_bounded/postgres:demo
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "m8_bounded/postgres/pgpool.h"
#include "m8_bounded/postgres/pgserver.h"

enum { THREADS = 6, REQUESTS = 5, MAX_TOTAL = 3 };

static pgpool_t *pg;

/* request - "SELECT pg_backend_pid()" through the pool, retried once on a
 * broken connection. Return: the backend's pid; 0 on failure. */
static long request(void)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		POOL_GUARD(g, pgpool_pool(pg));
		if (!g.obj)
			return 0;
		PGresult *r = pgpool_exec(&g, "SELECT pg_backend_pid()");
		long pid = PQresultStatus(r) == PGRES_TUPLES_OK
				   ? atol(PQgetvalue(r, 0, 0))
				   : 0;

		PQclear(r);
		if (pid)
			return pid;
	}
	return 0;
}

/* worker - REQUESTS requests; prints which backend served each. */
static void *worker(void *arg)
{
	int id = (int)(long)arg;

	for (int i = 0; i < REQUESTS; i++) {
		long pid = request();

		if (pid)
			printf("thread %d, request %d: backend %ld\n", id, i,
			       pid);
		else
			printf("thread %d, request %d: failed: %s\n", id, i,
			       strerror(errno));
	}
	return NULL;
}

/* run_threads - THREADS workers, waited for. */
static void run_threads(void)
{
	pthread_t t[THREADS];

	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
}

/* terminate_one - terminate one of the pool's idle backends from a
 * session of our own, as an administrator (or a failover) would. */
static void terminate_one(const char *conninfo)
{
	PGconn *admin = PQconnectdb(conninfo);
	PGresult *r = PQexec(admin,
			     "SELECT pid, pg_terminate_backend(pid, 5000) FROM "
			     "pg_stat_activity "
			     "WHERE application_name = 'objpool_demo' LIMIT 1");

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		printf("-- terminated backend %s; the pool will notice --\n",
		       PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(admin);
}

int main(void)
{
	pgserver_t srv;
	char conninfo[256], report[2048];
	int err = pgserver_start(&srv);

	if (err) {
		fprintf(stderr, "demo: no server: %s\n", strerror(-err));
		return 1;
	}
	printf("server in %s\n", srv.dir);
	snprintf(conninfo, sizeof(conninfo), "%s application_name=objpool_demo",
		 srv.conninfo);
	pg = pgpool_new(&(pgpool_config_t){
		.conninfo = conninfo,
		.pool = { .max_total = MAX_TOTAL, .max_wait_ns = 5000000000 },
	});
	if (!pg) {
		fprintf(stderr, "demo: pgpool_new: %s\n", strerror(errno));
		pgserver_cleanup(&srv);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	run_threads();
	terminate_one(srv.conninfo);
	run_threads();
	pool_stats_report(pgpool_pool(pg), report, sizeof(report));
	printf("\n%s", report);
	pgpool_free(pg);
	pgserver_cleanup(&srv);
	return 0;
}
