#include "common/mem.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <thread>
#include <vector>

#include "common/mem_testing.h"

namespace {

class MemTest : public ::testing::Test {
      protected:
	void TearDown() override { mem_fail_next(0); }
};

TEST_F(MemTest, FailAfterSkipsThenFails)
{
	mem_fail_after(2, 1);
	void *a = mem_alloc(8);
	void *b = mem_realloc_array(nullptr, 2, 8);
	EXPECT_NE(a, nullptr);
	EXPECT_NE(b, nullptr);
	EXPECT_EQ(mem_fail_pending(), 1u);
	errno = 0;
	EXPECT_EQ(mem_alloc(8), nullptr);
	EXPECT_EQ(errno, ENOMEM);
	EXPECT_EQ(mem_fail_pending(), 0u);
	void *c = mem_alloc(8);
	EXPECT_NE(c, nullptr);
	mem_free(a);
	mem_free(b);
	mem_free(c);
}

TEST_F(MemTest, AllocAndFree)
{
	void *p = mem_alloc(64);
	ASSERT_NE(p, nullptr);
	mem_free(p);
	mem_free(nullptr);
}

TEST_F(MemTest, ZeroSizeStillGivesMemory)
{
	void *p = mem_alloc(0);
	EXPECT_NE(p, nullptr);
	mem_free(p);
	p = mem_realloc_array(nullptr, 0, sizeof(int));
	EXPECT_NE(p, nullptr);
	mem_free(p);
}

TEST_F(MemTest, ReallocArrayKeepsContents)
{
	int *p = static_cast<int *>(mem_realloc_array(nullptr, 2, sizeof(int)));
	ASSERT_NE(p, nullptr);
	p[0] = 1;
	p[1] = 2;
	p = static_cast<int *>(mem_realloc_array(p, 1000, sizeof(int)));
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(p[0], 1);
	EXPECT_EQ(p[1], 2);
	mem_free(p);
}

TEST_F(MemTest, ReallocArrayOverflowLeavesPointerAlone)
{
	void *p = mem_alloc(16);
	ASSERT_NE(p, nullptr);
	errno = 0;
	EXPECT_EQ(mem_realloc_array(p, SIZE_MAX / 2 + 1, 2), nullptr);
	EXPECT_EQ(errno, EOVERFLOW);
	mem_free(p); /* still ours, still valid */
}

TEST_F(MemTest, FailNextFailsExactlyThatMany)
{
	mem_fail_next(2);
	EXPECT_EQ(mem_fail_pending(), 2u);
	errno = 0;
	EXPECT_EQ(mem_alloc(8), nullptr);
	EXPECT_EQ(errno, ENOMEM);
	errno = 0;
	EXPECT_EQ(mem_realloc_array(nullptr, 1, 8), nullptr);
	EXPECT_EQ(errno, ENOMEM);
	EXPECT_EQ(mem_fail_pending(), 0u);
	void *p = mem_alloc(8);
	EXPECT_NE(p, nullptr);
	mem_free(p);
}

TEST_F(MemTest, FailNextZeroCancels)
{
	mem_fail_next(5);
	mem_fail_next(0);
	void *p = mem_alloc(8);
	EXPECT_NE(p, nullptr);
	mem_free(p);
}

TEST_F(MemTest, FailuresAreSharedExactlyAcrossThreads)
{
	const int threads = 4, per_thread = 1000, to_fail = 1234;
	std::atomic<int> failed{ 0 };
	std::vector<std::thread> pool;

	mem_fail_next(to_fail);
	for (int t = 0; t < threads; t++)
		pool.emplace_back([&] {
			for (int i = 0; i < per_thread; i++) {
				void *p = mem_alloc(8);
				if (p == nullptr)
					failed++;
				mem_free(p);
			}
		});
	for (auto &t : pool)
		t.join();
	EXPECT_EQ(failed.load(), to_fail);
	EXPECT_EQ(mem_fail_pending(), 0u);
}

} // namespace
