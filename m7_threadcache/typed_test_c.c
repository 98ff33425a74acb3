/* The C half of typed_test.cc (see typed_test_c.h). The point is that this
 * file compiles, as C, with C_COPTS: g.obj->len below only compiles
 * because POOL_TYPED made the guard's obj a struct buffer *. */
#include "m7_threadcache/typed_test_c.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "m7_threadcache/pool.h"

struct buffer {
	size_t len;    /* bytes of data in use */
	char data[64]; /* the text, NUL-terminated */
};

POOL_TYPED(buffer_pool, struct buffer);

static void *make_buffer(void *ctx)
{
	struct typed_c_counts *counts = ctx;
	struct buffer *b = calloc(1, sizeof(*b));

	if (b)
		counts->made++;
	return b;
}

static void clear_buffer(void *obj, void *ctx)
{
	struct buffer *b = obj;
	struct typed_c_counts *counts = ctx;

	b->len = 0;
	b->data[0] = '\0';
	counts->resets++;
}

static void free_buffer(void *obj, void *ctx)
{
	struct typed_c_counts *counts = ctx;

	free(obj);
	counts->destroyed++;
}

pool_t *typed_c_build(struct typed_c_counts *counts, size_t max_size)
{
	pool_config_t config = {
		.factory = make_buffer,
		.reset = clear_buffer,
		.destroy = free_buffer,
		.ctx = counts,
		.max_size = max_size,
	};

	return pool_build(&config);
}

/* Copy @text into @b, as much as fits. Return: the length copied. */
static size_t fill(struct buffer *b, const char *text)
{
	size_t len = strlen(text);

	if (len >= sizeof(b->data))
		len = sizeof(b->data) - 1;
	memcpy(b->data, text, len);
	b->data[len] = '\0';
	b->len = len;
	return len;
}

int typed_c_write(pool_t *pool, const char *text, size_t *available_inside)
{
	POOL_TYPED_GUARD(buffer_pool, g, pool);

	if (!g.obj)
		return -errno;
	if (g.obj->len != 0 || g.obj->data[0] != '\0')
		return -EPROTO;
	*available_inside = pool_available(pool);
	return (int)fill(g.obj, text);
}

int typed_c_release_twice(pool_t *pool)
{
	POOL_TYPED_GUARD(buffer_pool, g, pool);

	if (!g.obj)
		return -errno;
	buffer_pool_guard_release(&g);
	if (g.obj || g.pool)
		return -EPROTO;
	return 0;
}

void *typed_c_take(pool_t *pool, const char *text)
{
	buffer_pool_guard_t g = buffer_pool_get(pool);
	struct buffer *b = buffer_pool_guard_take(&g);

	if (b)
		fill(b, text);
	return b;
}

const char *typed_c_text(const void *buffer)
{
	const struct buffer *b = buffer;

	return b->data;
}

void typed_c_free(void *buffer, struct typed_c_counts *counts)
{
	free_buffer(buffer, counts);
}

int typed_c_null_guards(void)
{
	buffer_pool_guard_release(NULL);
	return buffer_pool_guard_take(NULL) ? -EPROTO : 0;
}
