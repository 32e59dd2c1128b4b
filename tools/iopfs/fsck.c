// SPDX-License-Identifier: GPL-2.0
/*
 * fsck.iopfs: check an iopfs (include/uapi/linux/iopfs.h) as the kernel's
 * mount would, and repair what can be repaired without losing the
 * consistency of the rest.
 *
 * The superblock is immutable and has no redundant copy: a bad one cannot
 * be repaired.  The log is the slot of the log area mount picks
 * (log_pick()); without one the kernel refuses the mount, and nothing
 * tells where the file system's records are: that cannot be repaired
 * either.  The log is replayed by the kernel's rules (replay.c); a record
 * that does not fit what the records before it built makes the kernel
 * refuse the mount.  The one repair that keeps every later state
 * consistent is to end the log before that record: its changes and those
 * of every record after it are lost, nothing else is.  A repair writes
 * only to the log's slot, after its EPOCH record.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <endian.h>

#include "fsck.h"
#include "mkfs.h"
#include "replay.h"

enum mode {
	MODE_CHECK,	/* no option: check, report, say what -y would do */
	MODE_NO,	/* -n */
	MODE_REPAIR,	/* -y, -p, -a */
};

struct fsck {
	struct device dev;
	enum mode mode;
	bool verbose;
	struct iopfs_super super;
	uint64_t log_offset, log_size, extents;
	unsigned char *log;	/* the log area, both slots */
	struct log_slots slots;
	int slot;		/* the log's, or LOG_NO_SLOT, LOG_SAME_SEQ */
	uint64_t slot_off;	/* its first byte in the log area */
	struct replay_result res;
	uint64_t dirty_end;	/* the slot is zero from here on */
};

static int usage(bool help)
{
	fprintf(help ? stdout : stderr,
		"usage: fsck.iopfs [-n | -y | -p | -a] [-f] [-v] DEVICE\n"
		"  -n   check only: open DEVICE read-only, never write\n"
		"  -y, -p, -a\n"
		"       repair without asking: end the log before a record the kernel\n"
		"       refuses, zero a torn record after its end\n"
		"  -f   accepted: every run checks the whole file system\n"
		"  -v   say more: the superblock, the log's two slots, bytes that are not\n"
		"       zero after the end of the log\n"
		"  -C FD  accepted for fsck(8); no progress is shown\n"
		"  -V   print the version\n"
		"Without -n, -y, -p or -a: check only, and say what -y would do.\n"
		"DEVICE is a block device (/dev/iopmem0) or a regular file.\n"
		"Exit status: 0 clean, 1 repaired, 4 errors left, 8 operational error,\n"
		"16 usage error.\n");
	return help ? FSCK_OK : FSCK_USAGE;
}

static void print_super(struct fsck *f)
{
	char a[32], b[32], c[32], u[37];

	format_uuid(f->super.uuid, u);
	printf("%s: iopfs %" PRIu64 " bytes (%s), uuid %s\n", f->dev.path, f->dev.size,
	       format_size(f->dev.size, a, sizeof(a)), u);
	printf("%s: log %s at %s (2 slots of %s), %" PRIu64 " data extents of 2 MiB at %s\n",
	       f->dev.path, format_size(f->log_size, a, sizeof(a)),
	       format_size(f->log_offset, b, sizeof(b)),
	       format_size(f->log_size / 2, c, sizeof(c)), f->extents,
	       format_size(le64toh(f->super.data_offset), u, sizeof(u)));
}

/* 0, or an exit code */
static int read_super(struct fsck *f)
{
	char why[160];

	if (f->dev.size < IOPFS_SUPER_SIZE) {
		fail("%s: %" PRIu64 " bytes, too small to hold an iopfs", f->dev.path, f->dev.size);
		return FSCK_OPERATIONAL;
	}
	if (device_read(&f->dev, &f->super, sizeof(f->super), 0))
		return FSCK_OPERATIONAL;
	switch (check_super(&f->super, f->dev.size, why, sizeof(why))) {
	case SUPER_FOREIGN:
		fail("%s: %s", f->dev.path, why);
		return FSCK_OPERATIONAL;
	case SUPER_BAD:
		printf("%s: %s: the kernel refuses to mount it\n", f->dev.path, why);
		printf("%s: the superblock cannot be repaired (it has no copy); mkfs.iopfs %s makes a new file system, and the files on this one are lost\n",
		       f->dev.path, f->dev.path);
		return FSCK_UNCORRECTED;
	}
	f->log_offset = le64toh(f->super.log_offset);
	f->log_size = le64toh(f->super.log_size);
	f->extents = le64toh(f->super.data_extents);
	if (f->verbose)
		print_super(f);
	return 0;
}

