/* Milestone 8 tests, one thread at a time: the bound, pool_try_get and
 * deadlines that have passed, validation, discard, lifetimes and idle
 * timeouts, eviction, leak reports, guard generations (bad releases), the
 * new counters, and the last reference dropped by a release. Waiting
 * threads, fairness and the stress test are in waiting_test.cc. */
#include "m8_bounded/pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/mem_testing.h"
#include "m8_bounded/pool_testing.h"

namespace {

using m8_test::broken_at_rest;
using m8_test::ByteBuffers;
using m8_test::bytes;
using m8_test::deadline_in;
using m8_test::get_n;
using m8_test::health;
using m8_test::mono_ns;
using m8_test::release_all;
using m8_test::sleep_ns;
using m8_test::summary;

const uint64_t ms = 1000000; /* ns */

/* A buffer whose first byte is 0xFF is broken (a dropped connection). */
bool works(void *obj, void *)
{
	return bytes(obj).empty() || bytes(obj)[0] != 0xFF;
}

void mark_broken(void *obj)
{
	bytes(obj)[0] = 0xFF;
}

/* --- the bound ------------------------------------------------------------ */

using Bound = m8_test::StatsTest;

TEST_F(Bound, TryGetFailsWithEagainWhenMaxTotalAreOut)
{
	config.max_total = 2;
	build(0);
	std::vector<pool_guard_t> two = get_n(pool, 2);

	errno = 0;
	pool_guard_t none = pool_try_get(pool);
	EXPECT_EQ(none.obj, nullptr);
	EXPECT_EQ(none.pool, nullptr);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_EQ(bufs.made, 2);
	EXPECT_EQ(summary(pool_stats(pool)),
		  "gets 3 = 0 hits + 3 misses (1 failed); "
		  "created 2, destroyed 0; out 2, peak 2; idle 0 of 2");
	EXPECT_EQ(health(pool_stats(pool)),
		  "waits 0 (0 waiting, peak 0), timeouts 1; "
		  "broken 0, discarded 0, evicted 0 + 0; "
		  "bad releases 0; total 2 of 2");

	void *first = two[0].obj;
	pool_guard_release(&two[0]);
	pool_guard_t again = pool_try_get(pool);
	EXPECT_EQ(again.obj, first);
	EXPECT_EQ(pool_stats(pool).hits, 1u);
	pool_guard_release(&again);
	release_all(two);
	EXPECT_STREQ(broken_at_rest(pool_stats(pool)), "");
}

TEST_F(Bound, NoBoundByDefault)
{
	build(2);
	std::vector<pool_guard_t> many = get_n(pool, 50);

	EXPECT_EQ(pool_stats(pool).total, 50u);
	EXPECT_EQ(pool_stats(pool).max_total, 0u);
	release_all(many);
	EXPECT_EQ(pool_stats(pool).total, 2u); /* max_size kept, 48 destroyed */
	EXPECT_STREQ(broken_at_rest(pool_stats(pool)), "");
}

TEST_F(Bound, MaxSizeDefaultsToMaxTotal)
{
	config.max_total = 150;
	build(0);
	EXPECT_EQ(pool_stats(pool).max_size, 150u);
}

TEST_F(Bound, GetWaitsMaxWaitThenTimesOut)
{
	config.max_total = 1;
	config.max_wait_ns = 30 * ms;
	build(0);
	POOL_GUARD(held, pool);

	uint64_t start = mono_ns();
	errno = 0;
	pool_guard_t g = pool_get(pool);
	uint64_t waited = mono_ns() - start;

	EXPECT_EQ(g.obj, nullptr);
	EXPECT_EQ(errno, ETIMEDOUT);
	EXPECT_GE(waited, 30 * ms);
	EXPECT_LT(waited, 30 * ms + 2000 * ms); /* not much more: a tolerance */
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(health(s),
		  "waits 1 (0 waiting, peak 1), timeouts 1; broken 0, "
		  "discarded 0, evicted 0 + 0; bad releases 0; total 1 of 1");
	EXPECT_GE(s.wait_ns_max, 30 * ms);
	EXPECT_LE(s.wait_ns_max, waited);
	EXPECT_EQ(s.wait_ns_total, s.wait_ns_max);
	EXPECT_EQ(s.failures, 1u);
}

TEST_F(Bound, DeadlineAlreadyPastDoesNotWait)
{
	config.max_total = 1;
	build(0);
	POOL_GUARD(held, pool);
	struct timespec past = deadline_in(0);

	errno = 0;
	EXPECT_EQ(pool_get_until(pool, &past).obj, nullptr);
	EXPECT_EQ(errno, ETIMEDOUT);
	struct timespec before_boot = { -5, 0 };
	errno = 0;
	EXPECT_EQ(pool_get_until(pool, &before_boot).obj, nullptr);
	EXPECT_EQ(errno, ETIMEDOUT);
	EXPECT_EQ(health(pool_stats(pool)),
		  "waits 0 (0 waiting, peak 0), timeouts 2; "
		  "broken 0, discarded 0, evicted 0 + 0; "
		  "bad releases 0; total 1 of 1");
}

TEST_F(Bound, DeadlinePastStillTakesWhatIsThere)
{
	config.max_total = 1;
	build(0);
	struct timespec past = deadline_in(0);
	pool_guard_t g = pool_get_until(pool, &past);

	EXPECT_NE(g.obj, nullptr);
	pool_guard_release(&g);
	g = pool_get_until(pool, &past);
	EXPECT_NE(g.obj, nullptr);
	EXPECT_EQ(pool_stats(pool).hits, 1u);
	pool_guard_release(&g);
}

TEST_F(Bound, FarAndNullDeadlinesTakeWhatIsThere)
{
	config.max_total = 1;
	build(0);
	struct timespec far = { INT64_MAX / 2, 999999999 };
	pool_guard_t g = pool_get_until(pool, &far);

	EXPECT_NE(g.obj, nullptr);
	pool_guard_release(&g);
	g = pool_get_until(pool, nullptr);
	EXPECT_NE(g.obj, nullptr);
	pool_guard_release(&g);
}

TEST_F(Bound, BadDeadlineIsEinvalAndNotAGet)
{
	build(0);
	struct timespec bad = deadline_in(0);

	bad.tv_nsec = 1000000000;
	errno = 0;
	EXPECT_EQ(pool_get_until(pool, &bad).obj, nullptr);
	EXPECT_EQ(errno, EINVAL);
	bad.tv_nsec = -1;
	errno = 0;
	EXPECT_EQ(pool_get_until(pool, &bad).obj, nullptr);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(pool_stats(pool).gets, 0u);
}

TEST_F(Bound, PreallocateStopsAtMaxTotal)
{
	config.max_total = 3;
	build(10);
	EXPECT_EQ(pool_preallocate(pool, 4), -ENOSPC);
	EXPECT_EQ(bufs.made, 0);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	POOL_GUARD(a, pool);
	EXPECT_EQ(pool_preallocate(pool, 2), -ENOSPC);
	EXPECT_EQ(pool_preallocate(pool, 1), 0);
	EXPECT_EQ(pool_stats(pool).total, 3u);
}

/* With max_total, even SIZE_MAX is refused by it up front. */
TEST_F(Bound, PreallocateSizeMaxPastMaxTotalMakesNothing)
{
	config.max_total = 3;
	build(SIZE_MAX);
	EXPECT_EQ(pool_preallocate(pool, SIZE_MAX), -ENOSPC);
	EXPECT_EQ(bufs.made, 0);
	EXPECT_EQ(pool_stats(pool).total, 0u);
}

TEST_F(Bound, OutOfMemoryForTheRecordsIsAFailedGet)
{
	config.max_total = 100;
	build(0);
	std::vector<pool_guard_t> first =
		get_n(pool, 8); /* the first records */

	mem_fail_next(1);
	errno = 0;
	EXPECT_EQ(pool_get(pool).obj, nullptr);
	EXPECT_EQ(errno, ENOMEM);
	mem_fail_next(1);
	EXPECT_EQ(pool_preallocate(pool, 1), -ENOMEM);
	mem_fail_next(0);
	EXPECT_EQ(bufs.made, 8);
	EXPECT_EQ(pool_stats(pool).failures, 1u);
	pool_guard_t ninth = pool_get(pool);
	EXPECT_NE(ninth.obj, nullptr);
	pool_guard_release(&ninth);
	release_all(first);
	EXPECT_STREQ(broken_at_rest(pool_stats(pool)), "");
}

/* The idle list fills while pool_preallocate's factory runs (here the
 * factory itself returns a guard): the new object finds no room and is
 * destroyed, as in milestone 6. */
struct FillWhileMaking {
	ByteBuffers bufs;
	pool_guard_t *release_me = nullptr;
};

void *make_and_release(void *ctx)
{
	auto *f = static_cast<FillWhileMaking *>(ctx);
	pool_guard_release(f->release_me);
	return ByteBuffers::make(&f->bufs);
}

void destroy_buffer(void *obj, void *ctx)
{
	ByteBuffers::destroy(obj, &static_cast<FillWhileMaking *>(ctx)->bufs);
}

TEST(Preallocate, IdleListFilledMeanwhile)
{
	FillWhileMaking f;
	pool_config_t config = {};

	config.factory = make_and_release;
	config.destroy = destroy_buffer;
	config.ctx = &f;
	config.max_size = 1;
	pool_t *pool = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	pool_guard_t g = pool_get(pool); /* its factory call releases nothing */
	f.release_me = &g;

	EXPECT_EQ(pool_preallocate(pool, 1), 0);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.available, 1u);
	EXPECT_EQ(s.destroyed_count, 1u);
	EXPECT_EQ(s.created_count, 2u);
	EXPECT_EQ(f.bufs.alive(), 1);
	pool_unref(pool);
	EXPECT_EQ(f.bufs.alive(), 0);
}

