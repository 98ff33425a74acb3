/* Milestone 7 tests: the thread caches. Each hard case of a per-thread
 * cache has its own test: a guard released on another thread, a thread
 * that exits with cached objects, the end of a pool while other threads
 * still cache its objects, many pools on the same threads (and pools that
 * share a slot, or an ended pool's address), what max_size and cache_size
 * bound, the last reference dropped by a guard, and the end of a pool
 * racing with releases. ASan and valgrind check that nothing leaks and
 * nothing is destroyed twice; TSan runs them with --runs_per_test=20. */
#include "m7_threadcache/pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <memory>
#include <thread>
#include <vector>

#include "common/mem_testing.h"
#include "m7_threadcache/pool_testing.h"

namespace {

using m7_test::broken_invariant;
using m7_test::build_pool;
using m7_test::ByteBuffers;
using m7_test::bytes;
using m7_test::get_n;
using m7_test::Latch;
using m7_test::release_all;
using m7_test::run_threads;
using m7_test::summary;

using Cache = m7_test::StatsTest;

/* Where a pool's slot is in every thread's caches (pool.h, internal). */
size_t slot_of(const pool_t *pool)
{
	return pool__head_of(pool)->slot;
}

/* --- configuration ------------------------------------------------------- */

TEST_F(Cache, SizeDefaultsAndCaps)
{
	build(100);
	EXPECT_EQ(pool_stats(pool).cache_size, (size_t)POOL_DEFAULT_CACHE_SIZE);
	pool_unref(pool);
	cache_size = 1000;
	build(1000);
	EXPECT_EQ(pool_stats(pool).cache_size, (size_t)POOL_MAX_CACHE_SIZE);
	pool_unref(pool);
	cache_size = 8;
	build(3);
	EXPECT_EQ(pool_stats(pool).cache_size, 3u); /* at most max_size */
}

/* --- refill and flush ---------------------------------------------------- */

/* A cache of 4: a get on an empty cache takes half a cache from the
 * depot; a release into a full one moves its older half to the depot. */
TEST_F(Cache, RefillsAndFlushesHalfACache)
{
	cache_size = 4;
	build(10);
	ASSERT_EQ(pool_preallocate(pool, 10), 0);
	std::vector<pool_guard_t> one = get_n(pool, 1); /* refill 2, take 1 */
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 1 = 1 hits + 0 misses (0 failed); "
		  "created 10, destroyed 0; out 1, peak 2; idle 9 (1 cached) "
		  "of 10");
	/* From the cache, a refill of 2, the cache, a refill, the cache. */
	std::vector<pool_guard_t> more = get_n(pool, 5);
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 6 = 6 hits + 0 misses (0 failed); "
		  "created 10, destroyed 0; out 6, peak 6; idle 4 (0 cached) "
		  "of 10");
	release_all(one);
	release_all(more); /* 4 fill the cache; the 5th flushes the older 2 */
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 6 = 6 hits + 0 misses (0 failed); "
		  "created 10, destroyed 0; out 0, peak 6; idle 10 (4 cached) "
		  "of 10");
}

/* A get from the cache calls nothing that can fail: no allocation, no
 * factory, whatever the depot holds. */
TEST_F(Cache, AHitFromTheCacheNeedsNothing)
{
	build(5);
	{
		POOL_GUARD(g, pool); /* a miss; back into the cache */
	}
	bufs.fail_after = 0;
	mem_fail_next(1000);
	for (int i = 0; i < 100; i++) {
		POOL_GUARD(g, pool);
		ASSERT_NE(g.obj, nullptr);
	}
	EXPECT_EQ(mem_fail_pending(), 1000u);
	mem_fail_next(0);
	EXPECT_EQ(pool_stats(pool).hits, 100u);
}

/* A slot keeps its object count and its hits in one word (pool.h): a
 * full cache of the largest size and hundreds of gets from it keep both
 * exact, the count never spilling into the hits nor the hits into the
 * count. */
