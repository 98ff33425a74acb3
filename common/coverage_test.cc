/* What the other common/ tests leave out, for the coverage gate
 * (tools/coverage): arrays of zero-sized elements, growth at the largest
 * capacity, mutexes whose attributes cannot be set up or whose waits
 * fail (failures injected with common/libc_testing.h). */
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <thread>

#include "common/libc_testing.h"
#include "common/mem.h"
#include "common/mem_testing.h"
#include "common/mutex.h"
#include "common/vec.h"

namespace {

TEST(MemCoverage, ZeroSizedElementsNeverOverflow)
{
	void *p = mem_realloc_array(nullptr, SIZE_MAX, 0);

	ASSERT_NE(p, nullptr);
	mem_free(p);
}

/* Past half the largest capacity, doubling would overflow: the growth
 * stops at the largest capacity. Asking for it fails (injected here, so
 * that no sanitizer sees a request for all of memory) and leaves the vec
 * as it was. */
TEST(VecCoverage, GrowthStopsAtTheLargestCapacity)
{
	const size_t max_cap = SIZE_MAX / sizeof(void *);
	vec_t v = { nullptr, 0, max_cap / 2 };

	mem_fail_next(1);
	EXPECT_EQ(vec_reserve(&v, max_cap / 2 + 1), -ENOMEM);
	EXPECT_EQ(mem_fail_pending(), 0u);
	EXPECT_EQ(v.items, nullptr);
	EXPECT_EQ(v.cap, max_cap / 2);
}

TEST(Locking, InitReportsAttributeErrors)
{
	mutex_t m;

	libc_fail(LIBC_MUTEXATTR_INIT, 1, ENOMEM);
	EXPECT_EQ(mutex_init(&m), -ENOMEM);
	libc_fail(LIBC_MUTEXATTR_SETTYPE, 1, EINVAL);
	EXPECT_EQ(mutex_init(&m), -EINVAL);
}

TEST(LockingDeathTest, DestroyErrorAborts)
{
	mutex_t m;

	ASSERT_EQ(mutex_init(&m), 0);
	EXPECT_DEATH(
		{
			libc_fail(LIBC_MUTEX_DESTROY, 1, EINVAL);
			mutex_destroy(&m);
		},
		"objpool: pthread_mutex_destroy: Invalid argument");
	mutex_destroy(&m);
}

/* Unarmed, the wrappers run the real calls: a deadline already past
 * times out, a signal ends a wait. mutex_test makes the same two waits
 * without the wrappers; here they take libc_testing.c's unarmed side,
 * which the coverage gate counts. */
TEST(Locking, CondWaitsRunTheRealCalls)
{
	mutex_t m;
	pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
	const struct timespec past = { 0, 0 };
	bool ready = false;

	ASSERT_EQ(mutex_init(&m), 0);
	mutex_lock(&m);
	EXPECT_EQ(mutex_cond_wait(&m, &cond, &past), -ETIMEDOUT);
	std::thread signaller([&] {
		mutex_lock(&m);
		ready = true;
		pthread_cond_signal(&cond);
		mutex_unlock(&m);
	});
	while (!ready)
		EXPECT_EQ(mutex_cond_wait(&m, &cond, nullptr), 0);
	mutex_unlock(&m);
	signaller.join();
	pthread_cond_destroy(&cond);
	mutex_destroy(&m);
}

/* A wait that fails for another reason than its deadline stops the
 * program, and says which wait. */
TEST(LockingDeathTest, CondWaitErrorAborts)
{
	mutex_t m;
	pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
	const struct timespec deadline = { 0, 0 };

	ASSERT_EQ(mutex_init(&m), 0);
	EXPECT_DEATH(
		{
			mutex_lock(&m);
			libc_fail(LIBC_COND_WAIT, 1, EINVAL);
			mutex_cond_wait(&m, &cond, nullptr);
		},
		"objpool: pthread_cond_wait: Invalid argument");
	EXPECT_DEATH(
		{
			mutex_lock(&m);
			libc_fail(LIBC_COND_TIMEDWAIT, 1, EINVAL);
			mutex_cond_wait(&m, &cond, &deadline);
		},
		"objpool: pthread_cond_timedwait: Invalid argument");
	mutex_destroy(&m);
}

} // namespace
