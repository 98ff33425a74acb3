// Registers the test binary's server (pgserver_env.h).
#include "m8_bounded/postgres/pgserver_env.h"

pgserver_t PgServerEnv::srv_;

static ::testing::Environment *const env =
	::testing::AddGlobalTestEnvironment(new PgServerEnv);