TEST_F(Cache, CountAndHitsShareAWord)
{
	cache_size = POOL_MAX_CACHE_SIZE;
	build(POOL_MAX_CACHE_SIZE);
	ASSERT_EQ(pool_preallocate(pool, POOL_MAX_CACHE_SIZE), 0);
	std::vector<pool_guard_t> all = get_n(pool, POOL_MAX_CACHE_SIZE);
	release_all(all); /* all 64 into the cache: full */
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 64 = 64 hits + 0 misses (0 failed); "
		  "created 64, destroyed 0; out 0, peak 64; idle 64 (64 "
		  "cached) of 64");
	for (int i = 0; i < 300; i++) {
		POOL_GUARD(g, pool); /* from a full cache, back into it */
		ASSERT_NE(g.obj, nullptr);
	}
	all = get_n(pool, POOL_MAX_CACHE_SIZE); /* empties it */
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 428 = 428 hits + 0 misses (0 failed); "
		  "created 64, destroyed 0; out 64, peak 64; idle 0 (0 cached) "
		  "of 64");
	release_all(all);
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 428 = 428 hits + 0 misses (0 failed); "
		  "created 64, destroyed 0; out 0, peak 64; idle 64 (64 "
		  "cached) of 64");
}

/* The fast path finds its slot from the thread pointer and one distance
 * the pool measured on the thread that built it (pool.h): in every
 * thread, that is the thread's own slot of the pool. */
TEST_F(Cache, EveryThreadFindsItsOwnSlot)
{
	build(4);
	const struct pool__head *head = pool__head_of(pool);
	auto own_slot = [head] {
		return &pool__tc.slots[head->id % POOL_CACHE_SLOTS];
	};

	EXPECT_EQ(pool__my_slot(head), own_slot());
	run_threads(3, [&](int) {
		EXPECT_EQ(pool__my_slot(head), own_slot());
		POOL_GUARD(g, pool); /* binds that slot, and releases into it */
		EXPECT_EQ(own_slot()->pool, pool);
	});
}

/* A factory that blocks its third call until told to go on. */
struct SlowThird {
	ByteBuffers *bufs;
	std::atomic<int> calls{ 0 };
	Latch started{ 1 }, go{ 1 };

	static void *make(void *ctx)
	{
		auto *self = static_cast<SlowThird *>(ctx);

		if (++self->calls == 3) {
			self->started.count_down();
			self->go.wait();
		}
		return ByteBuffers::make(self->bufs);
	}
	static void destroy(void *obj, void *ctx)
	{
		ByteBuffers::destroy(obj, static_cast<SlowThird *>(ctx)->bufs);
	}
};

/* pool_preallocate calls the factory without the lock; meanwhile a flush
 * fills the depot, so the new object finds no room: destroyed, counted. */
TEST(CachePreallocate, FindsTheDepotFilledMeanwhile)
{
	ByteBuffers bufs;
	SlowThird slow;
	slow.bufs = &bufs;
	pool_config_t config = {};
	config.factory = SlowThird::make;
	config.destroy = SlowThird::destroy;
	config.ctx = &slow;
	config.max_size = 1; /* and a cache of 1 */
	pool_t *pool = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	std::vector<pool_guard_t> two = get_n(pool, 2); /* calls 1 and 2 */

	std::thread prealloc(
		[pool] { EXPECT_EQ(pool_preallocate(pool, 1), 0); });
	slow.started.wait(); /* call 3 is running, without the lock */
	release_all(two);    /* one cached, one flushed: the depot is full */
	slow.go.count_down();
	prealloc.join();
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 2 = 0 hits + 2 misses (0 failed); "
		  "created 3, destroyed 1; out 0, peak 2; idle 2 (1 cached) of "
		  "1");
	pool_unref(pool);
	EXPECT_EQ(bufs.alive(), 0);
}

/* A factory whose first call lets another thread get 8 objects (misses,
 * each reserving its depot place), then makes the next allocation fail. */
