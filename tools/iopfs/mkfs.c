// SPDX-License-Identifier: GPL-2.0
/*
 * mkfs.iopfs: write an empty iopfs (include/uapi/linux/iopfs.h) to a block
 * device such as /dev/iopmem0, or to a regular file.  The log is zeroed,
 * slot 0 of it started with an EPOCH record of seq 1, and the superblock
 * written last, so that the device holds a valid superblock only once the
 * log under it is empty.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#include "mkfs.h"

#define ZERO_CHUNK	(1U << 20)

static const char *prog = "mkfs.iopfs";

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage(bool help)
{
	fprintf(help ? stdout : stderr,
		"usage: %s [-f] [-L SIZE] [-U UUID] [-q] DEVICE\n"
		"  -f, --force         overwrite a file system already on DEVICE\n"
		"  -L, --log-size SIZE the metadata log, a multiple of 2M (K, M, G suffixes),\n"
		"                      two slots of half of it; default 1/64 of DEVICE, 2M to 64M\n"
		"  -U, --uuid UUID     the file system's UUID (default: random)\n"
		"  -q, --quiet         no summary\n"
		"  -V, --version       print the version\n"
		"DEVICE is a block device (/dev/iopmem0) or a regular file.\n",
		prog);
	return help ? 0 : EXIT_USAGE;
}

/*
 * Open DEVICE for writing and find its size.  A block device is opened
 * O_EXCL: the kernel refuses that while the device is mounted or held by
 * another user (md, dm, a swap area), which is the check we want.
 */
