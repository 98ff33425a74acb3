/* Milestone 7 tests: the counters, carried from milestone 6. The
 * Checkpoint suite ports the spec's checkpoint tests one for one
 * (test_hit_rate -> Checkpoint.HitRate), plus test_complete_workflow from
 * its complete example; the other suites go beyond them: peak, counting
 * rules, failures, rates, bad input, take. Where a thread cache changes
 * the numbers of milestone 6 (max_size bounds the depot, the peak counts
 * objects out of the depot), the test says so. The report has
 * report_test.cc, threads concurrency_test.cc, the thread caches
 * cache_test.cc, the typed face typed_test.cc. */
#include "m7_threadcache/pool.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/mem_testing.h"
#include "m7_threadcache/pool_testing.h"

namespace {

using m7_test::broken_invariant;
using m7_test::ByteBuffers;
using m7_test::bytes;
using m7_test::get_n;
using m7_test::release_all;
using m7_test::run_threads;
using m7_test::summary;

using Checkpoint = m7_test::StatsTest;

/* The spec's `let _obj = pool.get();` as a loop body: get one object and
 * give it back at once. */
void get_and_release(pool_t *pool)
{
	POOL_GUARD(obj, pool);
	EXPECT_NE(obj.obj, nullptr);
}

TEST_F(Checkpoint, HitRate)
{
	build(5);
	ASSERT_EQ(pool_preallocate(pool, 5), 0);

	for (int i = 0; i < 10; i++)
		get_and_release(pool); /* all hits: the pool has objects */

	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.hits, 10u);
	EXPECT_EQ(stats.misses, 0u);
	EXPECT_EQ(pool_stats_hit_rate(&stats), 1.0);
}

TEST_F(Checkpoint, MissRate)
{
	build(10);

	/* All misses: the pool starts empty and gets nothing back while the
	 * five are out (the spec's loop would return each object at the end
	 * of its iteration, and make four of the five gets hits: see
	 * Counting.SpecMissRateLoopHitsAfterTheFirst). */
	std::vector<pool_guard_t> objs = get_n(pool, 5);

	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.hits, 0u);
	EXPECT_EQ(stats.misses, 5u);
	EXPECT_EQ(pool_stats_miss_rate(&stats), 1.0);
	release_all(objs);
}

TEST_F(Checkpoint, PeakAllocated)
{
	bufs.len = 100;
	build(10);
	std::vector<pool_guard_t> objs = get_n(pool, 7);

	EXPECT_EQ(pool_stats(pool).peak_allocated, 7u);

	release_all(objs);

	/* Peak stays at 7 even after returning. */
	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.peak_allocated, 7u);
	EXPECT_EQ(stats.allocated, 0u);
}

TEST_F(Checkpoint, ComprehensiveStats)
{
	build(5); /* the spec pools String::from("test"); any object will do */
	ASSERT_EQ(pool_preallocate(pool, 3), 0);

	/* 3 hits (the preallocated ones), then 2 misses (created new). */
	std::vector<pool_guard_t> objs = get_n(pool, 5);

	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.gets, 5u);
	EXPECT_EQ(stats.hits, 3u);
	EXPECT_EQ(stats.misses, 2u);
	EXPECT_EQ(stats.created_count, 5u);
	EXPECT_EQ(stats.peak_allocated, 5u);
	release_all(objs);
}

TEST_F(Checkpoint, StatsReport)
{
	build(10);
	ASSERT_EQ(pool_preallocate(pool, 5), 0);
	for (int i = 0; i < 100; i++)
		get_and_release(pool);

	char report[1024];
	int len = pool_stats_report(pool, report, sizeof(report));
	ASSERT_GT(len, 0);
	ASSERT_LT(len, (int)sizeof(report));

	EXPECT_NE(strstr(report, "Total gets:"), nullptr) << report;
	EXPECT_NE(strstr(report, "Hit rate:"), nullptr) << report;
	EXPECT_NE(strstr(report, "Peak allocated:"), nullptr) << report;
	/* And the numbers behind them. */
	EXPECT_NE(strstr(report, "- Total gets: 100\n"), nullptr) << report;
	EXPECT_NE(strstr(report, "- Hit rate: 100.0%\n"), nullptr) << report;
	/* The first get refilled this thread's cache with half of it (5 of
	 * 10): objects out of the depot, which is what the peak counts. */
	EXPECT_NE(strstr(report, "- Peak allocated: 5\n"), nullptr) << report;
}

