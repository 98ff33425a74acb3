/* The driver's machine-readable output and its chart, checked so that
 * their format cannot rot: runs //bench (from the test's runfiles) with a
 * fixed number of pairs and parses what it prints.
 *
 * --tsv is one line per row, no header, five tab-separated columns
 * (DESIGN.md, bench/README.md):
 *	object pool threads ns_per_pair instr_per_pair
 */
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "common/run_program.h"

namespace {

using objpool_test::ProgramRun;

/* Run the driver with @args; its standard error goes to the test log. */
ProgramRun run_bench(const std::string &args)
{
	return objpool_test::run_program("./bench/bench " + args);
}

/* @text split at @sep; an empty last piece is kept. */
std::vector<std::string> split(const std::string &text, char sep)
{
	std::vector<std::string> pieces;
	std::string piece;
	std::istringstream in(text);

	while (std::getline(in, piece, sep))
		pieces.push_back(piece);
	if (!text.empty() && text.back() == sep)
		pieces.push_back("");
	return pieces;
}

/* @text as a finite number > 0, or -1 when it is not one, whole. */
double positive(const std::string &text)
{
	char *end;
	double value = strtod(text.c_str(), &end);

	if (text.empty() || *end || !std::isfinite(value) || value <= 0)
		return -1;
	return value;
}

/* One --tsv line, parsed. */
struct TsvRow {
	std::string object, pool;
	int threads;
	double ns;
	std::string instr;
};

/* The rows of @out, checking each line's five columns as it goes. */
std::vector<TsvRow> parse_tsv(const std::string &out)
{
	std::vector<TsvRow> rows;

	EXPECT_FALSE(out.empty());
	EXPECT_EQ('\n', out.empty() ? '\n' : out.back())
		<< "the last line ends with a newline";
	for (const std::string &line : split(out, '\n')) {
		if (line.empty())
			continue;
		std::vector<std::string> col = split(line, '\t');

		if (col.size() != 5) {
			ADD_FAILURE()
				<< "not 5 tab-separated columns: " << line;
			continue;
		}
		TsvRow row{ col[0], col[1], atoi(col[2].c_str()),
			    positive(col[3]), col[4] };

		EXPECT_TRUE(row.object == "1KiB" || row.object == "1MiB")
			<< line;
		EXPECT_TRUE(row.pool == "malloc" ||
			    (row.pool.size() == 2 && row.pool[0] == 'm' &&
			     row.pool[1] >= '1' && row.pool[1] <= '8'))
			<< line;
		EXPECT_EQ(std::to_string(row.threads), col[2]) << line;
		EXPECT_GE(row.threads, 1) << line;
		EXPECT_GT(row.ns, 0) << "ns_per_pair: " << line;
		rows.push_back(row);
	}
	return rows;
}

/* The pools this build benchmarks, BENCH_POOLS from bench/BUILD. */
std::vector<std::string> built_pools()
{
	return split(BENCH_POOLS, ' ');
}

TEST(Tsv, OneLinePerRowFiveColumns)
{
	ProgramRun run = run_bench("--tsv --runs=1 --iterations=500");

	ASSERT_EQ(0, run.status);
	std::vector<TsvRow> rows = parse_tsv(run.out);
	std::set<std::tuple<std::string, std::string, int>> seen;

	for (const TsvRow &row : rows) {
		EXPECT_EQ("-", row.instr)
			<< "instr_per_pair without --callgrind";
		EXPECT_TRUE(seen.insert({ row.object, row.pool, row.threads })
				    .second)
			<< "two rows for " << row.object << " " << row.pool
			<< " " << row.threads;
	}
	/* Every pool built has its 1-thread row for both objects, and no
	 * other pool has any row. */
	std::vector<std::string> pools = built_pools();
	std::set<std::string> named(pools.begin(), pools.end());

	for (const std::string &pool : pools)
		for (const char *object : { "1KiB", "1MiB" })
			EXPECT_EQ(1u, seen.count({ object, pool, 1 }))
				<< object << " " << pool;
	for (const TsvRow &row : rows)
		EXPECT_EQ(1u, named.count(row.pool))
			<< "a row of a pool not built: " << row.pool;
	EXPECT_EQ(1u, seen.count({ "1KiB", "malloc", 2 }));
}

TEST(Tsv, NoHeaderAndNoTables)
{
	ProgramRun run = run_bench("--tsv --runs=1 --iterations=100");

	ASSERT_EQ(0, run.status);
	EXPECT_EQ(std::string::npos, run.out.find('|'))
		<< "a Markdown table in --tsv output";
	EXPECT_EQ(0, run.out.compare(0, 5, "1KiB\t"))
		<< "the first line is a row";
}

TEST(Tsv, BadOptionIsAnError)
{
	EXPECT_EQ(2, run_bench("--tsv=yes 2>/dev/null").status);
	EXPECT_EQ(2, run_bench("--plot 2>/dev/null").status);
}

/* --runs keeps every run's result: more than MAX_RUNS (bench.c) is a
 * usage error that names the limit, not a silent cut. */
TEST(Tsv, TooManyRunsIsAnError)
{
	ProgramRun run = run_bench("--tsv --runs=100 --iterations=1 2>&1");

	EXPECT_EQ(2, run.status) << run.out;
	EXPECT_NE(std::string::npos, run.out.find("--runs=100")) << run.out;
	EXPECT_NE(std::string::npos, run.out.find("99")) << run.out;
	EXPECT_EQ(2, run_bench("--runs=0 2>/dev/null").status);
}

/* Under callgrind, every 1-thread row gets its count; 2-thread rows, which
 * callgrind cannot run as they run (it serialises threads), keep "-". */
TEST(Callgrind, OneThreadRowsCountInstructions)
{
	ProgramRun run =
		run_bench("--tsv --callgrind --runs=1 --iterations=200");

	ASSERT_EQ(0, run.status);
	std::vector<TsvRow> rows = parse_tsv(run.out);

	ASSERT_FALSE(rows.empty());
	for (const TsvRow &row : rows) {
		if (row.threads == 1)
			EXPECT_GT(positive(row.instr), 0)
				<< row.object << " " << row.pool;
		else
			EXPECT_EQ("-", row.instr)
				<< row.object << " " << row.pool;
	}
}

TEST(Plot, WritesAPng)
{
	const char *tmp = getenv("TEST_TMPDIR");
	std::string file = std::string(tmp ? tmp : "/tmp") + "/chart.png";

	remove(file.c_str());
	ProgramRun run = run_bench("--runs=1 --iterations=100 --plot " + file);

	ASSERT_EQ(0, run.status);
	EXPECT_NE(std::string::npos, run.out.find("| m1 vec pool"))
		<< "the tables are printed too";
	FILE *png = fopen(file.c_str(), "rb");

	ASSERT_NE(nullptr, png) << file;
	unsigned char magic[8] = { 0 };
	size_t got = fread(magic, 1, sizeof(magic), png);

	fclose(png);
	ASSERT_EQ(sizeof(magic), got);
	EXPECT_EQ(0, memcmp(magic, "\x89PNG\r\n\x1a\n", sizeof(magic)));
}

} // namespace
