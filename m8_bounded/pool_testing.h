/* Helpers shared by the milestone 8 tests (C++, test-only): a fixture
 * with a pool of counted byte buffers, guards by the handful, the
 * invariants every statistics snapshot must satisfy, and a latch to line
 * threads up without sleeping. */
#ifndef OBJPOOL_M8_BOUNDED_POOL_TESTING_H
#define OBJPOOL_M8_BOUNDED_POOL_TESTING_H

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/mem_testing.h"
#include "common/test_buffers.h"
#include "m8_bounded/pool.h"

namespace m8_test {

using objpool_test::ByteBuffers;
using objpool_test::Bytes;
using objpool_test::bytes;

/* One pool per test, built by the test with build(); at the end the
 * fixture drops its reference, and then every buffer the factory made must
 * have been destroyed. */
class StatsTest : public ::testing::Test {
      protected:
	StatsTest()
	{
		config.factory = ByteBuffers::make;
		config.destroy = ByteBuffers::destroy;
		config.ctx = &bufs;
	}

	/* The spec's Pool::builder().factory(..).max_size(max_size)
	 * [.reset(Vec::clear)].build(), with the rest of config as the
	 * test set it; @factory gets &bufs as its ctx. */
	pool_t *build(size_t max_size, pool_reset_fn reset = nullptr,
		      pool_factory_fn factory = ByteBuffers::make)
	{
		config.max_size = max_size;
		config.reset = reset;
		config.factory = factory;
		pool = pool_build(&config);
		EXPECT_NE(pool, nullptr);
		return pool;
	}

	void TearDown() override
	{
		mem_fail_next(0);
		pool_unref(pool);
		EXPECT_EQ(bufs.alive(), 0) << "buffers leaked";
	}

