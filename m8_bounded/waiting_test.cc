/* Milestone 8 tests with threads that wait: a release wakes the longest
 * waiter, first come first served, no barging by newcomers, a discard or
 * a failed factory passes the place on, deadlines that pass while a waiter
 * sleeps, and a stress test of the bound and the deadlines. Threads are
 * lined up with latches and with the pool's own count of waiters, never
 * with sleeps; time appears only where it is the contract (a deadline). */
#include "m8_bounded/pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "m8_bounded/pool_testing.h"

namespace {

using m8_test::await_waits;
using m8_test::broken_at_rest;
using m8_test::broken_invariant;
using m8_test::ByteBuffers;
using m8_test::bytes;
using m8_test::deadline_in;
using m8_test::Latch;
using m8_test::mono_ns;
using m8_test::run_threads;

const uint64_t ms = 1000000; /* ns */

using Waiting = m8_test::StatsTest;

TEST_F(Waiting, ReleaseWakesTheWaiterWithThatObject)
{
	config.max_total = 1;
	build(0, ByteBuffers::clear);
	pool_guard_t held = pool_get(pool);
	void *obj = held.obj;
	void *got = nullptr;

	std::thread waiter([&] {
		pool_guard_t g =
			pool_get_until(pool, nullptr); /* no deadline */
		got = g.obj;
		pool_guard_release(&g);
	});
	await_waits(pool, 1);
	pool_guard_release(&held);
	waiter.join();

	EXPECT_EQ(got, obj);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.waits, 1u);
	EXPECT_EQ(s.hits, 1u);
	EXPECT_EQ(s.created_count, 1u);
	EXPECT_EQ(bufs.resets, 2); /* reset before the hand-over, too */
	EXPECT_STREQ(broken_at_rest(s), "");
}

/* With the only object out, a thread's pool_get waits; then the object
 * is released. Return: whether the waiter got that object (not a
 * timeout). */
bool waiter_gets_the_release(pool_t *pool)
{
	pool_guard_t held = pool_get(pool);
	void *obj = held.obj;
	void *got = nullptr;

	std::thread waiter([&] {
		POOL_GUARD(g, pool);
		got = g.obj;
	});
	await_waits(pool, 1);
	pool_guard_release(&held);
	waiter.join();
	return got && got == obj;
}

/* max_wait_ns 0 is the default wait (30 s), not "do not wait". */
TEST_F(Waiting, ZeroMaxWaitIsTheDefaultNotNoWait)
{
	config.max_total = 1;
	build(0);
	EXPECT_TRUE(waiter_gets_the_release(pool));
	EXPECT_EQ(pool_stats(pool).timeouts, 0u);
}

/* A max_wait_ns past the end of time: no deadline. */
TEST_F(Waiting, EndlessMaxWait)
{
	config.max_total = 1;
	config.max_wait_ns = UINT64_MAX;
	build(0);
	EXPECT_TRUE(waiter_gets_the_release(pool));
}

TEST_F(Waiting, FirstComeFirstServed)
{
	config.max_total = 1;
	build(0);
	pool_guard_t held = pool_get(pool);
	std::mutex mu;
	std::vector<int> order;
	std::vector<std::thread> threads;

	for (int i = 0; i < 4; i++) {
		threads.emplace_back([&, i] {
			pool_guard_t g = pool_get(pool);
			EXPECT_NE(g.obj, nullptr);
			{
				std::lock_guard<std::mutex> hold(mu);
				order.push_back(i);
			}
			pool_guard_release(&g); /* to the next in line */
		});
		await_waits(pool,
			    (size_t)i + 1); /* i is in line before i + 1 */
	}
	pool_guard_release(&held);
	for (std::thread &t : threads)
		t.join();

	EXPECT_EQ(order, (std::vector<int>{ 0, 1, 2, 3 }));
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.waits, 4u);
	EXPECT_EQ(s.peak_waiting, 4u);
	EXPECT_EQ(s.created_count, 1u);
	EXPECT_STREQ(broken_at_rest(s), "");
}

/* The released object belongs to the waiter the moment it is released,
 * even before the waiter wakes: a get that arrives later finds nothing. */
