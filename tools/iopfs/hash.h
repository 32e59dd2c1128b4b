/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A chained hash table for fsck.iopfs's replay: intrusive links, keyed by
 * a 64-bit hash the caller computes; the caller compares the keys.  It
 * doubles its buckets as it fills, so a log of a million records stays
 * linear.
 */
#ifndef IOPFS_HASH_H
#define IOPFS_HASH_H

#include <stdint.h>

struct hlink {
	struct hlink *next;
	uint64_t hash;
};

struct htab {
	struct hlink **buckets;
	uint64_t mask;
	uint64_t count;
};

int htab_init(struct htab *t);
void htab_free(struct htab *t);
void htab_add(struct htab *t, struct hlink *l, uint64_t hash);
void htab_del(struct htab *t, struct hlink *l);
/* The first link of @hash's chain; walk on with ->next, checking ->hash. */
struct hlink *htab_first(const struct htab *t, uint64_t hash);

uint64_t hash_u64(uint64_t v);
uint64_t hash_bytes(uint64_t seed, const void *p, uint32_t len);

#endif
