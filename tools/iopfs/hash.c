// SPDX-License-Identifier: GPL-2.0
/* A chained hash table that grows (hash.h). */
#include <stdlib.h>

#include "hash.h"

#define HTAB_MIN_BUCKETS	1024

int htab_init(struct htab *t)
{
	t->buckets = calloc(HTAB_MIN_BUCKETS, sizeof(*t->buckets));
	t->mask = HTAB_MIN_BUCKETS - 1;
	t->count = 0;
	return t->buckets ? 0 : -1;
}

void htab_free(struct htab *t)
{
	free(t->buckets);
	t->buckets = NULL;
}

static void htab_grow(struct htab *t)
{
	uint64_t n = (t->mask + 1) * 2, i;
	struct hlink **b = calloc(n, sizeof(*b));

	/* Out of memory: keep the chains, only longer. */
	if (!b)
		return;
	for (i = 0; i <= t->mask; i++) {
		struct hlink *l = t->buckets[i], *next;

		for (; l; l = next) {
			next = l->next;
			l->next = b[l->hash & (n - 1)];
			b[l->hash & (n - 1)] = l;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->mask = n - 1;
}

void htab_add(struct htab *t, struct hlink *l, uint64_t hash)
{
	if (t->count > 2 * (t->mask + 1))
		htab_grow(t);
	l->hash = hash;
	l->next = t->buckets[hash & t->mask];
	t->buckets[hash & t->mask] = l;
	t->count++;
}

void htab_del(struct htab *t, struct hlink *l)
{
	struct hlink **p = &t->buckets[l->hash & t->mask];

	while (*p && *p != l)
		p = &(*p)->next;
	if (*p) {
		*p = l->next;
		t->count--;
	}
}

struct hlink *htab_first(const struct htab *t, uint64_t hash)
{
	return t->buckets[hash & t->mask];
}

/* splitmix64's finaliser */
uint64_t hash_u64(uint64_t v)
{
	v ^= v >> 30;
	v *= 0xbf58476d1ce4e5b9ULL;
	v ^= v >> 27;
	v *= 0x94d049bb133111ebULL;
	return v ^ (v >> 31);
}

/* FNV-1a, then mixed */
uint64_t hash_bytes(uint64_t seed, const void *p, uint32_t len)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ hash_u64(seed);

	while (len--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return hash_u64(h);
}
