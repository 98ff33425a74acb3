/* Milestone 1 tests. The Checkpoint suite ports the spec's checkpoint
 * tests one for one (test_get_and_return -> Checkpoint.GetAndReturn); the
 * other suites go beyond them: bad input, allocation and factory failure,
 * ownership. */
#include "m1_manual/pool.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>

#include "common/mem_testing.h"
#include "common/test_buffers.h"

namespace {

using objpool_test::ByteBuffers;
using objpool_test::Bytes;
using objpool_test::bytes;

/* One pool of counted byte buffers per test; freed at the end, and then
 * every buffer the factory made must have been destroyed. */
class PoolTest : public ::testing::Test {
      protected:
	void SetUp() override
	{
		pool = pool_new(ByteBuffers::make, ByteBuffers::destroy, &bufs);
	}
	void TearDown() override
	{
		mem_fail_next(0);
		pool_free(pool);
		EXPECT_EQ(bufs.alive(), 0) << "buffers leaked";
	}
	ByteBuffers bufs; /* vec![0u8; 1024] */
	pool_t *pool = nullptr;
};

using Checkpoint = PoolTest;

TEST_F(Checkpoint, CreatePool)
{
	ASSERT_NE(pool, nullptr);
	EXPECT_EQ(pool_len(pool), 0u);
	EXPECT_TRUE(pool_is_empty(pool));
}

TEST_F(Checkpoint, Preallocate)
{
	ASSERT_EQ(pool_preallocate(pool, 10), 0);
	EXPECT_EQ(pool_len(pool), 10u);
	EXPECT_EQ(bufs.made, 10);
}

TEST_F(Checkpoint, GetAndReturn)
{
	ASSERT_EQ(pool_preallocate(pool, 5), 0);

	void *obj = pool_get(pool);
	ASSERT_NE(obj, nullptr);
	EXPECT_EQ(bytes(obj).size(), 1024u);
	EXPECT_EQ(pool_len(pool), 4u);

	EXPECT_EQ(pool_return(pool, obj), 0);
	EXPECT_EQ(pool_len(pool), 5u);
}

TEST_F(Checkpoint, EmptyPool)
{
	/* Never preallocated: milestone 1 makes nothing on demand. */
	ASSERT_NE(pool, nullptr);
	EXPECT_EQ(pool_get(pool), nullptr);
	EXPECT_EQ(bufs.made, 0);
}

TEST_F(Checkpoint, Reuse)
{
	bufs.len = 0;
	bufs.capacity = 1024; /* Vec::with_capacity(1024) */
	ASSERT_EQ(pool_preallocate(pool, 1), 0);

	void *obj1 = pool_get(pool);
	ASSERT_NE(obj1, nullptr);
	const uint8_t *ptr1 = bytes(obj1).data();
	bytes(obj1).push_back(42);
	ASSERT_EQ(pool_return(pool, obj1), 0);

	void *obj2 = pool_get(pool);
	ASSERT_NE(obj2, nullptr);
	const uint8_t *ptr2 = bytes(obj2).data();

	/* Same object reused, still holding what the last user left. */
	EXPECT_EQ(obj1, obj2);
	EXPECT_EQ(ptr1, ptr2);
	EXPECT_EQ(bytes(obj2), Bytes{ 42 });
	pool_return(pool, obj2);
}

TEST_F(Checkpoint, MultipleGets)
{
	bufs.len = 100;
	ASSERT_EQ(pool_preallocate(pool, 3), 0);

	void *obj1 = pool_get(pool);
	void *obj2 = pool_get(pool);
	void *obj3 = pool_get(pool);
	ASSERT_NE(obj1, nullptr);
	ASSERT_NE(obj2, nullptr);
	ASSERT_NE(obj3, nullptr);
	EXPECT_NE(obj1, obj2);
	EXPECT_NE(obj2, obj3);
	EXPECT_NE(obj1, obj3);

	EXPECT_EQ(pool_len(pool), 0u);
	EXPECT_EQ(pool_get(pool), nullptr);

	EXPECT_EQ(pool_return(pool, obj1), 0);
	EXPECT_EQ(pool_return(pool, obj2), 0);
	EXPECT_EQ(pool_return(pool, obj3), 0);
	EXPECT_EQ(pool_len(pool), 3u);
}

/* --- bad input ----------------------------------------------------------- */

TEST(BadInput, NewWithoutFactory)
{
	errno = 0;
	EXPECT_EQ(pool_new(nullptr, ByteBuffers::destroy, nullptr), nullptr);
	EXPECT_EQ(errno, EINVAL);
}

TEST(BadInput, NullPool)
{
	int obj;

	EXPECT_EQ(pool_preallocate(nullptr, 1), -EINVAL);
	errno = 0;
	EXPECT_EQ(pool_get(nullptr), nullptr);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(pool_return(nullptr, &obj), -EINVAL);
	EXPECT_EQ(pool_len(nullptr), 0u);
	EXPECT_TRUE(pool_is_empty(nullptr));
	pool_free(nullptr);
}

TEST_F(PoolTest, ReturnNullObject)
{
	EXPECT_EQ(pool_return(pool, nullptr), -EINVAL);
	EXPECT_EQ(pool_len(pool), 0u);
}

TEST_F(PoolTest, EmptyGetSaysTryAgain)
{
	errno = 0;
	EXPECT_EQ(pool_get(pool), nullptr);
	EXPECT_EQ(errno, EAGAIN);
}

TEST_F(PoolTest, PreallocateZeroMakesNothing)
{
	EXPECT_EQ(pool_preallocate(pool, 0), 0);
	EXPECT_EQ(pool_len(pool), 0u);
	EXPECT_EQ(bufs.made, 0);
}

TEST_F(PoolTest, PreallocateBeyondAddressSpaceOverflows)
{
	EXPECT_EQ(pool_preallocate(pool, SIZE_MAX), -EOVERFLOW);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	/* created + count wraps around */
	EXPECT_EQ(pool_preallocate(pool, SIZE_MAX - 1), -EOVERFLOW);
	EXPECT_EQ(bufs.made, 2);
	EXPECT_EQ(pool_len(pool), 2u);
}

/* --- allocation and factory failure -------------------------------------- */

TEST(OutOfMemory, NewFails)
{
	mem_fail_next(1);
	errno = 0;
	EXPECT_EQ(pool_new(ByteBuffers::make, ByteBuffers::destroy, nullptr),
		  nullptr);
	EXPECT_EQ(errno, ENOMEM);
	mem_fail_next(0);
}

TEST_F(PoolTest, PreallocateOutOfMemoryMakesNothing)
{
	mem_fail_next(1);
	EXPECT_EQ(pool_preallocate(pool, 10), -ENOMEM);
	EXPECT_EQ(bufs.made, 0);
	EXPECT_EQ(pool_len(pool), 0u);
	/* Works once memory is back. */
	EXPECT_EQ(pool_preallocate(pool, 10), 0);
	EXPECT_EQ(pool_len(pool), 10u);
}

TEST_F(PoolTest, SuccessLeavesErrnoAlone)
{
	errno = EBADF;
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	void *obj = pool_get(pool);
	EXPECT_EQ(errno, EBADF);
	pool_return(pool, obj);
	EXPECT_EQ(errno, EBADF);
}

TEST_F(PoolTest, FactoryFailureKeepsWhatWasMade)
{
	bufs.fail_after = 3;
	EXPECT_EQ(pool_preallocate(pool, 5), -ENOMEM);
	EXPECT_EQ(bufs.made, 3);
	EXPECT_EQ(pool_len(pool), 3u); /* kept, and destroyed by pool_free */
}

TEST_F(PoolTest, FactoryErrnoIsReported)
{
	bufs.fail_after = 0;
	bufs.fail_errno = ECONNREFUSED;
	EXPECT_EQ(pool_preallocate(pool, 1), -ECONNREFUSED);
	EXPECT_EQ(pool_len(pool), 0u);
}

TEST_F(PoolTest, ReturningPoolObjectsNeverFails)
{
	ASSERT_EQ(pool_preallocate(pool, 3), 0);
	ASSERT_EQ(pool_preallocate(pool, 20), 0);
	void *out[23];
	for (void *&obj : out)
		ASSERT_NE(obj = pool_get(pool), nullptr);

	mem_fail_next(1000);
	for (void *obj : out)
		EXPECT_EQ(pool_return(pool, obj), 0);
	EXPECT_EQ(pool_len(pool), 23u);
}

/* --- ownership ----------------------------------------------------------- */

TEST_F(PoolTest, FreeDestroysEachIdleObjectOnce)
{
	ASSERT_EQ(pool_preallocate(pool, 5), 0);
	void *out = pool_get(pool);
	pool_free(pool);
	pool = nullptr;
	EXPECT_EQ(bufs.destroyed, 4);	  /* the idle ones, once each */
	ByteBuffers::destroy(out, &bufs); /* the one out was ours */
}

TEST_F(PoolTest, ForeignObjectOutOfMemoryStaysWithCaller)
{
	void *foreign = ByteBuffers::make(&bufs);
	mem_fail_next(1); /* the idle list has no room yet */
	EXPECT_EQ(pool_return(pool, foreign), -ENOMEM);
	EXPECT_EQ(pool_len(pool), 0u);

	/* With memory back the pool takes it, and destroys it in the end. */
	EXPECT_EQ(pool_return(pool, foreign), 0);
	EXPECT_EQ(pool_get(pool), foreign);
	EXPECT_EQ(pool_return(pool, foreign), 0);
}

/* A foreign object the pool accepted takes a place of its own: the places
 * kept for the pool's objects stay theirs (issue 14). */
TEST_F(PoolTest, ForeignObjectWhileObjectsAreOutKeepsTheirPlaces)
{
	ASSERT_EQ(pool_preallocate(pool, 8), 0);
	void *out[8];
	for (void *&obj : out)
		ASSERT_NE(obj = pool_get(pool), nullptr);
	void *foreign = ByteBuffers::make(&bufs);
	ASSERT_EQ(pool_return(pool, foreign), 0);

	mem_fail_next(1000);
	for (void *obj : out)
		EXPECT_EQ(pool_return(pool, obj), 0);
	EXPECT_EQ(pool_len(pool), 9u);
}

TEST_F(PoolTest, PreallocateAfterAForeignObjectLosesNothing)
{
	void *foreign = ByteBuffers::make(&bufs);
	ASSERT_EQ(pool_return(pool, foreign), 0);

	/* Out of memory: either nothing is made or everything is kept. */
	mem_fail_next(1);
	int err = pool_preallocate(pool, 8);
	mem_fail_next(0);
	if (err == 0)
		EXPECT_EQ(pool_len(pool), 9u);
	else
		EXPECT_EQ(err, -ENOMEM);
	/* Every object made, the foreign one too, is idle. */
	EXPECT_EQ(pool_len(pool), (size_t)bufs.made) << "an object was lost";
}

TEST_F(PoolTest, LastReturnedIsFirstOut)
{
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	void *a = pool_get(pool);
	void *b = pool_get(pool);
	pool_return(pool, a);
	pool_return(pool, b);
	EXPECT_EQ(pool_get(pool), b); /* warmest in cache */
	EXPECT_EQ(pool_get(pool), a);
	pool_return(pool, a);
	pool_return(pool, b);
}

TEST(Ownership, NoDestroyCallback)
{
	static int objects[3];
	static int next;
	next = 0;
	pool_t *pool =
		pool_new([](void *) -> void * { return &objects[next++]; },
			 nullptr, nullptr);
	ASSERT_NE(pool, nullptr);
	ASSERT_EQ(pool_preallocate(pool, 3), 0);
	EXPECT_EQ(pool_len(pool), 3u);
	pool_free(pool); /* nothing to destroy: static objects */
}

TEST(Ownership, CtxReachesTheCallbacks)
{
	ByteBuffers bufs;
	pool_t *pool = pool_new(ByteBuffers::make, ByteBuffers::destroy, &bufs);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	EXPECT_EQ(bufs.made, 2);
	pool_free(pool);
	EXPECT_EQ(bufs.destroyed, 2);
}

} // namespace
