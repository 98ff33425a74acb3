// pgpool when the server misbehaves: a backend terminated while its
// connection is out or idle, a server restart, a server that is down or
// does not answer. This binary stops and restarts its server.
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "m8_bounded/postgres/pgpool_testing.h"

namespace {

class Failover : public ::testing::Test {
      protected:
	void SetUp() override
	{
		config_.conninfo = conninfo_.c_str();
		config_.pool.max_total = 4;
		config_.pool.max_wait_ns = 5000000000; // 5 s
		pg_ = pgpool_new(&config_);
		ASSERT_NE(nullptr, pg_);
		ASSERT_TRUE(admin_.ok());
	}
	void TearDown() override { pgpool_free(pg_); }

	pool_t *pool() { return pgpool_pool(pg_); }

	// One request: the guard's backend pid, or "" when the query failed
	// (and, the connection being broken, the guard was emptied).
	static std::string backend_pid(pool_guard_t *g)
	{
		PGresult *r = pgpool_exec(g, "SELECT pg_backend_pid()");
		std::string pid = PQresultStatus(r) == PGRES_TUPLES_OK
					  ? PQgetvalue(r, 0, 0)
					  : "";
		PQclear(r);
		return pid;
	}

	// A request as an application writes it: on a broken connection, one
	// retry with another. Return: the pid that answered, "" when both
	// attempts failed.
	std::string request_with_retry()
	{
		for (int attempt = 0; attempt < 2; attempt++) {
			POOL_GUARD(g, pool());
			if (!g.obj)
				return "";
			std::string pid = backend_pid(&g);
			if (!pid.empty())
				return pid;
			EXPECT_EQ(nullptr, g.obj)
				<< "a failed request must come from a broken "
				   "connection";
		}
		return "";
	}

	// Terminates backend @pid and waits (up to 5 s) until it is gone.
	void terminate(const std::string &pid)
	{
		ASSERT_EQ("t", admin_.value("SELECT pg_terminate_backend(" +
					    pid + ", 5000)"));
	}

