/* Runs the demo (//m7_threadcache:demo) and checks the shape of its output: the
 * spec's example output, with the numbers a correct pool must print. Under
 * --config=asan or tsan the demo is built with the sanitizer too, and an
 * error report makes it exit non-zero. */
#include "m7_threadcache/pool.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/run_program.h"
#include "m7_threadcache/pool_testing.h"

namespace {

using objpool_test::lines_of;
using objpool_test::ProgramRun;
using objpool_test::run_program;

/* Reads the lines one after the other. */
class Reader {
      public:
	explicit Reader(const std::vector<std::string> &lines) : lines_(lines)
	{
	}

	bool done() const { return at_ >= lines_.size(); }
	const std::string &next() { return done() ? empty_ : lines_[at_++]; }

      private:
	const std::vector<std::string> &lines_;
	size_t at_ = 0;
	const std::string empty_;
};

using Demo = m7_test::StatsTest;

TEST_F(Demo, OutputHasTheSpecsShape)
{
	/* The initial report is that of a pool like the demo's: max_size 10,
	 * five preallocated, nothing asked for yet. */
	build(10);
	ASSERT_EQ(pool_preallocate(pool, 5), 0);
	char initial[1024];
	ASSERT_LT(pool_stats_report(pool, initial, sizeof(initial)),
		  (int)sizeof(initial));

	ProgramRun run = run_program("./m7_threadcache/demo");
	ASSERT_EQ(run.status, 0);
	std::vector<std::string> lines = lines_of(run.out);
	Reader out(lines);

	EXPECT_EQ(out.next(), "Initial state:");
	for (const std::string &line : lines_of(initial))
		EXPECT_EQ(out.next(), line);
	EXPECT_EQ(out.next(), "");
	EXPECT_EQ(out.next(), "Processing 20 tasks across 4 threads...");
	EXPECT_EQ(out.next(), "");

	/* 20 lines, in any order between threads, in order within each. */
	std::set<std::pair<int, int>> seen;
	int last_task[4] = { -1, -1, -1, -1 };
	for (int i = 0; i < 20; i++) {
		const std::string &line = out.next();
		int thread = -1, task = -1, end = 0;

		ASSERT_EQ(sscanf(line.c_str(), "Thread %d completed task %d%n",
				 &thread, &task, &end),
			  2)
			<< line;
		ASSERT_EQ((size_t)end, line.size()) << line;
		ASSERT_TRUE(thread >= 0 && thread < 4 && task >= 0 && task < 5)
			<< line;
		EXPECT_TRUE(seen.insert({ thread, task }).second)
			<< "twice: " << line;
		EXPECT_EQ(task, last_task[thread] + 1) << line;
		last_task[thread] = task;
	}

	EXPECT_EQ(out.next(), "");
	EXPECT_EQ(out.next(), "Final statistics:");
	/* Five idle buffers and at most four out at once: every get hits. */
	EXPECT_EQ(out.next(), "Pool Statistics:");
	EXPECT_EQ(out.next(), "- Total gets: 20");
	EXPECT_EQ(out.next(), "- Hits: 20 (100.0%)");
	EXPECT_EQ(out.next(), "- Misses: 0 (0.0%)");
	EXPECT_EQ(out.next(), "- Hit rate: 100.0%");
	EXPECT_EQ(out.next(), "- Created: 5");
	EXPECT_EQ(out.next(), "- Destroyed (pool full): 0");
	EXPECT_EQ(out.next(), "- Failed gets: 0");
	int peak = -1;
	const std::string &peak_line = out.next();
	EXPECT_EQ(sscanf(peak_line.c_str(), "- Peak allocated: %d", &peak), 1)
		<< peak_line;
	EXPECT_TRUE(peak >= 1 && peak <= 4) << peak_line;
	EXPECT_EQ(out.next(), "- Current allocated: 0");
	/* The workers have exited: their caches went back to the depot. */
	EXPECT_EQ(out.next(), "- Available: 5 (0 in thread caches)");
	EXPECT_TRUE(out.done()) << "more lines: " << out.next();
}

} // namespace