TEST_F(Checkpoint, ConcurrentStats)
{
	bufs.len = 100;
	build(20);

	run_threads(10, [this](int) {
		for (int i = 0; i < 10; i++)
			get_and_release(pool);
	});

	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.gets, 100u);
	EXPECT_LE(stats.peak_allocated, 20u);
	/* Each thread held one object at a time. */
	EXPECT_GE(stats.peak_allocated, 1u);
	EXPECT_LE(stats.peak_allocated, 10u);
	EXPECT_EQ(stats.allocated, 0u);
	EXPECT_STREQ(broken_invariant(stats), "");
}

/* test_complete_workflow, from the spec's complete example. */
TEST_F(Checkpoint, CompleteWorkflow)
{
	build(5, ByteBuffers::clear);
	ASSERT_EQ(pool_preallocate(pool, 3), 0);
	{
		POOL_GUARD(b1, pool);
		POOL_GUARD(b2, pool);
		ASSERT_NE(b1.obj, nullptr);
		ASSERT_NE(b2.obj, nullptr);

		bytes(b1.obj).push_back(1);
		bytes(b2.obj).push_back(2);
	}

	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.hits, 2u);
	EXPECT_EQ(pool_available(pool), 3u);
	/* Both came back through the reset. */
	EXPECT_EQ(bufs.resets, 2);
	POOL_GUARD(again, pool);
	EXPECT_TRUE(bytes(again.obj).empty());
}

/* --- peak ---------------------------------------------------------------- */

using Peak = m7_test::StatsTest;

TEST_F(Peak, StaysWhenObjectsAreDestroyed)
{
	build(2); /* cache_size is capped at max_size: 2 */
	std::vector<pool_guard_t> many = get_n(pool, 6);
	/* Two go to the cache; each of the next four finds it full and
	 * flushes one to the depot, which takes two; two are destroyed. */
	release_all(many);

	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 6 = 0 hits + 6 misses (0 failed); "
		  "created 6, destroyed 2; out 0, peak 6; idle 4 (2 cached) of "
		  "2");

	/* Two hits from the cache, then a refill of one from the depot. */
	std::vector<pool_guard_t> few = get_n(pool, 3);
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 9 = 3 hits + 6 misses (0 failed); "
		  "created 6, destroyed 2; out 3, peak 6; idle 1 (0 cached) of "
		  "2");
	release_all(few);

	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 9 = 3 hits + 6 misses (0 failed); "
		  "created 6, destroyed 2; out 0, peak 6; idle 4 (2 cached) of "
		  "2");
}

/* Milestone 6 counted 1 here (one object out at a time). The thread cache
 * took half a cache, 5, out of the depot at the first get, and the peak
 * counts objects out of the depot: an upper bound of the objects out in
 * guards, measured only when objects leave the depot. */
TEST_F(Peak, CountsObjectsOutOfTheDepot)
{
	build(10);
	ASSERT_EQ(pool_preallocate(pool, 10), 0);
	for (int i = 0; i < 50; i++)
		get_and_release(pool);

	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.peak_allocated, 5u);
	EXPECT_EQ(stats.created_count, 10u);
}

TEST_F(Peak, RisesOnHitsAndMissesAlike)
{
	build(10);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	std::vector<pool_guard_t> objs;

	/* A hit that refills both idle objects into the cache, a hit from
	 * the cache, a miss, a miss. */
	const size_t peaks[] = { 2, 2, 3, 4 };

	for (size_t peak : peaks) {
		objs.push_back(pool_get(pool));
		EXPECT_EQ(pool_stats(pool).peak_allocated, peak);
	}
	release_all(objs);
}

/* --- what counts as what ------------------------------------------------- */

using Counting = m7_test::StatsTest;

TEST_F(Counting, StartsAtZero)
{
	build(0); /* the default max_size */
	EXPECT_EQ(
		summary(pool_stats(pool)),
		"gets 0 = 0 hits + 0 misses (0 failed); "
		"created 0, destroyed 0; out 0, peak 0; idle 0 (0 cached) of " +
			std::to_string(POOL_DEFAULT_MAX_SIZE));
}