/* 0, or an exit code; f->slot < 0 when there is no log to replay */
static int read_log(struct fsck *f)
{
	const unsigned char *slot;
	uint64_t i, slot_size;

	free(f->log);
	f->log = malloc(f->log_size);
	if (!f->log) {
		fail("%s: no memory for the %" PRIu64 "-byte log", f->dev.path, f->log_size);
		return FSCK_OPERATIONAL;
	}
	if (device_read(&f->dev, f->log, f->log_size, f->log_offset))
		return FSCK_OPERATIONAL;
	memset(&f->res, 0, sizeof(f->res));
	f->slot = log_pick(f->log, f->log_size, &f->slots);
	if (f->slot < 0)
		return 0;
	slot_size = f->slots.slot_size;
	f->slot_off = f->slot * slot_size;
	slot = f->log + f->slot_off;
	if (replay_log(slot, slot_size, f->slots.seq[f->slot], f->extents,
		       le32toh(f->super.root_mode), &f->res)) {
		fail("%s: no memory to replay the log: %s", f->dev.path, strerror(errno));
		return FSCK_OPERATIONAL;
	}
	for (i = slot_size; i > f->res.end && !slot[i - 1]; i--)
		;
	f->dirty_end = i;
	return 0;
}

static void print_counts(struct fsck *f)
{
	const struct replay_result *r = &f->res;
	const char *d = f->dev.path;

	printf("%s: log: slot %d, EPOCH seq %" PRIu64 ": %" PRIu64 " records, %" PRIu64 " bytes used, %" PRIu64 " free\n",
	       d, f->slot, r->base, r->records, r->end, f->slots.slot_size - r->end);
	printf("%s: inodes: %" PRIu64 " (directories %" PRIu64 ", regular files %" PRIu64 "), names: %" PRIu64 "\n",
	       d, r->inodes, r->dirs, r->files, r->names);
	printf("%s: extents: %" PRIu64 " of %" PRIu64 " in use; freed by unlink %" PRIu64 ", by truncation %" PRIu64 ", by punched holes %" PRIu64 "\n",
	       d, r->extents_used, f->extents, r->extents_freed_unlink,
	       r->extents_freed_truncate, r->extents_freed_punch);
}

/*
 * Zeroes [end, dirty_end) of the log's slot, durably: 0 or an exit code.
 * end is after the EPOCH record, dirty_end at most the slot's end: the
 * EPOCH record and the other slot are never written.
 */
static int zero_tail(struct fsck *f)
{
	uint64_t at = f->log_offset + f->slot_off;

	if (device_zero(&f->dev, at + f->res.end, at + f->dirty_end) ||
	    device_sync(&f->dev))
		return FSCK_OPERATIONAL;
	return 0;
}

/* The record the kernel refuses: report it, end the log before it. */
static int bad_record(struct fsck *f)
{
	const struct replay_result *r = &f->res;
	uint64_t first = r->base + r->records + 1, n = 0, pos = r->end;
	uint32_t size;
	int rc;

	printf("%s: log record %" PRIu64 " (slot %d, byte %" PRIu64 ") %s\n",
	       f->dev.path, first, f->slot, r->end, r->why);
	/* It and the records after it, which only it kept from the end. */
	while ((size = log_record_at(f->log + f->slot_off, f->slots.slot_size, pos,
				     first + n))) {
		pos += size;
		n++;
	}
	if (f->mode != MODE_REPAIR) {
		printf("%s: the kernel refuses to mount it; fsck.iopfs -y would end the log before record %" PRIu64 ", dropping %" PRIu64 " records (%" PRIu64 " to %" PRIu64 ") and the changes they hold\n",
		       f->dev.path, first, n, first, first + n - 1);
		return FSCK_UNCORRECTED;
	}
	rc = zero_tail(f);
	if (rc)
		return rc;
	printf("%s: ended the log before record %" PRIu64 ": dropped %" PRIu64 " records (%" PRIu64 " to %" PRIu64 "), zeroed bytes %" PRIu64 " to %" PRIu64 " of slot %d\n",
	       f->dev.path, first, n, first, first + n - 1, r->end, f->dirty_end - 1, f->slot);
	return FSCK_CORRECTED;
}

/*
 * Bytes that are not zero after the end of the log, in its slot: a record
 * torn by a power loss, or records left from an older use of the slot
 * (a compaction writes its records over them, not the rest of the slot,
 * and their seqs are lower than its EPOCH's), which the kernel rightly
 * ignores.  Harmless as they stand, but the kernel appends at the end of
 * the log and writes only the new record's bytes: a record shorter than
 * the old one leaves the old one's tail behind it, and should that tail
 * hold, at the next record's place, bytes that read as the next record (a
 * file name can hold any bytes but '/' and NUL), the next mount would
 * replay a record that was never written as one.  A repair zeroes them; a
 * check only mentions them, with -v.
 */
static int torn_tail(struct fsck *f)
{
	uint64_t from = f->res.end, to = f->dirty_end - 1;
	int rc;

	if (f->mode != MODE_REPAIR) {
		if (f->verbose)
			printf("%s: a torn record or older records after the end of the log, harmless: bytes %" PRIu64 " to %" PRIu64 " of slot %d are not zero (-y zeroes them)\n",
			       f->dev.path, from, to, f->slot);
		return FSCK_OK;
	}
	rc = zero_tail(f);
	if (rc)
		return rc;
	printf("%s: zeroed a torn record or older records after the end of the log (bytes %" PRIu64 " to %" PRIu64 " of slot %d)\n",
	       f->dev.path, from, to, f->slot);
	return FSCK_CORRECTED;
}

