/* One throwaway server per test binary: a GoogleTest environment that
 * starts it before the first test and cleans it up after the last
 * (pgserver.h says what happens when the binary crashes instead), and a
 * one-line query for the tests.
 *
 *	PGconn *c = PQconnectdb(PgServerEnv::server()->conninfo);
 *	EXPECT_EQ("1", value(c, "SELECT 1"));
 */
#ifndef OBJPOOL_M8_POSTGRES_PGSERVER_ENV_H
#define OBJPOOL_M8_POSTGRES_PGSERVER_ENV_H

#include <string>

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "m8_bounded/postgres/pgserver.h"

class PgServerEnv : public ::testing::Environment {
      public:
	void SetUp() override
	{
		ASSERT_EQ(0, pgserver_start(&srv_)) << "no server: see above";
	}
	void TearDown() override { pgserver_cleanup(&srv_); }

	// The server of this test binary.
	static pgserver_t *server() { return &srv_; }

      private:
	static pgserver_t srv_;
};

// The first column of the first row of @sql's result on @conn, or
// "ERROR: <message>".
inline std::string value(PGconn *conn, const std::string &sql)
{
	PGresult *r = PQexec(conn, sql.c_str());
	std::string v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0
				? PQgetvalue(r, 0, 0)
				: std::string("ERROR: ") + PQerrorMessage(conn);
	PQclear(r);
	return v;
}

#endif
