// SPDX-License-Identifier: GPL-2.0
/*
 * dax-bw: streaming bandwidth through a MAP_SHARED mapping of a file (a
 * file on XFS -o dax: loads and stores go straight to the device), or
 * between two anonymous buffers (plain memcpy, the guest's RAM baseline).
 *
 *   dax-bw map FILE SIZE PASSES    mapping <-> anonymous buffer
 *   dax-bw memcpy SIZE PASSES      anonymous buffer <-> anonymous buffer
 *
 * FILE must already be SIZE bytes of written blocks, or a /dev/daxN.M
 * of at least SIZE: device-dax has no fsync (msync fails with EINVAL),
 * so there the write pass ends in an mfence instead.  Every page is
 * touched once before timing.  Prints two lines, in MB/s (10^6 bytes):
 *   read <MB/s>      (mapping -> buffer)
 *   write <MB/s>     (buffer -> mapping; msync before the clock stops)
 * SIZE accepts K/M/G suffixes.  Built statically by tests/vm/initramfs.sh.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': v <<= 10; /* fall through */
	case 'M': v <<= 10; /* fall through */
	case 'K': v <<= 10; end++; break;
	}
	if (*end || !v) {
		fprintf(stderr, "dax-bw: bad size '%s'\n", s);
		exit(2);
	}
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *anon(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED) {
		perror("dax-bw: anonymous mmap");
		exit(1);
	}
	memset(p, 0x5a, len);
	return p;
}

int main(int argc, char **argv)
{
	char *dst, *src;
	size_t len;
	int passes, i, is_map, is_chr = 0;
	double t, rd, wr;

	is_map = argc == 5 && !strcmp(argv[1], "map");
	if (!is_map && !(argc == 4 && !strcmp(argv[1], "memcpy"))) {
		fprintf(stderr, "usage: dax-bw map FILE SIZE PASSES | dax-bw memcpy SIZE PASSES\n");
		return 2;
	}
	len = parse_size(argv[is_map ? 3 : 2]);
	passes = atoi(argv[is_map ? 4 : 3]);
	if (passes < 1)
		passes = 1;
	src = anon(len);
	if (is_map) {
		int fd = open(argv[2], O_RDWR);
		struct stat st;

		if (fd < 0 || fstat(fd, &st)) {
			perror(argv[2]);
			return 1;
		}
		is_chr = S_ISCHR(st.st_mode);
		dst = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (dst == MAP_FAILED) {
			perror("dax-bw: mmap");
			return 1;
		}
		close(fd);
		/* Fault every page in, untimed. */
		for (size_t off = 0; off < len; off += 4096)
			dst[off] = src[off];
	} else {
		dst = anon(len);
	}

	t = now();
	for (i = 0; i < passes; i++)
		memcpy(src, dst, len);
	rd = (double)len * passes / (now() - t) / 1e6;

	t = now();
	for (i = 0; i < passes; i++)
		memcpy(dst, src, len);
	if (is_chr)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	else if (is_map && msync(dst, len, MS_SYNC)) {
		perror("dax-bw: msync");
		return 1;
	}
	wr = (double)len * passes / (now() - t) / 1e6;

	printf("read %.1f\nwrite %.1f\n", rd, wr);
	return 0;
}
