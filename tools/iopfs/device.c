// SPDX-License-Identifier: GPL-2.0
/*
 * fsck.iopfs: the device.  A check opens it read-only, even while it is
 * mounted; a repair opens a block device O_EXCL, which the kernel refuses
 * while a file system (iopfs holds its device exclusively), md, dm or a
 * swap area has it, and first looks for it in /proc/self/mountinfo so
 * the refusal can name the mount point.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/fs.h>

#include "fsck.h"

#define ZERO_CHUNK	(1U << 20)

void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fsck.iopfs: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = 0;
}

/*
 * Is the block device @rdev mounted?  iopfs mounts on an anonymous device
 * (get_tree_nodev), so the mount's major:minor is not the device's: the
 * mount source is compared too.
 */
static void find_mount(struct device *dev, dev_t rdev)
{
	char *line = NULL, mnt[4096], src[4096];
	unsigned int major, minor;
	size_t cap = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		const char *sep = strstr(line, " - ");
		struct stat st;

		if (!sep || sscanf(line, "%*s %*s %u:%u %*s %4095s", &major, &minor, mnt) != 3 ||
		    sscanf(sep + 3, "%*s %4095s", src) != 1)
			continue;
		unescape(mnt);
		unescape(src);
		if (makedev(major, minor) == rdev ||
		    (!stat(src, &st) && S_ISBLK(st.st_mode) && st.st_rdev == rdev)) {
			snprintf(dev->mounted_on, sizeof(dev->mounted_on), "%s", mnt);
			break;
		}
	}
	free(line);
	fclose(f);
}

/**
 * device_open() - open DEVICE and find its size
 * @dev: ->path set; ->fd, ->size, ->writable, ->mounted_on filled in
 * @write: for a repair
 *
 * Return: 0, or -1 with the reason and the fix on stderr.
 */
int device_open(struct device *dev, bool write)
{
	struct stat st;
	int flags = (write ? O_RDWR : O_RDONLY) | O_CLOEXEC;

	dev->fd = -1;
	dev->writable = write;
	dev->mounted_on[0] = 0;
	if (stat(dev->path, &st)) {
		fail("%s: %s", dev->path, strerror(errno));
		return -1;
	}
	if (S_ISBLK(st.st_mode)) {
		find_mount(dev, st.st_rdev);
		if (write && dev->mounted_on[0]) {
			fail("%s: mounted on %s; unmount it before a repair (fsck.iopfs -n checks it read-only)",
			     dev->path, dev->mounted_on);
			return -1;
		}
		if (write)
			flags |= O_EXCL;
	} else if (!S_ISREG(st.st_mode)) {
		fail("%s: not a block device or a regular file", dev->path);
		return -1;
	}
	dev->fd = open(dev->path, flags);
	if (dev->fd < 0) {
		if (errno == EBUSY)
			fail("%s: in use (mounted, or held by md, dm or swap); unmount it or stop its user before a repair",
			     dev->path);
		else
			fail("%s: cannot open%s: %s", dev->path, write ? " for writing" : "",
			     strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		dev->size = st.st_size;
	} else if (ioctl(dev->fd, BLKGETSIZE64, &dev->size)) {
		fail("%s: cannot read the size (BLKGETSIZE64): %s", dev->path, strerror(errno));
		close(dev->fd);
		return -1;
	}
	return 0;
}

/* All of [off, off + len), or -1 with the reason on stderr. */
int device_read(struct device *dev, void *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pread(dev->fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fail("%s: read at byte %" PRIu64 " failed: %s", dev->path, off,
			     n < 0 ? strerror(errno) : "end of the device");
			return -1;
		}
		buf = (char *)buf + n;
		len -= n;
		off += n;
	}
	return 0;
}

/* Zeroes over [from, to), in pieces that end on 1 MiB boundaries. */
int device_zero(struct device *dev, uint64_t from, uint64_t to)
{
	static char zero[ZERO_CHUNK];

	while (from < to) {
		uint64_t n = ZERO_CHUNK - from % ZERO_CHUNK;
		ssize_t done;

		if (n > to - from)
			n = to - from;
		done = pwrite(dev->fd, zero, n, from);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0) {
			fail("%s: write at byte %" PRIu64 " failed: %s", dev->path, from,
			     done < 0 ? strerror(errno) : "no progress");
			return -1;
		}
		from += done;
	}
	return 0;
}

int device_sync(struct device *dev)
{
	if (fsync(dev->fd)) {
		fail("%s: fsync: %s", dev->path, strerror(errno));
		return -1;
	}
	return 0;
}

int device_close(struct device *dev)
{
	if (dev->fd >= 0 && close(dev->fd)) {
		fail("%s: close: %s", dev->path, strerror(errno));
		return -1;
	}
	dev->fd = -1;
	return 0;
}
