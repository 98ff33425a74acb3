/* Helpers shared by the milestone 6 tests (C++, test-only): a fixture
 * with a pool of counted byte buffers, guards by the handful, the
 * invariants every statistics snapshot must satisfy; and from
 * common/test_threads.h, a latch to line threads up without sleeping and
 * the watchdog that fails a hung test within seconds. */
#ifndef OBJPOOL_M6_STATS_POOL_TESTING_H
#define OBJPOOL_M6_STATS_POOL_TESTING_H

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "common/mem_testing.h"
#include "common/test_buffers.h"
#include "common/test_threads.h"
#include "m6_stats/pool.h"

namespace m6_test {

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
	/* The spec's Pool::builder().factory(..).max_size(max_size)
	 * [.reset(Vec::clear)].build(); @factory gets &bufs as its ctx. */
	pool_t *build(size_t max_size, pool_reset_fn reset = nullptr,
		      pool_factory_fn factory = ByteBuffers::make)
	{
		pool_config_t config = {};

		config.factory = factory;
		config.reset = reset;
		config.destroy = ByteBuffers::destroy;
		config.ctx = &bufs;
		config.max_size = max_size;
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

/* What must hold in any snapshot of a pool from which nothing was taken
 * with pool_guard_take. Returns the first broken rule, or "" (usable from
 * any thread, unlike EXPECT_*, and printable). */
inline const char *broken_invariant(const pool_stats_t &s)
{
	if (s.gets != s.hits + s.misses)
		return "gets != hits + misses";
	if (s.failures > s.misses)
		return "failures > misses";
	if (s.allocated > s.peak_allocated)
		return "allocated > peak_allocated";
	if (s.available > s.max_size)
		return "available > max_size";
	if (s.created_count != s.available + s.allocated + s.destroyed_count)
		return "created != available + allocated + destroyed";
	return "";
}

} // namespace m6_test

#endif
