/* Run a program and capture what it prints (C++, test-only): for the
 * tests that check the output of a demo, a benchmark or another binary
 * they list as data.
 *
 *	objpool_test::ProgramRun run =
 *		objpool_test::run_program("./m6_stats/demo");
 *	ASSERT_EQ(0, run.status) << run.out;
 *
 * The command is run by /bin/sh (popen), from the test's working
 * directory, the root of its runfiles: "./pkg/binary args" names a data
 * dependency, and redirections work ("2>&1" to capture standard error
 * too, "2>/dev/null" to drop it). Standard error not redirected goes to
 * the test log.
 */
#ifndef OBJPOOL_COMMON_RUN_PROGRAM_H
#define OBJPOOL_COMMON_RUN_PROGRAM_H

#include <string>
#include <vector>

namespace objpool_test {

/* What one run of a program did. */
struct ProgramRun {
	int status = -1; /* its exit status (the shell's 127: no such
			    command); -1: killed by a signal, or popen
			    failed */
	std::string out; /* its standard output */
};

/* run_program - run @command with /bin/sh, read its standard output to
 * the end and wait for it to exit.
 * Return: its exit status and output. When the command cannot be started
 * (popen fails) the test fails too, and status is -1. */
ProgramRun run_program(const std::string &command);

/* lines_of - the lines of @text, without their '\n'; a last line without
 * one counts. */
std::vector<std::string> lines_of(const std::string &text);

} // namespace objpool_test

#endif
