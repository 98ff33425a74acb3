/* Milestone 3 tests. The Checkpoint suite ports the spec's checkpoint
 * tests one for one (test_grow_on_demand -> Checkpoint.GrowOnDemand); the
 * other suites go beyond them: the counters, max_size, the pool's
 * reference count and lifetime, bad input, allocation and factory failure.
 *
 * Rust's Rc<RefCell<Pool>> is a pool_t with a reference count: the
 * fixture holds the creator's reference and drops it at the end; every
 * guard holds one more while its object is out. */
#include "m3_refcount/pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "common/mem_testing.h"
#include "common/test_buffers.h"

namespace {

using objpool_test::ByteBuffers;
using objpool_test::Bytes;
using objpool_test::bytes;

/* One pool of counted byte buffers per test, made by start(). The fixture
 * drops its reference at the end; then every buffer the factory made must
 * have been destroyed, which also proves the pool itself was freed (a
 * leaked reference would keep its idle buffers alive). */
class PoolTest : public ::testing::Test {
      protected:
	void TearDown() override
	{
		mem_fail_next(0);
		pool_unref(pool);
		EXPECT_EQ(bufs.alive(), 0) << "buffers leaked";
	}

	/* A pool of vec![0u8; len] that keeps at most @max_size idle. */
	void start(size_t max_size, size_t len = 1024)
	{
		bufs.len = len;
		pool = pool_new(ByteBuffers::make, ByteBuffers::destroy, &bufs,
				max_size);
		ASSERT_NE(pool, nullptr);
	}

	/* The test drops the creator's reference itself: the fixture forgets
	 * it. Return: the pool, still referenced once by the caller. */
	pool_t *hand_over()
	{
		pool_t *p = pool;
		pool = nullptr;
		return p;
	}

