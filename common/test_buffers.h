/* Test objects shared by the milestones' tests (C++, test-only).
 *
 * The pools store void *. The tests pool byte buffers, std::vector<uint8_t>,
 * the spec's Vec<u8>, through C callbacks that count every call. The
 * ByteBuffers object is the pool's ctx:
 *
 *	ByteBuffers bufs;			// vec![0u8; 1024]
 *	pool_t *pool = pool_new(ByteBuffers::make, ByteBuffers::destroy, &bufs);
 *	...
 *	EXPECT_EQ(bufs.alive(), 0);		// nothing leaked
 */
#ifndef OBJPOOL_COMMON_TEST_BUFFERS_H
#define OBJPOOL_COMMON_TEST_BUFFERS_H

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace objpool_test {

using Bytes = std::vector<uint8_t>;

/* Casts a pool's void * back to the buffer it is. */
inline Bytes &bytes(void *obj)
{
	return *static_cast<Bytes *>(obj);
}

struct ByteBuffers {
	size_t len = 1024; /* a new buffer holds len bytes of value fill */
	uint8_t fill = 0;
	size_t capacity = 0; /* and room for at least this many */
	/* make() fails once this many succeeded; -1 never */
	int fail_after = -1;
	int fail_errno = 0; /* the errno a failing make() sets; 0 leaves it */

	std::atomic<int> made{ 0 };
	std::atomic<int> destroyed{ 0 };
	std::atomic<int> resets{ 0 };

	int alive() const { return made - destroyed; }

	/* pool_factory_fn */
	static void *make(void *ctx)
	{
		auto *self = static_cast<ByteBuffers *>(ctx);
		if (self->fail_after >= 0 && self->made >= self->fail_after) {
			if (self->fail_errno)
				errno = self->fail_errno;
			return nullptr;
		}
		auto *b = new Bytes(self->len, self->fill);
		b->reserve(self->capacity);
		self->made++;
		return b;
	}

	/* pool_destroy_fn */
	static void destroy(void *obj, void *ctx)
	{
		delete static_cast<Bytes *>(obj);
		static_cast<ByteBuffers *>(ctx)->destroyed++;
	}

	/* pool_reset_fn (m4 on): Vec::clear, capacity kept. */
	static void clear(void *obj, void *ctx)
	{
		bytes(obj).clear();
		static_cast<ByteBuffers *>(ctx)->resets++;
	}
};

} // namespace objpool_test

#endif