struct GetsMeanwhile {
	ByteBuffers *bufs;
	pool_t *pool = nullptr;
	std::vector<pool_guard_t> got;
	int calls = 0;

	static void *make(void *ctx)
	{
		auto *self = static_cast<GetsMeanwhile *>(ctx);

		if (++self->calls == 1) {
			std::thread getter(
				[self] { self->got = get_n(self->pool, 8); });
			getter.join();
			mem_fail_next(1);
		}
		return ByteBuffers::make(self->bufs);
	}
	static void destroy(void *obj, void *ctx)
	{
		ByteBuffers::destroy(obj,
				     static_cast<GetsMeanwhile *>(ctx)->bufs);
	}
};

/* pool_preallocate reserved places for the objects alive and its own;
 * while its factory runs, other threads' misses take those places, so
 * the new object needs the depot to grow, and memory is short: -ENOMEM,
 * the object destroyed, not counted. */
TEST(CachePreallocate, RunsShortOfPlacesTakenMeanwhile)
{
	ByteBuffers bufs;
	GetsMeanwhile meanwhile;
	meanwhile.bufs = &bufs;
	pool_config_t config = {};
	config.factory = GetsMeanwhile::make;
	config.destroy = GetsMeanwhile::destroy;
	config.ctx = &meanwhile;
	pool_t *pool = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	meanwhile.pool = pool;

	EXPECT_EQ(pool_preallocate(pool, 1), -ENOMEM);
	mem_fail_next(0);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.created_count, 8u);
	EXPECT_EQ(s.destroyed_count, 0u);
	EXPECT_EQ(s.allocated, 8u);
	EXPECT_EQ(s.available, 0u);
	EXPECT_EQ(bufs.alive(), 8);
	release_all(meanwhile.got);
	pool_unref(pool);
	EXPECT_EQ(bufs.alive(), 0);
}

/* --- a guard released on another thread ---------------------------------- */

/* The object joins the releasing thread's cache, not the depot and not
 * the getting thread's cache; the counts follow it. When that thread
 * exits, the object goes to the depot. */
TEST_F(Cache, GuardReleasedOnAnotherThreadJoinsThatCache)
{
	build(5);
	pool_guard_t g = pool_get(pool);
	void *first = g.obj;
	ASSERT_NE(first, nullptr);
	Latch released(1), looked(1);

	std::thread other([&] {
		pool_guard_release(&g);
		released.count_down();
		looked.wait();
	});
	released.wait();
	/* The other thread is waiting, outside any pool call: exact. */
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 1 = 0 hits + 1 misses (0 failed); "
		  "created 1, destroyed 0; out 0, peak 1; idle 1 (1 cached) of "
		  "5");
	pool_guard_t mine = pool_get(pool); /* not in this thread's cache */
	EXPECT_NE(mine.obj, first);
	pool_guard_release(&mine);
	looked.count_down();
	other.join();
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 2 = 0 hits + 2 misses (0 failed); "
		  "created 2, destroyed 0; out 0, peak 2; idle 2 (1 cached) of "
		  "5");
}

/* Objects got on one thread and released on another, round after round:
 * one thread's out only grows, the other's only shrinks; the sum is the
 * truth. */
TEST_F(Cache, ProducerAndConsumerThreads)
{
	cache_size = 4;
	build(8);
	const int rounds = 500;
	std::vector<pool_guard_t> slots(rounds);
	Latch done(1);

	std::thread consumer([&] {
		done.wait();
		release_all(slots);
	});
	for (pool_guard_t &g : slots)
		g = pool_get(pool);
	EXPECT_EQ(pool_stats(pool).allocated, (size_t)rounds);
	done.count_down();
	consumer.join();

	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.allocated, 0u);
	EXPECT_EQ(stats.cached, 0u); /* the consumer exited */
	EXPECT_EQ(stats.available, 8u);
	EXPECT_STREQ(broken_invariant(stats), "");
}

/* --- thread exit --------------------------------------------------------- */

