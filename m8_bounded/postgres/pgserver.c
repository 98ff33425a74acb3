/* A throwaway PostgreSQL server: see pgserver.h. */
#define _GNU_SOURCE /* pipe2, setgroups */

#include "m8_bounded/postgres/pgserver.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
	PG_PORT = 5432,	 /* names the socket file; the directory is ours */
	MAX_SERVERS = 8, /* servers one process may run at once */
	PATH_SIZE = 512,
};

/* What server.conf adds to the cluster's postgresql.conf; %s: the
 * directory (for the socket). */
static const char server_conf[] = "listen_addresses = ''\n"
				  "unix_socket_directories = '%s'\n"
				  "port = %d\n"
				  "max_connections = 50\n"
				  "shared_buffers = 16MB\n"
				  "fsync = off\n"
				  "synchronous_commit = off\n"
				  "full_page_writes = off\n";

/* The watchdogs of this process's servers, for the atexit handler and so
 * that each new watchdog closes the other servers' pipes (otherwise it
 * would keep them open and their watchdogs would never see the end). */
static struct watch {
	pid_t pid; /* the watchdog; 0: a free slot */
	int fd;	   /* the write end of its pipe */
} watches[MAX_SERVERS];
static bool atexit_registered;

/* path - @srv->dir + "/" + @name into @buf (PATH_SIZE bytes). */
static void path(const pgserver_t *srv, const char *name, char *buf)
{
	snprintf(buf, PATH_SIZE, "%s/%s", srv->dir, name);
}

/* find_bindir - set @srv->bindir to the directory holding initdb: pg_config
 * --bindir's answer when initdb is there, else the newest
 * /usr/lib/postgresql/N/bin (Debian installs the server there, off PATH).
 * Return: 0; -ENOENT when no initdb is found. */
static int find_bindir(pgserver_t *srv)
{
	char initdb[PATH_SIZE];
	FILE *p = popen("pg_config --bindir 2>/dev/null", "r");

	if (p) {
		if (fgets(srv->bindir, sizeof(srv->bindir), p))
			srv->bindir[strcspn(srv->bindir, "\n")] = '\0';
		pclose(p);
		snprintf(initdb, sizeof(initdb), "%s/initdb", srv->bindir);
		if (srv->bindir[0] && access(initdb, X_OK) == 0)
			return 0;
	}
	glob_t g;
	int err = -ENOENT;

	if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) == 0) {
		/* glob sorts by name: the last is the newest, as long as
		 * the versions have two digits (10 and later) */
		const char *last = g.gl_pathv[g.gl_pathc - 1];
		size_t len = strlen(last) - strlen("/initdb");

		if (len < sizeof(srv->bindir)) {
			memcpy(srv->bindir, last, len);
			srv->bindir[len] = '\0';
			err = 0;
		}
		globfree(&g);
	}
	return err;
}

/* run - run @argv (argv[0] a full path) in @srv->dir as the server's user
 * and wait for it; its output is appended to @log, or discarded when @log
 * is NULL.
 * Return: 0 when it exits with status 0; -EIO otherwise; -errno when it
 * cannot be started.
 * Context: callable from a threaded process: between fork and exec the
 * child calls only async-signal-safe functions. */
static int run(const pgserver_t *srv, char *const argv[], const char *log)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int out = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)
			      : open("/dev/null", O_WRONLY);

		if (out < 0 || dup2(out, STDOUT_FILENO) < 0 ||
		    dup2(out, STDERR_FILENO) < 0 || chdir(srv->dir) != 0)
			_exit(126);
		if (srv->as_postgres &&
		    (setgroups(0, NULL) != 0 || setgid(srv->gid) != 0 ||
		     setuid(srv->uid) != 0))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* run_logged - run(@argv) with its output in ctl.log; on failure print
 * that log, which says why, to stderr.
 * Return: as run. */
static int run_logged(const pgserver_t *srv, char *const argv[])
{
	char log[PATH_SIZE];

	path(srv, "ctl.log", log);
	unlink(log);
	int err = run(srv, argv, log);

	if (err) {
		fprintf(stderr, "pgserver: %s failed; its output:\n", argv[0]);
		FILE *f = fopen(log, "r");
		char line[512];

		while (f && fgets(line, sizeof(line), f))
			fputs(line, stderr);
		if (f)
			fclose(f);
	}
	return err;
}

/* remove_entry - nftw callback: remove one file or (empty) directory. */
static int remove_entry(const char *p, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(p);
	return 0;
}

/* watchdog_main - the watchdog: wait until the pipe @fd has no writer
 * left, then stop the server and remove the directory. Never returns. */