TEST(BoundBadInput, NullPool)
{
	struct timespec now = deadline_in(0);

	errno = 0;
	EXPECT_EQ(pool_try_get(nullptr).obj, nullptr);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(pool_get_until(nullptr, &now).obj, nullptr);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(pool_evict(nullptr), 0u);
	EXPECT_EQ(pool_leaks_report(nullptr, nullptr, 0), -EINVAL);
	EXPECT_EQ(pool_ref(nullptr), nullptr);
	pool_guard_discard(nullptr);
	pool_guard_t empty = {};
	pool_guard_discard(&empty);
	EXPECT_EQ(pool_guard_take(&empty), nullptr);
}

/* Objects that need no destroy: slots of a static array. */
int statics[4];

void *next_static(void *ctx)
{
	int *made = static_cast<int *>(ctx);
	return *made < 4 ? &statics[(*made)++] : nullptr;
}

TEST(NoDestroy, ObjectsAreDroppedWithoutACall)
{
	int made = 0;
	pool_config_t config = {};

	config.factory = next_static;
	config.ctx = &made;
	config.max_size = 1;
	pool_t *pool = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	pool_guard_t a = pool_get(pool);
	pool_guard_t b = pool_get(pool);
	pool_guard_release(&a);
	pool_guard_release(&b); /* max_size is 1: dropped */
	pool_guard_t c = pool_get(pool);
	pool_guard_discard(&c);
	EXPECT_EQ(pool_stats(pool).destroyed_count, 1u);
	EXPECT_EQ(pool_stats(pool).discarded, 1u);
	EXPECT_EQ(made, 2);
	pool_unref(pool);
}

