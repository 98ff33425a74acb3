/* Helpers shared by the milestone 8 tests (C++, test-only): a fixture
 * with a pool of counted byte buffers, guards by the handful, the
 * invariants every statistics snapshot must satisfy, deadlines and a wait
 * for waiters; and from common/test_threads.h, a latch to line threads up
 * without sleeping and the watchdog that fails a hung test within
 * seconds. */
#ifndef OBJPOOL_M8_BOUNDED_POOL_TESTING_H
#define OBJPOOL_M8_BOUNDED_POOL_TESTING_H

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstddef>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/mem_testing.h"
#include "common/test_buffers.h"
#include "common/test_threads.h"
#include "m8_bounded/pool.h"

namespace m8_test {

using objpool_test::ByteBuffers;
using objpool_test::Bytes;
using objpool_test::bytes;
using objpool_test::Latch;
using objpool_test::run_threads;

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

	return "gets " + n(s.gets) + " = " + n(s.hits) + " hits + " +
	       n(s.misses) + " misses (" + n(s.failures) +
	       " failed); created " + n(s.created_count) + ", destroyed " +
	       n(s.destroyed_count) + "; out " + n(s.allocated) + ", peak " +
	       n(s.peak_allocated) + "; idle " + n(s.available) + " of " +
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
	       n(s.peak_waiting) + "), timeouts " + n(s.timeouts) +
	       "; broken " + n(s.validation_failures) + ", discarded " +
	       n(s.discarded) + ", evicted " + n(s.evicted_lifetime) + " + " +
	       n(s.evicted_idle) + "; bad releases " + n(s.bad_releases) +
	       "; total " + n(s.total) + " of " + n(s.max_total);
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

/* What the next calls of refusing_make do, as a factory whose server
 * refuses connections: fail (NULL, errno ECONNREFUSED) or throw a C++
 * exception. Set them before the call that should meet them. */
struct Refusals {
	std::atomic<int> fail{ 0 };   /* calls left that fail */
	std::atomic<int> throws{ 0 }; /* calls left that throw, after those */
};

inline Refusals &refusals()
{
	static Refusals r;
	return r;
}

/* pool_factory_fn over ByteBuffers::make (@ctx is the ByteBuffers), with
 * the refusals above. */
inline void *refusing_make(void *ctx)
{
	Refusals &r = refusals();

	if (r.fail > 0) {
		r.fail--;
		errno = ECONNREFUSED;
		return nullptr;
	}
	if (r.throws > 0) {
		r.throws--;
		throw std::runtime_error("connection refused");
	}
	return ByteBuffers::make(ctx);
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
 * condition rather than a guess at how long a thread takes to get there.
 * After 2 s it gives up with a failure that says so (a pool whose gets
 * never wait, such as the starter before wait_locked is written). */
inline void await_waits(const pool_t *pool, size_t n)
{
	uint64_t give_up = mono_ns() + 2000000000u;

	while (pool_stats(pool).waits < n) {
		if (mono_ns() > give_up) {
			ADD_FAILURE() << "waited 2 s for " << n
				      << " gets to wait in line; "
				      << pool_stats(pool).waits << " did";
			return;
		}
		std::this_thread::yield();
	}
}

} // namespace m8_test

#endif