/* Threads fill their caches and exit: everything goes back to the depot,
 * up to max_size; the rest is destroyed, and counted. Nothing leaks (the
 * fixture, ASan and valgrind check). */
TEST_F(Cache, ThreadExitGivesCachedObjectsBack)
{
	cache_size = 4;
	build(6);
	Latch all_out(3);

	run_threads(3, [&](int) {
		std::vector<pool_guard_t> four = get_n(pool, 4);
		all_out.arrive_and_wait(); /* twelve misses */
		release_all(four);
	});

	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 12 = 0 hits + 12 misses (0 failed); "
		  "created 12, destroyed 6; out 0, peak 12; idle 6 (0 cached) "
		  "of 6");
	EXPECT_EQ(bufs.alive(), 6);
}

/* A thread that exits while a guard it got is still out: the guard is
 * counted where it was got, and released later elsewhere. */
TEST_F(Cache, ThreadExitsWithAGuardOut)
{
	build(5);
	pool_guard_t g = {};

	std::thread([&] { g = pool_get(pool); }).join();
	EXPECT_EQ(pool_stats(pool).allocated, 1u);
	pool_guard_release(&g);
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 1 = 0 hits + 1 misses (0 failed); "
		  "created 1, destroyed 0; out 0, peak 1; idle 1 (1 cached) of "
		  "5");
}

/* --- the end of a pool -------------------------------------------------- */

/* Four threads keep objects of the pool in their caches and stay alive;
 * the last pool_unref destroys every idle object at once, the cached ones
 * included, each exactly once (ASan and valgrind catch a second destroy).
 * The threads then use a new pool that takes the same slot, and another
 * built after the end (likely at the same address): each sees only its
 * own objects. */
TEST_F(Cache, LastUnrefWhileThreadsCacheObjects)
{
	build(16);
	const int threads = 4;
	Latch cached(threads + 1), ended(1);
	/* The pools the threads use after the end. */
	ByteBuffers same_slot_bufs, after_bufs;
	same_slot_bufs.len = after_bufs.len = 1;
	same_slot_bufs.fill = 1;
	after_bufs.fill = 2;
	pool_t *same_slot = nullptr, *after = nullptr;

	run_threads(threads + 1, [&](int i) {
		if (i == threads) { /* the one that ends the pool */
			cached.arrive_and_wait();
			EXPECT_EQ(pool_stats(pool).cached, 12u);
			EXPECT_EQ(bufs.alive(), 12);
			size_t old_slot = slot_of(pool);

			pool_unref(pool);
			pool = nullptr;
			EXPECT_EQ(bufs.alive(),
				  0); /* now, not at thread exit */
			/* Ids are never reused: build until one takes the
			 * ended pool's slot. */
			same_slot = build_pool(&same_slot_bufs, 8, 4);
			while (same_slot && slot_of(same_slot) != old_slot) {
				pool_unref(same_slot);
				same_slot = build_pool(&same_slot_bufs, 8, 4);
			}
			ASSERT_NE(same_slot, nullptr);
			after = build_pool(&after_bufs, 8, 4);
			ASSERT_NE(after, nullptr);
			ended.count_down();
			return;
		}
		std::vector<pool_guard_t> three = get_n(pool, 3);
		release_all(three); /* three cached in this thread */
		cached.arrive_and_wait();
		ended.wait();
		for (int round = 0; round < 50; round++) {
			pool_guard_t a = pool_get(same_slot);
			pool_guard_t b = pool_get(after);
			ASSERT_NE(a.obj, nullptr);
			ASSERT_NE(b.obj, nullptr);
			EXPECT_EQ(bytes(a.obj)[0], 1);
			EXPECT_EQ(bytes(b.obj)[0], 2);
			pool_guard_release(&a);
			pool_guard_release(&b);
		}
	});
	pool_unref(same_slot);
	pool_unref(after);
	EXPECT_EQ(same_slot_bufs.alive(), 0);
	EXPECT_EQ(after_bufs.alive(), 0);
	EXPECT_EQ(bufs.made, 12);
	EXPECT_EQ(bufs.destroyed, 12);
}

