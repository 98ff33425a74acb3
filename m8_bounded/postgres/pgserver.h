/* A throwaway PostgreSQL server for the tests, the benchmark and the demo.
 *
 *	pgserver_t srv;
 *	if (pgserver_start(&srv) != 0) ...	// initdb + pg_ctl start
 *	PGconn *c = PQconnectdb(srv.conninfo);
 *	...
 *	pgserver_cleanup(&srv);			// stop, remove everything
 *
 * pgserver_start makes a fresh directory /tmp/objpool-pg-XXXXXX holding
 * the cluster (data/), the server's log (server.log) and its unix socket.
 * The server listens on that socket only (listen_addresses = ''), trusts
 * every local user, and runs with fsync off: it is fast and holds nothing
 * worth keeping.
 *
 * PostgreSQL refuses to run as root. Run as root (as CI does), initdb and
 * pg_ctl run as the unprivileged user "postgres" that Debian's postgresql
 * package creates, and the directory is theirs; otherwise they run as the
 * caller. The directory is under /tmp, not under $TMPDIR, because Bazel's
 * test TMPDIR lies under /root, where that user cannot go, and a unix
 * socket path must stay under 108 bytes.
 *
 * Cleanup never depends on the caller reaching pgserver_cleanup. A
 * watchdog process, forked by pgserver_start, waits on a pipe whose only
 * writer is the caller: when the caller goes away for any reason (return,
 * exit, a failed assertion, SIGSEGV, SIGKILL), the pipe closes and the
 * watchdog stops the server and removes the directory. pgserver_cleanup
 * closes the pipe itself and waits for the watchdog, so normal and
 * abnormal ends take the same path; an atexit handler calls it for a
 * process that exits without doing so, so that the directory is gone
 * when the process is. The watchdog runs in its own session, so a signal
 * to the caller's process group does not take it along. Should the
 * watchdog die too, PostgreSQL's own check remains: the postmaster shuts
 * down within a minute of its postmaster.pid file disappearing.
 *
 * Not thread-safe: start and clean up from one thread, before other
 * threads exist (the watchdog is forked).
 */
#ifndef OBJPOOL_M8_POSTGRES_PGSERVER_H
#define OBJPOOL_M8_POSTGRES_PGSERVER_H

#include <stdbool.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pgserver {
	char dir[64];	    /* /tmp/objpool-pg-XXXXXX: data/, log, socket */
	char bindir[256];   /* where initdb and pg_ctl are */
	char conninfo[128]; /* libpq connection string for the superuser */
	bool as_postgres;   /* we are root: commands run as user postgres */
	uid_t uid;	    /* the user the server runs as */
	gid_t gid;	    /* and its group */
	pid_t watchdog;	    /* cleans up when we are gone; 0: none */
	int watch_fd;	    /* write end of the watchdog's pipe; -1: none */
} pgserver_t;

/* pgserver_start - create a cluster in a fresh directory and start its
 * server; @srv->conninfo then connects to it as the superuser "postgres".
 * Return: 0; -ENOENT when initdb is not installed (pg_config --bindir,
 * /usr/lib/postgresql/N/bin); -ESRCH when run as root and there is no
 * user "postgres"; -EIO when initdb or pg_ctl fails (their output is
 * printed); or another -errno. On error nothing is left behind. */
int pgserver_start(pgserver_t *srv);

/* pgserver_ctl - run "pg_ctl @action" on the server: "stop" (fast
 * shutdown: sessions are terminated), "start", or "restart". The
 * directory stays; stop, then start, brings back the same cluster.
 * Return: 0; -EIO when pg_ctl fails (its output is printed); -EINVAL. */
int pgserver_ctl(pgserver_t *srv, const char *action);

/* pgserver_postmaster_pid - the running server's process id, read from
 * data/postmaster.pid.
 * Return: the pid; -ENOENT when the server is not running. */
pid_t pgserver_postmaster_pid(const pgserver_t *srv);

/* pgserver_cleanup - stop the server (if it runs) and remove the
 * directory; wait until both are done. Idempotent; cannot fail. */
void pgserver_cleanup(pgserver_t *srv);

#ifdef __cplusplus
}
#endif

#endif
