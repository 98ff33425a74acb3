#include "m4_reset/testing/strmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	char *key; /* owned copy; NULL: the slot is free */
	int value; /* the key's value */
};

struct strmap {
	struct slot *slots; /* nslots entries */
	size_t nslots;	    /* a power of two, at least 8 */
	size_t len;	    /* slots in use */
};

/* Keys that fit in @nslots slots: three quarters. */
static size_t fill_limit(size_t nslots)
{
	return nslots - nslots / 4;
}

/* FNV-1a. */
static size_t hash(const char *key)
{
	uint64_t h = 14695981039346656037u;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211u;
	return (size_t)h;
}

/* The slot holding @key, or the free slot where it would go. The table is
 * never full, so the probe ends. */
static struct slot *find(const struct slot *slots, size_t nslots,
			 const char *key)
{
	size_t mask = nslots - 1;

	for (size_t i = hash(key) & mask;; i = (i + 1) & mask) {
		if (!slots[i].key || strcmp(slots[i].key, key) == 0)
			return (struct slot *)&slots[i];
	}
}

/* Move every key into a new array of @nslots slots. Return: 0; -ENOMEM. */
static int rehash(strmap_t *m, size_t nslots)
{
	struct slot *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < m->nslots; i++) {
		if (m->slots[i].key)
			*find(slots, nslots, m->slots[i].key) = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
	return 0;
}

strmap_t *strmap_new(size_t capacity)
{
	size_t nslots = 8;

	while (fill_limit(nslots) < capacity) {
		if (nslots > SIZE_MAX / 2 / sizeof(struct slot)) {
			errno = EOVERFLOW;
			return NULL;
		}
		nslots *= 2;
	}
	strmap_t *m = malloc(sizeof(*m));

	if (m)
		m->slots = calloc(nslots, sizeof(*m->slots));
	if (!m || !m->slots) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	m->nslots = nslots;
	m->len = 0;
	return m;
}

void strmap_free(strmap_t *m)
{
	if (!m)
		return;
	strmap_clear(m, NULL);
	free(m->slots);
	free(m);
}

int strmap_put(strmap_t *m, const char *key, int value)
{
	struct slot *s = find(m->slots, m->nslots, key);

	if (s->key) {
		s->value = value;
		return 0;
	}
	if (m->len + 1 > fill_limit(m->nslots)) {
		if (m->nslots > SIZE_MAX / 2 / sizeof(struct slot) ||
		    rehash(m, m->nslots * 2) < 0)
			return -ENOMEM;
		s = find(m->slots, m->nslots, key);
	}
	size_t size = strlen(key) + 1;
	char *copy = malloc(size);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, key, size);
	*s = (struct slot){ .key = copy, .value = value };
	m->len++;
	return 0;
}

bool strmap_get(const strmap_t *m, const char *key, int *value)
{
	const struct slot *s = find(m->slots, m->nslots, key);

	if (s->key)
		*value = s->value;
	return s->key != NULL;
}

size_t strmap_len(const strmap_t *m)
{
	return m->len;
}

size_t strmap_capacity(const strmap_t *m)
{
	return fill_limit(m->nslots);
}

void strmap_clear(void *map, void *ctx)
{
	strmap_t *m = map;

	(void)ctx;
	for (size_t i = 0; i < m->nslots; i++) {
		free(m->slots[i].key);
		m->slots[i].key = NULL;
	}
	m->len = 0;
}
