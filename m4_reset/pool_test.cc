/* Milestone 4 tests. The Checkpoint suite ports the spec's checkpoint
 * tests one for one (test_buffer_reset -> Checkpoint.BufferReset);
 * SecretPassword is the spec's "real-world bug" that motivates the
 * milestone. The other suites go beyond the spec: when the reset runs and
 * when it does not, the configuration's defaults and copy, bad input,
 * allocation and factory failure. StrMap tests the hash table that
 * ComplexReset pools. */
#include "m4_reset/pool.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "common/mem_testing.h"
#include "common/test_buffers.h"
#include "m4_reset/testing/map_pool.h"
#include "m4_reset/testing/strmap.h"

namespace {

using objpool_test::ByteBuffers;
using objpool_test::Bytes;
using objpool_test::bytes;

/* Each test builds its pool with the configuration it needs; the pool is
 * dropped at the end, and then every buffer the factory made must have
 * been destroyed. */
class PoolTest : public ::testing::Test {
      protected:
	/* A pool of bufs' counted byte buffers. */
	void build(pool_reset_fn reset, size_t max_size)
	{
		pool_config_t config = {
			.factory = ByteBuffers::make,
			.reset = reset,
			.destroy = ByteBuffers::destroy,
			.ctx = &bufs,
			.max_size = max_size,
		};
		build(config);
	}

	void build(const pool_config_t &config)
	{
		pool = pool_build(&config);
		/* End the test here: an ASSERT would end build() only, and the
		 * test would go on with a NULL pool (the starter code's state). */
		if (!pool)
			throw std::runtime_error(std::string("pool_build: ") +
						 std::strerror(errno));
	}

	void TearDown() override
	{
		mem_fail_next(0);
		pool_unref(pool);
		EXPECT_EQ(bufs.alive(), 0) << "buffers leaked";
	}

