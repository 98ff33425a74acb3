/* Milestone 5 paths that no other test reaches, for the coverage gate
 * (tools/coverage): a mutex that cannot be made, locked or unlocked
 * (failures injected into libc with common/libc_testing.h), a pool without
 * a destroy callback, NULL where a guard or pool belongs. */
#include "m5_threadsafe/pool.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "common/libc_testing.h"
#include "common/test_buffers.h"

namespace {

using objpool_test::ByteBuffers;

/* One pool of counted byte buffers per test; at the end every buffer the
 * factory made must have been destroyed. */
class CoverageTest : public ::testing::Test {
      protected:
	void SetUp() override
	{
		config.factory = ByteBuffers::make;
		config.destroy = ByteBuffers::destroy;
		config.ctx = &bufs;
	}
	void TearDown() override
	{
		pool_unref(pool);
		EXPECT_EQ(bufs.alive(), 0) << "buffers leaked";
	}
	ByteBuffers bufs;
	pool_config_t config = {};
	pool_t *pool = nullptr;
};

using MutexFailure = CoverageTest;
using MutexFailureDeathTest = CoverageTest;

TEST_F(MutexFailure, BuildReportsTheMutexError)
{
	libc_fail(LIBC_MUTEX_INIT, 1, EAGAIN);
	errno = 0;
	EXPECT_EQ(pool_build(&config), nullptr);
	EXPECT_EQ(errno, EAGAIN);
}

TEST_F(MutexFailureDeathTest, LockErrorAborts)
{
	pool = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	EXPECT_DEATH(
		{
			libc_fail(LIBC_MUTEX_LOCK, 1, EINVAL);
			pool_available(pool);
		},
		"objpool: pthread_mutex_lock: Invalid argument");
}

TEST_F(MutexFailureDeathTest, UnlockErrorAborts)
{
	pool = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	EXPECT_DEATH(
		{
			libc_fail(LIBC_MUTEX_UNLOCK, 1, EPERM);
			pool_available(pool);
		},
		"objpool: pthread_mutex_unlock: Operation not permitted");
}

/* Objects that need no freeing: a pool without destroy lets them go. */
TEST(NoDestroy, IdleObjectsAreDroppedAtTheEnd)
{
	static int objects[2];
	int made = 0;
	pool_config_t config = {};

	config.factory = [](void *ctx) -> void * {
		return &objects[(*static_cast<int *>(ctx))++];
	};
	config.ctx = &made;
	config.max_size = 1;
	pool_t *pool = pool_build(&config);

	ASSERT_NE(pool, nullptr);
	pool_guard_t a = pool_get(pool), b = pool_get(pool);

	pool_guard_release(&a);
	pool_guard_release(&b); /* the idle list is full: dropped */
	EXPECT_EQ(pool_available(pool), 1u);
	EXPECT_EQ(made, 2);
	pool_unref(pool);
}

TEST(NullArguments, AreHarmless)
{
	EXPECT_EQ(pool_ref(nullptr), nullptr);
	pool_unref(nullptr);
	pool_guard_release(nullptr);
	EXPECT_EQ(pool_guard_take(nullptr), nullptr);
}

} // namespace
