// SPDX-License-Identifier: GPL-2.0
/*
 * Appends log records to an iopfs image, for fsck.iopfs's tests:
 *
 *   mklog [-s SLOT | -c] [-x] IMAGE RECORD...
 *
 * Each argument after IMAGE is one record, its fields separated by
 * spaces; "-" reads records from stdin, one a line.  Records are framed as
 * the kernel writes them (iopfs_log_append(): 64-byte aligned, zero
 * padded, seq one more than the last, crc32c) but their contents are not
 * checked: the tests write records the kernel would refuse.
 *
 *   create INO PARENT MODE NAME      MODE in octal, 40755 or 100644
 *   link INO PARENT NAME
 *   unlink PARENT NAME
 *   rename OLD_PARENT OLD_NAME NEW_PARENT NEW_NAME
 *   setattr INO VALID MODE SIZE      VALID as IOPFS_ATTR_*, MODE in octal
 *   extent INO INDEX PHYS COUNT
 *   punch INO INDEX COUNT
 *   epoch [SEQ [SLOT]]               an EPOCH record; SEQ (default: the
 *                                    next) is the seq the records after it
 *                                    count on from; SLOT (default: the one
 *                                    written) its payload
 *   raw TYPE LEN                     LEN zero bytes of payload
 *   torn RECORD                      RECORD with a wrong checksum
 *
 * The log is the slot of the log area (log_size / 2 bytes each) that
 * starts with a valid EPOCH record of the higher seq, checked here
 * without fsck's code; records go after its last one, found by framing
 * only (seq and checksum), so they go after a record fsck would refuse.
 *
 *   -s SLOT  write from the start of SLOT instead, over what is there (the
 *            rest of the slot stays, as a compaction leaves it); seq goes
 *            on from the log's last record (1 if there is no log).  The
 *            first record is then usually an epoch.
 *   -c       compact: -s with the slot that is not the log, and an EPOCH
 *            record of the next seq first
 *   -x       a record may run past its slot's end, up to the log area's
 *
 * Prints the byte of its slot each record went to.
 */
#include <endian.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/iopfs.h>

#include "crc32c.h"

static unsigned char *log_area;
static uint64_t log_size, slot_size;
/* where records go: slot, byte in it, the room they have, the next seq */
static uint32_t slot;
static uint64_t pos, limit, seq = 1;

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
	struct iopfs_rec *rec = (struct iopfs_rec *)(log_area + slot * slot_size + pos);
	unsigned char *p = (unsigned char *)(rec + 1);

	if (len > 0xffff || size > limit - pos)
		die("the slot is full (-x lets a record run past its end)");
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
		struct iopfs_rec_punch h;
		struct iopfs_rec_epoch p;
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
	} else if (!strcmp(op, "punch")) {
		f.h.ino = htole64(num(word(&save), 0));
		f.h.index = htole64(num(word(&save), 0));
		f.h.count = htole64(num(word(&save), 0));
		append(IOPFS_REC_PUNCH, &f.h, sizeof(f.h), NULL, NULL, torn);
	} else if (!strcmp(op, "epoch")) {
		a = word(&save);
		b = a ? word(&save) : NULL;
		if (a)
			seq = num(a, 0);
		f.p.slot = htole32(b ? num(b, 0) : slot);
		append(IOPFS_REC_EPOCH, &f.p, sizeof(f.p), NULL, NULL, torn);
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

/* The aligned size of a record with seq @want at byte @at of slot @i, or 0. */
static uint64_t framed(uint32_t i, uint64_t at, uint64_t want)
{
	struct iopfs_rec *rec = (struct iopfs_rec *)(log_area + i * slot_size + at);
	uint32_t len;
	uint64_t size;

	if (slot_size - at < sizeof(*rec))
		return 0;
	len = le16toh(rec->len);
	size = (sizeof(*rec) + len + IOPFS_REC_ALIGN - 1) & ~(uint64_t)(IOPFS_REC_ALIGN - 1);
	if (le64toh(rec->seq) != want || size > slot_size - at ||
	    crc32c(~0U, &rec->type, sizeof(*rec) - 4 + len) != le32toh(rec->checksum))
		return 0;
	return size;
}

/* Slot @i's EPOCH seq if it starts with a valid EPOCH record, else 0. */
static uint64_t epoch_seq(uint32_t i)
{
	struct iopfs_rec *rec = (struct iopfs_rec *)(log_area + i * slot_size);
	struct iopfs_rec_epoch *e = (struct iopfs_rec_epoch *)(rec + 1);

	if (!framed(i, 0, le64toh(rec->seq)) || le16toh(rec->type) != IOPFS_REC_EPOCH ||
	    le16toh(rec->len) != sizeof(*e) || le32toh(e->slot) != i)
		return 0;
	return le64toh(rec->seq);
}

int main(int argc, char **argv)
{
	struct iopfs_super sb;
	uint64_t off, e0, e1, size;
	int c, to = -1, compact = 0, past = 0;
	char line[4096];
	FILE *f;

	while ((c = getopt(argc, argv, "s:cx")) != -1) {
		switch (c) {
		case 's':
			to = num(optarg, 0) ? 1 : 0;
			break;
		case 'c':
			compact = 1;
			break;
		case 'x':
			past = 1;
			break;
		default:
			die("usage: mklog [-s SLOT | -c] [-x] IMAGE RECORD...");
		}
	}
	if (optind >= argc)
		die("usage: mklog [-s SLOT | -c] [-x] IMAGE RECORD...");
	f = fopen(argv[optind], "r+b");
	if (!f || fread(&sb, sizeof(sb), 1, f) != 1)
		die("cannot read the superblock");
	off = le64toh(sb.log_offset);
	log_size = le64toh(sb.log_size);
	slot_size = log_size / 2;
	log_area = malloc(log_size);
	if (!log_area || fseeko(f, off, SEEK_SET) || fread(log_area, log_size, 1, f) != 1)
		die("cannot read the log");
	/* The log, and its end by framing alone. */
	e0 = epoch_seq(0);
	e1 = epoch_seq(1);
	if (e0 || e1) {
		if (e0 == e1)
			die("both slots start at one seq");
		slot = e1 > e0;
		seq = slot ? e1 : e0;
		while ((size = framed(slot, pos, seq))) {
			pos += size;
			seq++;
		}
	} else if (to < 0 && !compact) {
		die("no valid log slot (-s writes one)");
	}
	if (compact)
		to = !slot;
	if (to >= 0) {
		slot = to;
		pos = 0;
	}
	limit = past ? log_size - slot * slot_size : slot_size;
	if (compact) {
		char epoch[] = "epoch";

		record(epoch);
	}
	for (int i = optind + 1; i < argc; i++) {
		if (strcmp(argv[i], "-")) {
			record(argv[i]);
			continue;
		}
		while (fgets(line, sizeof(line), stdin)) {
			line[strcspn(line, "\n")] = 0;
			record(line);
		}
	}
	if (fseeko(f, off, SEEK_SET) || fwrite(log_area, log_size, 1, f) != 1 || fclose(f))
		die("cannot write the log");
	return 0;
}