/* --- validate ------------------------------------------------------------ */

using Validate = m8_test::StatsTest;

TEST_F(Validate, BrokenIdleObjectIsDestroyedAndTheGetGoesOn)
{
	config.validate = works;
	build(5);
	std::vector<pool_guard_t> three = get_n(pool, 3);
	void *healthy = three[0].obj;

	mark_broken(three[1].obj);
	mark_broken(three[2].obj);
	release_all(three); /* idle, newest first: 2, 1, 0 */

	POOL_GUARD(g, pool);
	EXPECT_EQ(g.obj, healthy);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.validation_failures, 2u);
	EXPECT_EQ(bufs.destroyed, 2);
	EXPECT_EQ(summary(s),
		  "gets 4 = 1 hits + 3 misses (0 failed); "
		  "created 3, destroyed 0; out 1, peak 3; idle 0 of 5");
	EXPECT_STREQ(broken_at_rest(s), "");
}

TEST_F(Validate, AllIdleBrokenMakesANewOne)
{
	config.validate = works;
	config.max_total = 2;
	build(0);
	std::vector<pool_guard_t> two = get_n(pool, 2);

	mark_broken(two[0].obj);
	mark_broken(two[1].obj);
	release_all(two);

	POOL_GUARD(g, pool);
	ASSERT_NE(g.obj, nullptr);
	EXPECT_EQ(bytes(g.obj)[0], 0); /* new */
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.validation_failures, 2u);
	EXPECT_EQ(s.created_count, 3u);
	EXPECT_EQ(s.misses, 3u);
	EXPECT_EQ(s.total, 1u);
	EXPECT_STREQ(broken_at_rest(s), "");
}