static int open_device(const char *path, uint64_t *size)
{
	struct stat st;
	int fd, flags = O_RDWR | O_CLOEXEC;

	if (stat(path, &st)) {
		fail("%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISBLK(st.st_mode)) {
		flags |= O_EXCL;
	} else if (!S_ISREG(st.st_mode)) {
		fail("%s: not a block device or a regular file", path);
		return -1;
	}
	fd = open(path, flags);
	if (fd < 0) {
		if (errno == EBUSY)
			fail("%s: in use (mounted, or held by md, dm or swap); unmount it or stop its user first",
			     path);
		else
			fail("%s: cannot open for writing: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		*size = st.st_size;
	} else if (ioctl(fd, BLKGETSIZE64, size)) {
		fail("%s: cannot read the size (BLKGETSIZE64): %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const char *path, const void *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fail("%s: write at byte %" PRIu64 " failed: %s", path, off,
			     n < 0 ? strerror(errno) : "no progress");
			return -1;
		}
		buf = (const char *)buf + n;
		len -= n;
		off += n;
	}
	return 0;
}

/* [from, to) in pieces that end on 1 MiB boundaries */
static int write_zeroes(int fd, const char *path, uint64_t from, uint64_t to)
{
	static char zero[ZERO_CHUNK];	/* bss: not 1 MiB of the binary */

	while (from < to) {
		uint64_t n = ZERO_CHUNK - from % ZERO_CHUNK;

		if (n > to - from)
			n = to - from;
		if (write_all(fd, path, zero, n, from))
			return -1;
		from += n;
	}
	return 0;
}

static int check_signature(int fd, const char *path)
{
	static unsigned char block[IOPFS_SUPER_SIZE];
	const char *fs;
	ssize_t n;

	n = pread(fd, block, sizeof(block), 0);
	if (n < 0) {
		fail("%s: cannot read the first block: %s", path, strerror(errno));
		return -1;
	}
	fs = fs_signature(block, n);
	if (fs) {
		fail("%s: holds an %s file system; use --force to overwrite it (or wipefs -a %s)",
		     path, fs, path);
		return -1;
	}
	return 0;
}

static int get_uuid(const char *arg, uint8_t uuid[16])
{
	if (arg) {
		if (!parse_uuid(arg, uuid))
			return 0;
		fail("-U %s: not a UUID; write it as 01234567-89ab-cdef-0123-456789abcdef", arg);
		return EXIT_USAGE;
	}
	if (getrandom(uuid, 16, 0) != 16) {
		fail("cannot get random bytes for the UUID: %s; give one with -U", strerror(errno));
		return EXIT_OPERATIONAL;
	}
	/* version 4 (random), variant RFC 4122, as uuidgen makes them */
	uuid[6] = (uuid[6] & 0x0f) | 0x40;
	uuid[8] = (uuid[8] & 0x3f) | 0x80;
	return 0;
}

static void summary(const char *path, const struct mkfs_layout *l, const uint8_t uuid[16])
{
	char a[32], b[32], u[37];

	format_uuid(uuid, u);
	printf("%s: iopfs, %" PRIu64 " bytes (%s)\n", path, l->size,
	       format_size(l->size, a, sizeof(a)));
	printf("log:          %s at %s\n", format_size(l->log_size, a, sizeof(a)),
	       format_size(l->log_offset, b, sizeof(b)));
	printf("data extents: %" PRIu64 " of 2 MiB at %s\n", l->data_extents,
	       format_size(l->data_offset, b, sizeof(b)));
	printf("uuid:         %s\n", u);
}

static int mkfs(const char *path, bool force, uint64_t log_size, const uint8_t uuid[16],
		bool quiet)
{
	static unsigned char block[IOPFS_SUPER_SIZE];
	struct iopfs_super *sb = (struct iopfs_super *)block;
	unsigned char epoch[MKFS_EPOCH_SIZE];
	struct mkfs_layout l;
	char a[32], b[32];
	uint64_t size;
	int fd, rc = EXIT_OPERATIONAL;

	fd = open_device(path, &size);
	if (fd < 0)
		return EXIT_OPERATIONAL;
	if (!log_size)
		log_size = default_log_size(size);
	switch (compute_layout(size, log_size, &l)) {
	case LAYOUT_TOO_SMALL:
		fail("%s: %s is too small; iopfs needs at least %s", path,
		     format_size(size, a, sizeof(a)), format_size(MKFS_MIN_SIZE, b, sizeof(b)));
		goto out;
	case LAYOUT_NO_DATA:
		fail("%s: a %s log leaves no 2 MiB extent for data in %s; give a smaller --log-size",
		     path, format_size(log_size, a, sizeof(a)), format_size(size, b, sizeof(b)));
		goto out;
	}
	if (!force && check_signature(fd, path))
		goto out;

	/*
	 * The log first, and on the device before the superblock: a crash in
	 * between must not leave a valid superblock over a previous iopfs's
	 * log, whose records mount would replay.  [4 KiB, 2 MiB) too, so no
	 * other file system's signature survives there.  Slot 1 stays zero:
	 * slot 0, started by an EPOCH record of seq 1, is the log until the
	 * kernel's first compaction.
	 */
	if (write_zeroes(fd, path, IOPFS_SUPER_SIZE, l.data_offset))
		goto out;
	epoch_fill(epoch, 0, 1);
	if (write_all(fd, path, epoch, sizeof(epoch), l.log_offset))
		goto out;
	if (fsync(fd)) {
		fail("%s: fsync: %s", path, strerror(errno));
		goto out;
	}
	super_fill(sb, &l, uuid, time(NULL));
	if (write_all(fd, path, block, sizeof(block), 0))
		goto out;
	if (fsync(fd)) {
		fail("%s: fsync: %s", path, strerror(errno));
		goto out;
	}
	if (!quiet)
		summary(path, &l, uuid);
	rc = 0;
out:
	if (close(fd) && !rc) {
		fail("%s: close: %s", path, strerror(errno));
		rc = EXIT_OPERATIONAL;
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "log-size", required_argument, NULL, 'L' },
		{ "uuid", required_argument, NULL, 'U' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ }
	};
	const char *uuid_arg = NULL;
	bool force = false, quiet = false;
	uint64_t log_size = 0;
	uint8_t uuid[16];
	int c, rc;

	while ((c = getopt_long(argc, argv, "fL:U:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 'L':
			if (parse_size(optarg, &log_size) || !log_size ||
			    log_size % IOPFS_EXTENT_SIZE) {
				fail("-L %s: the log size must be a multiple of 2 MiB, such as 2M, 8M or 64M",
				     optarg);
				return EXIT_USAGE;
			}
			break;
		case 'U':
			uuid_arg = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			return usage(true);
		case 'V':
			puts("mkfs.iopfs " IOPMEM_VERSION);
			return 0;
		default:
			return usage(false);
		}
	}
	if (optind != argc - 1)
		return usage(false);
	rc = get_uuid(uuid_arg, uuid);
	if (rc)
		return rc;
	rc = mkfs(argv[optind], force, log_size, uuid, quiet);
	if (!rc && (fflush(stdout) || ferror(stdout))) {
		fail("cannot write the summary: %s", strerror(errno ? errno : EIO));
		rc = EXIT_OPERATIONAL;
	}
	return rc;
}
