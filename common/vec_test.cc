#include "common/vec.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>

#include "common/mem_testing.h"

namespace {

/* Distinct non-NULL items without allocating. */
static char slots[100];

class VecTest : public ::testing::Test {
      protected:
	void TearDown() override
	{
		mem_fail_next(0);
		vec_free(&v);
	}
	vec_t v = VEC_INIT;
};

TEST_F(VecTest, StartsEmpty)
{
	EXPECT_EQ(vec_len(&v), 0u);
	EXPECT_EQ(v.cap, 0u);
	EXPECT_EQ(vec_pop(&v), nullptr);
}

TEST_F(VecTest, PopsInReverseOrder)
{
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(vec_push(&v, &slots[i]), 0);
	EXPECT_EQ(vec_len(&v), 100u);
	for (int i = 99; i >= 0; i--)
		EXPECT_EQ(vec_pop(&v), &slots[i]);
	EXPECT_EQ(vec_len(&v), 0u);
	EXPECT_EQ(vec_pop(&v), nullptr);
}

TEST_F(VecTest, GrowthDoubles)
{
	ASSERT_EQ(vec_push(&v, &slots[0]), 0);
	size_t first = v.cap;
	EXPECT_GE(first, 1u);
	while (vec_len(&v) < first)
		ASSERT_EQ(vec_push(&v, &slots[0]), 0);
	ASSERT_EQ(vec_push(&v, &slots[0]), 0);
	EXPECT_EQ(v.cap, 2 * first);
}

TEST_F(VecTest, ReserveMakesPushesInfallible)
{
	ASSERT_EQ(vec_reserve(&v, 50), 0);
	EXPECT_GE(v.cap, 50u);
	mem_fail_next(1000);
	for (int i = 0; i < 50; i++)
		ASSERT_EQ(vec_push(&v, &slots[i]), 0);
	EXPECT_EQ(mem_fail_pending(), 1000u); /* no allocation was tried */
}

TEST_F(VecTest, PushReservedFillsReservedRoom)
{
	ASSERT_EQ(vec_reserve(&v, 3), 0);
	mem_fail_next(1000);
	for (int i = 0; i < 3; i++)
		vec_push_reserved(&v, &slots[i]);
	EXPECT_EQ(mem_fail_pending(), 1000u);
	EXPECT_EQ(vec_len(&v), 3u);
	EXPECT_EQ(vec_pop(&v), &slots[2]);
}

#ifndef NDEBUG
using VecDeathTest = VecTest;

TEST_F(VecDeathTest, PushReservedWithoutRoomAsserts)
{
	ASSERT_EQ(vec_reserve(&v, 1), 0);
	while (vec_len(&v) < v.cap)
		vec_push_reserved(&v, &slots[0]);
	EXPECT_DEATH(vec_push_reserved(&v, &slots[1]), "no room was reserved");
}
#endif

TEST_F(VecTest, ReserveNeverShrinks)
{
	ASSERT_EQ(vec_reserve(&v, 64), 0);
	size_t cap = v.cap;
	ASSERT_EQ(vec_reserve(&v, 1), 0);
	EXPECT_EQ(v.cap, cap);
}

TEST_F(VecTest, ReserveOverflowChangesNothing)
{
	ASSERT_EQ(vec_push(&v, &slots[0]), 0);
	vec_t before = v;
	EXPECT_EQ(vec_reserve(&v, SIZE_MAX), -EOVERFLOW);
	EXPECT_EQ(vec_reserve(&v, SIZE_MAX / sizeof(void *) + 1), -EOVERFLOW);
	EXPECT_EQ(v.items, before.items);
	EXPECT_EQ(v.len, before.len);
	EXPECT_EQ(v.cap, before.cap);
}

TEST_F(VecTest, ReserveOutOfMemoryChangesNothing)
{
	ASSERT_EQ(vec_push(&v, &slots[0]), 0);
	vec_t before = v;
	mem_fail_next(1);
	EXPECT_EQ(vec_reserve(&v, 1000), -ENOMEM);
	EXPECT_EQ(v.items, before.items);
	EXPECT_EQ(v.cap, before.cap);
	EXPECT_EQ(vec_pop(&v), &slots[0]);
}

TEST_F(VecTest, PushOutOfMemoryLosesNothing)
{
	while (vec_len(&v) < 8)
		ASSERT_EQ(vec_push(&v, &slots[vec_len(&v)]), 0);
	ASSERT_EQ(vec_len(&v), v.cap); /* the next push must grow */
	mem_fail_next(1);
	EXPECT_EQ(vec_push(&v, &slots[8]), -ENOMEM);
	EXPECT_EQ(vec_len(&v), 8u);
	for (int i = 7; i >= 0; i--)
		EXPECT_EQ(vec_pop(&v), &slots[i]);
	/* And it grows once memory is back. */
	EXPECT_EQ(vec_push(&v, &slots[8]), 0);
	EXPECT_EQ(vec_pop(&v), &slots[8]);
}

TEST_F(VecTest, FirstPushOutOfMemory)
{
	mem_fail_next(1);
	EXPECT_EQ(vec_push(&v, &slots[0]), -ENOMEM);
	EXPECT_EQ(v.items, nullptr);
	EXPECT_EQ(vec_len(&v), 0u);
}

TEST_F(VecTest, FreeLeavesAReusableEmptyVec)
{
	ASSERT_EQ(vec_push(&v, &slots[0]), 0);
	vec_free(&v);
	EXPECT_EQ(v.items, nullptr);
	EXPECT_EQ(vec_len(&v), 0u);
	EXPECT_EQ(v.cap, 0u);
	ASSERT_EQ(vec_push(&v, &slots[1]), 0);
	EXPECT_EQ(vec_pop(&v), &slots[1]);
	vec_free(&v);
	vec_free(&v); /* twice is fine */
}

TEST_F(VecTest, NullItemsAreStoredButIndistinguishableFromEmpty)
{
	ASSERT_EQ(vec_push(&v, nullptr), 0);
	EXPECT_EQ(vec_len(&v), 1u);
	EXPECT_EQ(vec_pop(&v), nullptr);
	EXPECT_EQ(vec_len(&v), 0u);
}

} // namespace
