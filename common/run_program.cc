#include "common/run_program.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

namespace objpool_test {

ProgramRun run_program(const std::string &command)
{
	ProgramRun run;
	FILE *out = popen(command.c_str(), "r");

	if (!out) {
		ADD_FAILURE() << "popen " << command << ": " << strerror(errno);
		return run;
	}
	char chunk[4096];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), out)) > 0)
		run.out.append(chunk, n);
	int status = pclose(out);

	run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return run;
}

std::vector<std::string> lines_of(const std::string &text)
{
	std::vector<std::string> lines;
	std::istringstream split(text);

	for (std::string line; std::getline(split, line);)
		lines.push_back(line);
	return lines;
}

} // namespace objpool_test
