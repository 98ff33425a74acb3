/* common/mutex: the debug checks that turn a lock bug into a message at
 * once. They exist only without NDEBUG, like the checks themselves. */
#include "common/mutex.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <thread>

namespace {

class MutexTest : public ::testing::Test {
      protected:
	void SetUp() override { ASSERT_EQ(mutex_init(&m), 0); }
	void TearDown() override { mutex_destroy(&m); }

	mutex_t m;
};

TEST_F(MutexTest, LockAndUnlock)
{
	mutex_lock(&m);
	mutex_unlock(&m);
	mutex_lock(&m);
	mutex_unlock(&m);
}

/* A wait on a condition variable gives the mutex up while asleep and
 * holds it again after: another thread can lock it meanwhile. */
TEST_F(MutexTest, CondWaitReleasesWhileAsleep)
{
	pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
	bool ready = false;

	mutex_lock(&m);
	std::thread signaller([&] {
		mutex_lock(&m);
		ready = true;
		pthread_cond_signal(&cond);
		mutex_unlock(&m);
	});
	while (!ready)
		EXPECT_EQ(mutex_cond_wait(&m, &cond, nullptr), 0);
#ifndef NDEBUG
	EXPECT_TRUE(mutex_held(&m));
#endif
	mutex_unlock(&m);
	signaller.join();
	pthread_cond_destroy(&cond);
}

TEST_F(MutexTest, CondWaitTimesOut)
{
	pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
	struct timespec past = { 0, 0 }; /* CLOCK_REALTIME, the default clock */

	mutex_lock(&m);
	EXPECT_EQ(mutex_cond_wait(&m, &cond, &past), -ETIMEDOUT);
#ifndef NDEBUG
	EXPECT_TRUE(mutex_held(&m));
#endif
	mutex_unlock(&m);
	pthread_cond_destroy(&cond);
}

#ifndef NDEBUG

TEST_F(MutexTest, HeldByTheLockerOnly)
{
	EXPECT_FALSE(mutex_held(&m));
	mutex_lock(&m);
	EXPECT_TRUE(mutex_held(&m));
	bool held_elsewhere = true;
	std::thread([&] { held_elsewhere = mutex_held(&m); }).join();
	EXPECT_FALSE(held_elsewhere);
	mutex_unlock(&m);
	EXPECT_FALSE(mutex_held(&m));
}

using MutexDeathTest = MutexTest;

TEST_F(MutexDeathTest, RelockNamesTheLikelyCauses)
{
	EXPECT_DEATH(
		{
			mutex_lock(&m);
			mutex_lock(&m);
		},
		"this thread already holds the pool's lock(.|\n)*without "
		"unlocking"
		"(.|\n)*callback");
}

/* ThreadSanitizer sees the bad unlock and the destroy first, and stops
 * the program with its own report: either message will do. */
TEST_F(MutexDeathTest, UnlockWithoutLockAborts)
{
	EXPECT_DEATH(mutex_unlock(&m),
		     "does not hold the lock it unlocks|"
		     "ThreadSanitizer: unlock of an unlocked mutex");
}

TEST_F(MutexDeathTest, DestroyWhileHeldAborts)
{
	EXPECT_DEATH(
		{
			mutex_lock(&m);
			mutex_destroy(&m);
		},
		"destroyed while held|ThreadSanitizer: destroy of a locked "
		"mutex");
}

#endif

} // namespace