TEST_F(Waiting, NewcomerDoesNotBarge)
{
	config.max_total = 1;
	build(0);
	pool_guard_t held = pool_get(pool);
	Latch checked(1);
	void *got = nullptr;

	std::thread waiter([&] {
		pool_guard_t g = pool_get(pool);
		got = g.obj;
		checked.wait(); /* hold it until the newcomer has tried */
		pool_guard_release(&g);
	});
	await_waits(pool, 1);
	void *obj = held.obj;
	pool_guard_release(&held);

	errno = 0;
	EXPECT_EQ(pool_try_get(pool).obj, nullptr);
	EXPECT_EQ(errno, EAGAIN);
	struct timespec past = deadline_in(0);
	EXPECT_EQ(pool_get_until(pool, &past).obj, nullptr);
	checked.count_down();
	waiter.join();
	EXPECT_EQ(got, obj);
}

/* A newcomer joins the end of the line even when the one waiting there
 * is about to be served. */
TEST_F(Waiting, NewcomerQueuesBehindTheLine)
{
	config.max_total = 1;
	build(0);
	pool_guard_t held = pool_get(pool);
	std::atomic<int> served{ 0 };
	int first_served_by = -1;

	std::thread a([&] {
		POOL_GUARD(g, pool);
		if (served++ == 0)
			first_served_by = 0;
	});
	await_waits(pool, 1);
	std::thread b([&] {
		POOL_GUARD(g, pool);
		if (served++ == 0)
			first_served_by = 1;
	});
	await_waits(pool, 2);
	pool_guard_release(&held);
	a.join();
	b.join();
	EXPECT_EQ(first_served_by, 0);
}

TEST_F(Waiting, DiscardWakesAWaiterWhoMakesANewObject)
{
	config.max_total = 1;
	build(0);
	pool_guard_t held = pool_get(pool);
	Latch checked(1);
	bool fresh = false;

	std::thread waiter([&] {
		POOL_GUARD(g, pool);
		fresh = g.obj && bytes(g.obj).size() == 1024;
		checked.wait(); /* hold it until the newcomer has tried */
	});
	await_waits(pool, 1);
	pool_guard_discard(&held);
	errno = 0;
	EXPECT_EQ(pool_try_get(pool).obj,
		  nullptr); /* the place is the waiter's */
	EXPECT_EQ(errno, EAGAIN);
	checked.count_down();
	waiter.join();

	EXPECT_TRUE(fresh);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.discarded, 1u);
	EXPECT_EQ(s.created_count, 2u);
	EXPECT_EQ(s.misses, 3u); /* the first get, the try, the waiter's */
	EXPECT_STREQ(broken_at_rest(s), "");
}

TEST_F(Waiting, TakeWakesAWaiter)
{
	config.max_total = 1;
	build(0);
	pool_guard_t held = pool_get(pool);

	std::thread waiter([&] {
		POOL_GUARD(g, pool);
		EXPECT_NE(g.obj, nullptr);
	});
	await_waits(pool, 1);
	void *mine = pool_guard_take(&held);
	waiter.join();
	ByteBuffers::destroy(mine, &bufs);
	EXPECT_EQ(pool_stats(pool).created_count, 2u);
}

/* What the first of two waiters saw when its factory call was refused,
 * and what the second got. */
struct Refused {
	int first_errno = 0;	  /* the first get's errno; 0: it threw */
	bool first_threw = false; /* the factory threw at the first get */
	void *second = nullptr;	  /* the second get's object */
};

/* Two gets wait for the only place (max_total 1); the object out is
 * discarded, and the first waiter's factory call is refused as
 * refusals() says. A factory that fails or throws while others wait must
 * not strand them: the place passes to the second. */
Refused refuse_the_first_waiter(pool_t *pool, int fail, int throws)
{
	pool_guard_t held = pool_get(pool);
	Refused r;

	std::thread first([&] {
		errno = 0;
		try {
			pool_guard_t g = pool_get(pool);
			r.first_errno = errno;
			EXPECT_EQ(g.obj, nullptr);
		} catch (const std::runtime_error &) {
			r.first_threw = true;
		}
	});
	await_waits(pool, 1);
	std::thread later([&] {
		pool_guard_t g = pool_get(pool);
		r.second = g.obj;
		pool_guard_release(&g);
	});
	await_waits(pool, 2);
	m8_test::refusals().fail = fail; /* read after the discard's grant */
	m8_test::refusals().throws = throws;
	pool_guard_discard(&held);
	first.join();
	later.join();
	return r;
}

TEST_F(Waiting, FactoryFailurePassesThePlaceOn)
{
	config.max_total = 1;
	build(0, nullptr, m8_test::refusing_make);
	Refused r = refuse_the_first_waiter(pool, 1, 0);

	EXPECT_EQ(r.first_errno, ECONNREFUSED);
	EXPECT_NE(r.second, nullptr);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.failures, 1u);
	EXPECT_EQ(s.timeouts, 0u);
	EXPECT_STREQ(broken_at_rest(s), "");
}