/* A validate that counts its calls in the buffers' reset counter. */
bool counting_works(void *obj, void *ctx)
{
	static_cast<ByteBuffers *>(ctx)->resets++;
	return works(obj, ctx);
}

TEST_F(Validate, RunsOnReusedObjectsOnly)
{
	config.validate = counting_works;
	build(5);
	pool_guard_t g = pool_get(pool);

	EXPECT_EQ(bufs.resets, 0); /* new from the factory: not checked */
	pool_guard_release(&g);
	g = pool_get(pool);
	EXPECT_EQ(bufs.resets, 1);
	pool_guard_release(&g);
}

/* --- discard ------------------------------------------------------------- */

using Discard = m8_test::StatsTest;

TEST_F(Discard, DestroysInsteadOfReturning)
{
	config.max_total = 2;
	build(0, ByteBuffers::clear);
	pool_guard_t g = pool_get(pool);

	pool_guard_discard(&g);
	EXPECT_EQ(g.obj, nullptr);
	EXPECT_EQ(g.pool, nullptr);
	EXPECT_EQ(bufs.destroyed, 1);
	EXPECT_EQ(bufs.resets, 0); /* no reset for an object about to go */
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.discarded, 1u);
	EXPECT_EQ(s.available, 0u);
	EXPECT_EQ(s.total, 0u);
	pool_guard_discard(&g); /* empty now: nothing */
	EXPECT_EQ(pool_stats(pool).discarded, 1u);
	EXPECT_STREQ(broken_at_rest(pool_stats(pool)), "");
}

TEST_F(Discard, FreesThePlaceForTheNextGet)
{
	config.max_total = 1;
	build(0);
	pool_guard_t g = pool_get(pool);

	EXPECT_EQ(pool_try_get(pool).obj, nullptr);
	pool_guard_discard(&g);
	pool_guard_t next = pool_try_get(pool);
	EXPECT_NE(next.obj, nullptr);
	EXPECT_EQ(bufs.made, 2);
	pool_guard_release(&next);
}

/* --- lifetimes and idle timeouts ----------------------------------------- */

using Expiry = m8_test::StatsTest;

TEST_F(Expiry, OldObjectIsDestroyedOnRelease)
{
	config.max_lifetime_ns = 20 * ms;
	build(5, ByteBuffers::clear);
	pool_guard_t g = pool_get(pool);

	sleep_ns(30 * ms);
	pool_guard_release(&g);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.evicted_lifetime, 1u);
	EXPECT_EQ(s.available, 0u);
	EXPECT_EQ(bufs.destroyed, 1);
	EXPECT_EQ(bufs.resets, 0);
	EXPECT_STREQ(broken_at_rest(s), "");
}

TEST_F(Expiry, OldIdleObjectIsDestroyedOnGet)
{
	config.max_lifetime_ns = 20 * ms;
	build(5);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	sleep_ns(30 * ms);

	POOL_GUARD(g, pool); /* both idle ones are too old */
	ASSERT_NE(g.obj, nullptr);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.evicted_lifetime, 2u);
	EXPECT_EQ(s.created_count, 3u);
	EXPECT_EQ(s.misses, 1u);
	EXPECT_STREQ(broken_at_rest(s), "");
}

TEST_F(Expiry, YoungObjectsAreKept)
{
	config.max_lifetime_ns = 3600 * 1000 * ms;
	config.idle_timeout_ns = 3600 * 1000 * ms;
	build(5);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	EXPECT_EQ(pool_evict(pool), 0u);
	pool_guard_t g = pool_get(pool);
	pool_guard_release(&g);
	EXPECT_EQ(pool_stats(pool).hits, 1u);
	EXPECT_EQ(pool_stats(pool).available, 2u);
}

TEST_F(Expiry, IdleTooLongIsDestroyedOnGet)
{
	config.idle_timeout_ns = 20 * ms;
	build(5);
	ASSERT_EQ(pool_preallocate(pool, 1), 0);
	sleep_ns(30 * ms);

	POOL_GUARD(g, pool);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.evicted_idle, 1u);
	EXPECT_EQ(s.created_count, 2u);
}

