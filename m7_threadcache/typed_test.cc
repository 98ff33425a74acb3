/* Milestone 7 tests (carried from milestone 6): the typed face,
 * POOL_TYPED and POOL_TYPED_GUARD. TypedC drives typed_test_c.c, which
 * uses them from C (the language they are for); TypedCxx checks that
 * they compile and work in C++ too. */
#include "m7_threadcache/pool.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <type_traits>

#include "m7_threadcache/pool_testing.h"
#include "m7_threadcache/typed_test_c.h"

namespace {

using m7_test::ByteBuffers;
using m7_test::Bytes;

/* --- from C -------------------------------------------------------------- */

class TypedC : public ::testing::Test {
      protected:
	void SetUp() override
	{
		ASSERT_NE(pool = typed_c_build(&counts, 2), nullptr);
	}
	void TearDown() override
	{
		mem_fail_next(0);
		pool_unref(pool);
		EXPECT_EQ(counts.made, counts.destroyed) << "buffers leaked";
	}
	typed_c_counts counts = {};
	pool_t *pool = nullptr;
};

TEST_F(TypedC, GuardIsReleasedAtScopeExit)
{
	size_t inside = 99;

	EXPECT_EQ(typed_c_write(pool, "hello", &inside), 5);
	EXPECT_EQ(inside, 0u); /* out while the scope ran */
	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.available, 1u); /* back after it */
	EXPECT_EQ(stats.allocated, 0u);
	EXPECT_EQ(counts.resets, 1);

	/* The same buffer again, cleared by the reset (typed_c_write checks). */
	EXPECT_EQ(typed_c_write(pool, "world!", &inside), 6);
	stats = pool_stats(pool);
	EXPECT_EQ(stats.gets, 2u);
	EXPECT_EQ(stats.hits, 1u);
	EXPECT_EQ(counts.made, 1);
}

TEST_F(TypedC, ReleaseByHandThenAtScopeExitIsOneRelease)
{
	EXPECT_EQ(typed_c_release_twice(pool), 0);
	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.available, 1u);
	EXPECT_EQ(stats.allocated, 0u);
	EXPECT_EQ(counts.resets, 1);
}

TEST_F(TypedC, TakeHandsTheTypedObjectOver)
{
	void *mine = typed_c_take(pool, "kept");
	ASSERT_NE(mine, nullptr);
	EXPECT_STREQ(typed_c_text(mine), "kept");

	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.allocated, 0u);
	EXPECT_EQ(stats.available, 0u);
	EXPECT_EQ(counts.resets, 0); /* taken as it is */
	typed_c_free(mine, &counts);
}

TEST_F(TypedC, FailedGetIsAnEmptyGuard)
{
	mem_fail_next(1);
	size_t inside = 99;

	EXPECT_EQ(typed_c_write(pool, "x", &inside), -ENOMEM);
	EXPECT_EQ(inside, 99u);
	EXPECT_EQ(pool_stats(pool).failures, 1u);
	mem_fail_next(1);
	errno = 0;
	EXPECT_EQ(typed_c_take(pool, "x"), nullptr);
	EXPECT_EQ(errno, ENOMEM);
}

TEST(TypedCBadInput, NullGuardsAndNullPool)
{
	size_t inside = 99;

	EXPECT_EQ(typed_c_null_guards(), 0);
	EXPECT_EQ(typed_c_write(nullptr, "x", &inside), -EINVAL);
}

/* --- from C++ ------------------------------------------------------------ */

POOL_TYPED(bytes_pool, Bytes);

static_assert(std::is_same<decltype(bytes_pool_guard_t::obj), Bytes *>::value,
	      "the typed guard holds a Bytes *");

using TypedCxx = m7_test::StatsTest;

TEST_F(TypedCxx, GuardIsTypedAndReleasedAtScopeExit)
{
	build(4, ByteBuffers::clear);
	{
		POOL_TYPED_GUARD(bytes_pool, g, pool);
		ASSERT_NE(g.obj, nullptr);
		EXPECT_EQ(g.obj->size(), 1024u); /* no cast */
		g.obj->push_back(7);
		EXPECT_EQ(pool_stats(pool).allocated, 1u);
	}
	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.allocated, 0u);
	EXPECT_EQ(stats.available, 1u);
	EXPECT_EQ(bufs.resets, 1);
}

TEST_F(TypedCxx, TakeAndRelease)
{
	build(4);
	bytes_pool_guard_t g = bytes_pool_get(pool);
	Bytes *mine = bytes_pool_guard_take(&g);
	ASSERT_NE(mine, nullptr);
	EXPECT_EQ(g.obj, nullptr);
	EXPECT_EQ(g.pool, nullptr);
	ByteBuffers::destroy(mine, &bufs);

	g = bytes_pool_get(pool);
	bytes_pool_guard_release(&g);
	bytes_pool_guard_release(&g); /* idempotent */
	EXPECT_EQ(pool_stats(pool).available, 1u);
}

} // namespace
