// SPDX-License-Identifier: GPL-2.0
/*
 * fsck.iopfs: the superblock, checked as the kernel's mount checks it
 * (iopfs_check_super() in fs/iopfs/super.c), in the same order.  No I/O.
 */
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fsck.h"
#include "mkfs.h"

#define S_IALLUGO	07777

static bool aligned(uint64_t v)
{
	return !(v & (IOPFS_EXTENT_SIZE - 1));
}

/**
 * check_super() - would the kernel mount this superblock?
 * @s: the first sizeof(*s) bytes of the device
 * @size: the device's bytes
 * @why: filled in with the reason and the fix unless SUPER_OK
 * @len: its size
 *
 * Return: SUPER_OK, SUPER_FOREIGN (no iopfs magic, or a format this fsck
 * does not read) or SUPER_BAD (the kernel refuses it).
 */
int check_super(const struct iopfs_super *s, uint64_t size, char *why, size_t len)
{
	uint64_t log_off = le64toh(s->log_offset), log_size = le64toh(s->log_size);
	uint64_t data_off = le64toh(s->data_offset), extents = le64toh(s->data_extents);
	uint32_t root_mode = le32toh(s->root_mode);

	if (memcmp(s->magic, IOPFS_MAGIC, sizeof(s->magic))) {
		snprintf(why, len, "has no iopfs superblock (mkfs.iopfs makes one)");
		return SUPER_FOREIGN;
	}
	if (super_checksum(s) != le32toh(s->checksum)) {
		snprintf(why, len, "superblock checksum wrong");
		return SUPER_BAD;
	}
	if (le32toh(s->version) != IOPFS_VERSION ||
	    le32toh(s->header_size) != sizeof(*s)) {
		snprintf(why, len, "format version %u (header %u bytes), this fsck reads %u (%zu bytes)",
			 le32toh(s->version), le32toh(s->header_size), IOPFS_VERSION,
			 sizeof(*s));
		return SUPER_FOREIGN;
	}
	if (le64toh(s->device_size) != size) {
		snprintf(why, len, "is %" PRIu64 " bytes, the file system was made for %" PRIu64,
			 size, (uint64_t)le64toh(s->device_size));
		return SUPER_BAD;
	}
	if (!aligned(log_off) || !aligned(log_size) || !aligned(data_off) ||
	    log_off < IOPFS_SUPER_SIZE || !log_size || !extents ||
	    log_off > size || log_size > size - log_off ||
	    data_off < log_off + log_size || data_off > size ||
	    extents > (size - data_off) >> IOPFS_EXTENT_SHIFT ||
	    !S_ISDIR(root_mode) || (root_mode & ~(S_IFMT | S_IALLUGO))) {
		snprintf(why, len, "superblock areas do not fit the device");
		return SUPER_BAD;
	}
	return SUPER_OK;
}