TEST_F(Expiry, EvictSweepsExpiredIdleObjects)
{
	config.idle_timeout_ns = 20 * ms;
	config.max_total = 3;
	build(0);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	pool_guard_t out = pool_get(pool); /* out: not idle, not evicted */

	sleep_ns(30 * ms);
	ASSERT_EQ(pool_preallocate(pool, 1), 0); /* fresh: stays */
	EXPECT_EQ(pool_evict(pool), 1u);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.evicted_idle, 1u);
	EXPECT_EQ(s.available, 1u);
	EXPECT_EQ(s.total, 2u);
	pool_guard_release(&out);
	EXPECT_EQ(pool_evict(pool), 0u); /* just returned: idle for no time */
	EXPECT_STREQ(broken_at_rest(pool_stats(pool)), "");
}

TEST_F(Expiry, EvictCountsLifetimeBeforeIdle)
{
	config.idle_timeout_ns = 20 * ms;
	config.max_lifetime_ns = 20 * ms;
	build(5);
	ASSERT_EQ(pool_preallocate(pool, 3), 0);
	sleep_ns(30 * ms);
	EXPECT_EQ(pool_evict(pool), 3u);
	EXPECT_EQ(pool_stats(pool).evicted_lifetime, 3u);
	EXPECT_EQ(pool_stats(pool).evicted_idle, 0u);
	EXPECT_EQ(bufs.alive(), 0);
}

/* --- leaks --------------------------------------------------------------- */

/* The whole leak report, in one call: its times grow from one call to
 * the next, and with them, now and then, its length. */
std::string leaks(const pool_t *pool)
{
	char buf[4096];
	int len = pool_leaks_report(pool, buf, sizeof(buf));

	EXPECT_GT(len, 0);
	EXPECT_LT(len, (int)sizeof(buf));
	return len > 0 ? std::string(buf) : "";
}

using Leaks = m8_test::StatsTest;

TEST_F(Leaks, NotTrackedByDefault)
{
	build(5);
	POOL_GUARD(g, pool);
	EXPECT_EQ(leaks(pool),
		  "Suspected leaks: not tracked (leak_threshold_ns is 0)\n");
	EXPECT_EQ(pool_stats(pool).suspected_leaks, 0u);
}

TEST_F(Leaks, ReportNamesTheLineThatTookTheObject)
{
	/* Long enough that a loan taken just before a report is not a leak
	 * yet, even under valgrind. */
	config.leak_threshold_ns = 500 * ms;
	build(5);
	pool_guard_t young = pool_get(pool);
	EXPECT_EQ(leaks(pool),
		  "Suspected leaks (out longer than 500.0 ms): 0\n");

	int line = __LINE__ + 1;
	pool_guard_t old = pool_get(pool);
	pool_guard_t unnamed = pool_get_at(pool, nullptr, 7);
	sleep_ns(510 * ms);
	pool_guard_release(&young);
	young = pool_get(pool); /* out again, but only just */

	std::string report = leaks(pool);
	EXPECT_EQ(
		report.find("Suspected leaks (out longer than 500.0 ms): 2\n"),
		0u)
		<< report;
	EXPECT_NE(report.find("bounded_test.cc:" + std::to_string(line) + "\n"),
		  std::string::npos)
		<< report;
	EXPECT_NE(report.find(" taken at ?:7\n"), std::string::npos) << report;
	EXPECT_EQ(pool_stats(pool).suspected_leaks, 2u);

	pool_guard_release(&old);
	pool_guard_release(&unnamed);
	EXPECT_EQ(pool_stats(pool).suspected_leaks, 0u);
	pool_guard_release(&young);
}

TEST_F(Leaks, ReportHasSnprintfSemantics)
{
	config.leak_threshold_ns = 1;
	build(5);
	pool_guard_t g = pool_get(pool);
	sleep_ns(10 * ms);
	std::string whole = leaks(pool);

	for (size_t size = 0; size <= whole.size() + 1; size++) {
		std::vector<char> buf(size + 1, 'X');
		int len = pool_leaks_report(pool, size ? buf.data() : nullptr,
					    size);

		/* The time out grows between calls: compare the length of the
		 * lines that do not move, and the NUL. */
		EXPECT_GE(len, (int)whole.size() - 2) << size;
		if (size > 0) {
			EXPECT_EQ(strlen(buf.data()),
				  std::min(size - 1, (size_t)len));
		}
		EXPECT_EQ(buf[size], 'X');
	}
	EXPECT_EQ(pool_leaks_report(pool, nullptr, 5), -EINVAL);
	pool_guard_release(&g);
}

/* --- guard generations: bad releases ------------------------------------- */

