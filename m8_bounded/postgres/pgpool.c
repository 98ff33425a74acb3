/* pgpool: a pool of libpq connections; see pgpool.h. */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "m8_bounded/postgres/pgpool.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/mutex.h"
#include "common/refcount.h"

enum {
	ERROR_SIZE = 512, /* longest last_error kept */
	MAX_PEEKS = 8,	  /* socket reads validate tries at most */
};

struct pgpool {
	pool_t *pool;	/* the pool; the pgpool holds one reference */
	char *conninfo; /* the connection string (owned) */
	pgpool_reset_mode_t reset; /* what reset does */
	/* One reference for the owner (until pgpool_free) and one for each
	 * open connection: the callbacks of a connection still out in a
	 * guard after pgpool_free need conninfo, reset and the lock. */
	refcount_atomic_t refs;
	mutex_t lock;		     /* guards last_error */
	char last_error[ERROR_SIZE]; /* the last failed connection's message */
};

/* pgpool_put - drop one reference; the last frees @pg. */
static void pgpool_put(struct pgpool *pg)
{
	if (!refcount_atomic_dec_and_test(&pg->refs))
		return;
	mutex_destroy(&pg->lock);
	free(pg->conninfo);
	free(pg);
}

/* connect_db - pool_factory_fn: a new connection.
 * Return: the PGconn; NULL with errno ECONNREFUSED (the message in
 * last_error) or ENOMEM.
 * Context: called by the pool without its lock; takes pg->lock. */
static void *connect_db(void *ctx)
{
	struct pgpool *pg = ctx;
	/* Entries before the expanded dbname are defaults the connection
	 * string may override. */
	const char *const keys[] = { "connect_timeout",
				     "fallback_application_name", "dbname",
				     NULL };
	const char *const values[] = { "10", "objpool", pg->conninfo, NULL };
	PGconn *conn = PQconnectdbParams(keys, values, 1);

	if (!conn) {
		errno = ENOMEM;
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		mutex_lock(&pg->lock);
		snprintf(pg->last_error, sizeof(pg->last_error), "%s",
			 PQerrorMessage(conn));
		mutex_unlock(&pg->lock);
		PQfinish(conn);
		errno = ECONNREFUSED;
		return NULL;
	}
	refcount_atomic_inc(&pg->refs);
	return conn;
}

/* closed_by_server - whether the server closed @conn while it sat idle
 * (a backend terminated, a server restarted: the server sends an error
 * and closes its end). Looks at the socket without waiting; reads what
 * arrived, which libpq keeps for later parsing (a notification stays
 * queued for the next borrower). */
static bool closed_by_server(PGconn *conn)
{
	struct pollfd p = { .fd = PQsocket(conn), .events = POLLIN };

	for (int i = 0; i < MAX_PEEKS; i++) {
		if (poll(&p, 1, 0) <= 0 ||
		    !(p.revents & (POLLIN | POLLHUP | POLLERR)))
			return false;
		if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK)
			return true;
	}
	return false; /* still data coming: alive, if chatty */
}

/* validate_conn - pool_validate_fn: @obj may be handed out.
 * Return: false when the connection is broken, inside a transaction, or
 * closed by the server. */
static bool validate_conn(void *obj, void *ctx)
{
	PGconn *conn = obj;

	(void)ctx;
	return PQstatus(conn) == CONNECTION_OK &&
	       PQtransactionStatus(conn) == PQTRANS_IDLE &&
	       !closed_by_server(conn);
}

/* command_ok - run @sql on @conn.
 * Return: whether it succeeded. */
static bool command_ok(PGconn *conn, const char *sql)
{
	PGresult *r = PQexec(conn, sql);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;

	PQclear(r);
	return ok;
}

