// SPDX-License-Identifier: GPL-2.0
/*
 * fsck.iopfs: check an iopfs (include/uapi/linux/iopfs.h) as the kernel's
 * mount would, and repair what can be repaired without losing the
 * consistency of the rest.
 *
 * The superblock is immutable and has no redundant copy: a bad one cannot
 * be repaired.  The log is replayed by the kernel's rules (replay.c); a
 * record that does not fit what the records before it built makes the
 * kernel refuse the mount.  The one repair that keeps every later state
 * consistent is to end the log before that record: its changes and those
 * of every record after it are lost, nothing else is.
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
	unsigned char *log;
	struct replay_result res;
	uint64_t dirty_end;	/* the log is zero from here on */
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
		"  -v   say more: the superblock, a torn record at the end of the log\n"
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
	char a[32], b[32], u[37];

	format_uuid(f->super.uuid, u);
	printf("%s: iopfs %" PRIu64 " bytes (%s), uuid %s\n", f->dev.path, f->dev.size,
	       format_size(f->dev.size, a, sizeof(a)), u);
	printf("%s: log %s at %s, %" PRIu64 " data extents of 2 MiB at %s\n",
	       f->dev.path, format_size(f->log_size, a, sizeof(a)),
	       format_size(f->log_offset, b, sizeof(b)), f->extents,
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

/* 0, or an exit code */
static int read_log(struct fsck *f)
{
	uint64_t i;

	free(f->log);
	f->log = malloc(f->log_size);
	if (!f->log) {
		fail("%s: no memory for the %" PRIu64 "-byte log", f->dev.path, f->log_size);
		return FSCK_OPERATIONAL;
	}
	if (device_read(&f->dev, f->log, f->log_size, f->log_offset))
		return FSCK_OPERATIONAL;
	if (replay_log(f->log, f->log_size, f->extents, le32toh(f->super.root_mode), &f->res)) {
		fail("%s: no memory to replay the log: %s", f->dev.path, strerror(errno));
		return FSCK_OPERATIONAL;
	}
	for (i = f->log_size; i > f->res.end && !f->log[i - 1]; i--)
		;
	f->dirty_end = i;
	return 0;
}

static void print_counts(struct fsck *f)
{
	const struct replay_result *r = &f->res;
	const char *d = f->dev.path;

	printf("%s: log: %" PRIu64 " records, %" PRIu64 " bytes used, %" PRIu64 " free\n",
	       d, r->records, r->end, f->log_size - r->end);
	printf("%s: inodes: %" PRIu64 " (directories %" PRIu64 ", regular files %" PRIu64 "), names: %" PRIu64 "\n",
	       d, r->inodes, r->dirs, r->files, r->names);
	printf("%s: extents: %" PRIu64 " of %" PRIu64 " in use; freed by unlink %" PRIu64 ", by truncation %" PRIu64 "\n",
	       d, r->extents_used, f->extents, r->extents_freed_unlink,
	       r->extents_freed_truncate);
}

/* Zeroes [end, dirty_end) of the log, durably: 0 or an exit code. */
static int zero_tail(struct fsck *f)
{
	if (device_zero(&f->dev, f->log_offset + f->res.end, f->log_offset + f->dirty_end) ||
	    device_sync(&f->dev))
		return FSCK_OPERATIONAL;
	return 0;
}

/* The record the kernel refuses: report it, end the log before it. */
static int bad_record(struct fsck *f)
{
	const struct replay_result *r = &f->res;
	uint64_t first = r->records + 1, n = 0, pos = r->end;
	uint32_t size;
	int rc;

	printf("%s: log record %" PRIu64 " (at byte %" PRIu64 " of the log) %s\n",
	       f->dev.path, first, r->end, r->why);
	/* It and the records after it, which only it kept from the end. */
	while ((size = log_record_at(f->log, f->log_size, pos, first + n))) {
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
	printf("%s: ended the log before record %" PRIu64 ": dropped %" PRIu64 " records (%" PRIu64 " to %" PRIu64 "), zeroed bytes %" PRIu64 " to %" PRIu64 " of the log\n",
	       f->dev.path, first, n, first, first + n - 1, r->end, f->dirty_end - 1);
	return FSCK_CORRECTED;
}

/*
 * Bytes that are not zero after the end of the log: a record torn by a
 * power loss, which the kernel rightly ignores.  Harmless as it stands,
 * but the kernel appends at the end of the log and writes only the new
 * record's bytes: a record shorter than the torn one leaves the torn
 * one's tail behind it, and should that tail hold, at the next record's
 * place, bytes that read as the next record (a file name can hold any
 * bytes but '/' and NUL), the next mount would replay a record that was
 * never written as one.  A repair zeroes them; a check only mentions
 * them, with -v.
 */
static int torn_tail(struct fsck *f)
{
	uint64_t from = f->res.end, to = f->dirty_end - 1;
	int rc;

	if (f->mode != MODE_REPAIR) {
		if (f->verbose)
			printf("%s: torn record at the end of the log, harmless: bytes %" PRIu64 " to %" PRIu64 " of the log are not zero (-y zeroes them)\n",
			       f->dev.path, from, to);
		return FSCK_OK;
	}
	rc = zero_tail(f);
	if (rc)
		return rc;
	printf("%s: zeroed a torn record after the end of the log (bytes %" PRIu64 " to %" PRIu64 ")\n",
	       f->dev.path, from, to);
	return FSCK_CORRECTED;
}

static int check(struct fsck *f)
{
	int rc = read_super(f);

	if (rc)
		return rc;
	rc = read_log(f);
	if (rc)
		return rc;
	if (f->res.why)
		rc = bad_record(f);
	else if (f->dirty_end > f->res.end)
		rc = torn_tail(f);
	if (rc == FSCK_CORRECTED) {
		/* Read back what the next mount will read. */
		int again = read_log(f);

		if (again)
			return again;
		if (f->res.why || f->dirty_end > f->res.end) {
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
