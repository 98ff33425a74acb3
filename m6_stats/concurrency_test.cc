/* Milestone 6 tests: statistics with many threads. Milestone 5's
 * thread-safety checkpoints again, now asserting on the counters, and
 * snapshots taken while threads hammer the pool. No sleeps: latches line
 * the threads up, so that "all of them hold an object at once" is a fact,
 * not a hope. */
#include "m6_stats/pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "m6_stats/pool_testing.h"

namespace {

using m6_test::broken_invariant;
using m6_test::ByteBuffers;
using m6_test::bytes;
using m6_test::Latch;
using m6_test::run_threads;
using m6_test::summary;

using ThreadSafe = m6_test::StatsTest;

/* test_concurrent_get: ten threads, each with an object, all at once. */
TEST_F(ThreadSafe, ConcurrentGet)
{
	build(20);
	Latch all_out(10);

	run_threads(10, [&](int) {
		POOL_GUARD(obj, pool);
		EXPECT_NE(obj.obj, nullptr);
		if (obj.obj) {
			EXPECT_EQ(bytes(obj.obj).size(), 1024u);
		}
		all_out.arrive_and_wait();
	});

	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 10 = 0 hits + 10 misses (0 failed); "
		  "created 10, destroyed 0; out 0, peak 10; idle 10 of 20");
}

/* test_concurrent_get_and_return: 100 threads, max_size 5. The spec's
 * "pool should have max_size objects" holds only if at least five were
 * out at once; the latch makes all 100 out at once. */
TEST_F(ThreadSafe, ConcurrentGetAndReturn)
{
	bufs.len = 0;
	bufs.capacity = 100; /* Vec::with_capacity(100) */
	build(5, ByteBuffers::clear);
	std::atomic<int> counter{ 0 };
	Latch all_out(100);

	run_threads(100, [&](int) {
		POOL_GUARD(obj, pool);
		EXPECT_NE(obj.obj, nullptr);
		if (obj.obj) {
			bytes(obj.obj).push_back(42);
			counter++;
		}
		all_out.arrive_and_wait();
	});

	EXPECT_EQ(counter, 100);
	EXPECT_EQ(pool_len(pool), 5u);
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 100 = 0 hits + 100 misses (0 failed); "
		  "created 100, destroyed 95; out 0, peak 100; idle 5 of 5");
	EXPECT_EQ(bufs.resets, 100); /* every return is reset */
}

/* test_statistics_thread_safe: look while five threads hold objects. The
 * spec sleeps 5 ms and hopes the threads got theirs; here thread 0 looks
 * once the other five have said so. */
TEST_F(ThreadSafe, StatisticsWhileThreadsHoldObjects)
{
	build(10);
	Latch got(5);
	Latch done(1);

	run_threads(6, [&](int i) {
		if (i == 0) {
			got.wait();
			pool_stats_t stats = pool_stats(pool);
			EXPECT_EQ(stats.allocated, 5u);
			EXPECT_EQ(stats.allocated + stats.available,
				  stats.created_count);
			EXPECT_EQ(stats.peak_allocated, 5u);
			done.count_down();
			return;
		}
		POOL_GUARD(obj, pool);
		EXPECT_NE(obj.obj, nullptr);
		got.count_down();
		done.wait();
	});

	EXPECT_EQ(pool_stats(pool).allocated, 0u);
}

/* test_send_sync: in C, a guard may go to another thread; the counters
 * follow it. */
TEST_F(ThreadSafe, GuardReleasedOnAnotherThread)
{
	build(5);
	pool_guard_t g = pool_get(pool);
	ASSERT_NE(g.obj, nullptr);

	std::thread([&g] { pool_guard_release(&g); }).join();
	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.allocated, 0u);
	EXPECT_EQ(stats.available, 1u);

	std::thread([&g, this] { g = pool_get(pool); }).join();
	stats = pool_stats(pool);
	EXPECT_EQ(stats.allocated, 1u);
	EXPECT_EQ(stats.hits, 1u);
	pool_guard_release(&g);
}

/* test_high_contention: 20 threads x 10 gets through a pool of max_size
 * 2. The spec's "created >= 2" needs two threads to overlap; the latch
 * makes all 20 overlap on their first get. */
TEST_F(ThreadSafe, HighContention)
{
	build(2);
	Latch all_out(20);

	run_threads(20, [&](int) {
		for (int i = 0; i < 10; i++) {
			POOL_GUARD(obj, pool);
			EXPECT_NE(obj.obj, nullptr);
			if (i == 0)
				all_out.arrive_and_wait();
		}
	});

	pool_stats_t stats = pool_stats(pool);
	EXPECT_GE(stats.created_count, 2u);
	EXPECT_GE(stats.created_count, 20u);
	EXPECT_EQ(stats.gets, 200u);
	EXPECT_EQ(stats.peak_allocated, 20u);
	EXPECT_EQ(stats.available, 2u);
	EXPECT_EQ(stats.allocated, 0u);
	EXPECT_STREQ(broken_invariant(stats), "");
}