/* The last reference goes while a guard is out: the idle objects are
 * destroyed now; the guard's release destroys its object and frees the
 * pool (ASan and valgrind see a leak or a use after free otherwise). */
TEST_F(Cache, LastReferenceDroppedThroughAGuard)
{
	build(5);
	ASSERT_EQ(pool_preallocate(pool, 3), 0);
	pool_guard_t g = pool_get(pool);
	ASSERT_NE(g.obj, nullptr);
	pool_unref(pool);
	pool = nullptr;
	EXPECT_EQ(bufs.alive(), 1); /* the three idle ones went at once */
	pool_guard_release(&g);
	EXPECT_EQ(bufs.alive(), 0);
	EXPECT_EQ(g.obj, nullptr);
}

/* The same from another thread, with that thread's cache bound to the
 * pool, and a take for the last guard. */
TEST_F(Cache, GuardsOutliveTheLastReferenceOnOtherThreads)
{
	build(5);
	std::vector<pool_guard_t> guards = get_n(pool, 3);
	pool_unref(pool);
	pool = nullptr;

	std::thread([&] {
		pool_guard_release(&guards[0]);
		pool_guard_release(&guards[1]);
	}).join();
	EXPECT_EQ(bufs.alive(), 1);
	void *mine = pool_guard_take(&guards[2]); /* the last: frees the pool */
	ASSERT_NE(mine, nullptr);
	EXPECT_EQ(bufs.alive(), 1);
	ByteBuffers::destroy(mine, &bufs);
}

/* Threads release their guards while another thread drops the last
 * reference: whichever comes first, every object is destroyed exactly
 * once and the pool is freed once. Round after round, so that the end
 * lands in the middle of releases (TSan runs it 20 times). */
TEST(CacheEnd, RacesWithReleases)
{
	const int threads = 3, per_thread = 8;

	for (int round = 0; round < 100; round++) {
		auto bufs = std::make_unique<ByteBuffers>();
		pool_t *pool = build_pool(bufs.get(), 4, 4);
		ASSERT_NE(pool, nullptr);
		Latch start(threads + 1);

		run_threads(threads + 1, [&](int i) {
			if (i == threads) {
				start.arrive_and_wait();
				pool_unref(pool);
				return;
			}
			std::vector<pool_guard_t> guards =
				get_n(pool, per_thread);
			start.arrive_and_wait();
			release_all(guards);
		});
		ASSERT_EQ(bufs->alive(), 0) << "round " << round;
	}
}

/* Threads hold references of their own (pool_ref); the last pool_unref,
 * on whichever thread, ends the pool and destroys what the others cache. */
TEST_F(Cache, LastUnrefOnAnotherThread)
{
	build(8);
	const int threads = 3;
	Latch got(threads), cached(threads), ended(1);
	std::vector<std::thread> workers;

	for (int i = 0; i < threads; i++)
		workers.emplace_back([&, i, mine = pool_ref(pool)] {
			std::vector<pool_guard_t> two = get_n(mine, 2);
			got.arrive_and_wait(); /* six misses */
			release_all(two);      /* two cached in this thread */
			if (i > 0)
				pool_unref(mine);
			cached.count_down();
			if (i > 0)
				return;
			ended.wait(); /* everyone else has let go */
			EXPECT_EQ(bufs.alive(), 6);
			pool_unref(mine); /* the last */
			EXPECT_EQ(bufs.alive(), 0);
		});
	cached.wait();
	pool_unref(pool);
	pool = nullptr;
	ended.count_down();
	for (std::thread &t : workers)
		t.join();
	EXPECT_EQ(bufs.alive(), 0);
}

/* --- without caches ------------------------------------------------------ */

/* Where membarrier is missing, a pool binds no slot: every get and release
 * works with the depot under the lock, and max_size bounds every idle
 * object again, as in milestone 6. */
