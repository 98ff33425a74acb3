/* Milestone 6 paths that no other test reaches, for the coverage gate
 * (tools/coverage): a mutex that cannot be made, locked or unlocked
 * (failures injected into libc with common/libc_testing.h), a report
 * that snprintf cannot write, a preallocation that cannot reserve room, a
 * pool without a destroy callback, NULL where a guard or pool belongs. */
#include "m6_stats/pool.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "common/libc_testing.h"
#include "common/mem_testing.h"
#include "common/test_buffers.h"
#include "m6_stats/pool_testing.h"

namespace {

using objpool_test::ByteBuffers;

/* The fixture of every milestone 6 test (pool_testing.h): one pool of
 * counted byte buffers per test, from build(); at the end every buffer
 * the factory made must have been destroyed. */
using Locking = m6_test::StatsTest;
using LockingDeathTest = m6_test::StatsTest;

TEST_F(Locking, BuildReportsTheMutexError)
{
	pool_config_t config = {};

	config.factory = ByteBuffers::make;
	libc_fail(LIBC_MUTEX_INIT, 1, EAGAIN);
	errno = 0;
	EXPECT_EQ(pool_build(&config), nullptr);
	EXPECT_EQ(errno, EAGAIN);
}

/* A lock or unlock that fails stops the program, and says which. */
TEST_F(LockingDeathTest, LockErrorsAbort)
{
	static const struct {
		enum libc_call call;
		int err;
		const char *message;
	} errors[] = {
		{ LIBC_MUTEX_LOCK, EINVAL,
		  "objpool: pthread_mutex_lock: Invalid argument" },
		{ LIBC_MUTEX_UNLOCK, EPERM,
		  "objpool: pthread_mutex_unlock: Operation not permitted" },
	};

	ASSERT_NE(build(0), nullptr);
	for (const auto &e : errors)
		EXPECT_DEATH(
			{
				libc_fail(e.call, 1, e.err);
				pool_available(pool);
			},
			e.message);
}

using Report = m6_test::StatsTest;

/* snprintf fails: the report says why, or -EOVERFLOW when snprintf does
 * not (errno 0). */
TEST_F(Report, SnprintfErrorIsReturned)
{
	char buf[512];

	ASSERT_NE(build(0), nullptr);
	libc_fail(LIBC_SNPRINTF, 1, EOVERFLOW);
	EXPECT_EQ(pool_stats_report(pool, buf, sizeof(buf)), -EOVERFLOW);
	libc_fail(LIBC_SNPRINTF, 1, 0);
	errno = 0;
	EXPECT_EQ(pool_stats_report(pool, buf, sizeof(buf)), -EOVERFLOW);
}

/* The same for the second snprintf, the recommendation of a pool too
 * small: one object destroyed for want of room, two out at the peak. */
TEST_F(Report, RecommendationErrorIsReturned)
{
	char buf[512];

	ASSERT_NE(build(1), nullptr);
	pool_guard_t a = pool_get(pool), b = pool_get(pool);

	pool_guard_release(&a);
	pool_guard_release(&b);
	ASSERT_GT(pool_stats_report(pool, buf, sizeof(buf)), 0);
	ASSERT_NE(strstr(buf, "Recommendation"), nullptr);
	libc_fail(LIBC_SNPRINTF, 2, ENOMEM);
	EXPECT_EQ(pool_stats_report(pool, buf, sizeof(buf)), -ENOMEM);
	libc_fail(LIBC_SNPRINTF, 2, 0);
	errno = 0;
	EXPECT_EQ(pool_stats_report(pool, buf, sizeof(buf)), -EOVERFLOW);
}

using OutOfMemory = m6_test::StatsTest;

/* The places for the objects cannot be reserved: nothing is made. */
TEST_F(OutOfMemory, PreallocateWithoutRoomMakesNothing)
{
	ASSERT_NE(build(0), nullptr);
	mem_fail_next(1);
	EXPECT_EQ(pool_preallocate(pool, 1), -ENOMEM);
	EXPECT_EQ(bufs.made, 0);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.created_count, 0u);
	EXPECT_EQ(s.available, 0u);
}

using Counting = m6_test::StatsTest;

/* A return lands while pool_preallocate makes an object outside the lock
 * and fills the idle list: the new object is destroyed and counted as
 * such. The factory stages the race by returning a guard itself. */
TEST_F(Counting, PreallocateFindsTheIdleListFilledMeanwhile)
{
	static pool_guard_t held;

	auto factory = [](void *ctx) -> void * {
		pool_guard_release(&held); /* no-op once released */
		return ByteBuffers::make(ctx);
	};

	ASSERT_NE(build(1, nullptr, factory), nullptr);
	held = pool_get(pool);
	ASSERT_NE(held.obj, nullptr);
	EXPECT_EQ(pool_preallocate(pool, 1), 0);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.created_count, 2u);
	EXPECT_EQ(s.destroyed_count, 1u);
	EXPECT_EQ(s.available, 1u);
	EXPECT_EQ(bufs.alive(), 1);
}

/* A get made while pool_preallocate runs its factory (staged here by
 * the factory itself, as another thread would) takes one of the places
 * reserved up front: the last object then needs a new place, and when
 * memory is short it is destroyed and the error returned. */
TEST_F(OutOfMemory, PreallocateLosesItsPlaceToAGet)
{
	static pool_t *shared;
	static pool_guard_t held;
	static int calls;

	auto factory = [](void *ctx) -> void * {
		calls++;
		if (calls == 1)
			held = pool_get(shared); /* the factory's 2nd call */
		if (calls == 9) /* pool_preallocate's 8th object */
			mem_fail_next(1);
		return ByteBuffers::make(ctx);
	};

	calls = 0;
	shared = build(0, nullptr, factory);
	ASSERT_NE(shared, nullptr);
	EXPECT_EQ(pool_preallocate(pool, 8), -ENOMEM);
	EXPECT_EQ(mem_fail_pending(), 0u);
	EXPECT_NE(held.obj, nullptr);
	EXPECT_EQ(pool_available(pool), 7u);
	EXPECT_EQ(bufs.made, 9);
	EXPECT_EQ(bufs.alive(), 8); /* 7 idle, 1 held */
	pool_guard_release(&held);
}

/* Objects that need no freeing: a pool without destroy lets them go. */
TEST(Lifetime, IdleObjectsAreDroppedAtTheEnd)
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

TEST(BadInput, AreHarmless)
{
	EXPECT_EQ(pool_ref(nullptr), nullptr);
	pool_unref(nullptr);
	pool_guard_release(nullptr);
	EXPECT_EQ(pool_guard_take(nullptr), nullptr);
}

} // namespace
