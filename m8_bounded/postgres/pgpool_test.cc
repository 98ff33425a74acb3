// pgpool against a real server: bad input; session state does not pass
// from one borrower to the next (and does without reset: each leak test
// runs both ways, so it proves it can fail); what DISCARD ALL cannot
// undo; more threads than max_total never open more than max_total
// sessions.
#include <errno.h>
#include <string.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "m8_bounded/postgres/pgpool_testing.h"

namespace {

pgpool_t *new_pgpool(const std::string &conninfo, size_t max_total,
		     pgpool_reset_mode_t reset = PGPOOL_RESET_DISCARD)
{
	pgpool_config_t config = {};
	config.conninfo = conninfo.c_str();
	config.pool.max_total = max_total;
	config.pool.max_wait_ns =
		10000000000; // 10 s: a test never waits that long
	config.reset = reset;
	return pgpool_new(&config);
}

TEST(PgPool, BadInput)
{
	pgpool_config_t config = {};
	errno = 0;
	EXPECT_EQ(nullptr, pgpool_new(nullptr));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(nullptr, pgpool_new(&config)) << "no conninfo";
	EXPECT_EQ(EINVAL, errno);
	config.conninfo = "host";
	errno = 0;
	EXPECT_EQ(nullptr, pgpool_new(&config)) << "libpq cannot parse it";
	EXPECT_EQ(EINVAL, errno);
	config.conninfo = PgServerEnv::server()->conninfo;
	config.pool.validate = [](void *, void *) { return true; };
	errno = 0;
	EXPECT_EQ(nullptr, pgpool_new(&config)) << "the callbacks are pgpool's";
	EXPECT_EQ(EINVAL, errno);
	config.pool.validate = nullptr;
	config.reset = (pgpool_reset_mode_t)7;
	errno = 0;
	EXPECT_EQ(nullptr, pgpool_new(&config));
	EXPECT_EQ(EINVAL, errno);

	EXPECT_EQ(nullptr, pgpool_pool(nullptr));
	EXPECT_EQ(-EINVAL, pgpool_last_error(nullptr, nullptr, 0));
	pool_guard_t empty = {};
	errno = 0;
	EXPECT_EQ(nullptr, pgpool_exec(&empty, "SELECT 1"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(nullptr, pgpool_exec(nullptr, "SELECT 1"));
	pgpool_free(nullptr);
}

TEST(PgPool, ConnectsAndReuses)
{
	std::string app = "objpool_reuse";
	pgpool_t *pg = new_pgpool(conninfo_for(app), 2);
	ASSERT_NE(nullptr, pg);
	std::string first;
	{
		POOL_GUARD(g, pgpool_pool(pg));
		ASSERT_NE(nullptr, g.obj);
		first = value((PGconn *)g.obj, "SELECT pg_backend_pid()");
		EXPECT_EQ(app, value((PGconn *)g.obj, "SHOW application_name"));
	}
	{
		POOL_GUARD(g, pgpool_pool(pg));
		ASSERT_NE(nullptr, g.obj);
		EXPECT_EQ(first,
			  value((PGconn *)g.obj, "SELECT pg_backend_pid()"));
		EXPECT_EQ(app, value((PGconn *)g.obj, "SHOW application_name"))
			<< "DISCARD ALL resets to the connection string's "
			   "settings";
		PGresult *r = pgpool_exec(&g, "SELECT 41 + 1");
		EXPECT_EQ(PGRES_TUPLES_OK, PQresultStatus(r));
		EXPECT_STREQ("42", PQgetvalue(r, 0, 0));
		PQclear(r);
		r = pgpool_exec(&g, "SELECT nonsense");
		EXPECT_EQ(PGRES_FATAL_ERROR, PQresultStatus(r));
		PQclear(r);
		EXPECT_NE(nullptr, g.obj)
			<< "a failed query does not break the connection";
	}
	pool_stats_t s = pool_stats(pgpool_pool(pg));
	EXPECT_EQ(1u, s.created_count);
	EXPECT_EQ(1u, s.hits);
	char msg[8];
	EXPECT_EQ(0, pgpool_last_error(pg, msg, sizeof(msg)));
	EXPECT_STREQ("", msg);
	pgpool_free(pg);
	Admin admin;
	EXPECT_TRUE(admin.await_sessions(app, 0))
		<< "pgpool_free closes idle connections";
}

// A guard may outlive pgpool_free: its connection stays usable, and is
// closed when the guard is released (ASan and valgrind watch the memory).
TEST(PgPool, GuardOutlivesPgpoolFree)
{
	std::string app = "objpool_outlive";
	pgpool_t *pg = new_pgpool(conninfo_for(app), 2);
	ASSERT_NE(nullptr, pg);
	pool_guard_t g = pool_get(pgpool_pool(pg));
	ASSERT_NE(nullptr, g.obj);
	pgpool_free(pg);
	EXPECT_EQ("1", value((PGconn *)g.obj, "SELECT 1"));
	pool_guard_release(&g);
	Admin admin;
	EXPECT_TRUE(admin.await_sessions(app, 0));
}

// --- state must not pass to the next borrower ------------------------------

// Each test lends the pool's one connection twice. With the default reset
// the second borrower must find a fresh session; with no reset at all the
// state must show up there, else the test could not fail.
class Leak : public ::testing::TestWithParam<pgpool_reset_mode_t> {
      protected:
	void SetUp() override
	{
		pg_ = new_pgpool(conninfo_for("objpool_leak"), 1, GetParam());
		ASSERT_NE(nullptr, pg_);
		ASSERT_TRUE(admin_.ok());
	}
	void TearDown() override { pgpool_free(pg_); }

	bool resets() const { return GetParam() == PGPOOL_RESET_DISCARD; }

	// Lends a connection to @use. Return: its backend's pid (asked first:
	// @use may leave a failed transaction).
	std::string borrow(const std::function<void(PGconn *)> &use)
	{
		POOL_GUARD(g, pgpool_pool(pg_));
		if (!g.obj) {
			ADD_FAILURE() << "pool_get: " << strerror(errno);
			return "";
		}
		PGconn *conn = (PGconn *)g.obj;
		std::string pid = value(conn, "SELECT pg_backend_pid()");
		use(conn);
		return pid;
	}

	// @clean: what the second borrower must see after a reset; @leaked:
	// what it sees when the state passed on.
	void expect(bool clean, bool leaked)
	{
		if (resets())
			EXPECT_TRUE(clean)
				<< "state passed to the next borrower";
		else
			EXPECT_TRUE(leaked)
				<< "without a reset the state must pass on; "
				   "else this test proves nothing";
	}

	pgpool_t *pg_ = nullptr;
	Admin admin_;
};

TEST_P(Leak, Set)
{
	std::string pid = borrow([](PGconn *c) {
		EXPECT_TRUE(command(c, "SET statement_timeout = '4321s'"));
	});
	std::string seen;
	EXPECT_EQ(pid, borrow([&](PGconn *c) {
			  seen = value(c, "SHOW statement_timeout");
		  }));
	expect(seen == "0", seen == "4321s");
}

TEST_P(Leak, TemporaryTable)
{
	std::string pid = borrow([](PGconn *c) {
		EXPECT_TRUE(command(c, "CREATE TEMP TABLE scratch (x int)"));
		EXPECT_TRUE(command(c, "INSERT INTO scratch VALUES (1)"));
	});
	bool created = false;
	EXPECT_EQ(pid, borrow([&](PGconn *c) {
			  created = command(
				  c, "CREATE TEMP TABLE scratch (x int)");
		  }));
	expect(created, !created);
}

TEST_P(Leak, PreparedStatement)
{
	auto prepare = [](PGconn *c) {
		PGresult *r = PQprepare(c, "get_one", "SELECT 1", 0, nullptr);
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		return ok;
	};
	std::string pid = borrow([&](PGconn *c) { EXPECT_TRUE(prepare(c)); });
	bool prepared = false;
	EXPECT_EQ(pid, borrow([&](PGconn *c) { prepared = prepare(c); }));
	expect(prepared,
	       !prepared); // leaked: "prepared statement already exists"
}

// The connection sits idle in the pool still holding the lock: every
// other session waits for it.
TEST_P(Leak, AdvisoryLock)
{
	std::string pid = borrow([](PGconn *c) {
		EXPECT_EQ("", value(c, "SELECT pg_advisory_lock(4242)"));
	});
	std::string got = admin_.value("SELECT pg_try_advisory_lock(4242)");
	if (got == "t")
		admin_.value("SELECT pg_advisory_unlock(4242)");
	EXPECT_EQ(pid, borrow([](PGconn *) {}));
	expect(got == "t", got == "f");
}

TEST_P(Leak, Listen)
{
	std::string pid = borrow([](PGconn *c) {
		EXPECT_TRUE(command(c, "LISTEN objpool_events"));
	});
	EXPECT_TRUE(admin_.command("NOTIFY objpool_events"));
	std::string channels;
	EXPECT_EQ(
		pid, borrow([&](PGconn *c) {
			channels = value(
				c,
				"SELECT count(*) FROM pg_listening_channels()");
		}));
	expect(channels == "0", channels == "1");
}

// An open transaction: rolled back, and the connection reused. Without a
// reset validate refuses the connection (a transaction is open) and the
// pool replaces it: nothing leaks, but the connection is lost.
TEST_P(Leak, OpenTransaction)
{
	ASSERT_TRUE(
		admin_.command("CREATE TABLE IF NOT EXISTS leak_rows (x int)"));
	ASSERT_TRUE(admin_.command("TRUNCATE leak_rows"));
	std::string pid = borrow([](PGconn *c) {
		EXPECT_TRUE(command(c, "BEGIN"));
		EXPECT_TRUE(command(c, "INSERT INTO leak_rows VALUES (1)"));
	});
	PGTransactionStatusType status = PQTRANS_UNKNOWN;
	std::string rows;
	std::string next = borrow([&](PGconn *c) {
		status = PQtransactionStatus(c);
		rows = value(c, "SELECT count(*) FROM leak_rows");
	});
	EXPECT_EQ(PQTRANS_IDLE, status);
	EXPECT_EQ("0", rows);
	expect(pid == next, pid != next);
	EXPECT_EQ(resets() ? 0u : 1u,
		  pool_stats(pgpool_pool(pg_)).validation_failures);
}

// A failed transaction: every command fails until ROLLBACK (DISCARD ALL
// too: the reset must roll back first).
TEST_P(Leak, FailedTransaction)
{
	std::string pid = borrow([](PGconn *c) {
		EXPECT_TRUE(command(c, "BEGIN"));
		EXPECT_NE("1", value(c, "SELECT 1 / 0"));
		EXPECT_EQ(PQTRANS_INERROR, PQtransactionStatus(c));
	});
	std::string one;
	std::string next =
		borrow([&](PGconn *c) { one = value(c, "SELECT 1"); });
	EXPECT_EQ("1", one);
	expect(pid == next, pid != next);
}

INSTANTIATE_TEST_SUITE_P(
	Reset, Leak, ::testing::Values(PGPOOL_RESET_DISCARD, PGPOOL_RESET_NONE),
	[](const ::testing::TestParamInfo<pgpool_reset_mode_t> &info) {
		return info.param == PGPOOL_RESET_DISCARD ? "Discard" : "None";
	});

// What DISCARD ALL does not undo: it resets the session, not the database,
// and not libpq's side of the connection.
TEST(DiscardAll, KeepsWhatIsNotSessionState)
{
	Admin admin;
	ASSERT_TRUE(admin.command("CREATE SEQUENCE IF NOT EXISTS kept_seq"));
	ASSERT_TRUE(
		admin.command("CREATE TABLE IF NOT EXISTS kept_rows (x int)"));
	pgpool_t *pg = new_pgpool(conninfo_for("objpool_keeps"), 1);
	ASSERT_NE(nullptr, pg);
	std::string taken;
	{
		POOL_GUARD(g, pgpool_pool(pg));
		ASSERT_NE(nullptr, g.obj);
		PGconn *c = (PGconn *)g.obj;
		EXPECT_TRUE(command(
			c, "INSERT INTO kept_rows VALUES (1)")); // committed
		EXPECT_TRUE(command(c, "BEGIN"));
		taken = value(
			c,
			"SELECT nextval('kept_seq')"); // rolled back by reset
		EXPECT_EQ(0, PQsetnonblocking(c, 1));
	}
	POOL_GUARD(g, pgpool_pool(pg));
	ASSERT_NE(nullptr, g.obj);
	PGconn *c = (PGconn *)g.obj;
	EXPECT_EQ(std::to_string(std::stoi(taken) + 1),
		  value(c, "SELECT nextval('kept_seq')"))
		<< "a sequence does not roll back";
	EXPECT_EQ("1", value(c, "SELECT count(*) FROM kept_rows"));
	EXPECT_EQ(1, PQisnonblocking(c)) << "libpq's client-side settings stay";
	EXPECT_EQ(0, PQsetnonblocking(c, 0));
	pool_guard_release(&g);
	pgpool_free(pg);
}

// --- the bound, seen from the server ---------------------------------------

// 8 threads, max_total 3: the server never sees more than 3 of the pool's
// sessions, sampled all along by a session of the test's own.
TEST(Bound, ServerNeverSeesMoreThanMaxTotal)
{
	const std::string app = "objpool_bound";
	const int threads = 8, requests = 25;
	const size_t max_total = 3;
	pgpool_t *pg = new_pgpool(conninfo_for(app), max_total);
	ASSERT_NE(nullptr, pg);
	std::atomic<bool> done{ false };
	std::atomic<int> failures{ 0 };
	int most = 0, samples = 0;
	std::thread monitor([&] {
		Admin admin;
		while (!done.load()) {
			most = std::max(most, admin.sessions(app));
			samples++;
		}
	});
	std::vector<std::thread> clients;
	for (int t = 0; t < threads; t++)
		clients.emplace_back([&] {
			for (int i = 0; i < requests; i++) {
				POOL_GUARD(g, pgpool_pool(pg));
				if (!g.obj ||
				    value((PGconn *)g.obj,
					  "SELECT pg_sleep(0.002)") != "")
					failures++;
			}
		});
	for (auto &c : clients)
		c.join();
	done = true;
	monitor.join();
	pool_stats_t s = pool_stats(pgpool_pool(pg));
	EXPECT_EQ(0, failures.load());
	EXPECT_GT(samples, 1);
	EXPECT_EQ((int)max_total, most)
		<< "the server saw " << most << " sessions";
	EXPECT_LE(s.created_count, max_total);
	EXPECT_EQ(max_total, s.peak_allocated);
	EXPECT_GT(s.waits, 0u) << "8 threads, 3 connections: some waited";
	pgpool_free(pg);
	Admin admin;
	EXPECT_TRUE(admin.await_sessions(app, 0));
}

} // namespace
