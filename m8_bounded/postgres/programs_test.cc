// The benchmark and the demo run, each with its own server, and print
// what they should.
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/run_program.h"

namespace {

using objpool_test::lines_of;
using objpool_test::ProgramRun;
using objpool_test::run_program;

TEST(Programs, BenchPrintsEveryRow)
{
	ProgramRun run =
		run_program("m8_bounded/postgres/bench --tsv --seconds 0.2");
	const std::string &out = run.out;
	ASSERT_EQ(0, run.status) << out;
	std::vector<std::string> modes;
	for (const std::string &line : lines_of(out)) {
		std::istringstream fields(line);
		std::string mode;
		int threads;
		double rps;
		ASSERT_TRUE(fields >> mode >> threads >> rps) << line;
		EXPECT_GT(rps, 0) << line;
		modes.push_back(mode + "/" + std::to_string(threads));
	}
	EXPECT_EQ((std::vector<std::string>{
			  "connect/1", "pooled/1", "pooled_reset/1",
			  "pgbench_C/1", "pgbench/1", "connect/4", "pooled/4",
			  "pooled_reset/4", "pgbench_C/4", "pgbench/4" }),
		  modes);
}

TEST(Programs, DemoReports)
{
	ProgramRun run = run_program("m8_bounded/postgres/demo");
	const std::string &out = run.out;
	ASSERT_EQ(0, run.status) << out;
	EXPECT_NE(std::string::npos, out.find("terminated backend")) << out;
	EXPECT_EQ(std::string::npos, out.find("failed")) << out;
	EXPECT_NE(std::string::npos, out.find("Pool Statistics:")) << out;
}

} // namespace