static void watchdog_main(const pgserver_t *srv, int fd)
{
	char pg_ctl[PATH_SIZE], data[PATH_SIZE], pidfile[PATH_SIZE], c;
	ssize_t n;

	setsid(); /* out of the caller's process group */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	for (int i = 0; i < MAX_SERVERS; i++)
		if (watches[i].pid)
			close(watches[i].fd);
	do /* nobody writes: read returns 0 when the last writer is gone */
		n = read(fd, &c, 1);
	while (n > 0 || (n < 0 && errno == EINTR));
	snprintf(pg_ctl, sizeof(pg_ctl), "%s/pg_ctl", srv->bindir);
	path(srv, "data", data);
	path(srv, "data/postmaster.pid", pidfile);
	if (access(pidfile, F_OK) == 0) {
		char *argv[] = { pg_ctl,      "-D", data,   "-m",
				 "immediate", "-w", "stop", NULL };

		run(srv, argv, NULL);
	}
	nftw(srv->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	_exit(0);
}

/* end_watch - close @w's pipe, which tells its watchdog to stop the
 * server and remove the directory, wait until it has, and free the slot. */
static void end_watch(struct watch *w)
{
	close(w->fd);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
}

/* cleanup_at_exit - atexit handler: clean up every server still running,
 * so that the process does not end before its servers. */
static void cleanup_at_exit(void)
{
	for (int i = 0; i < MAX_SERVERS; i++)
		if (watches[i].pid)
			end_watch(&watches[i]);
}

/* start_watchdog - fork @srv's watchdog and record it.
 * Return: 0; -EMFILE when MAX_SERVERS run already; -errno. */
static int start_watchdog(pgserver_t *srv)
{
	int slot = 0, fds[2];

	while (slot < MAX_SERVERS && watches[slot].pid)
		slot++;
	if (slot == MAX_SERVERS)
		return -EMFILE;
	if (!atexit_registered) {
		if (atexit(cleanup_at_exit) != 0)
			return -ENOMEM;
		atexit_registered = true;
	}
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -errno;
	fflush(NULL); /* the child must not write our buffered output again */
	pid_t pid = fork();

	if (pid < 0) {
		int err = -errno;

		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		close(fds[1]);
		watchdog_main(srv, fds[0]);
	}
	close(fds[0]);
	srv->watchdog = pid;
	srv->watch_fd = fds[1];
	watches[slot] = (struct watch){ .pid = pid, .fd = fds[1] };
	return 0;
}

/* configure - append server_conf to the cluster's postgresql.conf.
 * Return: 0; -errno. */
static int configure(const pgserver_t *srv)
{
	char conf[PATH_SIZE];

	path(srv, "data/postgresql.conf", conf);
	FILE *f = fopen(conf, "a");

	if (!f)
		return -errno;
	fprintf(f, server_conf, srv->dir, PG_PORT);
	return fclose(f) == 0 ? 0 : -EIO;
}

/* init_cluster - initdb, configure, start.
 * Return: 0; -errno. */
static int init_cluster(pgserver_t *srv)
{
	char initdb[PATH_SIZE], data[PATH_SIZE];

	if (srv->as_postgres && chown(srv->dir, srv->uid, srv->gid) != 0)
		return -errno;
	snprintf(initdb, sizeof(initdb), "%s/initdb", srv->bindir);
	path(srv, "data", data);
	char *argv[] = {
		initdb,	 "-D", data,   "-U",	     "postgres",  "-A",
		"trust", "-E", "UTF8", "--locale=C", "--no-sync", NULL
	};
	int err = run_logged(srv, argv);

	if (!err)
		err = configure(srv);
	if (!err)
		err = pgserver_ctl(srv, "start");
	return err;
}

int pgserver_start(pgserver_t *srv)
{
	if (!srv)
		return -EINVAL;
	*srv = (pgserver_t){ .watch_fd = -1,
			     .uid = geteuid(),
			     .gid = getegid() };
	int err = find_bindir(srv);

	if (err)
		return err;
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");

		if (!pw) {
			fprintf(stderr, "pgserver: running as root, and there "
					"is no user postgres to run the "
					"server as\n");
			return -ESRCH;
		}
		srv->as_postgres = true;
		srv->uid = pw->pw_uid;
		srv->gid = pw->pw_gid;
	}
	snprintf(srv->dir, sizeof(srv->dir), "/tmp/objpool-pg-XXXXXX");
	if (!mkdtemp(srv->dir))
		return -errno;
	err = start_watchdog(srv);
	if (err) {
		rmdir(srv->dir);
		return err;
	}
	err = init_cluster(srv);
	if (err) {
		pgserver_cleanup(srv);
		return err;
	}
	snprintf(srv->conninfo, sizeof(srv->conninfo),
		 "host=%s port=%d user=postgres dbname=postgres", srv->dir,
		 PG_PORT);
	return 0;
}

int pgserver_ctl(pgserver_t *srv, const char *action)
{
	char pg_ctl[PATH_SIZE], data[PATH_SIZE], log[PATH_SIZE];

	if (!srv || !srv->dir[0] || !action ||
	    (strcmp(action, "start") && strcmp(action, "stop") &&
	     strcmp(action, "restart")))
		return -EINVAL;
	snprintf(pg_ctl, sizeof(pg_ctl), "%s/pg_ctl", srv->bindir);
	path(srv, "data", data);
	path(srv, "server.log", log);
	char *argv[] = { pg_ctl, "-D", data,   "-l",	       log, "-w", "-t",
			 "60",	 "-m", "fast", (char *)action, NULL };

	return run_logged(srv, argv);
}

pid_t pgserver_postmaster_pid(const pgserver_t *srv)
{
	char pidfile[PATH_SIZE];
	long pid = 0;

	if (!srv || !srv->dir[0])
		return -ENOENT;
	path(srv, "data/postmaster.pid", pidfile);
	FILE *f = fopen(pidfile, "r");

	if (!f)
		return -ENOENT;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 0)
		pid = -ENOENT;
	fclose(f);
	return (pid_t)pid;
}

void pgserver_cleanup(pgserver_t *srv)
{
	if (!srv || srv->watchdog <= 0)
		return;
	for (int i = 0; i < MAX_SERVERS; i++)
		if (watches[i].pid == srv->watchdog)
			end_watch(&watches[i]);
	srv->watchdog = 0;
	srv->watch_fd = -1;
	srv->dir[0] = '\0';
}