	std::string conninfo_ = conninfo_for("objpool_failover");
	pgpool_config_t config_ = {};
	pgpool_t *pg_ = nullptr;
	Admin admin_;
};

// The backend dies while its connection is out: the next query fails,
// pgpool_exec discards the connection, the retry gets a new one.
TEST_F(Failover, BackendTerminatedWhileOut)
{
	POOL_GUARD(g, pool());
	ASSERT_NE(nullptr, g.obj);
	std::string pid = backend_pid(&g);
	ASSERT_NE("", pid);
	terminate(pid);

	EXPECT_EQ("", backend_pid(&g));
	EXPECT_EQ(nullptr, g.obj) << "the broken connection was discarded";
	std::string retry = request_with_retry();
	EXPECT_NE("", retry);
	EXPECT_NE(pid, retry);
	pool_stats_t s = pool_stats(pool());
	EXPECT_EQ(1u, s.discarded);
	EXPECT_EQ(2u, s.created_count);
}

// The backend dies while its connection is idle in the pool: validate
// sees the closed socket and the pool hands out a new connection; the
// caller never sees the dead one.
TEST_F(Failover, BackendTerminatedWhileIdle)
{
	std::string pid = request_with_retry();
	ASSERT_NE("", pid);
	terminate(pid);

	POOL_GUARD(g, pool());
	ASSERT_NE(nullptr, g.obj);
	std::string fresh = backend_pid(&g);
	EXPECT_NE("", fresh);
	EXPECT_NE(pid, fresh);
	EXPECT_EQ(1u, pool_stats(pool()).validation_failures);
}

// A restart with 2 connections out and 2 idle: the idle ones are
// replaced before anyone sees them, the ones out fail once and their
// retry succeeds; every connection is new, no request is lost.
TEST_F(Failover, ServerRestartSurvived)
{
	pool_guard_t g[4];
	std::set<std::string> before;
	for (auto &guard : g) {
		guard = pool_get(pool());
		ASSERT_NE(nullptr, guard.obj);
		before.insert(backend_pid(&guard));
	}
	pool_guard_release(&g[2]);
	pool_guard_release(&g[3]);
	ASSERT_EQ(0, pgserver_ctl(PgServerEnv::server(), "restart"));
	admin_.reconnect();
	ASSERT_TRUE(admin_.ok());

	for (int i = 0; i < 2; i++) {
		EXPECT_EQ("", backend_pid(&g[i])) << "its backend is gone";
		EXPECT_EQ(nullptr, g[i].obj);
	}
	std::set<std::string> after;
	std::vector<std::thread> threads;
	std::mutex lock;
	int lost = 0;
	for (int t = 0; t < 4; t++)
		threads.emplace_back([&] {
			for (int i = 0; i < 10; i++) {
				std::string pid = request_with_retry();
				std::lock_guard<std::mutex> hold(lock);
				if (pid.empty())
					lost++;
				else
					after.insert(pid);
			}
		});
	for (auto &t : threads)
		t.join();
	EXPECT_EQ(0, lost);
	for (const auto &pid : after)
		EXPECT_EQ(0u, before.count(pid))
			<< "backend " << pid << " survived a restart?";
	pool_stats_t s = pool_stats(pool());
	EXPECT_EQ(2u, s.discarded) << "the two that were out";
	EXPECT_EQ(2u, s.validation_failures) << "the two that were idle";
}

// The server is down. A get that must wait (all four connections out)
// gives up at its deadline; a get that must connect fails at once, with
// ECONNREFUSED and libpq's message. Once the server is back, the same
// pool works.
TEST_F(Failover, ServerDownIsAClearErrorNotAHang)
{
	pgserver_t *srv = PgServerEnv::server();
	pool_guard_t held[4];
	for (auto &guard : held) {
		guard = pool_get(pool());
		ASSERT_NE(nullptr, guard.obj);
	}
	ASSERT_EQ(0, pgserver_ctl(srv, "stop"));

	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_nsec += 300000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	auto start = std::chrono::steady_clock::now();
	pool_guard_t late = pool_get_until(pool(), &deadline);
	EXPECT_EQ(nullptr, late.obj);
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_GE(seconds_since(start), 0.25);
	EXPECT_LT(seconds_since(start), 1.0);

	// One dead connection back: validate refuses it, the factory fails.
	pool_guard_release(&held[3]);
	start = std::chrono::steady_clock::now();
	late = pool_get(pool());
	EXPECT_EQ(nullptr, late.obj);
	EXPECT_EQ(ECONNREFUSED, errno);
	EXPECT_LT(seconds_since(start), 1.5)
		<< "at once, not after connect_timeout";
	char msg[512];
	ASSERT_GT(pgpool_last_error(pg_, msg, sizeof(msg)), 0);
	EXPECT_NE(nullptr, strstr(msg, "Is the server running")) << msg;
	EXPECT_NE(nullptr, strstr(msg, srv->dir))
		<< "it names the socket: " << msg;
	EXPECT_EQ(1u, pool_stats(pool()).validation_failures);

	ASSERT_EQ(0, pgserver_ctl(srv, "start"));
	for (auto &guard : held)
		pool_guard_release(&guard);
	admin_.reconnect();
	EXPECT_NE("", request_with_retry()) << "the pool works again";
}

// A server that accepts but never answers (its postmaster stopped with
// SIGSTOP): connect_timeout (2 s here; pgpool's default is 10 s) bounds
// the factory, so pool_get fails instead of hanging.
TEST_F(Failover, SilentServerTimesOut)
{
	pid_t postmaster = pgserver_postmaster_pid(PgServerEnv::server());
	ASSERT_GT(postmaster, 0);
	ASSERT_EQ(0, kill(postmaster, SIGSTOP));
	auto start = std::chrono::steady_clock::now();
	pool_guard_t g = pool_get(pool());
	int err = errno;
	double took = seconds_since(start);
	kill(postmaster, SIGCONT);

	EXPECT_EQ(nullptr, g.obj);
	EXPECT_EQ(ECONNREFUSED, err);
	EXPECT_GE(took,
		  0.9); // libpq counts the timeout in whole seconds of time()
	EXPECT_LT(took, 8.0);
	char msg[512];
	pgpool_last_error(pg_, msg, sizeof(msg));
	EXPECT_NE(nullptr, strstr(msg, "timeout")) << msg;
	pool_guard_release(&g);
	EXPECT_NE("", request_with_retry()) << "the server answers again";
}

} // namespace
