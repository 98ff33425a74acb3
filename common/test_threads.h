/* Thread helpers shared by the milestones' tests (C++, test-only).
 *
 *	Latch		C++20's std::latch: line threads up without sleeping
 *	Channel<T>	hand values from one thread to another
 *	run_threads	run fn(0) .. fn(n - 1) on n threads and join them
 *	the watchdog	every test of a binary that includes this header fails
 *			within seconds, naming the likely lock bug, when it
 *			hangs, instead of Bazel's bare TIMEOUT a minute later
 *
 * The watchdog's limit is 10 s, times 4 under ThreadSanitizer or
 * AddressSanitizer and times 10 under valgrind; the environment variable
 * OBJPOOL_WATCHDOG_SECONDS sets the plain limit (0: no watchdog, for a
 * debugger).
 */
#ifndef OBJPOOL_COMMON_TEST_THREADS_H
#define OBJPOOL_COMMON_TEST_THREADS_H

#include <gtest/gtest.h>
#include <valgrind/valgrind.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace objpool_test {

/* A one-shot latch: wait() returns once count_down() was called @count
 * times. Latch(1) is a gate that count_down() opens. */
class Latch {
      public:
	explicit Latch(int count) : count_(count) {}

	void count_down()
	{
		std::lock_guard<std::mutex> hold(mu_);

		if (--count_ == 0)
			cv_.notify_all();
	}

	void wait()
	{
		std::unique_lock<std::mutex> hold(mu_);

		cv_.wait(hold, [this] { return count_ <= 0; });
	}

	void arrive_and_wait()
	{
		count_down();
		wait();
	}

      private:
	std::mutex mu_;
	std::condition_variable cv_;
	int count_; /* arrivals still expected */
};

/* A queue that hands values from one thread to another (an mpsc channel). */
template <typename T> class Channel {
      public:
	void send(T value)
	{
		std::lock_guard<std::mutex> hold(mu_);

		queue_.push_back(value);
		cv_.notify_one();
	}

	T receive()
	{
		std::unique_lock<std::mutex> hold(mu_);

		cv_.wait(hold, [this] { return !queue_.empty(); });
		T value = queue_.front();
		queue_.pop_front();
		return value;
	}

      private:
	std::mutex mu_;
	std::condition_variable cv_;
	std::deque<T> queue_; /* sent, not yet received */
};

/* Run fn(0) .. fn(@n - 1), each on its own thread, and join them all. */
template <typename Fn> void run_threads(int n, Fn fn)
{
	std::vector<std::thread> threads;

	for (int i = 0; i < n; i++)
		threads.emplace_back(fn, i);
	for (std::thread &t : threads)
		t.join();
}

/* --- the watchdog ---------------------------------------------------------- */

/* How long a test may run, in seconds; 0: forever. */
inline int watchdog_seconds()
{
	const char *env = std::getenv("OBJPOOL_WATCHDOG_SECONDS");
	int seconds = env ? std::atoi(env) : 10;
	int slower = 1;

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
	slower = 4;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
	slower = 4;
#endif
#endif
	if (RUNNING_ON_VALGRIND)
		slower = 10;
	return seconds * slower;
}

/* Watches each test from OnTestStart to OnTestEnd on a thread of its own;
 * a test still running after watchdog_seconds() ends the program with a
 * message that names the test and the likely causes. */
class Watchdog : public ::testing::EmptyTestEventListener {
      public:
	void OnTestStart(const ::testing::TestInfo &test) override
	{
		int seconds = watchdog_seconds();

		if (seconds <= 0)
			return;
		done_ = false;
		thread_ = std::thread([this, &test, seconds] {
			std::unique_lock<std::mutex> hold(mu_);

			if (!cv_.wait_for(hold, std::chrono::seconds(seconds),
					  [this] { return done_; }))
				bark(test, seconds);
		});
	}

	void OnTestEnd(const ::testing::TestInfo &) override
	{
		if (!thread_.joinable())
			return;
		{
			std::lock_guard<std::mutex> hold(mu_);

			done_ = true;
			cv_.notify_all();
		}
		thread_.join();
	}

      private:
	[[noreturn]] static void bark(const ::testing::TestInfo &test,
				      int seconds)
	{
		std::fprintf(
			stderr,
			"\nWATCHDOG: %s.%s still runs after %d s: a thread "
			"waits for something that will never come. "
			"Likely causes:\n"
			"  - a path that returns with the pool's lock still "
			"held (an early return, a failure branch without "
			"unlock);\n"
			"  - a callback (factory, reset, destroy) run while "
			"the lock is held, which waits for another thread "
			"that needs the lock;\n"
			"  - a callback that calls back into the pool while "
			"the lock is held.\n"
			"Find the waiting thread: run the test alone with "
			"--test_arg=--gtest_filter=%s.%s under --config=tsan, "
			"or in gdb with OBJPOOL_WATCHDOG_SECONDS=0.\n",
			test.test_suite_name(), test.name(), seconds,
			test.test_suite_name(), test.name());
		std::fflush(stderr);
		std::abort();
	}

	std::mutex mu_;
	std::condition_variable cv_;
	bool done_ = false; /* the watched test has ended */
	std::thread thread_;
};

/* Installs one Watchdog per program, however many files include this. */
inline bool install_watchdog()
{
	static const bool installed = [] {
		::testing::UnitTest::GetInstance()->listeners().Append(
			new Watchdog);
		return true;
	}();
	return installed;
}

namespace {
__attribute__((unused)) const bool watchdog_installed_ = install_watchdog();
}

} // namespace objpool_test

#endif
