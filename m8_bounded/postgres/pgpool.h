/* pgpool: a pool of PostgreSQL connections (libpq PGconn *) over
 * milestone 8's bounded pool.
 *
 *	pgpool_t *pg = pgpool_new(&(pgpool_config_t){
 *		.conninfo = "host=/run/postgresql dbname=app",
 *		.pool = { .max_total = 8, .max_wait_ns = 2000000000 },
 *	});
 *	...
 *	POOL_GUARD(g, pgpool_pool(pg));		// waits up to 2 s
 *	if (!g.obj)
 *		return -errno;			// ETIMEDOUT, ECONNREFUSED...
 *	PGresult *r = pgpool_exec(&g, "SELECT 1");
 *	if (!g.obj)
 *		...				// the connection broke: retry
 *	PQclear(r);
 *	...					// g goes back, reset, at scope exit
 *	pgpool_free(pg);
 *
 * A guard's obj is a PGconn *, yours alone until the guard is released.
 * Release or discard it; do not pool_guard_take it: each open connection
 * holds a reference to the pgpool's own state, which only the destroy
 * callback drops, so a taken connection, closed with PQfinish, leaves
 * that state allocated after pgpool_free.
 * The pool's callbacks:
 *   factory	PQconnectdbParams with the connection string (connect_timeout
 *		10 s unless the string sets one: a server that does not answer
 *		cannot stall pool_get for longer).
 *   validate	before an idle connection is handed out: the connection is
 *		OK, no transaction is open, and the server has not closed it
 *		meanwhile (a terminated backend, a restarted server: a look at
 *		the socket, no round trip).
 *   reset	when a guard is released: ROLLBACK if a transaction is open,
 *		then DISCARD ALL (PGPOOL_RESET_DISCARD). A connection that
 *		cannot be reset is shut down, and validate then destroys it.
 *   destroy	PQfinish.
 *
 * What DISCARD ALL resets, and what no reset can (README.md): it ends
 * the session's state (SET parameters, temporary tables, prepared
 * statements, cursors, advisory locks, LISTEN, cached plans, sequences'
 * currval); it cannot undo what was committed, a sequence's advance, or
 * state kept on the client side of libpq (nonblocking mode, a notice
 * processor, pipeline mode).
 *
 * Context: the pool is m8's: thread-safe, bounded, fair. libpq is
 * thread-safe as long as one connection is used by one thread at a time,
 * which is what a guard gives.
 */
#ifndef OBJPOOL_M8_POSTGRES_PGPOOL_H
#define OBJPOOL_M8_POSTGRES_PGPOOL_H

#include <stddef.h>

#include <libpq-fe.h>

#include "m8_bounded/pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a released connection goes through before its next user. */
typedef enum pgpool_reset_mode {
	/* ROLLBACK if a transaction is open, then DISCARD ALL: the next
	 * borrower finds a fresh session. One round trip per release. */
	PGPOOL_RESET_DISCARD = 0,
	/* ROLLBACK if a transaction is open, nothing else: free when none is
	 * open, but a SET, a temporary table, a prepared statement, an
	 * advisory lock or a LISTEN passes to the next borrower. */
	PGPOOL_RESET_ROLLBACK,
	/* Nothing: for measurements and for the tests that show what leaks.
	 * (A connection given back inside a transaction is then destroyed by
	 * validate, not reused.) */
	PGPOOL_RESET_NONE,
} pgpool_reset_mode_t;

/* How to build a pgpool. */
typedef struct pgpool_config {
	const char *conninfo;	   /* libpq connection string; copied */
	pool_config_t pool;	   /* the pool's limits (max_total, max_wait_ns,
				      max_size, lifetimes...); leave its
				      callbacks and ctx zero: pgpool sets them */
	pgpool_reset_mode_t reset; /* 0: PGPOOL_RESET_DISCARD */
} pgpool_config_t;

typedef struct pgpool pgpool_t;

/* pgpool_new - build a pool of connections to @config->conninfo. No
 * connection is made yet: pool_get makes them as needed
 * (pool_preallocate warms the pool).
 * Return: the pgpool, or NULL with errno EINVAL (no config or conninfo,
 * a conninfo libpq cannot parse (pgpool_last_error cannot say why: the
 * pgpool does not exist), callbacks or ctx set in @config->pool, an
 * unknown reset mode), ENOMEM, or EAGAIN (no resources for a mutex). */
pgpool_t *pgpool_new(const pgpool_config_t *config);

/* pgpool_pool - the pool to get connections from (pool_get, POOL_GUARD,
 * pool_get_until, pool_stats...). Borrowed: valid until pgpool_free; a
 * guard holds its own reference.
 * Return: the pool; NULL for NULL. */
pool_t *pgpool_pool(const pgpool_t *pg);

/* pgpool_exec - PQexec(@sql) on the guard's connection. When the query
 * leaves the connection broken (the server closed it, the network
 * failed), the connection is destroyed with pool_guard_discard, never
 * reused, and the guard is left empty: get another connection and retry.
 * Return: PQexec's result (PQclear it; it says what failed); NULL with
 * errno EINVAL for an empty guard or NULL @sql, ENOMEM when libpq is out
 * of memory.
 * Context: the guard's thread; takes the pool's lock when it discards. */
PGresult *pgpool_exec(pool_guard_t *guard, const char *sql);

/* pgpool_last_error - the message of the last failed connection attempt
 * (libpq's, such as "connection to server on socket ... failed: No such
 * file or directory"), written as snprintf: at most @size bytes, always
 * NUL-terminated when @size > 0. Empty when no attempt failed.
 * A failed pool_get whose factory failed has errno ECONNREFUSED
 * (ENOMEM when libpq ran out of memory); this says why.
 * Return: the message's length; -EINVAL for a NULL @pg, or a NULL @buf
 * with @size > 0.
 * Context: any thread; takes the pgpool's own lock. */
int pgpool_last_error(const pgpool_t *pg, char *buf, size_t size);

/* pgpool_free - drop the pgpool's reference to its pool. Idle
 * connections are closed now; a connection still out in a guard is
 * closed when its guard is released (its guard keeps what it needs).
 * NULL is fine. Do not use pgpool_pool's pointer afterwards. */
void pgpool_free(pgpool_t *pg);

#ifdef __cplusplus
}
#endif

#endif
