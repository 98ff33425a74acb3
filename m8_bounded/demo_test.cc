/* Runs the demo (//m8_bounded:demo) and checks its output: the report
 * with the waits of a burst through two connections and the max_total
 * recommendation, and a leak report that names the demo's line. Under
 * --config=asan or tsan the demo is built with the sanitizer too, and an
 * error report makes it exit non-zero. */
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

/* Run the demo binary from the test's runfiles.
 * Return: its stdout; its exit status in @status. */
std::string run_demo(int *status)
{
	FILE *out = popen("./m8_bounded/demo", "r");

	*status = -1;
	if (!out) {
		ADD_FAILURE() << "popen: " << strerror(errno);
		return "";
	}
	std::string text;
	char chunk[512];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), out)) > 0)
		text.append(chunk, n);
	int raw = pclose(out);
	*status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
	return text;
}

TEST(Demo, ReportsTheWaitsAndTheLeak)
{
	int status;
	std::string text = run_demo(&status);

	EXPECT_EQ(status, 0) << text;
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