/*
 * Neither slot is valid, or both are with one EPOCH seq: the kernel
 * refuses the mount, and nothing tells where the file system's records
 * start, or which of two logs holds the later ones.  Not repairable.
 */
static int bad_slots(struct fsck *f)
{
	const char *d = f->dev.path;

	if (f->slot == LOG_SAME_SEQ)
		printf("%s: both log slots start at seq %" PRIu64 ": the kernel refuses to mount it\n",
		       d, f->slots.seq[0]);
	else
		printf("%s: no valid log slot: slot 0 %s, slot 1 %s: the kernel refuses to mount it\n",
		       d, f->slots.why[0], f->slots.why[1]);
	printf("%s: the log cannot be repaired (nothing tells which records are the file system's); mkfs.iopfs %s makes a new file system, and the files on this one are lost\n",
	       d, d);
	return FSCK_UNCORRECTED;
}

/*
 * With -v: the slot that is the log, and the other one.  A slot that is
 * not valid while the other is has never been used (it is zero), or a
 * power loss cut a compaction into it before its EPOCH record was durable.
 * Mount ignores it, and a repair leaves it as it is: whether it is valid
 * depends on its own bytes alone, which nothing but the kernel's next
 * compaction writes, and that writes its EPOCH record last, over whatever
 * is there.  Zeroing its first record would change nothing the kernel
 * reads, and would be a write outside the log, the only place a repair
 * writes.  A valid slot with the lower seq is the log before the last
 * compaction, ignored too.
 */
static void print_slots(struct fsck *f)
{
	for (int i = 0; i < 2; i++) {
		if (i == f->slot)
			printf("%s: slot %d: the log, from EPOCH seq %" PRIu64 "\n",
			       f->dev.path, i, f->slots.seq[i]);
		else if (!f->slots.why[i])
			printf("%s: slot %d: EPOCH seq %" PRIu64 ", the log before the last compaction, not read\n",
			       f->dev.path, i, f->slots.seq[i]);
		else
			printf("%s: slot %d %s: not in use (never used, or a compaction that did not finish), harmless\n",
			       f->dev.path, i, f->slots.why[i]);
	}
}

static int check(struct fsck *f)
{
	int rc = read_super(f);

	if (rc)
		return rc;
	rc = read_log(f);
	if (rc)
		return rc;
	if (f->slot < 0)
		return bad_slots(f);
	if (f->verbose)
		print_slots(f);
	if (f->res.why)
		rc = bad_record(f);
	else if (f->dirty_end > f->res.end)
		rc = torn_tail(f);
	if (rc == FSCK_CORRECTED) {
		/* Read back what the next mount will read. */
		int again = read_log(f);

		if (again)
			return again;
		if (f->slot < 0 || f->res.why || f->dirty_end > f->res.end) {
			fail("%s: the log is still not clean after the repair; the device may not keep what is written to it",
			     f->dev.path);
			return FSCK_UNCORRECTED;
		}
	}
	if (rc != FSCK_OPERATIONAL && f->log)
		print_counts(f);
	return rc;
}

static int fsck(const char *path, enum mode mode, bool verbose)
{
	struct fsck f = { .dev.path = path, .mode = mode, .verbose = verbose };
	int rc;

	if (device_open(&f.dev, mode == MODE_REPAIR))
		return FSCK_OPERATIONAL;
	if (f.dev.mounted_on[0])
		printf("%s: mounted on %s: checked read-only, and the log may grow while it is read\n",
		       path, f.dev.mounted_on);
	rc = check(&f);
	free(f.log);
	if (device_close(&f.dev))
		return FSCK_OPERATIONAL;
	switch (rc) {
	case FSCK_OK:
		printf("%s: clean\n", path);
		break;
	case FSCK_CORRECTED:
		printf("%s: repaired\n", path);
		break;
	case FSCK_UNCORRECTED:
		printf("%s: errors left%s\n", path,
		       f.res.why && mode != MODE_REPAIR ? "; fsck.iopfs -y repairs them" : "");
		break;
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ }
	};
	enum mode mode = MODE_CHECK;
	bool verbose = false;
	int c, modes = 0, rc;

	while ((c = getopt_long(argc, argv, "nypafvC:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			mode = MODE_NO;
			modes |= 1;
			break;
		case 'y':
		case 'p':
		case 'a':
			mode = MODE_REPAIR;
			modes |= 2;
			break;
		case 'f':
		case 'C':
			break;
		case 'v':
			verbose = true;
			break;
		case 'V':
			puts("fsck.iopfs " IOPMEM_VERSION);
			return FSCK_OK;
		case 'h':
			return usage(true);
		default:
			return usage(false);
		}
	}
	if (modes == 3) {
		fail("-n and -y, -p or -a: give only one");
		return FSCK_USAGE;
	}
	if (optind != argc - 1)
		return usage(false);
	rc = fsck(argv[optind], mode, verbose);
	if (fflush(stdout) || ferror(stdout)) {
		fail("cannot write the report: %s", strerror(errno ? errno : EIO));
		rc |= FSCK_OPERATIONAL;
	}
	return rc;
}
