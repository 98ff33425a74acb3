/* What the other common/ tests leave out, for the coverage gate
 * (tools/coverage): arrays of zero-sized elements, growth at the largest
 * capacity. */
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>

#include "common/mem.h"
#include "common/mem_testing.h"
#include "common/vec.h"

namespace {

TEST(MemCoverage, ZeroSizedElementsNeverOverflow)
{
	void *p = mem_realloc_array(nullptr, SIZE_MAX, 0);

	ASSERT_NE(p, nullptr);
	mem_free(p);
}

/* Past half the largest capacity, doubling would overflow: the growth
 * stops at the largest capacity. Asking for it fails (injected here, so
 * that no sanitizer sees a request for all of memory) and leaves the vec
 * as it was. */
TEST(VecCoverage, GrowthStopsAtTheLargestCapacity)
{
	const size_t max_cap = SIZE_MAX / sizeof(void *);
	vec_t v = { nullptr, 0, max_cap / 2 };

	mem_fail_next(1);
	EXPECT_EQ(vec_reserve(&v, max_cap / 2 + 1), -ENOMEM);
	EXPECT_EQ(mem_fail_pending(), 0u);
	EXPECT_EQ(v.items, nullptr);
	EXPECT_EQ(v.cap, max_cap / 2);
}

} // namespace
