// SPDX-License-Identifier: GPL-2.0
/*
 * Appends log records to an iopfs image, for fsck.iopfs's tests: each
 * argument after IMAGE is one record, its fields separated by spaces.
 * Records are framed as the kernel writes them (iopfs_log_append():
 * 64-byte aligned, zero padded, seq one more than the last, crc32c) but
 * their contents are not checked: the tests write records the kernel
 * would refuse.
 *
 *   create INO PARENT MODE NAME      MODE in octal, 40755 or 100644
 *   link INO PARENT NAME
 *   unlink PARENT NAME
 *   rename OLD_PARENT OLD_NAME NEW_PARENT NEW_NAME
 *   setattr INO VALID MODE SIZE      VALID as IOPFS_ATTR_*, MODE in octal
 *   extent INO INDEX PHYS COUNT
 *   raw TYPE LEN                     LEN zero bytes of payload
 *   torn RECORD                      RECORD with a wrong checksum
 *
 * The log's end is found by framing only (seq and checksum), so records
 * go after a record fsck would refuse.  Prints the log byte each record
 * went to.
 */
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/iopfs.h>

#include "crc32c.h"

static unsigned char *log_area;
static uint64_t log_size, pos, seq = 1;

static void die(const char *what)
{
	fprintf(stderr, "mklog: %s\n", what);
	exit(2);
}

static uint64_t num(const char *s, int base)
{
	char *end;
	uint64_t v;

	if (!s)
		die("a field is missing");
	v = strtoull(s, &end, base);
	if (*end)
		die("a number is not one");
	return v;
}

static const char *word(char **save)
{
	return strtok_r(NULL, " ", save);
}

static void append(uint16_t type, const void *fixed, size_t flen, const char *n1,
		   const char *n2, int torn)
{
	size_t l1 = n1 ? strlen(n1) : 0, l2 = n2 ? strlen(n2) : 0;
	size_t len = flen + l1 + l2;
	size_t size = (sizeof(struct iopfs_rec) + len + IOPFS_REC_ALIGN - 1) &
		      ~(size_t)(IOPFS_REC_ALIGN - 1);
	struct iopfs_rec *rec = (struct iopfs_rec *)(log_area + pos);
	unsigned char *p = (unsigned char *)(rec + 1);

	if (len > 0xffff || size > log_size - pos)
		die("the log is full");
	memset(rec, 0, size);
	memcpy(p, fixed, flen);
	memcpy(p + flen, n1, l1);
	memcpy(p + flen + l1, n2, l2);
	rec->type = htole16(type);
	rec->len = htole16(len);
	rec->seq = htole64(seq);
	rec->checksum = htole32(crc32c(~0U, &rec->type, sizeof(*rec) - 4 + len) ^ torn);
	printf("%" PRIu64 "\n", pos);
	pos += size;
	seq++;
}

static void record(char *spec)
{
	union {
		struct iopfs_rec_create c;
		struct iopfs_rec_link l;
		struct iopfs_rec_unlink u;
		struct iopfs_rec_rename r;
		struct iopfs_rec_setattr s;
		struct iopfs_rec_extent e;
	} f;
	char *save;
	const char *op = strtok_r(spec, " ", &save), *a, *b;
	int torn = 0;

	if (op && !strcmp(op, "torn")) {
		torn = 1;
		op = word(&save);
	}
	if (!op)
		die("an empty record");
	memset(&f, 0, sizeof(f));
	if (!strcmp(op, "create")) {
		f.c.ino = htole64(num(word(&save), 0));
		f.c.parent = htole64(num(word(&save), 0));
		f.c.mode = htole32(num(word(&save), 8));
		a = word(&save);
		f.c.name_len = htole32(a ? strlen(a) : 0);
		append(IOPFS_REC_CREATE, &f.c, sizeof(f.c), a, NULL, torn);
	} else if (!strcmp(op, "link")) {
		f.l.ino = htole64(num(word(&save), 0));
		f.l.parent = htole64(num(word(&save), 0));
		a = word(&save);
		f.l.name_len = htole32(a ? strlen(a) : 0);
		append(IOPFS_REC_LINK, &f.l, sizeof(f.l), a, NULL, torn);
	} else if (!strcmp(op, "unlink")) {
		f.u.parent = htole64(num(word(&save), 0));
		a = word(&save);
		f.u.name_len = htole32(a ? strlen(a) : 0);
		append(IOPFS_REC_UNLINK, &f.u, sizeof(f.u), a, NULL, torn);
	} else if (!strcmp(op, "rename")) {
		f.r.old_parent = htole64(num(word(&save), 0));
		a = word(&save);
		f.r.new_parent = htole64(num(word(&save), 0));
		b = word(&save);
		if (!a || !b)
			die("rename needs two names");
		f.r.old_len = htole32(strlen(a));
		f.r.new_len = htole32(strlen(b));
		append(IOPFS_REC_RENAME, &f.r, sizeof(f.r), a, b, torn);
	} else if (!strcmp(op, "setattr")) {
		f.s.ino = htole64(num(word(&save), 0));
		f.s.valid = htole32(num(word(&save), 0));
		f.s.mode = htole32(num(word(&save), 8));
		f.s.size = htole64(num(word(&save), 0));
		append(IOPFS_REC_SETATTR, &f.s, sizeof(f.s), NULL, NULL, torn);
	} else if (!strcmp(op, "extent")) {
		f.e.ino = htole64(num(word(&save), 0));
		f.e.index = htole64(num(word(&save), 0));
		f.e.phys = htole64(num(word(&save), 0));
		f.e.count = htole32(num(word(&save), 0));
		append(IOPFS_REC_EXTENT, &f.e, sizeof(f.e), NULL, NULL, torn);
	} else if (!strcmp(op, "raw")) {
		static const char zero[0x10000];
		uint64_t type = num(word(&save), 0), len = num(word(&save), 0);

		if (len > sizeof(zero) - 1)
			die("raw: LEN is at most 65535");
		append(type, zero, len, NULL, NULL, torn);
	} else {
		die("an unknown record");
	}
}

int main(int argc, char **argv)
{
	struct iopfs_super sb;
	uint64_t off;
	FILE *f;

	if (argc < 2)
		die("usage: mklog IMAGE RECORD...");
	f = fopen(argv[1], "r+b");
	if (!f || fread(&sb, sizeof(sb), 1, f) != 1)
		die("cannot read the superblock");
	off = le64toh(sb.log_offset);
	log_size = le64toh(sb.log_size);
	log_area = malloc(log_size);
	if (!log_area || fseeko(f, off, SEEK_SET) || fread(log_area, log_size, 1, f) != 1)
		die("cannot read the log");
	/* The end, by framing alone. */
	while (log_size - pos >= sizeof(struct iopfs_rec)) {
		struct iopfs_rec *rec = (struct iopfs_rec *)(log_area + pos);
		uint32_t len = le16toh(rec->len);
		uint64_t size = (sizeof(*rec) + len + IOPFS_REC_ALIGN - 1) &
				~(uint64_t)(IOPFS_REC_ALIGN - 1);

		if (le64toh(rec->seq) != seq || size > log_size - pos ||
		    crc32c(~0U, &rec->type, sizeof(*rec) - 4 + len) != le32toh(rec->checksum))
			break;
		pos += size;
		seq++;
	}
	for (int i = 2; i < argc; i++)
		record(argv[i]);
	if (fseeko(f, off, SEEK_SET) || fwrite(log_area, log_size, 1, f) != 1 || fclose(f))
		die("cannot write the log");
	return 0;
}
