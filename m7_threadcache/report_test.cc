/* Milestone 7 tests: pool_stats_report, carried from milestone 6 with the
 * numbers a thread cache gives. Whole texts for known states, the
 * recommendation line (there exactly when it should be), and snprintf's
 * contract: measure with (NULL, 0), truncate with a NUL and return the
 * full length. */
#include "m7_threadcache/pool.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "m7_threadcache/pool_testing.h"

namespace {

using m7_test::get_n;
using m7_test::release_all;

/* The whole report, measured first as snprintf allows. */
std::string report(const pool_t *pool)
{
	int len = pool_stats_report(pool, nullptr, 0);

	EXPECT_GT(len, 0);
	if (len <= 0)
		return "";
	std::vector<char> buf((size_t)len + 1, 'X');
	EXPECT_EQ(pool_stats_report(pool, buf.data(), buf.size()), len);
	return std::string(buf.data());
}

class Report : public m7_test::StatsTest {
      protected:
	/* A pool of max_size 2 (so a cache of 2) that met everything: a
	 * factory failure, a preallocated object, six out at once; on return
	 * two stay in the cache, two are flushed to the depot, and the last
	 * two flushes find the depot full. */
	void build_busy_pool()
	{
		build(2);
		bufs.fail_after = 0;
		EXPECT_EQ(pool_get(pool).obj, nullptr);
		bufs.fail_after = -1;
		ASSERT_EQ(pool_preallocate(pool, 1), 0);
		std::vector<pool_guard_t> six = get_n(pool, 6);
		release_all(six);
	}
};

const char busy_report[] =
	"Pool Statistics:\n"
	"- Total gets: 7\n"
	"- Hits: 1 (14.3%)\n"
	"- Misses: 6 (85.7%)\n"
	"- Hit rate: 14.3%\n"
	"- Created: 6\n"
	"- Destroyed (pool full): 2\n"
	"- Failed gets: 1\n"
	"- Peak allocated: 6\n"
	"- Current allocated: 0\n"
	"- Available: 4 (2 in thread caches)\n"
	"- Recommendation: raise max_size from 2 to 6 (the peak); 2 objects "
	"were destroyed because the pool was full\n";

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
				"- Available: 5 (0 in thread caches)\n");
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

TEST_F(Report, RecommendationSaysObjectInTheSingular)
{
	build(1); /* a cache of 1: the third return finds cache and depot full */
	std::vector<pool_guard_t> three = get_n(pool, 3);
	release_all(three);
	std::string text = report(pool);

	EXPECT_NE(
		text.find("- Recommendation: raise max_size from 1 to 3 (the "
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
	std::vector<pool_guard_t> five = get_n(pool, 5);
	EXPECT_EQ(report(pool).find(recommendation), std::string::npos);
	release_all(five); /* cache 2, depot 2, one destroyed */
	EXPECT_NE(report(pool).find(recommendation), std::string::npos);
}

/* Destroyed, but the peak fits max_size: a preallocate filled the depot
 * while an object sat in a thread's cache, and the thread's exit found no
 * room for it. A bigger max_size would not have helped. */
TEST_F(Report, NoRecommendationWhenThePeakFits)
{
	build(2);
	std::thread([this] {
		pool_guard_t g = pool_get(pool);
		ASSERT_EQ(pool_preallocate(pool, 2), 0);
		pool_guard_release(&g); /* into this thread's cache */
	}).join();

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
 * return value is the full length. The sizes cross the recommendation
 * line, which is written by a second snprintf. */
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
		ASSERT_EQ(std::string(buf.data()),
			  std::string(busy_report, kept))
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

} // namespace