TEST_F(Waiting, FactoryExceptionPassesThePlaceOn)
{
	config.max_total = 1;
	build(0, nullptr, m8_test::refusing_make);
	Refused r = refuse_the_first_waiter(pool, 0, 1);

	EXPECT_TRUE(r.first_threw);
	EXPECT_NE(r.second, nullptr);
	EXPECT_EQ(pool_stats(pool).failures, 1u);
	EXPECT_STREQ(broken_at_rest(pool_stats(pool)), "");
}

/* validate runs on an object handed over to a waiter, too. */
bool unbroken(void *obj, void *)
{
	return bytes(obj)[0] != 0xFF;
}

TEST_F(Waiting, HandedOverObjectIsValidated)
{
	config.max_total = 1;
	config.validate = unbroken;
	build(0);
	pool_guard_t held = pool_get(pool);
	bool fresh = false;

	std::thread waiter([&] {
		POOL_GUARD(g, pool);
		fresh = g.obj && bytes(g.obj)[0] == 0;
	});
	await_waits(pool, 1);
	bytes(held.obj)[0] = 0xFF; /* broke while in use, unnoticed */
	pool_guard_release(&held);
	waiter.join();

	EXPECT_TRUE(fresh);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.validation_failures, 1u);
	EXPECT_EQ(s.created_count, 2u);
	EXPECT_STREQ(broken_at_rest(s), "");
}

TEST_F(Waiting, OldObjectIsNotHandedOver)
{
	config.max_total = 1;
	config.max_lifetime_ns = 20 * ms;
	build(0);
	pool_guard_t held = pool_get(pool);
	void *got = nullptr;

	std::thread waiter([&] {
		POOL_GUARD(g, pool);
		got = g.obj;
	});
	await_waits(pool, 1);
	m8_test::sleep_ns(30 * ms); /* the lifetime is the contract */
	pool_guard_release(&held);
	waiter.join();

	EXPECT_NE(got, nullptr); /* a new one (perhaps at the old address) */
	EXPECT_EQ(pool_stats(pool).evicted_lifetime, 1u);
	EXPECT_EQ(pool_stats(pool).created_count, 2u);
}

/* --- deadlines ----------------------------------------------------------- */

/* The waiter gave up while asleep: it leaves the line, the object it
 * would have had stays for the next get. */
TEST_F(Waiting, DeadlinePassesWhileTheWaiterSleeps)
{
	config.max_total = 1;
	build(0);
	pool_guard_t held = pool_get(pool);
	int err = 0;
	uint64_t late = 0;

	std::thread waiter([&] {
		struct timespec deadline = deadline_in(30 * ms);
		uint64_t at = (uint64_t)deadline.tv_sec * 1000000000u +
			      (uint64_t)deadline.tv_nsec;
		errno = 0;
		pool_guard_t g = pool_get_until(pool, &deadline);
		late = mono_ns() - at;
		err = g.obj ? 0 : errno;
	});
	await_waits(pool, 1);
	waiter.join(); /* nobody releases: only the deadline ends the wait */

	EXPECT_EQ(err, ETIMEDOUT);
	EXPECT_LT(late, 2000 * ms); /* woke at the deadline, not much after */
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.waiting, 0u);
	EXPECT_EQ(s.timeouts, 1u);
	EXPECT_GE(s.wait_ns_max, 30 * ms - 1 * ms);

	void *obj = held.obj;
	pool_guard_release(&held);
	pool_guard_t next = pool_try_get(pool);
	EXPECT_EQ(next.obj, obj);
	pool_guard_release(&next);
	EXPECT_STREQ(broken_at_rest(pool_stats(pool)), "");
}

/* Four waiters give up in the order 2, 0, 3, 1: each leaves the line
 * from another place (the third of four, the head with others behind,
 * the tail, the only one), and the line still works after. */