using BadRelease = m8_test::StatsTest;

TEST_F(BadRelease, StaleCopyChangesNothing)
{
	build(5, ByteBuffers::clear);
	pool_guard_t g = pool_get(pool);
	pool_guard_t copy = g;

	pool_guard_release(&g);
	pool_stats_t before = pool_stats(pool);
	pool_guard_release(&copy); /* a second return of the same loan */
	pool_stats_t after = pool_stats(pool);

	EXPECT_EQ(copy.obj, nullptr);
	EXPECT_EQ(after.bad_releases, 1u);
	EXPECT_EQ(summary(after), summary(before));
	EXPECT_EQ(bufs.resets, 1);
	EXPECT_STREQ(broken_at_rest(after), "");
}

TEST_F(BadRelease, StaleCopyCannotReturnAnotherUsersObject)
{
	build(5, ByteBuffers::clear);
	pool_guard_t first = pool_get(pool);
	pool_guard_t copy = first;

	pool_guard_release(&first);
	pool_guard_t second = pool_get(pool); /* the same object, a new loan */
	ASSERT_EQ(second.obj, copy.obj);
	bytes(second.obj).push_back(42);

	pool_guard_release(&copy); /* must not reset or return it */
	EXPECT_EQ(bytes(second.obj).back(), 42);
	EXPECT_EQ(pool_stats(pool).allocated, 1u);
	EXPECT_EQ(pool_guard_take(&copy), nullptr); /* emptied by the release */

	copy = second;
	pool_guard_release(&second);
	EXPECT_EQ(pool_guard_take(&copy), nullptr); /* stale again */
	pool_guard_discard(&copy);
	EXPECT_EQ(pool_stats(pool).bad_releases, 2u);
	EXPECT_EQ(bufs.destroyed, 0);
	EXPECT_EQ(pool_stats(pool).available, 1u);
}

TEST_F(BadRelease, StaleDiscardAndTakeChangeNothing)
{
	build(5);
	pool_guard_t g = pool_get(pool);
	pool_guard_t copy1 = g, copy2 = g;

	pool_guard_release(&g);
	pool_guard_discard(&copy1);
	EXPECT_EQ(pool_guard_take(&copy2), nullptr);
	EXPECT_EQ(pool_stats(pool).bad_releases, 2u);
	EXPECT_EQ(bufs.destroyed, 0);
	EXPECT_EQ(pool_stats(pool).available, 1u);
}

TEST_F(BadRelease, GuardOfAnotherPool)
{
	build(5);
	ByteBuffers other_bufs;
	pool_config_t other_config = config;
	other_config.ctx = &other_bufs;
	pool_t *other = pool_build(&other_config);
	ASSERT_NE(other, nullptr);

	pool_guard_t mine = pool_get(pool);
	pool_guard_t theirs = pool_get(other);
	pool_guard_t mixed = mine;

	mixed.pool = other; /* my object, their pool, their loan's numbers */
	mixed.slot = theirs.slot;
	mixed.gen = theirs.gen;
	pool_guard_release(&mixed);
	EXPECT_EQ(pool_stats(other).bad_releases, 1u);
	EXPECT_EQ(pool_stats(other).allocated, 1u);
	EXPECT_EQ(pool_stats(pool).allocated, 1u);

	pool_guard_release(&theirs);
	pool_guard_release(&mine);
	pool_unref(other);
	EXPECT_EQ(other_bufs.alive(), 0);
}

TEST_F(BadRelease, GarbageThatLooksLikeAGuard)
{
	build(5);
	pool_guard_t real = pool_get(pool);
	int not_an_object = 0;
	pool_guard_t garbage[] = {
		{ pool, real.obj, real.slot + 1000,
		  real.gen },				     /* no such slot */
		{ pool, real.obj, real.slot, real.gen + 1 }, /* wrong loan */
		{ pool, &not_an_object, real.slot,
		  real.gen },			  /* wrong object */
		{ pool, real.obj, real.slot, 0 }, /* zeroed numbers */
	};

	for (pool_guard_t &g : garbage)
		pool_guard_release(&g);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.bad_releases, 4u);
	EXPECT_EQ(s.allocated, 1u);
	pool_guard_release(&real);
	EXPECT_EQ(pool_stats(pool).available, 1u);
	EXPECT_STREQ(broken_at_rest(pool_stats(pool)), "");
}