class NoCaches : public m7_test::StatsTest {
      protected:
	void SetUp() override { pool__no_caches_for_testing(1); }
	void TearDown() override
	{
		pool__no_caches_for_testing(0);
		m7_test::StatsTest::TearDown();
	}
};

TEST_F(NoCaches, EveryCallUsesTheDepot)
{
	build(2);
	std::vector<pool_guard_t> objs = get_n(pool, 5);
	release_all(objs);
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 5 = 0 hits + 5 misses (0 failed); "
		  "created 5, destroyed 3; out 0, peak 5; idle 2 (0 cached) of "
		  "2");
	std::thread([this] {
		std::vector<pool_guard_t> two = get_n(pool, 2); /* two hits */
		release_all(two);
	}).join();
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 7 = 2 hits + 5 misses (0 failed); "
		  "created 5, destroyed 3; out 0, peak 5; idle 2 (0 cached) of "
		  "2");
}

TEST_F(NoCaches, GuardsOutliveTheLastReference)
{
	build(2);
	std::vector<pool_guard_t> objs = get_n(pool, 3);
	pool_unref(pool);
	pool = nullptr;
	release_all(objs);
	EXPECT_EQ(bufs.alive(), 0);
}

/* A pool without caches binds no slot, so it leaves alone the cached
 * objects of a pool that shares its slot in this thread. */
TEST_F(NoCaches, LeaveOtherPoolsCachesAlone)
{
	ByteBuffers cached_bufs;
	pool__no_caches_for_testing(0);
	pool_t *cached = build_pool(&cached_bufs, 4, 4);
	pool__no_caches_for_testing(1);
	ASSERT_NE(cached, nullptr);
	{
		POOL_GUARD(g,
			   cached); /* a miss, then into this thread's cache */
	}
	ASSERT_EQ(pool_stats(cached).cached, 1u);
	do {
		pool_unref(pool);
		build(2);
	} while (slot_of(pool) != slot_of(cached));
	std::vector<pool_guard_t> objs = get_n(pool, 3);
	release_all(objs);
	EXPECT_EQ(pool_stats(cached).cached, 1u);
	pool_unref(cached);
	EXPECT_EQ(cached_bufs.alive(), 0);
}

/* --- many pools ---------------------------------------------------------- */

/* Pools built and ended again and again on the same threads, a new one
 * often at an old one's address: a get never returns an object of an
 * ended pool (each pool's buffers carry its number). */
TEST(CachePools, ManyPoolsOnTheSameThreads)
{
	const int threads = 3, generations = 40;
	ByteBuffers bufs[generations];
	pool_t *current = nullptr;

	for (int gen = 0; gen < generations; gen++) {
		bufs[gen].len = 1;
		bufs[gen].fill = (uint8_t)gen;
		current = build_pool(&bufs[gen], 4, 4);
		ASSERT_NE(current, nullptr);
		run_threads(threads, [&](int) {
			for (int i = 0; i < 20; i++) {
				POOL_GUARD(g, current);
				ASSERT_NE(g.obj, nullptr);
				ASSERT_EQ(bytes(g.obj)[0], (uint8_t)gen);
			}
		});
		pool_unref(current);
		ASSERT_EQ(bufs[gen].alive(), 0) << "generation " << gen;
	}
}

/* Two pools in the same slot, used in turns by one thread: each turn
 * gives the other pool's cached objects back to its depot (and destroys
 * what does not fit). Counts stay exact. */