TEST_F(Counting, MaxSizeIsTheConfiguredOne)
{
	build(7);
	EXPECT_EQ(pool_stats(pool).max_size, 7u);
}

TEST_F(Counting, PreallocateCountsCreatedNotGets)
{
	build(10);
	ASSERT_EQ(pool_preallocate(pool, 4), 0);

	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 0 = 0 hits + 0 misses (0 failed); "
		  "created 4, destroyed 0; out 0, peak 0; idle 4 (0 cached) of "
		  "10");
}

/* The spec's test_miss_rate loop taken literally: each object goes back at
 * the end of its iteration, so only the first get misses. */
TEST_F(Counting, SpecMissRateLoopHitsAfterTheFirst)
{
	build(10);
	for (int i = 0; i < 5; i++)
		get_and_release(pool);

	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.misses, 1u);
	EXPECT_EQ(stats.hits, 4u);
	EXPECT_EQ(stats.created_count, 1u);
	EXPECT_DOUBLE_EQ(pool_stats_miss_rate(&stats), 0.2);
}

TEST_F(Counting, SuccessLeavesErrnoAlone)
{
	build(2);
	errno = EBADF;
	ASSERT_EQ(pool_preallocate(pool, 1), 0);
	{
		POOL_GUARD(hit, pool);
		POOL_GUARD(miss, pool); /* made by the factory */
		EXPECT_NE(miss.obj, nullptr);
	}
	EXPECT_EQ(errno, EBADF);
}

TEST_F(Counting, ReturnsToAFullPoolAreDestroyed)
{
	build(2);
	std::vector<pool_guard_t> objs = get_n(pool, 5);
	EXPECT_EQ(pool_stats(pool).destroyed_count, 0u);
	/* Two to the cache, two flushed one by one to the depot, and the
	 * last flush finds the depot full. */
	release_all(objs);

	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 5 = 0 hits + 5 misses (0 failed); "
		  "created 5, destroyed 1; out 0, peak 5; idle 4 (2 cached) of "
		  "2");
	EXPECT_EQ(bufs.destroyed, 1);
}

TEST_F(Counting, OneCounterCallsAgreeWithTheSnapshot)
{
	build(3);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	std::vector<pool_guard_t> objs = get_n(pool, 4);
	pool_guard_release(&objs[0]);

	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(pool_available(pool), stats.available);
	EXPECT_EQ(pool_len(pool), stats.available);
	EXPECT_EQ(pool_allocated(pool), stats.allocated);
	EXPECT_EQ(pool_created_count(pool), stats.created_count);
	EXPECT_EQ(stats.allocated, 3u);
	EXPECT_EQ(stats.available, 1u);
	release_all(objs);
}

/* A taken object leaves the pool's accounts: it is neither out, idle nor
 * destroyed. */
TEST_F(Counting, TakeLeavesTheAccounts)
{
	build(5);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	pool_guard_t g = pool_get(pool);
	void *mine = pool_guard_take(&g);
	ASSERT_NE(mine, nullptr);

	/* created 2 = idle 1 + out 0 + destroyed 0 + taken 1; the get moved
	 * both to the cache, so the peak is 2. */
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 1 = 1 hits + 0 misses (0 failed); "
		  "created 2, destroyed 0; out 0, peak 2; idle 1 (1 cached) of "
		  "5");
	ByteBuffers::destroy(mine, &bufs);
}

/* --- failures ------------------------------------------------------------ */

using Failure = m7_test::StatsTest;

TEST_F(Failure, FactoryFailureIsAMissAndAFailure)
{
	build(5);
	bufs.fail_after = 0;
	errno = 0;
	pool_guard_t g = pool_get(pool);
	EXPECT_EQ(g.obj, nullptr);
	EXPECT_EQ(errno, ENOMEM);

	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 1 = 0 hits + 1 misses (1 failed); "
		  "created 0, destroyed 0; out 0, peak 0; idle 0 (0 cached) of "
		  "5");

	bufs.fail_after = -1; /* the factory works again */
	get_and_release(pool);
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 2 = 0 hits + 2 misses (1 failed); "
		  "created 1, destroyed 0; out 0, peak 1; idle 1 (1 cached) of "
		  "5");
}