TEST_F(Waiting, WaitersLeaveTheLineFromAnyPlace)
{
	config.max_total = 1;
	build(0);
	pool_guard_t held = pool_get(pool);
	/* Far enough apart that the order they pass is the order they end
	 * (the assertions hold in any order). */
	const uint64_t deadlines[] = { 100 * ms, 200 * ms, 50 * ms, 150 * ms };
	int errs[4] = {};
	std::vector<std::thread> threads;

	for (int i = 0; i < 4; i++) {
		threads.emplace_back([&, i] {
			struct timespec d = deadline_in(deadlines[i]);
			errno = 0;
			pool_guard_t g = pool_get_until(pool, &d);
			errs[i] = g.obj ? 0 : errno;
			pool_guard_release(&g);
		});
		await_waits(pool, (size_t)i + 1);
	}
	for (std::thread &t : threads)
		t.join();
	EXPECT_EQ(pool_stats(pool).waiting, 0u);
	for (int err : errs)
		EXPECT_EQ(err, ETIMEDOUT);

	void *got = nullptr;
	std::thread last([&] {
		POOL_GUARD(g, pool);
		got = g.obj;
	});
	await_waits(pool, 5);
	void *obj = held.obj;
	pool_guard_release(&held);
	last.join();
	EXPECT_EQ(got, obj);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.timeouts, 4u);
	EXPECT_EQ(s.waits, 5u);
	EXPECT_STREQ(broken_at_rest(s), "");
}

/* --- stress -------------------------------------------------------------- */

/* Objects alive at the factory's return, and the most ever alive. */
struct Live {
	ByteBuffers bufs;
	std::atomic<int> most{ 0 };
};

void *counted_make(void *ctx)
{
	auto *live = static_cast<Live *>(ctx);
	void *obj = ByteBuffers::make(&live->bufs);

	int alive = live->bufs.alive();
	int most = live->most;
	while (alive > most && !live->most.compare_exchange_weak(most, alive)) {
	}
	return obj;
}

void counted_destroy(void *obj, void *ctx)
{
	ByteBuffers::destroy(obj, &static_cast<Live *>(ctx)->bufs);
}

bool mostly_works(void *obj, void *)
{
	return bytes(obj)[0] != 0xFF;
}

/* More threads than max_total, every way in and out of the pool: the
 * number of live objects never passes max_total, and no get returns later
 * than its deadline plus a tolerance (scheduling, sanitizers). */
TEST(Stress, BoundHoldsAndDeadlinesAreKept)
{
	const size_t max_total = 3;
	const int threads = 8, rounds = 300;
	const uint64_t tolerance = 2000 * ms;
	Live live;
	pool_config_t config = {};

	config.factory = counted_make;
	config.destroy = counted_destroy;
	config.validate = mostly_works;
	config.reset = [](void *, void *) {};
	config.ctx = &live;
	config.max_total = max_total;
	config.max_lifetime_ns = 5 * ms;
	pool_t *pool = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	std::atomic<uint64_t> worst_late{ 0 };
	std::atomic<int> served{ 0 }, gave_up{ 0 };
	std::mutex mu;
	std::string broken; /* the first rule a snapshot broke */
	Latch start(threads);

	run_threads(threads, [&](int t) {
		start.arrive_and_wait();
		for (int i = 0; i < rounds; i++) {
			uint64_t wait =
				(uint64_t)(i % 4) * ms; /* 0 (a try) to 3 ms */
			struct timespec d = deadline_in(wait);
			uint64_t at = (uint64_t)d.tv_sec * 1000000000u +
				      (uint64_t)d.tv_nsec;
			pool_guard_t g = i % 4 == 0 ? pool_try_get(pool)
						    : pool_get_until(pool, &d);
			uint64_t now = mono_ns();
			uint64_t late = now > at ? now - at : 0;
			uint64_t worst = worst_late;

			while (late > worst &&
			       !worst_late.compare_exchange_weak(worst, late)) {
			}
			if (!g.obj) {
				gave_up++;
				continue;
			}
			served++;
			const char *rule = broken_invariant(pool_stats(pool));
			if (*rule) {
				std::lock_guard<std::mutex> hold(mu);
				if (broken.empty())
					broken = rule;
			}
			switch ((t + i) % 7) {
			case 0:
				pool_guard_discard(&g);
				break;
			case 1:
				bytes(g.obj)[0] =
					0xFF; /* validate will catch it */
				pool_guard_release(&g);
				break;
			default:
				pool_guard_release(&g);
			}
		}
	});

	EXPECT_LE(live.most, (int)max_total);
	EXPECT_LT(worst_late, tolerance);
	EXPECT_EQ(broken, "");
	EXPECT_GT(served, 0);
	pool_stats_t s = pool_stats(pool);
	EXPECT_EQ(s.gets, (size_t)(threads * rounds));
	EXPECT_EQ(s.timeouts, (size_t)gave_up.load());
	EXPECT_EQ(s.hits + s.misses - s.failures, (size_t)served.load());
	EXPECT_STREQ(broken_at_rest(s), "");
	pool_unref(pool);
	EXPECT_EQ(live.bufs.alive(), 0);
}

} // namespace