	ByteBuffers bufs;
	pool_t *pool = nullptr;
};

using Checkpoint = PoolTest;
using Counters = PoolTest;
using Preallocate = PoolTest;
using Lifetime = PoolTest;
using Failure = PoolTest;
using Guard = PoolTest;

TEST_F(PoolTest, SuccessLeavesErrnoAlone)
{
	start(2);
	errno = EBADF;
	ASSERT_EQ(pool_preallocate(pool, 1), 0);
	{
		POOL_GUARD(hit, pool);
		POOL_GUARD(miss, pool); /* made by the factory */
		EXPECT_NE(miss.obj, nullptr);
	}
	EXPECT_EQ(errno, EBADF);
}

/* The three counters at once. */
void expect_counts(const pool_t *pool, size_t available, size_t allocated,
		   size_t created)
{
	EXPECT_EQ(pool_available(pool), available) << "available";
	EXPECT_EQ(pool_allocated(pool), allocated) << "allocated";
	EXPECT_EQ(pool_created_count(pool), created) << "created";
}

/* A guard holding nothing, as a failed get, a release or a take leave it. */
void expect_empty(const pool_guard_t &g)
{
	EXPECT_EQ(g.pool, nullptr);
	EXPECT_EQ(g.obj, nullptr);
}

/* pool_get(@pool) must fail with @err and hand out an empty guard. */
void expect_get_fails(pool_t *pool, int err)
{
	errno = 0;
	pool_guard_t g = pool_get(pool);
	expect_empty(g);
	EXPECT_EQ(errno, err);
}

/* @count guards, each holding an object. */
std::vector<pool_guard_t> get_many(pool_t *pool, size_t count)
{
	std::vector<pool_guard_t> guards(count);
	for (pool_guard_t &g : guards) {
		g = pool_get(pool);
		EXPECT_NE(g.obj, nullptr);
	}
	return guards;
}

void release_all(std::vector<pool_guard_t> &guards)
{
	for (pool_guard_t &g : guards)
		pool_guard_release(&g);
}

TEST_F(Checkpoint, GrowOnDemand)
{
	start(10);

	/* Pool starts empty */
	EXPECT_EQ(pool_len(pool), 0u);

	POOL_GUARD(obj, pool);

	/* Object created on demand */
	EXPECT_NE(obj.obj, nullptr);
	EXPECT_EQ(pool_created_count(pool), 1u);
}

TEST_F(Checkpoint, MultipleSimultaneousObjects)
{
	start(5, 100);

	POOL_GUARD(obj1, pool);
	POOL_GUARD(obj2, pool);
	POOL_GUARD(obj3, pool);

	/* All three can exist simultaneously */
	ASSERT_NE(obj1.obj, nullptr);
	ASSERT_NE(obj2.obj, nullptr);
	ASSERT_NE(obj3.obj, nullptr);
	EXPECT_EQ(bytes(obj1.obj).size(), 100u);
	EXPECT_EQ(bytes(obj2.obj).size(), 100u);
	EXPECT_EQ(bytes(obj3.obj).size(), 100u);
	EXPECT_NE(obj1.obj, obj2.obj);
	EXPECT_NE(obj2.obj, obj3.obj);
	EXPECT_NE(obj1.obj, obj3.obj);

	EXPECT_EQ(pool_created_count(pool), 3u);
}

TEST_F(Checkpoint, ReuseAfterReturn)
{
	start(10, 100);
	void *first;
	{
		POOL_GUARD(obj1, pool);
		EXPECT_EQ(pool_created_count(pool), 1u);
		first = obj1.obj;
	}
	{
		POOL_GUARD(obj2, pool);
		/* Reused, didn't create new */
		EXPECT_EQ(pool_created_count(pool), 1u);
		EXPECT_EQ(obj2.obj, first);
	}
}

TEST_F(Checkpoint, MaxSizeLimit)
{
	start(2, 100);

	pool_guard_t obj1 = pool_get(pool);
	pool_guard_t obj2 = pool_get(pool);
	pool_guard_t obj3 = pool_get(pool); /* Creates even beyond max_size */
	ASSERT_NE(obj3.obj, nullptr);

	pool_guard_release(&obj1);
	pool_guard_release(&obj2);
	pool_guard_release(&obj3);

	/* Pool keeps only max_size objects; the third was destroyed. */
	EXPECT_EQ(pool_len(pool), 2u);
	EXPECT_EQ(bufs.destroyed, 1);
}

TEST_F(Checkpoint, Statistics)
{
	start(5, 4); /* String::from("test"): four bytes will do */

	pool_guard_t o1 = pool_get(pool);
	POOL_GUARD(o2, pool);

	expect_counts(pool, 0, 2, 2);

	pool_guard_release(&o1); /* drop(o1) */

	EXPECT_EQ(pool_available(pool), 1u);
	EXPECT_EQ(pool_allocated(pool), 1u);
}

/* Milestone 3 has no reset: the object comes back as its last user left
 * it. The spec asserts exactly that, and so do we (milestone 4 adds the
 * reset hook). */
TEST_F(Checkpoint, ResetObject)
{
	start(5, 10);
	void *first;
	{
		POOL_GUARD(obj, pool);
		ASSERT_NE(obj.obj, nullptr);
		bytes(obj.obj).push_back(1);
		bytes(obj.obj).push_back(2);
		bytes(obj.obj).push_back(3);
		first = obj.obj;
	} /* Object returned */

	/* Get same object back */
	POOL_GUARD(obj, pool);
	ASSERT_EQ(obj.obj, first);

	/* Not reset: it still has the data */
	EXPECT_EQ(bytes(obj.obj).size(), 13u); /* 10 + 3 pushed */
	EXPECT_EQ(bytes(obj.obj).back(), 3);
}

/* --- counters ------------------------------------------------------------ */

/* The spec computes allocated as created - available, which counts the
 * destroyed objects as still out. pool_allocated counts the objects out in
 * guards right now. */
TEST_F(Counters, AllocatedIsZeroOnceAllIsBackEvenAfterDestroys)
{
	start(1);
	std::vector<pool_guard_t> out = get_many(pool, 3);
	expect_counts(pool, 0, 3, 3);

	release_all(out);
	EXPECT_EQ(bufs.destroyed, 2);
	expect_counts(pool, 1, 0, 3); /* created - available would say 2 */
}

TEST_F(Counters, TakeLeavesTheCountersConsistent)
{
	start(5);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	pool_guard_t g = pool_get(pool);
	expect_counts(pool, 1, 1, 2);

	void *obj = pool_guard_take(&g);
	ASSERT_NE(obj, nullptr);
	expect_counts(pool, 1, 0, 2); /* neither out nor idle: the caller's */
	ByteBuffers::destroy(obj, &bufs);
}

/* --- max_size ------------------------------------------------------------ */

struct Excess {
	size_t max_size; /* the pool's */
	size_t out;	 /* guards out at once, then all released */
};

class MaxSize : public PoolTest,
		public ::testing::WithParamInterface<Excess> {};

/* Exactly the objects beyond max_size are destroyed; the others are kept
 * and serve the next gets without the factory. */
TEST_P(MaxSize, DestroysExactlyTheExcess)
{
	const Excess p = GetParam();
	const size_t kept = std::min(p.out, p.max_size);
	start(p.max_size);

	std::vector<pool_guard_t> out = get_many(pool, p.out);
	release_all(out);
	EXPECT_EQ(static_cast<size_t>(bufs.destroyed), p.out - kept);
	expect_counts(pool, kept, 0, p.out);

	std::vector<pool_guard_t> again = get_many(pool, kept);
	EXPECT_EQ(pool_created_count(pool), p.out); /* all reused */
	release_all(again);
	EXPECT_EQ(static_cast<size_t>(bufs.destroyed), p.out - kept);
}

INSTANTIATE_TEST_SUITE_P(Excesses, MaxSize,
			 ::testing::Values(Excess{ 0, 3 }, Excess{ 1, 3 },
					   Excess{ 2, 2 }, Excess{ 2, 5 },
					   Excess{ 5, 3 }),
			 [](const ::testing::TestParamInfo<Excess> &info) {
				 return "max" +
					std::to_string(info.param.max_size) +
					"_out" + std::to_string(info.param.out);
			 });

TEST_F(Counters, MaxSizeZeroKeepsNothing)
{
	start(0);
	{
		POOL_GUARD(g, pool); /* made on demand all the same */
		EXPECT_NE(g.obj, nullptr);
	}
	EXPECT_EQ(bufs.destroyed, 1);
	expect_counts(pool, 0, 0, 1);
	EXPECT_EQ(pool_preallocate(pool, 1), -ENOSPC);
	EXPECT_EQ(pool_preallocate(pool, 0), 0);
	EXPECT_EQ(bufs.made, 1);
}

/* --- preallocate --------------------------------------------------------- */

TEST_F(Preallocate, UpToMaxSize)
{
	start(3);
	EXPECT_EQ(pool_preallocate(pool, 3), 0);
	expect_counts(pool, 3, 0, 3);
	EXPECT_EQ(pool_preallocate(pool, 1), -ENOSPC);
	EXPECT_EQ(bufs.made, 3);
}

TEST_F(Preallocate, BeyondMaxSizeMakesNothing)
{
	start(3);
	EXPECT_EQ(pool_preallocate(pool, 4), -ENOSPC);
	EXPECT_EQ(pool_preallocate(pool, SIZE_MAX), -ENOSPC);
	EXPECT_EQ(bufs.made, 0);
	expect_counts(pool, 0, 0, 0);
}

TEST_F(Preallocate, BeyondAddressSpaceOverflows)
{
	start(SIZE_MAX); /* no limit to speak of */
	EXPECT_EQ(pool_preallocate(pool, SIZE_MAX), -EOVERFLOW);
	EXPECT_EQ(bufs.made, 0);
}

/* max_size limits the idle objects, not the live ones: with objects out,
 * the pool may still fill its idle list. Their releases are then excess,
 * and are destroyed without allocating anything. */
TEST_F(Preallocate, CountsIdleObjectsOnly)
{
	start(2);
	std::vector<pool_guard_t> out = get_many(pool, 2);
	EXPECT_EQ(pool_preallocate(pool, 2), 0);
	expect_counts(pool, 2, 2, 4);

	mem_fail_next(1000);
	release_all(out);
	EXPECT_EQ(mem_fail_pending(), 1000u);
	EXPECT_EQ(bufs.destroyed, 2);
	expect_counts(pool, 2, 0, 4);
}

TEST_F(Preallocate, OutOfMemoryMakesNothing)
{
	start(10);
	mem_fail_next(1);
	EXPECT_EQ(pool_preallocate(pool, 5), -ENOMEM);
	EXPECT_EQ(bufs.made, 0);
	expect_counts(pool, 0, 0, 0);
	EXPECT_EQ(pool_preallocate(pool, 5), 0); /* works once memory is back */
}

TEST_F(Preallocate, FactoryFailureKeepsWhatWasMade)
{
	start(10);
	bufs.fail_after = 2;
	EXPECT_EQ(pool_preallocate(pool, 3), -ENOMEM);
	expect_counts(pool, 2, 0, 2); /* kept, destroyed by the last unref */

	bufs.fail_errno = ECONNREFUSED;
	EXPECT_EQ(pool_preallocate(pool, 1), -ECONNREFUSED);
	expect_counts(pool, 2, 0, 2);
}

/* --- factory and allocation failure in pool_get -------------------------- */

TEST_F(Failure, FailingFactoryChangesNothing)
{
	start(5);
	POOL_GUARD(first, pool);
	ASSERT_NE(first.obj, nullptr);

	bufs.fail_after = 1;
	expect_get_fails(pool, ENOMEM); /* the factory set no errno */
	expect_counts(pool, 0, 1, 1);

	bufs.fail_errno = ECONNREFUSED;
	expect_get_fails(pool, ECONNREFUSED);
	expect_counts(pool, 0, 1, 1);

	bufs.fail_after = -1; /* the factory works again */
	POOL_GUARD(second, pool);
	EXPECT_NE(second.obj, nullptr);
	expect_counts(pool, 0, 2, 2);
}

/* An idle object needs no factory: a failing one does not matter. */
TEST_F(Failure, FailingFactoryDoesNotStopHits)
{
	start(5);
	ASSERT_EQ(pool_preallocate(pool, 1), 0);
	bufs.fail_after = 0;
	POOL_GUARD(g, pool);
	EXPECT_NE(g.obj, nullptr);
}

TEST_F(Failure, MissOutOfMemoryLosesNothing)
{
	start(5);
	mem_fail_next(1); /* the idle list cannot reserve a place */
	expect_get_fails(pool, ENOMEM);
	EXPECT_EQ(bufs.made, 0); /* the factory was not even called */
	expect_counts(pool, 0, 0, 0);

	POOL_GUARD(g, pool); /* memory is back */
	EXPECT_NE(g.obj, nullptr);
	expect_counts(pool, 0, 1, 1);
}

TEST(OutOfMemory, NewFails)
{
	mem_fail_next(1);
	errno = 0;
	EXPECT_EQ(
		pool_new(ByteBuffers::make, ByteBuffers::destroy, nullptr, 10),
		nullptr);
	EXPECT_EQ(errno, ENOMEM);
	mem_fail_next(0);
}

/* Hits, misses and excess alike: no release ever allocates. Enough
 * objects that the idle list must grow several times while they are out. */
TEST_F(Failure, ReleasesNeverAllocate)
{
	start(20);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	/* 2 hits, 28 misses. */
	std::vector<pool_guard_t> out = get_many(pool, 30);
	expect_counts(pool, 0, 30, 30);

	mem_fail_next(1000);
	release_all(out);
	EXPECT_EQ(mem_fail_pending(), 1000u); /* not one allocation tried */
	EXPECT_EQ(bufs.destroyed, 10);
	expect_counts(pool, 20, 0, 30);
}

/* A factory that, once armed, calls back into its own pool (pool.h
 * forbids it) and keeps the guard it got. */
struct ReentrantFactory {
	ByteBuffers *bufs;
	pool_t *pool = nullptr;
	bool armed = false;
	pool_guard_t inner = { nullptr, nullptr };