/* reset_conn - pool_reset_fn: ROLLBACK an open or failed transaction,
 * then DISCARD ALL, as pg->reset says. A connection that cannot be reset
 * (a command fails) must not reach another user with the state it has:
 * its socket is shut down, so validate finds it closed and the pool
 * destroys it. A query still running (PQTRANS_ACTIVE, an asynchronous
 * query not read to its end) is left alone: validate rejects it too. */
static void reset_conn(void *obj, void *ctx)
{
	PGconn *conn = obj;
	struct pgpool *pg = ctx;
	PGTransactionStatusType ts = PQtransactionStatus(conn);
	bool ok = true;

	if (pg->reset == PGPOOL_RESET_NONE || PQstatus(conn) != CONNECTION_OK ||
	    ts == PQTRANS_ACTIVE)
		return;
	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		ok = command_ok(conn, "ROLLBACK");
	/* DISCARD ALL cannot run inside a transaction block: ROLLBACK first */
	if (ok && pg->reset == PGPOOL_RESET_DISCARD)
		ok = command_ok(conn, "DISCARD ALL");
	if (!ok)
		shutdown(PQsocket(conn), SHUT_RDWR);
}

/* finish_conn - pool_destroy_fn: close the connection. */
static void finish_conn(void *obj, void *ctx)
{
	PQfinish(obj);
	pgpool_put(ctx);
}

/* callbacks_unset - whether @c leaves every callback and ctx to pgpool. */
static bool callbacks_unset(const pool_config_t *c)
{
	return !c->factory && !c->reset && !c->destroy && !c->validate &&
	       !c->ctx;
}

pgpool_t *pgpool_new(const pgpool_config_t *config)
{
	if (!config || !config->conninfo || !callbacks_unset(&config->pool) ||
	    (unsigned)config->reset > PGPOOL_RESET_NONE) {
		errno = EINVAL;
		return NULL;
	}
	char *parse_error = NULL;
	PQconninfoOption *options =
		PQconninfoParse(config->conninfo, &parse_error);

	if (!options) {
		errno = parse_error ? EINVAL : ENOMEM;
		PQfreemem(parse_error);
		return NULL;
	}
	PQconninfoFree(options);
	struct pgpool *pg = calloc(1, sizeof(*pg));

	if (!pg)
		return NULL;
	pg->conninfo = strdup(config->conninfo);
	int err = pg->conninfo ? mutex_init(&pg->lock) : -ENOMEM;

	if (err) {
		free(pg->conninfo);
		free(pg);
		errno = -err;
		return NULL;
	}
	pg->reset = config->reset;
	refcount_atomic_init(&pg->refs);
	pool_config_t pc = config->pool;

	pc.factory = connect_db;
	pc.validate = validate_conn;
	pc.reset = reset_conn;
	pc.destroy = finish_conn;
	pc.ctx = pg;
	pg->pool = pool_build(&pc);
	if (!pg->pool) {
		err = errno;
		pgpool_put(pg);
		errno = err;
		return NULL;
	}
	return pg;
}

pool_t *pgpool_pool(const pgpool_t *pg)
{
	return pg ? pg->pool : NULL;
}

PGresult *pgpool_exec(pool_guard_t *guard, const char *sql)
{
	if (!guard || !guard->obj || !sql) {
		errno = EINVAL;
		return NULL;
	}
	PGresult *r = PQexec(guard->obj, sql);

	if (PQstatus(guard->obj) != CONNECTION_OK)
		pool_guard_discard(guard);
	if (!r)
		errno = ENOMEM;
	return r;
}

int pgpool_last_error(const pgpool_t *pg, char *buf, size_t size)
{
	if (!pg || (!buf && size > 0))
		return -EINVAL;
	struct pgpool *mut = (struct pgpool *)pg; /* the lock, not the error */

	mutex_lock(&mut->lock);
	int len = snprintf(buf, size, "%s", pg->last_error);
	mutex_unlock(&mut->lock);
	return len;
}

void pgpool_free(pgpool_t *pg)
{
	if (!pg)
		return;
	pool_unref(pg->pool);
	pgpool_put(pg);
}
