/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fsck.iopfs: the log replayed in user space by the rules of the kernel's
 * mount (fs/iopfs/replay.c), which are the semantics: the same record
 * ends the log, the same record is refused, for the same reason.
 */
#ifndef IOPFS_REPLAY_H
#define IOPFS_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

/* The two slots of the log area, and which of them is the log. */
struct log_slots {
	uint64_t slot_size;	/* log_size / 2 */
	uint64_t seq[2];	/* a valid slot's EPOCH seq, else 0 */
	const char *why[2];	/* why a slot is not valid, else NULL */
};

/* log_pick() results that are not a slot */
enum {
	LOG_NO_SLOT = -1,	/* neither slot is valid */
	LOG_SAME_SEQ = -2,	/* both are, with one EPOCH seq */
};

/* What the log built, and where it ends, in its slot. */
struct replay_result {
	uint64_t base;		/* the slot's EPOCH seq */
	uint64_t records;	/* replayed after the EPOCH record: seq base + 1
				 * to base + records */
	uint64_t end;		/* slot bytes they take, the EPOCH record's too */
	const char *why;	/* record base + records + 1, at end, does not fit */
	uint64_t inodes;	/* the root included */
	uint64_t dirs;
	uint64_t files;
	uint64_t names;
	uint64_t extents_used;
	uint64_t extents_freed_unlink;	/* their file lost its last name */
	uint64_t extents_freed_truncate;
	uint64_t extents_freed_punch;
};

uint32_t log_record_at(const unsigned char *log, uint64_t log_size,
		       uint64_t pos, uint64_t seq);
const char *log_epoch(const unsigned char *slot, uint64_t slot_size, uint32_t index,
		      uint64_t *seq);
int log_pick(const unsigned char *log, uint64_t log_size, struct log_slots *ls);
/* 0, or -1 when out of memory (errno set) */
int replay_log(const unsigned char *slot, uint64_t slot_size, uint64_t base,
	       uint64_t extents, uint32_t root_mode, struct replay_result *res);

#endif
