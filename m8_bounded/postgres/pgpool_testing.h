// What the pgpool tests share: the server's connection strings, a session
// of the test's own outside the pool, one-line commands (and, from
// pgserver_env.h, value() for one-line queries).
#ifndef OBJPOOL_M8_POSTGRES_PGPOOL_TESTING_H
#define OBJPOOL_M8_POSTGRES_PGPOOL_TESTING_H

#include <chrono>
#include <string>

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "m8_bounded/postgres/pgpool.h"
#include "m8_bounded/postgres/pgserver_env.h"

// The server's connection string, with an application_name that marks
// the pool's sessions in pg_stat_activity, and a short connect_timeout.
inline std::string conninfo_for(const std::string &app)
{
	return std::string(PgServerEnv::server()->conninfo) +
	       " application_name=" + app + " connect_timeout=2";
}

// Whether @sql, a command that returns no rows, succeeds on @conn.
inline bool command(PGconn *conn, const std::string &sql)
{
	PGresult *r = PQexec(conn, sql.c_str());
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	return ok;
}

// A session of the test's own, outside any pool: it watches and
// disturbs the pool's sessions.
class Admin {
      public:
	Admin() : conn_(PQconnectdb(PgServerEnv::server()->conninfo))
	{
		PQsetNoticeProcessor(
			conn_, [](void *, const char *) {}, nullptr);
	}
	~Admin() { PQfinish(conn_); }
	Admin(const Admin &) = delete;
	Admin &operator=(const Admin &) = delete;

	// Reconnects (after a server restart).
	void reconnect() { PQreset(conn_); }
	bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
	std::string value(const std::string &sql)
	{
		return ::value(conn_, sql);
	}
	bool command(const std::string &sql) { return ::command(conn_, sql); }

	// Sessions of @app in pg_stat_activity.
	int sessions(const std::string &app)
	{
		return std::stoi(
			value("SELECT count(*) FROM pg_stat_activity WHERE "
			      "application_name = '" +
			      app + "'"));
	}

	// Waits up to 10 s until @app has @n sessions. Return: whether it did.
	bool await_sessions(const std::string &app, int n)
	{
		auto until = std::chrono::steady_clock::now() +
			     std::chrono::seconds(10);
		while (sessions(app) != n)
			if (std::chrono::steady_clock::now() > until)
				return false;
		return true;
	}

      private:
	PGconn *conn_;
};

// Seconds since @start.
inline double seconds_since(std::chrono::steady_clock::time_point start)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() -
					     start)
		.count();
}

#endif
