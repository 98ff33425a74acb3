#include "common/refcount.h"

#include <gtest/gtest.h>
#include <valgrind/valgrind.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace {

TEST(Refcount, StartsAtOne)
{
	refcount_t r;
	refcount_init(&r);
	EXPECT_EQ(refcount_read(&r), 1u);
}

TEST(Refcount, LastDecrementReportsZero)
{
	refcount_t r;
	refcount_init(&r);
	refcount_inc(&r);
	refcount_inc(&r);
	EXPECT_EQ(refcount_read(&r), 3u);
	EXPECT_FALSE(refcount_dec_and_test(&r));
	EXPECT_FALSE(refcount_dec_and_test(&r));
	EXPECT_TRUE(refcount_dec_and_test(&r));
	EXPECT_EQ(refcount_read(&r), 0u);
}

TEST(RefcountDeathTest, UnderflowAborts)
{
	refcount_t r;
	refcount_init(&r);
	EXPECT_TRUE(refcount_dec_and_test(&r));
	EXPECT_DEATH(refcount_dec_and_test(&r), "refcount: underflow");
}

TEST(RefcountDeathTest, IncrementFromZeroAborts)
{
	refcount_t r;
	refcount_init(&r);
	EXPECT_TRUE(refcount_dec_and_test(&r));
	EXPECT_DEATH(refcount_inc(&r), "refcount: increment from 0");
}

TEST(RefcountDeathTest, OverflowAborts)
{
	refcount_t r;
	r.count = SIZE_MAX;
	EXPECT_DEATH(refcount_inc(&r), "refcount: overflow");
}

TEST(RefcountAtomic, StartsAtOne)
{
	refcount_atomic_t r;
	refcount_atomic_init(&r);
	EXPECT_EQ(refcount_atomic_read(&r), 1u);
}

TEST(RefcountAtomic, LastDecrementReportsZero)
{
	refcount_atomic_t r;
	refcount_atomic_init(&r);
	refcount_atomic_inc(&r);
	EXPECT_EQ(refcount_atomic_read(&r), 2u);
	EXPECT_FALSE(refcount_atomic_dec_and_test(&r));
	EXPECT_TRUE(refcount_atomic_dec_and_test(&r));
	EXPECT_EQ(refcount_atomic_read(&r), 0u);
}

TEST(RefcountAtomicDeathTest, UnderflowAborts)
{
	refcount_atomic_t r;
	refcount_atomic_init(&r);
	EXPECT_TRUE(refcount_atomic_dec_and_test(&r));
	EXPECT_DEATH(refcount_atomic_dec_and_test(&r), "refcount: underflow");
}

TEST(RefcountAtomicDeathTest, IncrementFromZeroAborts)
{
	refcount_atomic_t r;
	refcount_atomic_init(&r);
	EXPECT_TRUE(refcount_atomic_dec_and_test(&r));
	EXPECT_DEATH(refcount_atomic_inc(&r), "refcount: increment from 0");
}

TEST(RefcountAtomicDeathTest, OverflowAborts)
{
	refcount_atomic_t r;
	r.count.store(SIZE_MAX);
	EXPECT_DEATH(refcount_atomic_inc(&r), "refcount: overflow");
}

/* Many threads take and drop references while the creator holds one: no
 * increment is lost and nobody but the last holder sees zero. */
TEST(RefcountAtomic, ConcurrentIncDecLosesNothing)
{
	refcount_atomic_t r;
	refcount_atomic_init(&r);
	std::atomic<int> zeros{ 0 };
	std::vector<std::thread> threads;

	for (int t = 0; t < 4; t++)
		threads.emplace_back([&] {
			for (int i = 0; i < 20000; i++) {
				refcount_atomic_inc(&r);
				if (refcount_atomic_dec_and_test(&r))
					zeros++;
			}
		});
	for (auto &t : threads)
		t.join();
	EXPECT_EQ(zeros.load(), 0);
	EXPECT_EQ(refcount_atomic_read(&r), 1u);
	EXPECT_TRUE(refcount_atomic_dec_and_test(&r));
}

/* The object a refcount guards: each holder writes to it before dropping
 * its reference; the thread that drops the last one reads every write and
 * frees it. ThreadSanitizer checks the ordering. */
struct Shared {
	refcount_atomic_t ref;
	int writes[8];
};

TEST(RefcountAtomic, LastHolderSeesEveryWriteAndFreesOnce)
{
	const int holders = 8;
	/* Each round is a race for ThreadSanitizer to see; valgrind runs one
	 * thread at a time, where a round costs a second and finds no more
	 * than the first. */
	const int rounds = RUNNING_ON_VALGRIND ? 5 : 50;
	for (int round = 0; round < rounds; round++) {
		Shared *s = new Shared();
		refcount_atomic_init(&s->ref);
		for (int i = 1; i < holders; i++)
			refcount_atomic_inc(&s->ref);

		std::atomic<int> frees{ 0 };
		std::atomic<int> sum_seen{ -1 };
		std::vector<std::thread> threads;
		for (int i = 0; i < holders; i++)
			threads.emplace_back([s, i, &frees, &sum_seen] {
				s->writes[i] = i + 1;
				if (refcount_atomic_dec_and_test(&s->ref)) {
					int sum = 0;
					for (int w : s->writes)
						sum += w;
					sum_seen = sum;
					frees++;
					delete s;
				}
			});
		for (auto &t : threads)
			t.join();
		ASSERT_EQ(frees.load(), 1);
		ASSERT_EQ(sum_seen.load(), holders * (holders + 1) / 2);
	}
}

} // namespace
