/* Milestone 5 paths that no other test reaches, for the coverage gate
 * (tools/coverage): a mutex that cannot be made, locked or unlocked
 * (failures injected into libc with common/libc_testing.h), a pool without
 * a destroy callback, NULL where a guard or pool belongs. */
#include "m5_threadsafe/pool.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "common/libc_testing.h"
#include "common/mem_testing.h"
#include "common/test_buffers.h"

namespace {

using objpool_test::ByteBuffers;

/* One pool of counted byte buffers per test; at the end every buffer the
 * factory made must have been destroyed. */
class CoverageTest : public ::testing::Test {
      protected:
	void SetUp() override
	{
		config.factory = ByteBuffers::make;
		config.destroy = ByteBuffers::destroy;
		config.ctx = &bufs;
	}
	void TearDown() override
	{
		mem_fail_next(0);
		pool_unref(pool);
		EXPECT_EQ(bufs.alive(), 0) << "buffers leaked";
	}
	ByteBuffers bufs;
	pool_config_t config = {};
	pool_t *pool = nullptr;
};

using Locking = CoverageTest;
using LockingDeathTest = CoverageTest;

TEST_F(Locking, BuildReportsTheMutexError)
{
	libc_fail(LIBC_MUTEX_INIT, 1, EAGAIN);
	errno = 0;
	EXPECT_EQ(pool_build(&config), nullptr);
	EXPECT_EQ(errno, EAGAIN);
}

/* A lock or unlock that fails stops the program, and says which. */
TEST_F(LockingDeathTest, LockErrorsAbort)
{
	static const struct {
		enum libc_call call;
		int err;
		const char *message;
	} errors[] = {
		{ LIBC_MUTEX_LOCK, EINVAL,
		  "objpool: pthread_mutex_lock: Invalid argument" },
		{ LIBC_MUTEX_UNLOCK, EPERM,
		  "objpool: pthread_mutex_unlock: Operation not permitted" },
	};

	pool = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	for (const auto &e : errors)
		EXPECT_DEATH(
			{
				libc_fail(e.call, 1, e.err);
				pool_available(pool);
			},
			e.message);
}

using OutOfMemory = CoverageTest;

/* A get made while pool_preallocate runs its factory (staged here by
 * the factory itself, as another thread would) takes one of the places
 * reserved up front: the last object then needs a new place, and when
 * memory is short it is destroyed and the error returned. */
TEST_F(OutOfMemory, PreallocateLosesItsPlaceToAGet)
{
	static pool_t *shared;
	static pool_guard_t held;
	static int calls;

	shared = nullptr;
	calls = 0;
	config.factory = [](void *ctx) -> void * {
		calls++;
		if (calls == 1)
			held = pool_get(shared); /* the factory's 2nd call */
		if (calls == 9) /* pool_preallocate's 8th object */
			mem_fail_next(1);
		return ByteBuffers::make(ctx);
	};
	pool = shared = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	EXPECT_EQ(pool_preallocate(pool, 8), -ENOMEM);
	EXPECT_EQ(mem_fail_pending(), 0u);
	EXPECT_NE(held.obj, nullptr);
	EXPECT_EQ(pool_available(pool), 7u);
	EXPECT_EQ(bufs.made, 9);
	EXPECT_EQ(bufs.alive(), 8); /* 7 idle, 1 held */
	pool_guard_release(&held);
}

/* Objects that need no freeing: a pool without destroy lets them go. */
TEST(Lifetime, IdleObjectsAreDroppedAtTheEnd)
{
	static int objects[2];
	int made = 0;
	pool_config_t config = {};

	config.factory = [](void *ctx) -> void * {
		return &objects[(*static_cast<int *>(ctx))++];
	};
	config.ctx = &made;
	config.max_size = 1;
	pool_t *pool = pool_build(&config);

	ASSERT_NE(pool, nullptr);
	pool_guard_t a = pool_get(pool), b = pool_get(pool);

	pool_guard_release(&a);
	pool_guard_release(&b); /* the idle list is full: dropped */
	EXPECT_EQ(pool_available(pool), 1u);
	EXPECT_EQ(made, 2);
	pool_unref(pool);
}

TEST(BadInput, AreHarmless)
{
	EXPECT_EQ(pool_ref(nullptr), nullptr);
	pool_unref(nullptr);
	pool_guard_release(nullptr);
	EXPECT_EQ(pool_guard_take(nullptr), nullptr);
}

} // namespace
