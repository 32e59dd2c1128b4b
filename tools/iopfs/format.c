// SPDX-License-Identifier: GPL-2.0
/*
 * mkfs.iopfs: where the log and the data area go, and the superblock that
 * says so (include/uapi/linux/iopfs.h).  No I/O here.
 */
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crc32c.h"
#include "mkfs.h"

/*
 * "SIZE[K|M|G]": bytes, or KiB, MiB, GiB as mke2fs and mkfs.xfs read the
 * suffixes.  Returns 0, or -1 for anything else (an overflow included).
 */
int parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	default:
		return -1;
	}
	if (shift && end[1])
		return -1;
	if (v > UINT64_MAX >> shift)
		return -1;
	*bytes = (uint64_t)v << shift;
	return 0;
}

/*
 * 1/64 of the device, in whole extents, between 2 and 64 MiB: a small
 * device keeps most of its space for data, a large one gets a log that
 * holds many records before the kernel has to compact it.
 */
uint64_t default_log_size(uint64_t size)
{
	uint64_t log = size / 64;

	log = (log + IOPFS_EXTENT_SIZE - 1) & ~(IOPFS_EXTENT_SIZE - 1);
	if (log < MKFS_LOG_MIN)
		log = MKFS_LOG_MIN;
	if (log > MKFS_LOG_MAX)
		log = MKFS_LOG_MAX;
	return log;
}

/* log_size: a multiple of 2 MiB, checked by the caller. */
int compute_layout(uint64_t size, uint64_t log_size, struct mkfs_layout *l)
{
	if (size < MKFS_MIN_SIZE)
		return LAYOUT_TOO_SMALL;
	l->size = size;
	l->log_offset = MKFS_LOG_OFFSET;
	l->log_size = log_size;
	/* a log larger than the device must not wrap data_offset */
	if (log_size >= size - l->log_offset)
		return LAYOUT_NO_DATA;
	l->data_offset = l->log_offset + log_size;
	l->data_extents = (size - l->data_offset) >> IOPFS_EXTENT_SHIFT;
	return l->data_extents ? LAYOUT_OK : LAYOUT_NO_DATA;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The 36-character form, bytes in the order written (as uuid_parse()). */
int parse_uuid(const char *s, uint8_t uuid[16])
{
	int n = 0;

	for (int i = 0; i < 36; i++) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		hi = hexval(s[i]);
		lo = hi < 0 ? -1 : hexval(s[i + 1]);
		if (lo < 0)
			return -1;
		uuid[n++] = hi << 4 | lo;
		i++;
	}
	return s[36] ? -1 : 0;
}

void format_uuid(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
		 u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* "N GiB" or "N MiB" when exact, else bytes. */
const char *format_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes && !(bytes & ((1ULL << 30) - 1)))
		snprintf(buf, len, "%" PRIu64 " GiB", bytes >> 30);
	else if (bytes && !(bytes & ((1ULL << 20) - 1)))
		snprintf(buf, len, "%" PRIu64 " MiB", bytes >> 20);
	else
		snprintf(buf, len, "%" PRIu64 " bytes", bytes);
	return buf;
}

/* crc32c(~0) of the structure with its checksum field zero. */
uint32_t super_checksum(const struct iopfs_super *sb)
{
	struct iopfs_super tmp = *sb;

	tmp.checksum = 0;
	return crc32c(~0U, &tmp, sizeof(tmp));
}

void super_fill(struct iopfs_super *sb, const struct mkfs_layout *l,
		const uint8_t uuid[16], uint64_t mkfs_time)
{
	memset(sb, 0, sizeof(*sb));
	memcpy(sb->magic, IOPFS_MAGIC, sizeof(sb->magic));
	sb->version = htole32(IOPFS_VERSION);
	sb->header_size = htole32(sizeof(*sb));
	sb->device_size = htole64(l->size);
	sb->log_offset = htole64(l->log_offset);
	sb->log_size = htole64(l->log_size);
	sb->data_offset = htole64(l->data_offset);
	sb->data_extents = htole64(l->data_extents);
	memcpy(sb->uuid, uuid, sizeof(sb->uuid));
	sb->mkfs_time = htole64(mkfs_time);
	sb->root_mode = htole32(S_IFDIR | 0755);
	sb->root_uid = htole32(0);
	sb->root_gid = htole32(0);
	sb->checksum = htole32(super_checksum(sb));
}

_Static_assert(sizeof(struct iopfs_rec) + sizeof(struct iopfs_rec_epoch) <= MKFS_EPOCH_SIZE,
	       "an EPOCH record fits MKFS_EPOCH_SIZE");

/*
 * The EPOCH record at the start of log slot @slot, as the kernel frames
 * every record: header, payload, zeroes to IOPFS_REC_ALIGN, crc32c(~0) of
 * everything after the checksum field up to the end of the payload.
 */
void epoch_fill(unsigned char rec[MKFS_EPOCH_SIZE], uint32_t slot, uint64_t seq)
{
	struct iopfs_rec hdr = {
		.type = htole16(IOPFS_REC_EPOCH),
		.len = htole16(sizeof(struct iopfs_rec_epoch)),
		.seq = htole64(seq),
	};
	struct iopfs_rec_epoch e = { .slot = htole32(slot) };

	memset(rec, 0, MKFS_EPOCH_SIZE);
	memcpy(rec + sizeof(hdr), &e, sizeof(e));
	memcpy(rec, &hdr, sizeof(hdr));
	hdr.checksum = htole32(crc32c(~0U, rec + sizeof(hdr.checksum),
				      sizeof(hdr) - sizeof(hdr.checksum) + sizeof(e)));
	memcpy(rec, &hdr.checksum, sizeof(hdr.checksum));
}

/*
 * The file system the first 4 KiB (len >= 4096) hold, if one we know of:
 * mkfs refuses to overwrite it without --force.
 */
const char *fs_signature(const unsigned char *block, size_t len)
{
	if (len >= 8 && !memcmp(block, IOPFS_MAGIC, 8))
		return "iopfs";
	if (len >= 4 && !memcmp(block, "XFSB", 4))
		return "xfs";
	/* ext2/3/4: s_magic, 56 bytes into the superblock at 1024 */
	if (len >= 1082 && block[1080] == 0x53 && block[1081] == 0xef)
		return "ext2/ext3/ext4";
	return NULL;
}
