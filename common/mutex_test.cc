/* common/mutex: the debug checks that turn a lock bug into a message at
 * once. They exist only without NDEBUG, like the checks themselves. */
#include "common/mutex.h"

#include <gtest/gtest.h>

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
		"this thread already holds the pool's lock(.|\n)*without unlocking"
		"(.|\n)*callback");
}

/* ThreadSanitizer sees the bad unlock and the destroy first, and stops
 * the program with its own report: either message will do. */
TEST_F(MutexDeathTest, UnlockWithoutLockAborts)
{
	EXPECT_DEATH(mutex_unlock(&m), "does not hold the lock it unlocks|"
				       "ThreadSanitizer: unlock of an unlocked mutex");
}

TEST_F(MutexDeathTest, DestroyWhileHeldAborts)
{
	EXPECT_DEATH(
		{
			mutex_lock(&m);
			mutex_destroy(&m);
		},
		"destroyed while held|ThreadSanitizer: destroy of a locked mutex");
}

#endif

} // namespace
