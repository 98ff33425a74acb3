/* Runs the demo (//m8_bounded:demo) and checks its output: the report
 * with the waits of a burst through two connections and the max_total
 * recommendation, and a leak report that names the demo's line. Under
 * --config=asan or tsan the demo is built with the sanitizer too, and an
 * error report makes it exit non-zero. */
#include <gtest/gtest.h>

#include <string>

#include "common/run_program.h"

namespace {

using objpool_test::ProgramRun;
using objpool_test::run_program;

TEST(Demo, ReportsTheWaitsAndTheLeak)
{
	ProgramRun run = run_program("./m8_bounded/demo");
	const std::string &text = run.out;

	EXPECT_EQ(run.status, 0) << text;
	/* 1 get in main, 24 in the threads, all served. */
	EXPECT_NE(text.find("Pool Statistics:\n- Total gets: 25\n"),
		  std::string::npos)
		<< text;
	EXPECT_NE(text.find("- Failed gets: 0\n"), std::string::npos) << text;
	EXPECT_NE(text.find("- Total: 2 of 2\n"), std::string::npos) << text;
	EXPECT_NE(text.find("- Recommendation: raise max_total from 2 to "),
		  std::string::npos)
		<< text;
	EXPECT_EQ(text.find("a request gave up"), std::string::npos) << text;
	EXPECT_NE(text.find("Suspected leaks (out longer than 50.0 ms): 1\n"),
		  std::string::npos)
		<< text;
	EXPECT_NE(text.find(", taken at m8_bounded/demo.c:"), std::string::npos)
		<< text;
}

} // namespace
