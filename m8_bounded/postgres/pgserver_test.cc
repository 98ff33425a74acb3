// The throwaway server: it answers on its socket only, it can be stopped
// and restarted, and it is gone, directory and processes, after cleanup
// and after its owner is killed.
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "m8_bounded/postgres/pgserver.h"
#include "m8_bounded/postgres/pgserver_env.h"

namespace {

// The first column of the first row of @sql's result on a new session,
// or "ERROR: ..." (no session, or the query failed).
std::string query_value(const char *conninfo, const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	std::string v = PQstatus(c) == CONNECTION_OK
				? value(c, sql)
				: std::string("ERROR: ") + PQerrorMessage(c);

	PQfinish(c);
	return v;
}

bool exists(const std::string &path)
{
	struct stat st;
	return stat(path.c_str(), &st) == 0;
}

bool alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno != ESRCH;
}

// Waits up to @seconds for @dir and process @pid to be gone.
bool gone_within(const std::string &dir, pid_t pid, int seconds)
{
	auto until = std::chrono::steady_clock::now() +
		     std::chrono::seconds(seconds);
	while (std::chrono::steady_clock::now() < until) {
		if (!exists(dir) && !alive(pid))
			return true;
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
	return false;
}

TEST(PgServer, AnswersOnItsSocketOnly)
{
	pgserver_t *srv = PgServerEnv::server();

	EXPECT_EQ("1", query_value(srv->conninfo, "SELECT 1"));
	EXPECT_EQ("", query_value(srv->conninfo, "SHOW listen_addresses"));
	EXPECT_EQ(srv->dir,
		  query_value(srv->conninfo, "SHOW unix_socket_directories"));
	EXPECT_EQ("off", query_value(srv->conninfo, "SHOW fsync"));
	struct stat st;
	ASSERT_EQ(0, stat(srv->dir, &st));
	EXPECT_EQ(srv->uid, st.st_uid)
		<< "the directory belongs to the server's user";
	EXPECT_EQ(geteuid() == 0, srv->as_postgres);
}

TEST(PgServer, StopsStartsRestarts)
{
	pgserver_t *srv = PgServerEnv::server();
	pid_t first = pgserver_postmaster_pid(srv);

	ASSERT_GT(first, 0);
	ASSERT_EQ(0, pgserver_ctl(srv, "stop"));
	EXPECT_EQ(-ENOENT, pgserver_postmaster_pid(srv));
	EXPECT_EQ(0u, query_value(srv->conninfo, "SELECT 1").find("ERROR: "));
	ASSERT_EQ(0, pgserver_ctl(srv, "start"));
	EXPECT_EQ("1", query_value(srv->conninfo, "SELECT 1"));
	pid_t second = pgserver_postmaster_pid(srv);
	ASSERT_EQ(0, pgserver_ctl(srv, "restart"));
	EXPECT_NE(second, pgserver_postmaster_pid(srv));
	EXPECT_EQ("1", query_value(srv->conninfo, "SELECT 1"));
	EXPECT_EQ(-EINVAL, pgserver_ctl(srv, "reload"));
	EXPECT_EQ(-EINVAL, pgserver_ctl(nullptr, "stop"));
}

TEST(PgServer, CleanupLeavesNothing)
{
	pgserver_t srv;
	ASSERT_EQ(0, pgserver_start(&srv));
	std::string dir = srv.dir;
	pid_t pid = pgserver_postmaster_pid(&srv);
	ASSERT_GT(pid, 0);

	pgserver_cleanup(&srv);
	EXPECT_FALSE(exists(dir));
	EXPECT_TRUE(gone_within(dir, pid, 10))
		<< "postmaster " << pid << " still runs";
	pgserver_cleanup(&srv); // idempotent
}

// The owner dies without a word (SIGKILL: no atexit, no handler): the
// watchdog still stops the server and removes the directory.
TEST(PgServer, KilledOwnerLeavesNothing)
{
	int fds[2];
	ASSERT_EQ(0, pipe(fds));
	pid_t child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		pgserver_t srv;
		if (pgserver_start(&srv) != 0)
			_exit(1);
		pid_t pid = pgserver_postmaster_pid(&srv);
		if (write(fds[1], &pid, sizeof(pid)) != sizeof(pid) ||
		    write(fds[1], srv.dir, sizeof(srv.dir)) != sizeof(srv.dir))
			_exit(1);
		raise(SIGKILL);
	}
	close(fds[1]);
	pid_t pid = 0;
	char dir[sizeof(pgserver_t::dir)] = "";
	ASSERT_EQ((ssize_t)sizeof(pid), read(fds[0], &pid, sizeof(pid)));
	ASSERT_EQ((ssize_t)sizeof(dir), read(fds[0], dir, sizeof(dir)));
	close(fds[0]);
	int status;
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_TRUE(gone_within(dir, pid, 30))
		<< dir << " or postmaster " << pid << " is left";
}

} // namespace
