// SPDX-License-Identifier: GPL-2.0
/*
 * mmap-io: copy bytes between stdin/stdout and a MAP_SHARED mapping of a
 * file, for guest tests that must go through a mapping: PCI BARs via
 * /sys/bus/pci/devices/.../resourceN (read(2)/write(2) give EIO there, and
 * /dev/mem read/write only reaches RAM), DAX files, /dev/daxX.Y.
 *
 *   mmap-io write FILE OFFSET LENGTH   < data    stdin -> mapping
 *   mmap-io read  FILE OFFSET LENGTH   > data    mapping -> stdout
 *   mmap-io read-private FILE OFFSET LENGTH > data   the same through a
 *       MAP_PRIVATE mapping (iopfs refuses it)
 *   mmap-io hold  FILE OFFSET LENGTH             map read-write, touch every
 *       page, print the mapping's address (hex), keep it until stdin ends:
 *       for tests that need a live mapping (page table checks, busy checks);
 *       a line "touch" on stdin touches every page again (SIGBUS ends the
 *       process if the mapping died)
 *   mmap-io hold-ro FILE OFFSET LENGTH          the same, read-only: opened
 *       O_RDONLY, mapped PROT_READ, every page read (and read again on
 *       "touch")
 *   mmap-io pin   FILE OFFSET LENGTH             vmsplice the pages into a
 *       pipe (which holds a reference on each), unmap them, close FILE,
 *       print "pinned", keep the pipe until stdin ends: pages in use with
 *       no mapping and no open file left
 *
 * OFFSET and LENGTH accept 0x.. and K/M/G suffixes. The mapping starts at the
 * page below OFFSET. Built statically by tests/vm/initramfs.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

static unsigned long long parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': v <<= 10; /* fall through */
	case 'M': v <<= 10; /* fall through */
	case 'K': v <<= 10; end++; break;
	}
	if (*end) {
		fprintf(stderr, "mmap-io: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static int xfer(int fd, char *buf, size_t len, int out)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = out ? write(fd, buf + done, len - done)
				: read(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "mmap-io: short %s after %zu of %zu bytes: %s\n",
				out ? "write" : "read", done, len,
				n ? strerror(errno) : "end of input");
			return -1;
		}
		done += n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 5 || (strcmp(argv[1], "read") && strcmp(argv[1], "write") &&
			  strcmp(argv[1], "hold") && strcmp(argv[1], "hold-ro") &&
			  strcmp(argv[1], "pin") && strcmp(argv[1], "read-private"))) {
		fprintf(stderr, "usage: mmap-io read|read-private|write|hold|hold-ro|pin FILE OFFSET LENGTH\n");
		return 2;
	}
	int private = !strcmp(argv[1], "read-private");
	int pinning = !strcmp(argv[1], "pin");
	int readonly = !strcmp(argv[1], "hold-ro");
	int holding = pinning || readonly || !strcmp(argv[1], "hold");
	int writing = (holding && !readonly) || !strcmp(argv[1], "write");
	unsigned long long off = parse_size(argv[3]);
	size_t len = parse_size(argv[4]);
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long base = off & ~(unsigned long long)(page - 1);
	size_t maplen = len + (off - base);
	int fd = open(argv[2], writing ? O_RDWR : O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "mmap-io: open %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	char *map = mmap(NULL, maplen, writing ? PROT_READ | PROT_WRITE : PROT_READ,
			 private ? MAP_PRIVATE : MAP_SHARED, fd, base);
	if (map == MAP_FAILED) {
		fprintf(stderr, "mmap-io: mmap %s at %llu+%zu: %s\n", argv[2], base,
			maplen, strerror(errno));
		return 1;
	}
	char *p = map + (off - base);
	int ret;

	if (holding) {
		char c;

		volatile char *v = p;

		/* Write faults: the page tables get writable entries. */
		for (size_t i = 0; i < len; i += page)
			if (readonly)
				(void)v[i];
			else
				v[i] = v[i];
		if (pinning) {
			int pfd[2];
			struct iovec iov = { .iov_base = p, .iov_len = page };

			/* One page is enough to pin; the pipe keeps it. */
			if (pipe(pfd) || vmsplice(pfd[1], &iov, 1, 0) != page) {
				fprintf(stderr, "mmap-io: vmsplice: %s\n", strerror(errno));
				return 1;
			}
			/*
			 * Neither the mapping nor the file: only the pipe
			 * holds the page, and an unmount is not refused.
			 */
			munmap(map, maplen);
			map = NULL;
			close(fd);
			fd = -1;
			printf("pinned\n");
		} else {
			printf("%lx\n", (unsigned long)map);
		}
		fflush(stdout);
		char line[16];
		size_t used = 0;

		for (;;) {
			ssize_t n = read(0, &c, 1);

			if (n == 0 || (n < 0 && errno != EINTR))
				break;
			if (n < 0)
				continue;
			if (c != '\n') {
				if (used < sizeof(line) - 1)
					line[used++] = c;
				continue;
			}
			line[used] = '\0';
			used = 0;
			if (map && !strcmp(line, "touch")) {
				for (size_t i = 0; i < len; i += page)
					if (readonly)
						(void)v[i];
					else
						v[i] = v[i];
				printf("touched\n");
				fflush(stdout);
			}
		}
		ret = 0;
	} else if (writing) {
		/* Read into a bounce buffer first: a short input must not leave a
		 * half-written mapping behind. */
		char *buf = malloc(len);

		if (!buf || xfer(0, buf, len, 0))
			return 1;
		memcpy(p, buf, len);
		/* EINVAL: the file has no fsync (sysfs resource files). */
		ret = 0;
		if (msync(map, maplen, MS_SYNC) && errno != EINVAL) {
			fprintf(stderr, "mmap-io: msync: %s\n", strerror(errno));
			ret = 1;
		}
	} else {
		ret = xfer(1, p, len, 1) ? 1 : 0;
	}
	if (map)
		munmap(map, maplen);
	if (fd >= 0)
		close(fd);
	return ret;
}