TEST(CachePools, TwoPoolsShareASlot)
{
	ByteBuffers a_bufs, b_bufs;
	a_bufs.len = b_bufs.len = 1;
	a_bufs.fill = 'a';
	b_bufs.fill = 'b';
	pool_t *a = build_pool(&a_bufs, 2, 2);
	pool_t *b = nullptr;

	ASSERT_NE(a, nullptr);
	do {
		pool_unref(b);
		b = build_pool(&b_bufs, 2, 2);
		ASSERT_NE(b, nullptr);
	} while (slot_of(b) != slot_of(a));

	for (int turn = 0; turn < 10; turn++) {
		pool_t *p = turn % 2 ? b : a;
		std::vector<pool_guard_t> three = get_n(p, 3);

		for (pool_guard_t &g : three)
			ASSERT_EQ(bytes(g.obj)[0], turn % 2 ? 'b' : 'a');
		release_all(three); /* 2 cached, 1 flushed to the depot */
	}
	pool_stats_t sa = pool_stats(a), sb = pool_stats(b);

	/* The last turn was b's: a's cache went to its depot of 2. */
	EXPECT_EQ(sa.cached, 0u);
	EXPECT_EQ(sa.available, 2u);
	EXPECT_EQ(sb.cached, 2u);
	EXPECT_STREQ(broken_invariant(sa), "");
	EXPECT_STREQ(broken_invariant(sb), "");
	EXPECT_GT(sa.destroyed_count, 0u);
	pool_unref(a);
	pool_unref(b);
	EXPECT_EQ(a_bufs.alive(), 0);
	EXPECT_EQ(b_bufs.alive(), 0);
}

/* --- what max_size bounds ------------------------------------------------ */

/* max_size bounds the depot; each thread keeps up to cache_size more. With
 * T threads alive holding full caches, up to max_size + T * cache_size
 * objects are idle; once they exit, max_size again. */
TEST_F(Cache, MaxSizeBoundsTheDepotCacheSizeEachThread)
{
	cache_size = 3;
	build(4);
	const int threads = 4;
	Latch got(threads), full(threads + 1), looked(1);

	run_threads(threads + 1, [&](int i) {
		if (i == threads) {
			full.arrive_and_wait();
			pool_stats_t stats = pool_stats(pool);
			EXPECT_EQ(stats.available - stats.cached,
				  4u); /* the depot */
			EXPECT_EQ(stats.cached, (size_t)threads * 3);
			EXPECT_STREQ(broken_invariant(stats), "");
			looked.count_down();
			return;
		}
		/* All get first (28 misses); then each release fills the
		 * cache of 3, and every fourth flushes 2 to the depot of 4. */
		std::vector<pool_guard_t> many = get_n(pool, 7);
		got.arrive_and_wait();
		release_all(many);
		full.arrive_and_wait();
		looked.wait();
	});
	pool_stats_t stats = pool_stats(pool);
	EXPECT_EQ(stats.available, 4u);
	EXPECT_EQ(stats.cached, 0u);
	EXPECT_EQ((size_t)bufs.alive(), stats.available);
	EXPECT_STREQ(broken_invariant(stats), "");
}

/* --- statistics ---------------------------------------------------------- */

/* Every thread counts in its own cache; pool_stats adds them up, and is
 * exact once the threads are joined (or waiting outside pool calls). */
TEST_F(Cache, StatisticsAreSumsOfThreads)
{
	cache_size = 8;
	build(64);
	ASSERT_EQ(pool_preallocate(pool, 32), 0);
	const int threads = 4;
	Latch counted(threads + 1), looked(1);

	run_threads(threads + 1, [&](int i) {
		if (i == threads) {
			counted.arrive_and_wait();
			pool_stats_t s = pool_stats(pool);
			EXPECT_EQ(s.gets, 4u * 1000);
			EXPECT_EQ(s.misses, 0u);
			EXPECT_EQ(s.allocated, 4u); /* each holds one */
			EXPECT_STREQ(broken_invariant(s), "");
			looked.count_down();
			return;
		}
		for (int k = 0; k < 999; k++) {
			POOL_GUARD(g, pool);
			ASSERT_NE(g.obj, nullptr);
		}
		POOL_GUARD(held, pool);
		counted.arrive_and_wait();
		looked.wait();
	});
	EXPECT_EQ(pool_stats(pool).allocated, 0u);
}

} // namespace