/* test_concurrent_reset: 50 threads; every return is reset, and many
 * different objects were (all 50, since they were out at once). */
TEST_F(ThreadSafe, ConcurrentReset)
{
	bufs.len = 10;
	build(5, ByteBuffers::clear);
	std::vector<void *> seen(50);
	Latch all_out(50);

	run_threads(50, [&](int i) {
		POOL_GUARD(obj, pool);
		EXPECT_NE(obj.obj, nullptr);
		if (obj.obj)
			bytes(obj.obj).push_back(42);
		seen[i] = obj.obj;
		all_out.arrive_and_wait();
	});

	EXPECT_EQ(bufs.resets, 50);
	size_t distinct = std::set<void *>(seen.begin(), seen.end()).size();
	EXPECT_GE(distinct, 5u); /* the spec's check */
	EXPECT_EQ(distinct, 50u);
	EXPECT_EQ(pool_stats(pool).gets, 50u);
}

/* --- snapshots under load ------------------------------------------------ */

/* A factory that fails on every fifth call, so that failures happen while
 * the threads run. */
std::atomic<unsigned> flaky_calls{ 0 };

void *flaky_make(void *ctx)
{
	if (++flaky_calls % 5 == 0) {
		errno = EAGAIN;
		return nullptr;
	}
	return ByteBuffers::make(ctx);
}

/* Counters that only ever grow. Returns the first that shrank, or "". */
const char *went_back(const pool_stats_t &before, const pool_stats_t &now)
{
	if (now.gets < before.gets)
		return "gets";
	if (now.hits < before.hits)
		return "hits";
	if (now.misses < before.misses)
		return "misses";
	if (now.failures < before.failures)
		return "failures";
	if (now.created_count < before.created_count)
		return "created_count";
	if (now.destroyed_count < before.destroyed_count)
		return "destroyed_count";
	if (now.peak_allocated < before.peak_allocated)
		return "peak_allocated";
	return "";
}

/* Four threads get one to four objects at a time from a pool that keeps
 * two, and give them back (so hits, misses and destroys all the time), a
 * fifth preallocates into the same pool, the factory fails now and then;
 * meanwhile one more thread takes 2000 snapshots, every one of which must
 * add up and none of which may show a counter going back. The workers run
 * until the snapshots are done, so every snapshot is taken while the pool
 * is busy. (Checked against deliberately broken pools: counting a get or
 * a creation in two critical sections is caught within a few hundred
 * snapshots.) */
TEST_F(ThreadSafe, SnapshotsAddUpUnderLoad)
{
	build(2, ByteBuffers::clear, flaky_make);
	const int getters = 4;
	Latch started(getters + 1); /* and the preallocator */
	std::atomic<bool> stop{ false };
	std::string broken;
	int snapshots = 0;

	run_threads(getters + 2, [&](int i) {
		if (i == 0) { /* the observer */
			started.wait();
			pool_stats_t before = pool_stats(pool);

			for (snapshots = 0; snapshots < 2000; snapshots++) {
				pool_stats_t now = pool_stats(pool);
				const char *rule = broken_invariant(now);

				if (!*rule && *went_back(before, now))
					rule = went_back(before, now);
				if (*rule) {
					broken = rule;
					break;
				}
				before = now;
			}
			stop = true;
			return;
		}
		for (unsigned round = 0; round == 0 || !stop; round++) {
			if (i == 1) {
				/* The preallocator: 0, -ENOSPC or -EAGAIN. */
				int err = pool_preallocate(pool, 1);

				EXPECT_TRUE(err == 0 || err == -ENOSPC ||
					    err == -EAGAIN)
					<< err;
			} else {
				pool_guard_t g[4];
				size_t n = 1 + (round + (unsigned)i) % 4;

				for (size_t k = 0; k < n; k++)
					g[k] = pool_get(pool);
				for (size_t k = 0; k < n; k++)
					pool_guard_release(&g[k]);
			}
			if (round == 0)
				started.count_down();
		}
	});

	EXPECT_EQ(broken, "") << "after " << snapshots << " snapshots";
	EXPECT_EQ(snapshots, 2000);
	pool_stats_t stats = pool_stats(pool);
	EXPECT_STREQ(broken_invariant(stats), "");
	EXPECT_EQ(stats.allocated, 0u);
	EXPECT_EQ((size_t)bufs.alive(), stats.available);
	/* A getter that takes three or four objects from a pool that keeps
	 * two must have missed. */
	EXPECT_GT(stats.misses, 0u);
}

} // namespace