	ByteBuffers bufs; /* vec![0u8; 1024] unless the test changes it */
	pool_config_t config = {}; /* bufs' callbacks; the rest zero */
	pool_t *pool = nullptr;
};

/* @n guards from pool_get, each holding an object. */
inline std::vector<pool_guard_t> get_n(pool_t *pool, size_t n)
{
	std::vector<pool_guard_t> guards(n);

	for (pool_guard_t &g : guards) {
		g = pool_get(pool);
		EXPECT_NE(g.obj, nullptr);
	}
	return guards;
}

/* Release every guard of @guards, in order. */
inline void release_all(std::vector<pool_guard_t> &guards)
{
	for (pool_guard_t &g : guards)
		pool_guard_release(&g);
}

/* Every counter of @s on one line, so that a test compares a whole
 * snapshot with one EXPECT_EQ, and a failure shows all of it:
 *	"gets 5 = 1 hits + 4 misses (1 failed); created 4, destroyed 2;
 *	 out 0, peak 4; idle 2 of 2"
 * (one line). */
inline std::string summary(const pool_stats_t &s)
{
	auto n = [](size_t v) { return std::to_string(v); };

	return "gets " + n(s.gets) + " = " + n(s.hits) + " hits + " + n(s.misses) +
	       " misses (" + n(s.failures) + " failed); created " + n(s.created_count) +
	       ", destroyed " + n(s.destroyed_count) + "; out " + n(s.allocated) +
	       ", peak " + n(s.peak_allocated) + "; idle " + n(s.available) + " of " +
	       n(s.max_size);
}

/* Objects the pool destroyed, for whatever cause. */
inline size_t retired(const pool_stats_t &s)
{
	return s.destroyed_count + s.validation_failures + s.discarded +
	       s.evicted_lifetime + s.evicted_idle;
}

/* The waiting and health counters on one line, as summary() does:
 *	"waits 2 (0 waiting, peak 1), timeouts 1; broken 0, discarded 1,
 *	 evicted 0 + 0; bad releases 0; total 3 of 4"
 * (one line). */
inline std::string health(const pool_stats_t &s)
{
	auto n = [](size_t v) { return std::to_string(v); };

	return "waits " + n(s.waits) + " (" + n(s.waiting) + " waiting, peak " +
	       n(s.peak_waiting) + "), timeouts " + n(s.timeouts) + "; broken " +
	       n(s.validation_failures) + ", discarded " + n(s.discarded) +
	       ", evicted " + n(s.evicted_lifetime) + " + " + n(s.evicted_idle) +
	       "; bad releases " + n(s.bad_releases) + "; total " + n(s.total) +
	       " of " + n(s.max_total);
}

/* What must hold in any snapshot of a pool from which nothing was taken
 * with pool_guard_take, even while other threads are inside pool calls
 * (objects being made, checked, reset or destroyed count in total, not
 * in allocated or available). Returns the first broken rule, or ""
 * (usable from any thread, unlike EXPECT_*, and printable). */
inline const char *broken_invariant(const pool_stats_t &s)
{
	if (s.gets != s.hits + s.misses)
		return "gets != hits + misses";
	if (s.failures > s.misses)
		return "failures > misses";
	if (s.timeouts > s.failures)
		return "timeouts > failures";
	if (s.allocated > s.peak_allocated)
		return "allocated > peak_allocated";
	if (s.waiting > s.peak_waiting)
		return "waiting > peak_waiting";
	if (s.available > s.max_size)
		return "available > max_size";
	if (s.max_total && s.total > s.max_total)
		return "total > max_total";
	if (s.allocated + s.available > s.total)
		return "allocated + available > total";
	if (s.created_count < retired(s) ||
	    s.created_count - retired(s) < s.allocated + s.available)
		return "created - destroyed < allocated + available";
	if (s.created_count - retired(s) > s.total)
		return "created - destroyed > total";
	if (s.wait_ns_max > s.wait_ns_total)
		return "wait_ns_max > wait_ns_total";
	return "";
}

/* broken_invariant, and what holds only when no thread is inside a pool
 * call: every object is out or idle. */
inline const char *broken_at_rest(const pool_stats_t &s)
{
	const char *broken = broken_invariant(s);

	if (*broken)
		return broken;
	if (s.total != s.allocated + s.available)
		return "total != allocated + available";
	if (s.created_count != s.total + retired(s))
		return "created != total + destroyed";
	if (s.waiting != 0)
		return "waiting != 0";
	return "";
}

/* Run fn(0) .. fn(@n - 1), each on its own thread, and join them all. */
template <typename Fn> void run_threads(int n, Fn fn)
{
	std::vector<std::thread> threads;

	for (int i = 0; i < n; i++)
		threads.emplace_back(fn, i);
	for (std::thread &t : threads)
		t.join();
}

/* Nanoseconds on CLOCK_MONOTONIC, the pool's clock. */
inline uint64_t mono_ns()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The absolute CLOCK_MONOTONIC deadline @ns from now, for pool_get_until. */
inline struct timespec deadline_in(uint64_t ns)
{
	uint64_t at = mono_ns() + ns;
	struct timespec ts;

	ts.tv_sec = (time_t)(at / 1000000000u);
	ts.tv_nsec = (long)(at % 1000000000u);
	return ts;
}

/* Sleep for @ns: only where time is the contract (lifetimes, timeouts).
 * The pool records ages on CLOCK_MONOTONIC_COARSE, whose tick is up to
 * 4 ms: sleep 10 ms past the time under test. */
inline void sleep_ns(uint64_t ns)
{
	std::this_thread::sleep_for(std::chrono::nanoseconds(ns));
}

/* Return once @n gets have joined @pool's line (the waits counter, which
 * only grows): the state a fairness test needs before it acts, a
 * condition rather than a guess at how long a thread takes to get there. */
inline void await_waits(const pool_t *pool, size_t n)
{
	while (pool_stats(pool).waits < n)
		std::this_thread::yield();
}

/* A one-shot latch (C++20's std::latch): count_down() @count times
 * releases every wait(). */
class Latch {
      public:
	explicit Latch(int count) : count_(count) {}

	void count_down()
	{
		std::lock_guard<std::mutex> hold(mu_);

		if (--count_ == 0)
			cv_.notify_all();
	}

	void wait()
	{
		std::unique_lock<std::mutex> hold(mu_);

		cv_.wait(hold, [this] { return count_ <= 0; });
	}

	void arrive_and_wait()
	{
		count_down();
		wait();
	}

      private:
	std::mutex mu_;
	std::condition_variable cv_;
	int count_; /* arrivals still expected */
};

} // namespace m8_test

#endif
