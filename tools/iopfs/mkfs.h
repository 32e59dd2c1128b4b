/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mkfs.iopfs: the layout arithmetic and the superblock encoding
 * (format.c), kept apart from the device I/O (mkfs.c) so that the unit
 * tests can check them without a device.
 */
#ifndef IOPFS_MKFS_H
#define IOPFS_MKFS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/iopfs.h>

#define MKFS_MIN_SIZE		(8ULL << 20)
#define MKFS_LOG_OFFSET		IOPFS_EXTENT_SIZE
#define MKFS_LOG_MIN		IOPFS_EXTENT_SIZE
#define MKFS_LOG_MAX		(64ULL << 20)
/* The EPOCH record that starts a log slot, padded to IOPFS_REC_ALIGN. */
#define MKFS_EPOCH_SIZE		IOPFS_REC_ALIGN

/* Exit codes, as mke2fs has them. */
#define EXIT_USAGE		1
#define EXIT_OPERATIONAL	8

struct mkfs_layout {
	uint64_t size;
	uint64_t log_offset;
	uint64_t log_size;
	uint64_t data_offset;
	uint64_t data_extents;
};

/* compute_layout() results */
enum {
	LAYOUT_OK,
	LAYOUT_TOO_SMALL,	/* under MKFS_MIN_SIZE */
	LAYOUT_NO_DATA,		/* the log leaves no 2 MiB extent */
};

int parse_size(const char *s, uint64_t *bytes);
uint64_t default_log_size(uint64_t size);
int compute_layout(uint64_t size, uint64_t log_size, struct mkfs_layout *l);
int parse_uuid(const char *s, uint8_t uuid[16]);
void format_uuid(const uint8_t uuid[16], char out[37]);
const char *format_size(uint64_t bytes, char *buf, size_t len);
void super_fill(struct iopfs_super *sb, const struct mkfs_layout *l,
		const uint8_t uuid[16], uint64_t mkfs_time);
uint32_t super_checksum(const struct iopfs_super *sb);
void epoch_fill(unsigned char rec[MKFS_EPOCH_SIZE], uint32_t slot, uint64_t seq);
const char *fs_signature(const unsigned char *block, size_t len);

#endif
