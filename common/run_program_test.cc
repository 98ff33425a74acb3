/* run_program and lines_of (common/run_program.h). */
#include "common/run_program.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using objpool_test::lines_of;
using objpool_test::ProgramRun;
using objpool_test::run_program;

TEST(RunProgram, CapturesOutputAndExitStatus)
{
	ProgramRun run = run_program("echo one; echo two; exit 3");

	EXPECT_EQ(3, run.status);
	EXPECT_EQ("one\ntwo\n", run.out);
}

TEST(RunProgram, StandardErrorOnlyWhenRedirected)
{
	EXPECT_EQ("", run_program("echo lost >&2").out);
	EXPECT_EQ("kept\n", run_program("{ echo kept >&2; } 2>&1").out);
}

TEST(RunProgram, OutputLargerThanOneRead)
{
	ProgramRun run = run_program("head -c 100000 /dev/zero");

	EXPECT_EQ(0, run.status);
	EXPECT_EQ(std::string(100000, '\0'), run.out);
}

TEST(RunProgram, KilledIsMinusOne)
{
	ProgramRun run = run_program("echo before; kill -KILL $$");

	EXPECT_EQ(-1, run.status);
	EXPECT_EQ("before\n", run.out);
}

TEST(RunProgram, NoSuchProgramIsTheShells127)
{
	ProgramRun run = run_program("./no/such/program 2>/dev/null");

	EXPECT_EQ(127, run.status);
	EXPECT_EQ("", run.out);
}

TEST(LinesOf, SplitsAtNewlines)
{
	EXPECT_EQ((std::vector<std::string>{}), lines_of(""));
	EXPECT_EQ((std::vector<std::string>{ "a", "", "b" }),
		  lines_of("a\n\nb\n"));
	EXPECT_EQ((std::vector<std::string>{ "a", "no newline" }),
		  lines_of("a\nno newline"));
}

} // namespace
