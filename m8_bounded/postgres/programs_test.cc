// The benchmark and the demo run, each with its own server, and print
// what they should.
#include <stdio.h>
#include <sys/wait.h>

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

// Runs @cmd; its standard output, and its exit status in *@status.
std::string run(const std::string &cmd, int *status)
{
	std::string out;
	FILE *p = popen(cmd.c_str(), "r");
	if (!p)
		return out;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		out.append(buf, n);
	int rc = pclose(p);
	*status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	return out;
}

TEST(Programs, BenchPrintsEveryRow)
{
	int status = -1;
	std::string out =
		run("m8_bounded/postgres/bench --tsv --seconds 0.2", &status);
	ASSERT_EQ(0, status) << out;
	std::istringstream lines(out);
	std::string mode, line;
	std::vector<std::string> modes;
	int threads;
	double rps;
	while (std::getline(lines, line)) {
		std::istringstream fields(line);
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
	int status = -1;
	std::string out = run("m8_bounded/postgres/demo", &status);
	ASSERT_EQ(0, status) << out;
	EXPECT_NE(std::string::npos, out.find("terminated backend")) << out;
	EXPECT_EQ(std::string::npos, out.find("failed")) << out;
	EXPECT_NE(std::string::npos, out.find("Pool Statistics:")) << out;
}

} // namespace