	static void *make(void *ctx)
	{
		auto *self = static_cast<ReentrantFactory *>(ctx);
		if (self->armed) {
			self->armed = false;
			self->inner = pool_get(self->pool);
		}
		return ByteBuffers::make(self->bufs);
	}

	static void destroy(void *obj, void *ctx)
	{
		ByteBuffers::destroy(
			obj, static_cast<ReentrantFactory *>(ctx)->bufs);
	}
};

/* Re-entry leaves one object without a reserved place; a release out of
 * memory must then destroy it, not lose it (issue 14). */
TEST_F(Failure, ReentrantFactoryLosesNothing)
{
	ReentrantFactory factory{ &bufs };
	pool = pool_new(ReentrantFactory::make, ReentrantFactory::destroy,
			&factory, 100);
	ASSERT_NE(pool, nullptr);
	factory.pool = pool;
	std::vector<pool_guard_t> out = get_many(pool, 7);
	factory.armed = true;
	out.push_back(pool_get(pool));
	out.push_back(factory.inner);

	mem_fail_next(1000);
	release_all(out);
	mem_fail_next(0);
	EXPECT_EQ(pool_available(pool) + bufs.destroyed, (size_t)bufs.made);
	pool_unref(pool); /* while the callbacks' ctx lives */
	pool = nullptr;
}

/* --- the guard ----------------------------------------------------------- */

/* A second release must not drop the pool's reference twice: that would
 * free the pool under the fixture (ASan, valgrind and the leak check in
 * TearDown would say so). */
TEST_F(Guard, ReleaseIsIdempotent)
{
	start(5);
	pool_guard_t g = pool_get(pool);
	ASSERT_NE(g.obj, nullptr);
	EXPECT_EQ(g.pool, pool);

	pool_guard_release(&g);
	expect_empty(g);
	pool_guard_release(&g);
	expect_counts(pool, 1, 0, 1);
}

TEST_F(Guard, ReleaseAndTakeOfNullOrEmptyGuardDoNothing)
{
	start(5);
	pool_guard_t empty = { nullptr, nullptr };

	pool_guard_release(nullptr);
	pool_guard_release(&empty);
	EXPECT_EQ(pool_guard_take(nullptr), nullptr);
	EXPECT_EQ(pool_guard_take(&empty), nullptr);
	expect_empty(empty);
	expect_counts(pool, 0, 0, 0);
}

TEST_F(Guard, TakeDetaches)
{
	start(5);
	void *obj;
	{
		POOL_GUARD(g, pool);
		void *held = g.obj;
		obj = pool_guard_take(&g);
		EXPECT_EQ(obj, held);
		expect_empty(g);
	} /* nothing to release */
	ASSERT_NE(obj, nullptr);
	expect_counts(pool, 0, 0, 1);
	EXPECT_EQ(bufs.destroyed, 0);
	ByteBuffers::destroy(obj, &bufs);
}

/* --- the pool's lifetime ------------------------------------------------- */

/* Milestone 2's dangling_pool_demo, now correct: the guard's reference
 * keeps the pool alive after its creator let go; the last release frees
 * it. */
TEST_F(Lifetime, UnrefWithGuardsOutDefersDestruction)
{
	start(5);
	pool_guard_t a = pool_get(pool);
	pool_guard_t b = pool_get(pool);
	ASSERT_NE(b.obj, nullptr);
	pool_unref(hand_over());

	EXPECT_EQ(bufs.destroyed, 0);
	bytes(a.obj)[0] = 1; /* still ours */
	expect_counts(b.pool, 0, 2, 2);

	pool_guard_release(&a);
	EXPECT_EQ(bufs.destroyed, 0);
	expect_counts(b.pool, 1, 1, 2);

	pool_guard_release(&b); /* the last reference: frees the pool */
	EXPECT_EQ(bufs.destroyed, 2);
}

TEST_F(Lifetime, EveryRefNeedsItsUnref)
{
	start(5);
	ASSERT_EQ(pool_preallocate(pool, 1), 0);
	pool_t *p = hand_over();
	EXPECT_EQ(pool_ref(p), p);
	EXPECT_EQ(pool_ref(p), p); /* three references */

	pool_unref(p);
	pool_unref(p);
	EXPECT_EQ(bufs.destroyed, 0);
	{
		POOL_GUARD(g, p); /* still a working pool */
		EXPECT_NE(g.obj, nullptr);
	}
	pool_unref(p); /* the last */
	EXPECT_EQ(bufs.destroyed, 1);
}

/* A failed get takes no reference: the one pool_unref frees the pool,
 * and its idle object with it. */
TEST_F(Lifetime, FailedGetTakesNoReference)
{
	start(5);
	ASSERT_EQ(pool_preallocate(pool, 1), 0);
	bufs.fail_after = 1;
	{
		POOL_GUARD(hit, pool);
		expect_get_fails(pool, ENOMEM); /* a miss: the factory fails */
	}
	pool_unref(hand_over());
	EXPECT_EQ(bufs.destroyed, 1);
}

/* A taken object leaves the pool with its reference: the pool can be freed
 * while the caller still owns the object. */
TEST_F(Lifetime, TakeDropsTheReference)
{
	start(5);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	pool_guard_t g = pool_get(pool);
	void *obj = pool_guard_take(&g);
	ASSERT_NE(obj, nullptr);

	pool_unref(hand_over());
	EXPECT_EQ(bufs.destroyed, 1); /* the idle one: the pool is gone */

	bytes(obj).push_back(7); /* still the caller's */
	ByteBuffers::destroy(obj, &bufs);
}

/* --- refcount misuse ----------------------------------------------------- */

/* The pool's count lives inside the pool, so an extra pool_unref frees the
 * pool early and the next use is a use-after-free (ASan's job, not the
 * count's). What the count does catch is a reference taken while the pool
 * is being freed: kref's third rule, only a holder may take another. */
struct Reentrant {
	ByteBuffers bufs;
	pool_t *pool = nullptr;