	ByteBuffers bufs; /* vec![0u8; 1024] unless a test says otherwise */
	pool_t *pool = nullptr;
};

void append(void *buf, const char *text)
{
	bytes(buf).insert(bytes(buf).end(), text, text + std::strlen(text));
}

std::string text(void *buf)
{
	return std::string(bytes(buf).begin(), bytes(buf).end());
}

/* --- checkpoint tests ---------------------------------------------------- */

using Checkpoint = PoolTest;

TEST_F(Checkpoint, BufferReset)
{
	bufs.len = 0;
	bufs.capacity = 1024; /* Vec::with_capacity(1024) */
	build(ByteBuffers::clear, 5);

	{
		POOL_GUARD(buf, pool);
		ASSERT_NE(buf.obj, nullptr);
		append(buf.obj, "test data");
		EXPECT_EQ(bytes(buf.obj).size(), 9u);
	}
	{
		POOL_GUARD(buf, pool);
		ASSERT_NE(buf.obj, nullptr);
		/* Reset to empty, but its capacity kept. */
		EXPECT_EQ(bytes(buf.obj).size(), 0u);
		EXPECT_EQ(bytes(buf.obj).capacity(), 1024u);
	}
	EXPECT_EQ(bufs.made, 1); /* the same buffer both times */
}

/* The spec's Connection, as a C program would write it. */
struct Connection {
	size_t id;		 /* 0: the factory does not number them */
	bool is_authenticated;	 /* a user logged in on it */
	bool transaction_active; /* a transaction is open */
};

/* Counts what the Connection callbacks did; the pool's ctx. */
struct Connections {
	int made = 0;
	int destroyed = 0;
};

void *connection_open(void *ctx)
{
	auto *conn =
		static_cast<Connection *>(std::calloc(1, sizeof(Connection)));

	if (conn)
		static_cast<Connections *>(ctx)->made++;
	return conn;
}

void connection_reset(void *obj, void *)
{
	auto *conn = static_cast<Connection *>(obj);

	conn->is_authenticated = false;
	conn->transaction_active = false;
}

void connection_close(void *obj, void *ctx)
{
	std::free(obj);
	static_cast<Connections *>(ctx)->destroyed++;
}

TEST_F(Checkpoint, ConnectionReset)
{
	Connections conns;
	build({
		.factory = connection_open,
		.reset = connection_reset,
		.destroy = connection_close,
		.ctx = &conns,
		.max_size = 3,
	});

	{
		POOL_GUARD(g, pool);
		ASSERT_NE(g.obj, nullptr);
		auto *conn = static_cast<Connection *>(g.obj);
		conn->is_authenticated = true;
		conn->transaction_active = true;
	}
	{
		POOL_GUARD(g, pool);
		ASSERT_NE(g.obj, nullptr);
		auto *conn = static_cast<Connection *>(g.obj);
		EXPECT_FALSE(conn->is_authenticated);
		EXPECT_FALSE(conn->transaction_active);
	}
	EXPECT_EQ(conns.made, 1);
	pool_unref(pool);
	pool = nullptr;
	EXPECT_EQ(conns.destroyed, 1);
}

TEST_F(Checkpoint, NoReset)
{
	bufs.len = 10;
	build(nullptr, 5); /* no reset hook */

	{
		POOL_GUARD(buf, pool);
		ASSERT_NE(buf.obj, nullptr);
		bytes(buf.obj)[0] = 42;
	}
	{
		POOL_GUARD(buf, pool);
		ASSERT_NE(buf.obj, nullptr);
		EXPECT_EQ(bytes(buf.obj)[0], 42); /* state preserved */
	}
}

/* Factory and reset of the rebuild strategy: every buffer starts as
 * {1, 2, 3}, and the reset puts it back in that state. */
const Bytes initial = { 1, 2, 3 };

void *make_initial(void *ctx)
{
	void *obj = ByteBuffers::make(ctx);

	if (obj)
		bytes(obj) = initial;
	return obj;
}

void rebuild(void *obj, void *ctx)
{
	ByteBuffers::clear(obj, ctx); /* counts the reset */
	bytes(obj).insert(bytes(obj).end(), initial.begin(), initial.end());
}

TEST_F(Checkpoint, RebuildReset)
{
	build({
		.factory = make_initial,
		.reset = rebuild,
		.destroy = ByteBuffers::destroy,
		.ctx = &bufs,
		.max_size = 2,
	});

	{
		POOL_GUARD(v, pool);
		ASSERT_NE(v.obj, nullptr);
		bytes(v.obj).clear();
		bytes(v.obj).push_back(99);
	}
	{
		POOL_GUARD(v, pool);
		ASSERT_NE(v.obj, nullptr);
		EXPECT_EQ(bytes(v.obj), initial); /* reset */
	}
	EXPECT_EQ(bufs.made, 1);
	EXPECT_EQ(bufs.resets, 2); /* each return */
}

TEST_F(Checkpoint, ComplexReset)
{
	/* HashMap::with_capacity(100), reset by clear. */
	pool = map_pool_build(3);
	ASSERT_NE(pool, nullptr);

	{
		POOL_GUARD(map, pool);
		ASSERT_NE(map.obj, nullptr);
		auto *m = static_cast<strmap_t *>(map.obj);
		ASSERT_EQ(strmap_put(m, "key", 42), 0);
		EXPECT_EQ(strmap_len(m), 1u);
	}
	{
		POOL_GUARD(map, pool);
		ASSERT_NE(map.obj, nullptr);
		auto *m = static_cast<strmap_t *>(map.obj);
		int value;
		EXPECT_EQ(strmap_len(m), 0u);
		EXPECT_GE(strmap_capacity(m), 100u);
		EXPECT_FALSE(strmap_get(m, "key", &value));
	}
	EXPECT_EQ(pool_created_count(pool), 1u);
}

TEST_F(Checkpoint, ResetCalledOnReturn)
{
	bufs.len = 10;
	build(ByteBuffers::clear, 2); /* counts its calls in bufs.resets */

	{
		POOL_GUARD(obj, pool);
	} /* reset called here */
	EXPECT_EQ(bufs.resets, 1);

	{
		POOL_GUARD(obj, pool);
	}
	EXPECT_EQ(bufs.resets, 2);
}

/* --- the spec's "real-world bug" ------------------------------------------ */

/* One user writes a secret into a buffer and gives it back; what does the
 * next user of the pool find in it? */
class SecretPassword : public PoolTest {
      protected:
	std::string next_user_sees(pool_reset_fn reset)
	{
		bufs.len = 0; /* Vec::new() */
		build(reset, 10);
		{
			POOL_GUARD(buf, pool);
			append(buf.obj, "secret password");
		}
		POOL_GUARD(buf, pool);
		EXPECT_EQ(bufs.made, 1) << "not the same buffer";
		return text(buf.obj);
	}
};

TEST_F(SecretPassword, WithoutResetTheNextUserSeesIt)
{
	EXPECT_EQ(next_user_sees(nullptr), "secret password");
}

TEST_F(SecretPassword, ResetHidesIt)
{
	EXPECT_EQ(next_user_sees(ByteBuffers::clear), "");
}

/* --- when the reset runs -------------------------------------------------- */

using ResetHook = PoolTest;

TEST_F(ResetHook, NotOnObjectsAboutToBeDestroyed)
{
	build(ByteBuffers::clear, 1);
	pool_guard_t a = pool_get(pool);
	pool_guard_t b = pool_get(pool);
	void *kept = a.obj;
	append(b.obj, "x");

	pool_guard_release(&a); /* idle: 1 = max_size */
	EXPECT_EQ(bufs.resets, 1);
	pool_guard_release(&b); /* no room: destroyed as it is */
	EXPECT_EQ(bufs.resets, 1);
	EXPECT_EQ(bufs.destroyed, 1);
	EXPECT_EQ(pool_available(pool), 1u);

	POOL_GUARD(again, pool);
	EXPECT_EQ(again.obj, kept);
}

TEST_F(ResetHook, NotOnTakenObjects)
{
	bufs.len = 0;
	build(ByteBuffers::clear, 5);
	pool_guard_t g = pool_get(pool);
	append(g.obj, "mine");

	void *obj = pool_guard_take(&g);
	EXPECT_EQ(bufs.resets, 0);
	EXPECT_EQ(text(obj), "mine"); /* as the user left it */
	ByteBuffers::destroy(obj, &bufs);
}

TEST_F(ResetHook, NotAtPreallocate)
{
	build(ByteBuffers::clear, 5);
	ASSERT_EQ(pool_preallocate(pool, 3), 0);
	EXPECT_EQ(bufs.made, 3);
	EXPECT_EQ(bufs.resets, 0);
}

TEST_F(ResetHook, NotWhenThePoolIsFreed)
{
	build(ByteBuffers::clear, 5);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	pool_unref(pool);
	pool = nullptr;
	EXPECT_EQ(bufs.destroyed, 2);
	EXPECT_EQ(bufs.resets, 0);
}

TEST_F(ResetHook, OncePerReturn)
{
	build(ByteBuffers::clear, 5);
	pool_guard_t g = pool_get(pool);
	pool_guard_release(&g);
	pool_guard_release(&g); /* empty now: nothing happens */
	EXPECT_EQ(bufs.resets, 1);
	EXPECT_EQ(pool_available(pool), 1u);
}

TEST_F(ResetHook, OnlyTheReturnedObject)
{
	bufs.len = 0;
	build(ByteBuffers::clear, 5);
	POOL_GUARD(held, pool);
	append(held.obj, "held");
	{
		POOL_GUARD(other, pool);
	}
	EXPECT_EQ(bufs.resets, 1);
	EXPECT_EQ(text(held.obj), "held");
}

/* --- the configuration ---------------------------------------------------- */

using Config = PoolTest;

TEST_F(Config, ZeroMaxSizeMeansTheDefault)
{
	static_assert(POOL_DEFAULT_MAX_SIZE == 100,
		      "the spec's builder default");
	build(ByteBuffers::clear, 0);

	pool_guard_t out[POOL_DEFAULT_MAX_SIZE + 1];
	for (pool_guard_t &g : out)
		ASSERT_NE((g = pool_get(pool)).obj, nullptr);
	EXPECT_EQ(pool_created_count(pool), 101u);

	for (pool_guard_t &g : out)
		pool_guard_release(&g);
	EXPECT_EQ(pool_available(pool), 100u); /* 100 kept */
	EXPECT_EQ(bufs.destroyed, 1);	       /* the 101st destroyed */
	EXPECT_EQ(bufs.resets, 100);	       /* without a reset */
}

TEST_F(Config, IsCopied)
{
	pool_config_t config = {
		.factory = ByteBuffers::make,
		.reset = ByteBuffers::clear,
		.destroy = ByteBuffers::destroy,
		.ctx = &bufs,
		.max_size = 2,
	};
	build(config);
	/* Changing the caller's struct afterwards changes nothing. */
	config = pool_config_t{ nullptr, nullptr, nullptr, nullptr, 1 };

	pool_guard_t a = pool_get(pool);
	pool_guard_t b = pool_get(pool);
	pool_guard_release(&a);
	pool_guard_release(&b);
	EXPECT_EQ(bufs.made, 2);	     /* same factory and ctx */
	EXPECT_EQ(bufs.resets, 2);	     /* same reset */
	EXPECT_EQ(pool_available(pool), 2u); /* same max_size */
}

/* map_pool_build passes pool_build a compound literal that is dead once it
 * returns (under ASan, with detect_stack_use_after_return, any later read
 * of it is an error). */
TEST_F(Config, TemporaryCompoundLiteral)
{
	pool = map_pool_build(0);
	ASSERT_NE(pool, nullptr);
	pool_guard_t maps[3];
	for (pool_guard_t &g : maps)
		ASSERT_EQ(strmap_put(static_cast<strmap_t *>(
					     (g = pool_get(pool)).obj),
				     "k", 1),
			  0);
	for (pool_guard_t &g : maps)
		pool_guard_release(&g);
	EXPECT_EQ(pool_available(pool), 3u);

	POOL_GUARD(map, pool);
	EXPECT_EQ(strmap_len(static_cast<strmap_t *>(map.obj)), 0u);
}

TEST(ConfigDefaults, NoDestroyNoReset)
{
	static int objects[2];
	static int next;
	next = 0;
	pool_config_t config = {};
	config.factory = [](void *) -> void * { return &objects[next++]; };
	pool_t *pool = pool_build(&config);
	ASSERT_NE(pool, nullptr);
	{
		POOL_GUARD(a, pool);
		POOL_GUARD(b, pool);
		*static_cast<int *>(a.obj) = 7;
	}
	EXPECT_EQ(pool_available(pool), 2u);
	EXPECT_EQ(objects[0], 7); /* not reset */
	pool_unref(pool);	  /* static objects: nothing to destroy */
}

/* --- bad input ------------------------------------------------------------ */

TEST(BadInput, NoConfig)
{
	errno = 0;
	EXPECT_EQ(pool_build(nullptr), nullptr);
	EXPECT_EQ(errno, EINVAL);
}

TEST(BadInput, NoFactory)
{
	ByteBuffers bufs;
	pool_config_t config = {
		.factory = nullptr,
		.reset = ByteBuffers::clear,
		.destroy = ByteBuffers::destroy,
		.ctx = &bufs,
		.max_size = 5,
	};
	errno = 0;
	EXPECT_EQ(pool_build(&config), nullptr);
	EXPECT_EQ(errno, EINVAL);
}

TEST(BadInput, NullPool)
{
	errno = 0;
	pool_guard_t g = pool_get(nullptr);
	EXPECT_EQ(g.obj, nullptr);
	EXPECT_EQ(g.pool, nullptr);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(pool_preallocate(nullptr, 1), -EINVAL);
	EXPECT_EQ(pool_ref(nullptr), nullptr);
	pool_unref(nullptr);
	EXPECT_EQ(pool_available(nullptr), 0u);
	EXPECT_EQ(pool_allocated(nullptr), 0u);
	EXPECT_EQ(pool_created_count(nullptr), 0u);
	EXPECT_EQ(pool_len(nullptr), 0u);
}

TEST(BadInput, NullAndEmptyGuards)
{
	pool_guard_t empty = { nullptr, nullptr };
	pool_guard_release(nullptr);
	pool_guard_release(&empty);
	EXPECT_EQ(pool_guard_take(nullptr), nullptr);
	EXPECT_EQ(pool_guard_take(&empty), nullptr);
}

TEST_F(PoolTest, SuccessLeavesErrnoAlone)
{
	build(ByteBuffers::clear, 2);
	errno = EBADF;
	ASSERT_EQ(pool_preallocate(pool, 1), 0);
	{
		POOL_GUARD(hit, pool);
		POOL_GUARD(miss, pool); /* made by the factory */
		EXPECT_NE(miss.obj, nullptr);
	}
	EXPECT_EQ(errno, EBADF);
}

TEST_F(PoolTest, PreallocateBeyondMaxSize)
{
	build(ByteBuffers::clear, 3);
	ASSERT_EQ(pool_preallocate(pool, 2), 0);
	EXPECT_EQ(pool_preallocate(pool, 2), -ENOSPC);
	EXPECT_EQ(bufs.made, 2);
	EXPECT_EQ(pool_preallocate(pool, 1), 0);
	EXPECT_EQ(pool_available(pool), 3u);
}

/* SIZE_MAX places do not fit in memory's address range (issue 14). */
TEST_F(PoolTest, PreallocateBeyondAddressSpaceOverflows)
{
	build(ByteBuffers::clear, SIZE_MAX);
	EXPECT_EQ(pool_preallocate(pool, SIZE_MAX), -EOVERFLOW);
	EXPECT_EQ(bufs.made, 0);
	EXPECT_EQ(pool_available(pool), 0u);
}

/* --- allocation and factory failure --------------------------------------- */

TEST(OutOfMemory, BuildFails)
{
	ByteBuffers bufs;
	pool_config_t config = {
		.factory = ByteBuffers::make,
		.reset = nullptr,
		.destroy = nullptr,
		.ctx = &bufs,
		.max_size = 0,
	};
	mem_fail_next(1);
	errno = 0;
	EXPECT_EQ(pool_build(&config), nullptr);
	EXPECT_EQ(errno, ENOMEM);
	mem_fail_next(0);
	EXPECT_EQ(bufs.made, 0);
}

/* A miss reserves the object's place in the idle list before it calls the
 * factory: without memory, nothing is made and nothing counted. */
TEST_F(PoolTest, GetOutOfMemoryMakesNothing)
{
	build(ByteBuffers::clear, 5);
	mem_fail_next(1);
	errno = 0;
	pool_guard_t g = pool_get(pool);
	EXPECT_EQ(g.obj, nullptr);
	EXPECT_EQ(errno, ENOMEM);
	EXPECT_EQ(bufs.made, 0);
	EXPECT_EQ(pool_created_count(pool), 0u);
	EXPECT_EQ(pool_allocated(pool), 0u);

	g = pool_get(pool); /* works once memory is back */
	EXPECT_NE(g.obj, nullptr);
	pool_guard_release(&g);
}

TEST_F(PoolTest, PreallocateOutOfMemoryMakesNothing)
{
	build(ByteBuffers::clear, 5);
	mem_fail_next(1);
	EXPECT_EQ(pool_preallocate(pool, 5), -ENOMEM);
	EXPECT_EQ(bufs.made, 0);
	EXPECT_EQ(pool_available(pool), 0u);
}

TEST_F(PoolTest, ReleaseNeverAllocates)
{
	build(ByteBuffers::clear, 0);
	pool_guard_t out[20];
	for (pool_guard_t &g : out)
		ASSERT_NE((g = pool_get(pool)).obj, nullptr);

	mem_fail_next(1000);
	for (pool_guard_t &g : out)
		pool_guard_release(&g);
	EXPECT_EQ(mem_fail_pending(), 1000u);
	EXPECT_EQ(pool_available(pool), 20u);
	EXPECT_EQ(bufs.resets, 20);
}

/* A reset that, once armed, calls back into its own pool (pool.h forbids
 * it) and keeps the guard it got. */
struct ReentrantReset {
	ByteBuffers *bufs;
	pool_t *pool = nullptr;
	bool armed = false;
	pool_guard_t inner = { nullptr, nullptr };