TEST_F(Failure, FactoryErrnoIsReportedAndCounted)
{
	build(5);
	bufs.fail_after = 0;
	bufs.fail_errno = ECONNREFUSED;
	for (int i = 0; i < 3; i++) {
		errno = 0;
		EXPECT_EQ(pool_get(pool).obj, nullptr);
		EXPECT_EQ(errno, ECONNREFUSED);
	}
	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.failures, 3u);
	EXPECT_EQ(stats.gets, stats.hits + stats.misses);
}

TEST_F(Failure, OutOfMemoryOnAMiss)
{
	build(5);
	mem_fail_next(1); /* the idle list cannot make room for the new one */
	errno = 0;
	EXPECT_EQ(pool_get(pool).obj, nullptr);
	EXPECT_EQ(errno, ENOMEM);
	EXPECT_EQ(bufs.made, 1);
	EXPECT_EQ(bufs.alive(), 0); /* destroyed at once, and not counted */

	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 1 = 0 hits + 1 misses (1 failed); "
		  "created 0, destroyed 0; out 0, peak 0; idle 0 (0 cached) of "
		  "5");
}

TEST_F(Failure, AHitNeedsNoMemory)
{
	build(5);
	ASSERT_EQ(pool_preallocate(pool, 1), 0);
	mem_fail_next(1000);
	get_and_release(pool);
	EXPECT_EQ(mem_fail_pending(), 1000u);

	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.hits, 1u);
	EXPECT_EQ(stats.failures, 0u);
}

TEST_F(Failure, PreallocateFailuresAreNotGets)
{
	build(5);
	mem_fail_next(1); /* no room in the idle list for the first one */
	EXPECT_EQ(pool_preallocate(pool, 1), -ENOMEM);
	bufs.fail_after = bufs.made + 2; /* then the factory gives up */
	EXPECT_EQ(pool_preallocate(pool, 4), -ENOMEM);

	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 0 = 0 hits + 0 misses (0 failed); "
		  "created 2, destroyed 0; out 0, peak 0; idle 2 (0 cached) of "
		  "5");
}

TEST_F(Failure, PreallocatePastMaxSizeMakesNothing)
{
	build(3);
	EXPECT_EQ(pool_preallocate(pool, 4), -ENOSPC);
	EXPECT_EQ(pool_stats(pool).created_count, 0u);
	EXPECT_EQ(bufs.made, 0);
}

/* Refused before anything is made, not once memory runs out (the model
 * test found milestone 7 making objects; the factory gives up after 100
 * so that the test ends either way); with an object alive too, whose
 * place and SIZE_MAX more overflow a size_t. */
TEST_F(Failure, PreallocateBeyondAddressSpaceOverflows)
{
	bufs.fail_after = 100;
	build(SIZE_MAX);
	EXPECT_EQ(pool_preallocate(pool, SIZE_MAX), -EOVERFLOW);
	EXPECT_EQ(pool_stats(pool).created_count, 0u);
	EXPECT_EQ(bufs.made, 0);

	pool_guard_t g = pool_get(pool);
	ASSERT_NE(g.obj, nullptr);
	EXPECT_EQ(pool_preallocate(pool, SIZE_MAX), -EOVERFLOW);
	EXPECT_EQ(pool_stats(pool).created_count, 1u);
	EXPECT_EQ(bufs.made, 1);
	pool_guard_release(&g);
}

/* --- rates --------------------------------------------------------------- */

TEST(Rates, NullStatsIsZero)
{
	EXPECT_EQ(pool_stats_hit_rate(nullptr), 0.0);
	EXPECT_EQ(pool_stats_miss_rate(nullptr), 0.0);
}

TEST(Rates, NoGetsIsZero)
{
	pool_stats_t stats = {};

	stats.created_count = 5; /* preallocated, never asked for */
	EXPECT_EQ(pool_stats_hit_rate(&stats), 0.0);
	EXPECT_EQ(pool_stats_miss_rate(&stats), 0.0);
}