	static void *make(void *ctx)
	{
		return ByteBuffers::make(&static_cast<Reentrant *>(ctx)->bufs);
	}

	/* pool_destroy_fn that reaches for the pool it is being freed by. */
	static void destroy(void *obj, void *ctx)
	{
		auto *self = static_cast<Reentrant *>(ctx);
		ByteBuffers::destroy(obj, &self->bufs);
		pool_ref(self->pool);
	}
};

TEST(RefcountDeathTest, DestroyCallbackReferencingTheDyingPoolAborts)
{
	EXPECT_DEATH(
		{
			Reentrant r;
			r.pool = pool_new(Reentrant::make, Reentrant::destroy,
					  &r, 5);
			/* The unref destroys the idle object, whose destroy
			 * takes a reference to the dying pool: */
			if (pool_preallocate(r.pool, 1) == 0)
				pool_unref(r.pool);
		},
		"refcount: increment from 0");
}

/* --- bad input ----------------------------------------------------------- */

TEST(BadInput, NewWithoutFactory)
{
	errno = 0;
	EXPECT_EQ(pool_new(nullptr, ByteBuffers::destroy, nullptr, 10),
		  nullptr);
	EXPECT_EQ(errno, EINVAL);
}

TEST(BadInput, NullPool)
{
	EXPECT_EQ(pool_ref(nullptr), nullptr);
	pool_unref(nullptr);
	EXPECT_EQ(pool_preallocate(nullptr, 1), -EINVAL);
	expect_get_fails(nullptr, EINVAL);
	expect_counts(nullptr, 0, 0, 0);
	EXPECT_EQ(pool_len(nullptr), 0u);
}

} // namespace
