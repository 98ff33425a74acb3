/* One throwaway server per test binary: a GoogleTest environment that
 * starts it before the first test and cleans it up after the last
 * (pgserver.h says what happens when the binary crashes instead).
 *
 *	PQconnectdb(PgServerEnv::server()->conninfo)
 */
#ifndef OBJPOOL_M8_POSTGRES_PGSERVER_ENV_H
#define OBJPOOL_M8_POSTGRES_PGSERVER_ENV_H

#include <gtest/gtest.h>

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

#endif