TEST(Rates, AreFractionsOfGets)
{
	pool_stats_t stats = {};

	stats.gets = 3;
	stats.hits = 1;
	stats.misses = 2;
	EXPECT_DOUBLE_EQ(pool_stats_hit_rate(&stats), 1.0 / 3.0);
	EXPECT_DOUBLE_EQ(pool_stats_miss_rate(&stats), 2.0 / 3.0);
}

using RatesOfAPool = m7_test::StatsTest;

TEST_F(RatesOfAPool, OneHitTwoMisses)
{
	build(5);
	std::vector<pool_guard_t> two = get_n(pool, 2); /* two misses */
	release_all(two);
	get_and_release(pool); /* a hit */

	pool_stats_t stats = pool_stats(pool);
	EXPECT_DOUBLE_EQ(pool_stats_hit_rate(&stats), 1.0 / 3.0);
	EXPECT_DOUBLE_EQ(pool_stats_miss_rate(&stats), 2.0 / 3.0);
}

/* --- lifetime: the last reference --------------------------------------- */

/* A guard holds the pool for its own release or take (not with a
 * pool_ref: once the owner has let go, the ended pool counts it in its
 * holds); the guard's hold is then the last, and giving the guard back
 * frees the pool. So the release must be done with the pool, its lock
 * released, before it drops that hold: one that drops it first unlocks
 * freed memory (debug builds abort when the held lock is destroyed;
 * valgrind, ASan and TSan report the use after free). */

class Lifetime : public m7_test::StatsTest {
      protected:
	/* A guard holding an object and, once the owner has let go, the
	 * pool's last reference. */
	pool_guard_t last_guard()
	{
		build(5, ByteBuffers::clear);
		pool_guard_t g = pool_get(pool);
		EXPECT_NE(g.obj, nullptr);
		pool_unref(pool);
		pool = nullptr; /* the owner lets go first */
		EXPECT_EQ(bufs.destroyed, 0);
		return g;
	}
};

TEST_F(Lifetime, LastReferenceDroppedByARelease)
{
	pool_guard_t g = last_guard();
	pool_guard_release(&g); /* frees the pool */
	EXPECT_EQ(bufs.destroyed, 1);
}

TEST_F(Lifetime, LastReferenceDroppedByATake)
{
	pool_guard_t g = last_guard();
	void *obj = pool_guard_take(&g); /* frees the pool */
	EXPECT_EQ(bufs.destroyed, 0);
	ByteBuffers::destroy(obj, &bufs);
}

TEST_F(Lifetime, LastReferenceDroppedOnAnotherThread)
{
	pool_guard_t g = last_guard();
	std::thread([&g] { pool_guard_release(&g); }).join();
	EXPECT_EQ(bufs.destroyed, 1);
}

/* --- bad input ----------------------------------------------------------- */

TEST(BadInput, NullPool)
{
	EXPECT_EQ(summary(pool_stats(nullptr)),
		  "gets 0 = 0 hits + 0 misses (0 failed); "
		  "created 0, destroyed 0; out 0, peak 0; idle 0 (0 cached) of "
		  "0");
	EXPECT_EQ(pool_available(nullptr), 0u);
	EXPECT_EQ(pool_allocated(nullptr), 0u);
	EXPECT_EQ(pool_created_count(nullptr), 0u);
	EXPECT_EQ(pool_preallocate(nullptr, 1), -EINVAL);
	errno = 0;
	EXPECT_EQ(pool_get(nullptr).obj, nullptr);
	EXPECT_EQ(errno, EINVAL);
	pool_unref(nullptr);
}

TEST(BadInput, NoConfigOrNoFactory)
{
	pool_config_t config = {};

	errno = 0;
	EXPECT_EQ(pool_build(nullptr), nullptr);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(pool_build(&config), nullptr);
	EXPECT_EQ(errno, EINVAL);
}

TEST(BadInput, BuildOutOfMemory)
{
	pool_config_t config = {};

	config.factory = ByteBuffers::make;
	mem_fail_next(1);
	errno = 0;
	EXPECT_EQ(pool_build(&config), nullptr);
	EXPECT_EQ(errno, ENOMEM);
	mem_fail_next(0);
}

} // namespace
