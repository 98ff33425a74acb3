/* strmap - a small string -> int hash table, the test object of
 * Checkpoint.ComplexReset (the spec pools a HashMap<String, i32>).
 *
 * Open addressing with linear probing; the slot count is a power of two and
 * at most three quarters of the slots are used. strmap_clear empties the
 * table and keeps its slots: the reset that makes pooling a table worth it.
 *
 *	strmap_t *m = strmap_new(100);		// room for 100 keys
 *	strmap_put(m, "key", 42);
 *	strmap_clear(m);			// len 0, capacity kept
 *	strmap_free(m);
 *
 * Test-only: it allocates with malloc directly, so mem_fail_next() in a
 * test does not reach it.
 */
#ifndef OBJPOOL_M4_RESET_TESTING_STRMAP_H
#define OBJPOOL_M4_RESET_TESTING_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct strmap strmap_t;

/* strmap_new - an empty table with room for @capacity keys before it has
 * to grow. Return: the table, or NULL (errno ENOMEM, or EOVERFLOW when
 * @capacity is too large). */
strmap_t *strmap_new(size_t capacity);

/* strmap_free - free @m, its keys included. NULL is fine. */
void strmap_free(strmap_t *m);

/* strmap_put - map @key (copied) to @value, replacing an old value.
 * Return: 0; -ENOMEM (the table is unchanged). */
int strmap_put(strmap_t *m, const char *key, int value);

/* strmap_get - look @key up. Return: true and *@value set when present. */
bool strmap_get(const strmap_t *m, const char *key, int *value);

/* strmap_len - keys in the table. */
size_t strmap_len(const strmap_t *m);

/* strmap_capacity - keys the table holds before it has to grow. */
size_t strmap_capacity(const strmap_t *m);

/* strmap_clear - remove every key; the capacity stays. Its signature is a
 * pool_reset_fn's: (obj, ctx), ctx unused. */
void strmap_clear(void *m, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