TEST_F(BadRelease, GuardWithoutAPoolOrAnObjectIsEmpty)
{
	build(5);
	pool_guard_t g = pool_get(pool);
	pool_guard_t poolless = g, objectless = g;

	poolless.pool = nullptr;
	pool_guard_release(&poolless); /* nowhere to go, nothing to count */
	objectless.obj = nullptr;
	pool_guard_release(&objectless); /* an empty guard */
	EXPECT_EQ(objectless.pool, nullptr);
	EXPECT_EQ(pool_stats(pool).bad_releases, 0u);
	EXPECT_EQ(pool_stats(pool).allocated, 1u);
	pool_guard_release(&g);
}

/* --- a factory that throws ---------------------------------------------- */

using Throwing = m8_test::StatsTest;

TEST_F(Throwing, FactoryExceptionGivesThePlaceBack)
{
	config.max_total = 1;
	build(0, nullptr, m8_test::refusing_make);
	m8_test::refusals().throws = 1;
	EXPECT_THROW({ POOL_GUARD(g, pool); }, std::runtime_error);

	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(summary(s),
		  "gets 1 = 0 hits + 1 misses (1 failed); "
		  "created 0, destroyed 0; out 0, peak 0; idle 0 of 1");
	EXPECT_EQ(s.total, 0u); /* the only place is free again */
	pool_guard_t g = pool_try_get(pool);
	EXPECT_NE(g.obj, nullptr);
	pool_guard_release(&g);
}

TEST_F(Throwing, PreallocateExceptionGivesThePlaceBack)
{
	config.max_total = 2;
	build(0, nullptr, m8_test::refusing_make);
	m8_test::refusals().throws = 1;
	EXPECT_THROW(
		{
			int err = pool_preallocate(pool, 2);
			(void)err; /* not reached: the factory throws */
		},
		std::runtime_error);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.total, 0u);
	EXPECT_EQ(s.gets, 0u);
	EXPECT_EQ(pool_preallocate(pool, 2), 0);
	EXPECT_STREQ(broken_at_rest(pool_stats(pool)), "");
}

/* --- the last reference -------------------------------------------------- */

using LastReference = m8_test::StatsTest;

TEST_F(LastReference, DroppedByTheLastRelease)
{
	config.max_total = 2;
	config.validate = works;
	build(0, ByteBuffers::clear);
	ASSERT_EQ(pool_preallocate(pool, 1), 0);
	pool_guard_t a = pool_get(pool);
	pool_guard_t b = pool_get(pool);

	pool_unref(pool); /* the guards keep the pool alive */
	pool = nullptr;
	pool_guard_release(&a);
	EXPECT_EQ(bufs.alive(), 2);
	pool_guard_discard(&b); /* the last reference: frees the pool and a */
	EXPECT_EQ(bufs.alive(), 0);
}

TEST_F(LastReference, DroppedByATake)
{
	build(5);
	pool_guard_t g = pool_get(pool);

	pool_unref(pool);
	pool = nullptr;
	void *mine = pool_guard_take(&g);
	ASSERT_NE(mine, nullptr);
	ByteBuffers::destroy(mine, &bufs);
}

/* --- statistics ---------------------------------------------------------- */

using Stats = m8_test::StatsTest;

TEST_F(Stats, AvgAllocatedIsWeightedByTime)
{
	build(5);
	EXPECT_EQ(pool_stats(pool).avg_allocated, 0.0);
	std::vector<pool_guard_t> two = get_n(pool, 2);

	sleep_ns(50 * ms);
	double holding =
		pool_stats(pool).avg_allocated; /* two out nearly all along */
	EXPECT_GT(holding, 1.5);
	EXPECT_LE(holding, 2.0);

	release_all(two);
	sleep_ns(50 * ms);
	double after =
		pool_stats(pool).avg_allocated; /* two out half the time */
	EXPECT_LT(after, holding);
	EXPECT_GT(after, 0.5);
	EXPECT_LT(after, 1.5);
}

TEST_F(Stats, TakeFreesThePlace)
{
	config.max_total = 1;
	build(0);
	pool_guard_t g = pool_get(pool);
	void *mine = pool_guard_take(&g);

	EXPECT_EQ(pool_stats(pool).total, 0u);
	pool_guard_t next = pool_try_get(pool);
	EXPECT_NE(next.obj, nullptr);
	pool_guard_release(&next);
	ByteBuffers::destroy(mine, &bufs);
}

} // namespace
