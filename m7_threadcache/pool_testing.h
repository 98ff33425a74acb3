/* Helpers shared by the milestone 7 tests (C++, test-only): a pool of
 * counted byte buffers, alone or in a fixture, guards by the handful, the
 * invariants every statistics snapshot must satisfy; and from
 * common/test_threads.h, a latch to line threads up without sleeping and
 * the watchdog that fails a hung test within seconds. */
#ifndef OBJPOOL_M7_THREADCACHE_POOL_TESTING_H
#define OBJPOOL_M7_THREADCACHE_POOL_TESTING_H

#include <gtest/gtest.h>

#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/mem_testing.h"
#include "common/test_buffers.h"
#include "common/test_threads.h"
#include "m7_threadcache/pool.h"

namespace m7_test {

using objpool_test::ByteBuffers;
using objpool_test::Bytes;
using objpool_test::bytes;
using objpool_test::Latch;
using objpool_test::run_threads;

/* A pool of @bufs' buffers: the spec's Pool::builder().factory(..)
 * .max_size(max_size)[.reset(Vec::clear)].build(), with a thread cache of
 * @cache_size (0: the default); @factory gets @bufs as its ctx.
 * Return: the pool, or NULL with errno set (pool_build). */
inline pool_t *build_pool(ByteBuffers *bufs, size_t max_size, size_t cache_size,
			  pool_reset_fn reset = nullptr,
			  pool_factory_fn factory = ByteBuffers::make)
{
	pool_config_t config = {};

	config.factory = factory;
	config.reset = reset;
	config.destroy = ByteBuffers::destroy;
	config.ctx = bufs;
	config.max_size = max_size;
	config.cache_size = cache_size;
	return pool_build(&config);
}

/* One pool per test, built by the test with build(); at the end the
 * fixture drops its reference, and then every buffer the factory made must
 * have been destroyed. */
class StatsTest : public ::testing::Test {
      protected:
	/* build_pool of the fixture's bufs and cache_size. */
	pool_t *build(size_t max_size, pool_reset_fn reset = nullptr,
		      pool_factory_fn factory = ByteBuffers::make)
	{
		pool = build_pool(&bufs, max_size, cache_size, reset, factory);
		EXPECT_NE(pool, nullptr);
		return pool;
	}

	void TearDown() override
	{
		mem_fail_next(0);
		pool_unref(pool);
		EXPECT_EQ(bufs.alive(), 0) << "buffers leaked";
	}

	ByteBuffers bufs;	/* vec![0u8; 1024] unless the test changes it */
	size_t cache_size = 0;	/* for build(); 0: the default */
	pool_t *pool = nullptr; /* nullptr: a test that ended it itself */
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
 *	 out 0, peak 4; idle 2 (1 cached) of 2"
 * (one line). */
inline std::string summary(const pool_stats_t &s)
{
	auto n = [](size_t v) { return std::to_string(v); };

	return "gets " + n(s.gets) + " = " + n(s.hits) + " hits + " +
	       n(s.misses) + " misses (" + n(s.failures) +
	       " failed); created " + n(s.created_count) + ", destroyed " +
	       n(s.destroyed_count) + "; out " + n(s.allocated) + ", peak " +
	       n(s.peak_allocated) + "; idle " + n(s.available) + " (" +
	       n(s.cached) + " cached) of " + n(s.max_size);
}

/* What must hold in any snapshot, even one taken while other threads are
 * inside calls on the pool. Returns the first broken rule, or "" (usable
 * from any thread, unlike EXPECT_*, and printable). */
inline const char *broken_invariant_under_load(const pool_stats_t &s)
{
	if (s.gets != s.hits + s.misses)
		return "gets != hits + misses";
	if (s.failures > s.misses)
		return "failures > misses";
	if (s.cached > s.available)
		return "cached > available";
	if (s.available - s.cached > s.max_size)
		return "depot > max_size";
	return "";
}

/* What must hold, besides, in a snapshot of a pool from which nothing was
 * taken with pool_guard_take, taken while no other thread is inside a
 * call on the pool (pool.h: the per-thread counts may lag otherwise). */
inline const char *broken_invariant(const pool_stats_t &s)
{
	const char *rule = broken_invariant_under_load(s);

	if (*rule)
		return rule;
	if (s.allocated > s.peak_allocated)
		return "allocated > peak_allocated";
	if (s.created_count != s.available + s.allocated + s.destroyed_count)
		return "created != available + allocated + destroyed";
	return "";
}

} // namespace m7_test

#endif
