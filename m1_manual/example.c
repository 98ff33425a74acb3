/* A buffer pool with milestone 1: bazel run //m1_manual:example */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "m1_manual/pool.h"

enum { BUFFER_SIZE = 1024 };

static void *make_buffer(void *ctx)
{
	int *made = ctx;

	++*made;
	return calloc(1, BUFFER_SIZE);
}

static void free_buffer(void *buf, void *ctx)
{
	(void)ctx;
	free(buf);
}

int main(void)
{
	int made = 0;
	pool_t *pool = pool_new(make_buffer, free_buffer, &made);

	if (!pool) {
		perror("pool_new"); /* NULL and errno */
		return 1;
	}
	int err = pool_preallocate(pool, 3);

	if (err < 0) {
		/* A negative errno in the return value; errno says nothing. */
		fprintf(stderr, "pool_preallocate: %s\n", strerror(-err));
		pool_free(pool);
		return 1;
	}
	printf("preallocated: %zu idle\n", pool_len(pool));

	for (int request = 1; request <= 5; request++) {
		char *buf = pool_get(pool);

		if (!buf) {
			perror("pool_get");
			break;
		}
		snprintf(buf, BUFFER_SIZE, "request %d", request);
		printf("%s served from buffer %p, %zu idle\n", buf, (void *)buf,
		       pool_len(pool));
		pool_return(pool, buf); /* forget this and the pool runs dry */
	}
	printf("buffers made: %d for 5 requests\n", made);
	pool_free(pool);
	return 0;
}