	static void reset(void *obj, void *ctx)
	{
		auto *self = static_cast<ReentrantReset *>(ctx);
		if (self->armed) {
			self->armed = false;
			self->inner = pool_get(self->pool);
		}
		ByteBuffers::clear(obj, self->bufs);
	}
	static void *make(void *ctx)
	{
		return ByteBuffers::make(
			static_cast<ReentrantReset *>(ctx)->bufs);
	}
	static void destroy(void *obj, void *ctx)
	{
		ByteBuffers::destroy(obj,
				     static_cast<ReentrantReset *>(ctx)->bufs);
	}
};

/* Re-entry leaves one object without a reserved place; a release out of
 * memory must then destroy it, not lose it (issue 14). */
TEST_F(PoolTest, ReentrantResetLosesNothing)
{
	ReentrantReset hooks{ &bufs };
	build({ .factory = ReentrantReset::make,
		.reset = ReentrantReset::reset,
		.destroy = ReentrantReset::destroy,
		.ctx = &hooks,
		.max_size = 100 });
	hooks.pool = pool;
	pool_guard_t out[9];
	for (size_t i = 0; i < 8; i++)
		ASSERT_NE((out[i] = pool_get(pool)).obj, nullptr);
	hooks.armed = true;
	pool_guard_release(&out[0]);
	out[8] = hooks.inner;

	mem_fail_next(1000);
	for (pool_guard_t &g : out)
		pool_guard_release(&g);
	mem_fail_next(0);
	EXPECT_EQ(pool_available(pool) + bufs.destroyed, (size_t)bufs.made);
	pool_unref(pool); /* while the callbacks' ctx lives */
	pool = nullptr;
}

TEST_F(PoolTest, FactoryErrnoIsReported)
{
	bufs.fail_after = 0;
	bufs.fail_errno = ECONNREFUSED;
	build(ByteBuffers::clear, 5);
	errno = 0;
	EXPECT_EQ(pool_get(pool).obj, nullptr);
	EXPECT_EQ(errno, ECONNREFUSED);
	EXPECT_EQ(pool_created_count(pool), 0u);
	EXPECT_EQ(pool_allocated(pool), 0u);
}

TEST_F(PoolTest, FactoryFailureWithoutErrnoIsENOMEM)
{
	bufs.fail_after = 0;
	build(ByteBuffers::clear, 5);
	errno = 0;
	EXPECT_EQ(pool_get(pool).obj, nullptr);
	EXPECT_EQ(errno, ENOMEM);
}

TEST_F(PoolTest, PreallocateFactoryFailureKeepsWhatWasMade)
{
	bufs.fail_after = 2;
	build(ByteBuffers::clear, 5);
	EXPECT_EQ(pool_preallocate(pool, 4), -ENOMEM);
	EXPECT_EQ(pool_available(pool), 2u);
	EXPECT_EQ(pool_created_count(pool), 2u);
}

/* --- lifetime (milestone 3's rules still hold) ---------------------------- */

TEST_F(PoolTest, GuardKeepsThePoolAlive)
{
	build(ByteBuffers::clear, 5);
	pool_guard_t g = pool_get(pool);
	pool_unref(pool); /* the owner lets go first */
	pool = nullptr;
	EXPECT_EQ(bufs.destroyed, 0);
	pool_guard_release(&g); /* the last reference: frees the pool */
	EXPECT_EQ(bufs.destroyed, 1);
}

TEST_F(PoolTest, CountersFollowTheObjects)
{
	build(ByteBuffers::clear, 5);
	pool_guard_t a = pool_get(pool);
	pool_guard_t b = pool_get(pool);
	EXPECT_EQ(pool_allocated(pool), 2u);
	EXPECT_EQ(pool_available(pool), 0u);
	pool_guard_release(&a);
	EXPECT_EQ(pool_allocated(pool), 1u);
	EXPECT_EQ(pool_len(pool), 1u);
	EXPECT_EQ(pool_created_count(pool), 2u);
	pool_guard_release(&b);
}

/* --- the hash table ComplexReset pools ------------------------------------ */

struct MapDeleter {
	void operator()(strmap_t *m) const { strmap_free(m); }
};
using Map = std::unique_ptr<strmap_t, MapDeleter>;

TEST(StrMap, PutGetReplace)
{
	Map m(strmap_new(4));
	ASSERT_NE(m, nullptr);
	int v = 0;
	EXPECT_FALSE(strmap_get(m.get(), "a", &v));
	ASSERT_EQ(strmap_put(m.get(), "a", 1), 0);
	ASSERT_EQ(strmap_put(m.get(), "b", 2), 0);
	ASSERT_EQ(strmap_put(m.get(), "a", 3), 0);
	EXPECT_EQ(strmap_len(m.get()), 2u);
	EXPECT_TRUE(strmap_get(m.get(), "a", &v));
	EXPECT_EQ(v, 3);
	EXPECT_TRUE(strmap_get(m.get(), "b", &v));
	EXPECT_EQ(v, 2);
}

TEST(StrMap, GrowsBeyondItsCapacity)
{
	Map m(strmap_new(0));
	ASSERT_NE(m, nullptr);
	size_t first = strmap_capacity(m.get());
	for (int i = 0; i < 1000; i++)
		ASSERT_EQ(strmap_put(m.get(), std::to_string(i).c_str(), i), 0);
	EXPECT_EQ(strmap_len(m.get()), 1000u);
	EXPECT_GE(strmap_capacity(m.get()), 1000u);
	EXPECT_GT(strmap_capacity(m.get()), first);
	for (int i = 0, v; i < 1000; i++) {
		ASSERT_TRUE(strmap_get(m.get(), std::to_string(i).c_str(), &v));
		EXPECT_EQ(v, i);
	}
}

TEST(StrMap, ClearKeepsTheCapacity)
{
	Map m(strmap_new(100));
	ASSERT_NE(m, nullptr);
	size_t capacity = strmap_capacity(m.get());
	EXPECT_GE(capacity, 100u);
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(strmap_put(m.get(), std::to_string(i).c_str(), i), 0);
	EXPECT_EQ(strmap_capacity(m.get()), capacity); /* no growth needed */
	strmap_clear(m.get(), nullptr);
	int v;
	EXPECT_EQ(strmap_len(m.get()), 0u);
	EXPECT_FALSE(strmap_get(m.get(), "7", &v));
	EXPECT_EQ(strmap_capacity(m.get()), capacity);
}

TEST(StrMap, ImpossibleCapacity)
{
	errno = 0;
	EXPECT_EQ(strmap_new(SIZE_MAX), nullptr);
	EXPECT_EQ(errno, EOVERFLOW);
}

} // namespace
