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

/* What the log built, and where it ends. */
struct replay_result {
	uint64_t records;	/* replayed: 1 to records */
	uint64_t end;		/* log bytes they take */
	const char *why;	/* record records + 1, at end, does not fit */
	uint64_t inodes;	/* the root included */
	uint64_t dirs;
	uint64_t files;
	uint64_t names;
	uint64_t extents_used;
	uint64_t extents_freed_unlink;	/* their file lost its last name */
	uint64_t extents_freed_truncate;
};

uint32_t log_record_at(const unsigned char *log, uint64_t log_size,
		       uint64_t pos, uint64_t seq);
/* 0, or -1 when out of memory (errno set) */
int replay_log(const unsigned char *log, uint64_t log_size, uint64_t extents,
	       uint32_t root_mode, struct replay_result *res);

#endif
