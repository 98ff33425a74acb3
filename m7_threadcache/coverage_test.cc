/* Milestone 7 paths that no other test reaches, for the coverage gate
 * (tools/coverage): a mutex that cannot be made (a failure injected into
 * libc with common/libc_testing.h), a report that snprintf cannot write,
 * a preallocation that cannot reserve room, a pool without a destroy
 * callback, NULL where a guard or pool belongs. */
#include "m7_threadcache/pool.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "common/libc_testing.h"
#include "common/mem_testing.h"
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
		mem_fail_next(0);
		pool_unref(pool);
		EXPECT_EQ(bufs.alive(), 0) << "buffers leaked";
	}
	ByteBuffers bufs;
	pool_config_t config = {};
	pool_t *pool = nullptr;
};

using Locking = CoverageTest;

TEST_F(Locking, BuildReportsTheMutexError)
{
	pool = pool_build(&config); /* the thread caches are set up */
	ASSERT_NE(pool, nullptr);
	libc_fail(LIBC_MUTEX_INIT, 1, EAGAIN);
	errno = 0;
	EXPECT_EQ(pool_build(&config), nullptr);
	EXPECT_EQ(errno, EAGAIN);
}

using Report = CoverageTest;

/* snprintf fails: the report says why, or -EOVERFLOW when snprintf does
 * not (errno 0). */
TEST_F(Report, SnprintfErrorIsReturned)
{
	char buf[512];

	pool = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	libc_fail(LIBC_SNPRINTF, 1, EOVERFLOW);
	EXPECT_EQ(pool_stats_report(pool, buf, sizeof(buf)), -EOVERFLOW);
	libc_fail(LIBC_SNPRINTF, 1, 0);
	errno = 0;
	EXPECT_EQ(pool_stats_report(pool, buf, sizeof(buf)), -EOVERFLOW);
}

/* The same for the second snprintf, the recommendation of a pool too
 * small: max_size 1 (a cache of 1), three out at the peak, one destroyed
 * when the third return found cache and depot full. */
TEST_F(Report, RecommendationErrorIsReturned)
{
	char buf[512];

	config.max_size = 1;
	pool = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	pool_guard_t a = pool_get(pool), b = pool_get(pool), c = pool_get(pool);

	pool_guard_release(&a);
	pool_guard_release(&b);
	pool_guard_release(&c);
	ASSERT_GT(pool_stats_report(pool, buf, sizeof(buf)), 0);
	ASSERT_NE(strstr(buf, "Recommendation"), nullptr);
	libc_fail(LIBC_SNPRINTF, 2, ENOMEM);
	EXPECT_EQ(pool_stats_report(pool, buf, sizeof(buf)), -ENOMEM);
	libc_fail(LIBC_SNPRINTF, 2, 0);
	errno = 0;
	EXPECT_EQ(pool_stats_report(pool, buf, sizeof(buf)), -EOVERFLOW);
}

using OutOfMemory = CoverageTest;

/* The places for the objects cannot be reserved: nothing is kept. */
TEST_F(OutOfMemory, PreallocateWithoutRoomKeepsNothing)
{
	pool = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	mem_fail_next(1);
	EXPECT_EQ(pool_preallocate(pool, 1), -ENOMEM);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.created_count, 0u);
	EXPECT_EQ(s.available, 0u);
}

/* Objects that need no freeing: a pool without destroy lets them go, on a
 * flush into a full depot and at the end. */
TEST(Lifetime, IdleObjectsAreDroppedWithoutADestroy)
{
	static int objects[3];
	int made = 0;
	pool_config_t config = {};

	config.factory = [](void *ctx) -> void * {
		return &objects[(*static_cast<int *>(ctx))++];
	};
	config.ctx = &made;
	config.max_size = 1;
	pool_t *pool = pool_build(&config);

	ASSERT_NE(pool, nullptr);
	pool_guard_t a = pool_get(pool), b = pool_get(pool), c = pool_get(pool);

	pool_guard_release(&a);
	pool_guard_release(&b);
	pool_guard_release(&c); /* cache and depot full: dropped */
	EXPECT_EQ(pool_stats(pool).destroyed_count, 1u);
	EXPECT_EQ(made, 3);
	pool_unref(pool);
}

TEST(BadInput, AreHarmless)
{
	EXPECT_EQ(pool_ref(nullptr), nullptr);
	pool_unref(nullptr);
	pool_guard_release(nullptr);
	EXPECT_EQ(pool_guard_take(nullptr), nullptr);
	pool_guard_t empty = {};
	EXPECT_EQ(pool_guard_take(&empty), nullptr);
}

} // namespace
