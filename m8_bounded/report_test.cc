/* Milestone 8 tests: pool_stats_report, milestone 6's tests with the new
 * lines. Whole texts for known states, the two recommendation lines (there
 * exactly when they should be), and snprintf's contract: measure with
 * (NULL, 0), truncate with a NUL and return the full length. The average
 * of objects out depends on time: its digits are masked before texts are
 * compared. */
#include "m8_bounded/pool.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "m8_bounded/pool_testing.h"

namespace {

using m8_test::get_n;
using m8_test::release_all;

/* @text with the value of its "- Avg allocated: 1.5" line (three
 * characters while fewer than ten objects are out on average) as "#.#". */
std::string masked(std::string text)
{
	const std::string avg = "- Avg allocated: ";
	size_t at = text.find(avg);

	for (size_t i = at + avg.size();
	     at != std::string::npos && i < text.size() &&
	     i < at + avg.size() + 3;
	     i++)
		if (text[i] != '.')
			text[i] = '#';
	return text;
}

/* The whole report, measured first as snprintf allows, masked. */
std::string report(const pool_t *pool)
{
	int len = pool_stats_report(pool, nullptr, 0);

	EXPECT_GT(len, 0);
	if (len <= 0)
		return "";
	std::vector<char> buf((size_t)len + 1, 'X');
	EXPECT_EQ(pool_stats_report(pool, buf.data(), buf.size()), len);
	return masked(buf.data());
}

class Report : public m8_test::StatsTest {
      protected:
	/* A pool of max_size 2 and max_total 4 that met everything: a
	 * factory failure, a preallocated object, four out at once, a get
	 * that gave up, two destroyed on return. */
	void build_busy_pool()
	{
		config.max_total = 4;
		build(2);
		bufs.fail_after = 0;
		EXPECT_EQ(pool_get(pool).obj, nullptr);
		bufs.fail_after = -1;
		ASSERT_EQ(pool_preallocate(pool, 1), 0);
		std::vector<pool_guard_t> four = get_n(pool, 4);
		EXPECT_EQ(pool_try_get(pool).obj, nullptr);
		release_all(four);
	}
};

const char busy_report[] =
	"Pool Statistics:\n"
	"- Total gets: 6\n"
	"- Hits: 1 (16.7%)\n"
	"- Misses: 5 (83.3%)\n"
	"- Hit rate: 16.7%\n"
	"- Created: 4\n"
	"- Destroyed (pool full): 2\n"
	"- Failed gets: 2\n"
	"- Peak allocated: 4\n"
	"- Current allocated: 0\n"
	"- Available: 2\n"
	"- Avg allocated: #.#\n"
	"- Total: 2 of 4\n"
	"- Waits: 0 (avg 0.0 ms, max 0.0 ms)\n"
	"- Timeouts: 1\n"
	"- Waiting: 0 (peak 0)\n"
	"- Validation failures: 0\n"
	"- Discarded: 0\n"
	"- Evicted: 0 (lifetime), 0 (idle)\n"
	"- Suspected leaks: 0\n"
	"- Bad releases: 0\n"
	"- Recommendation: raise max_size from 2 to 4 (the peak); 2 objects "
	"were destroyed because the pool was full\n"
	"- Recommendation: raise max_total from 4 to 5; gets that gave up: 1, "
	"that waited: 0 of 6, most waiting at once: 0\n";

TEST_F(Report, WholeTextOfABusyPool)
{
	build_busy_pool();
	EXPECT_EQ(report(pool), busy_report);
}

/* The spec's "Initial state:" of its complete example, plus our lines. */
TEST_F(Report, WholeTextOfAFreshPool)
{
	build(10);
	ASSERT_EQ(pool_preallocate(pool, 5), 0);
	EXPECT_EQ(report(pool), "Pool Statistics:\n"
				"- Total gets: 0\n"
				"- Hits: 0 (0.0%)\n"
				"- Misses: 0 (0.0%)\n"
				"- Hit rate: 0.0%\n"
				"- Created: 5\n"
				"- Destroyed (pool full): 0\n"
				"- Failed gets: 0\n"
				"- Peak allocated: 0\n"
				"- Current allocated: 0\n"
				"- Available: 5\n"
				"- Avg allocated: #.#\n"
				"- Total: 5\n"
				"- Waits: 0 (avg 0.0 ms, max 0.0 ms)\n"
				"- Timeouts: 0\n"
				"- Waiting: 0 (peak 0)\n"
				"- Validation failures: 0\n"
				"- Discarded: 0\n"
				"- Evicted: 0 (lifetime), 0 (idle)\n"
				"- Suspected leaks: 0\n"
				"- Bad releases: 0\n");
}

TEST_F(Report, PercentagesRoundToOneDecimal)
{
	build(5);
	std::vector<pool_guard_t> two = get_n(pool, 2); /* two misses */
	release_all(two);
	std::vector<pool_guard_t> one = get_n(pool, 1); /* a hit */
	std::string text = report(pool);
	release_all(one);

	EXPECT_NE(text.find("- Hits: 1 (33.3%)\n"), std::string::npos) << text;
	EXPECT_NE(text.find("- Misses: 2 (66.7%)\n"), std::string::npos)
		<< text;
	EXPECT_NE(text.find("- Hit rate: 33.3%\n"), std::string::npos) << text;
	EXPECT_NE(text.find("- Current allocated: 1\n"), std::string::npos)
		<< text;
}

/* --- the recommendation -------------------------------------------------- */

const char recommendation[] = "- Recommendation:";
const char raise_max_total[] = "- Recommendation: raise max_total";

TEST_F(Report, RecommendationSaysObjectInTheSingular)
{
	build(1);
	std::vector<pool_guard_t> two = get_n(pool, 2);
	release_all(two);
	std::string text = report(pool);

	EXPECT_NE(
		text.find("- Recommendation: raise max_size from 1 to 2 (the "
			  "peak); 1 object was destroyed because the pool was "
			  "full\n"),
		std::string::npos)
		<< text;
}

TEST_F(Report, NoRecommendationWhileTheLoadFits)
{
	build(5);
	std::vector<pool_guard_t> five = get_n(pool, 5);
	release_all(five);
	EXPECT_EQ(pool_stats(pool).peak_allocated, 5u);
	EXPECT_EQ(report(pool).find(recommendation), std::string::npos);
}

/* Peak above max_size, but nothing destroyed yet: no advice until the pool
 * actually throws objects away. */
TEST_F(Report, NoRecommendationBeforeAnythingIsDestroyed)
{
	build(2);
	std::vector<pool_guard_t> three = get_n(pool, 3);
	EXPECT_EQ(report(pool).find(recommendation), std::string::npos);
	release_all(three);
	EXPECT_NE(report(pool).find(recommendation), std::string::npos);
}

/* Destroyed, but the peak fits max_size: a preallocate filled the pool
 * while an object was out. A bigger max_size would not have helped. */
TEST_F(Report, NoRecommendationWhenThePeakFits)
{
	build(2);
	pool_guard_t g = pool_get(pool);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	pool_guard_release(&g);

	pool_stats_t stats = pool_stats(pool);
	ASSERT_EQ(stats.destroyed_count, 1u);
	ASSERT_EQ(stats.peak_allocated, 1u);
	EXPECT_EQ(report(pool).find(recommendation), std::string::npos);
}

/* --- snprintf semantics -------------------------------------------------- */

TEST_F(Report, NullBufferOfSizeZeroMeasures)
{
	build_busy_pool();
	EXPECT_EQ(pool_stats_report(pool, nullptr, 0),
		  (int)strlen(busy_report));
}

TEST_F(Report, SizeZeroWritesNothing)
{
	build_busy_pool();
	char buf[1] = { 'X' };
	EXPECT_EQ(pool_stats_report(pool, buf, 0), (int)strlen(busy_report));
	EXPECT_EQ(buf[0], 'X');
}

/* Every size, from 1 byte to more than enough: the NUL is always there,
 * the text is the report's prefix, nothing past @size is touched, and the
 * return value is the full length. The sizes cross every line, each of
 * the report's appends included. */
TEST_F(Report, TruncatesLikeSnprintfAtEverySize)
{
	build_busy_pool();
	const size_t len = strlen(busy_report);
	const size_t slack = 8;

	for (size_t size = 1; size <= len + slack; size++) {
		std::vector<char> buf(len + 2 * slack, 'X');
		ASSERT_EQ(pool_stats_report(pool, buf.data(), size), (int)len)
			<< "size " << size;
		size_t kept = size - 1 < len ? size - 1 : len;
		ASSERT_EQ(buf[kept], '\0') << "size " << size;
		ASSERT_EQ(masked(buf.data()), std::string(busy_report, kept))
			<< "size " << size;
		for (size_t i = size; i < buf.size(); i++)
			ASSERT_EQ(buf[i], 'X')
				<< "size " << size << ", byte " << i;
	}
}

TEST(ReportBadInput, NullPool)
{
	char buf[64];

	EXPECT_EQ(pool_stats_report(nullptr, buf, sizeof(buf)), -EINVAL);
	EXPECT_EQ(pool_stats_report(nullptr, nullptr, 0), -EINVAL);
}

TEST_F(Report, NullBufferWithASize)
{
	build(1);
	EXPECT_EQ(pool_stats_report(pool, nullptr, 16), -EINVAL);
}

/* --- milestone 8's lines --------------------------------------------------- */

TEST_F(Report, WaitsAndTheirTimes)
{
	config.max_total = 1;
	build(0);
	pool_guard_t held = pool_get(pool);
	std::thread waiter([this] {
		POOL_GUARD(g, pool);
		EXPECT_NE(g.obj, nullptr);
	});
	m8_test::await_waits(pool, 1);
	m8_test::sleep_ns(2000000); /* a wait of at least 2 ms */
	pool_guard_release(&held);
	waiter.join();

	std::string text = report(pool);
	pool_stats_t s = pool_stats(pool);
	char line[128];
	snprintf(line, sizeof(line), "- Waits: 1 (avg %.1f ms, max %.1f ms)\n",
		 (double)s.wait_ns_total / 1e6, (double)s.wait_ns_max / 1e6);
	EXPECT_NE(text.find(line), std::string::npos) << text;
	EXPECT_GE(s.wait_ns_max, 2000000u);
	EXPECT_NE(text.find("- Waiting: 0 (peak 1)\n"), std::string::npos)
		<< text;
	/* One get in two waited: max_total is too small, by one. */
	EXPECT_NE(text.find("- Recommendation: raise max_total from 1 to 2; "
			    "gets that "
			    "gave up: 0, that waited: 1 of 2, most waiting at "
			    "once: 1\n"),
		  std::string::npos)
		<< text;
}

TEST_F(Report, NoMaxTotalRecommendationWhenFewGetsWait)
{
	config.max_total = 1;
	build(0);
	pool_guard_t held = pool_get(pool);
	std::thread waiter([this] { POOL_GUARD(g, pool); });
	m8_test::await_waits(pool, 1);
	pool_guard_release(&held);
	waiter.join();
	for (int i = 0; i < 8;
	     i++) { /* 1 wait in 10 gets: not more than that */
		POOL_GUARD(g, pool);
	}
	EXPECT_EQ(pool_stats(pool).gets, 10u);
	EXPECT_EQ(report(pool).find(raise_max_total), std::string::npos);
	POOL_GUARD(g, pool); /* 1 in 11 */
	EXPECT_EQ(report(pool).find(raise_max_total), std::string::npos);
}

TEST_F(Report, NoMaxTotalRecommendationWithoutABound)
{
	build(1);
	std::vector<pool_guard_t> many = get_n(pool, 3);
	release_all(many);
	EXPECT_EQ(report(pool).find(raise_max_total), std::string::npos);
}

TEST_F(Report, HealthLines)
{
	config.max_total = 3;
	config.leak_threshold_ns = 1;
	build(0);
	pool_guard_t a = pool_get(pool);
	pool_guard_t b = pool_get(pool);
	pool_guard_t stale = b;
	pool_guard_discard(&b);
	pool_guard_release(&stale);
	m8_test::sleep_ns(
		10000000); /* past the 1 ns threshold by ticks of the coarse clock */

	std::string text = report(pool);
	EXPECT_NE(text.find("- Total: 1 of 3\n"), std::string::npos) << text;
	EXPECT_NE(text.find("- Discarded: 1\n"), std::string::npos) << text;
	EXPECT_NE(text.find("- Suspected leaks: 1\n"), std::string::npos)
		<< text;
	EXPECT_NE(text.find("- Bad releases: 1\n"), std::string::npos) << text;
	pool_guard_release(&a);
}

} // namespace
