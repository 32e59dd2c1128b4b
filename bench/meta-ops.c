// SPDX-License-Identifier: GPL-2.0
/*
 * meta-ops: metadata rates of a file system, one process, no forks (a
 * shell loop would measure fork and exec, not the file system).
 *
 *   meta-ops create DIR N    N empty files DIR/f<i>: open(O_CREAT|O_EXCL),
 *                            fsync, close each; then syncfs
 *   meta-ops populate DIR N  the same without the fsync of each file
 *   meta-ops unlink DIR N    unlink DIR/f<i> for every i; then syncfs
 *
 * Prints "<op> <files per second>".  The final syncfs is inside the
 * clock, so a file system that defers its journal pays for it here too.
 * Built statically by tests/vm/initramfs.sh.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int create, sync_each, dfd, fd;
	long n, i;
	char name[32];
	double t;

	if (argc != 4 || (strcmp(argv[1], "create") && strcmp(argv[1], "populate") &&
			  strcmp(argv[1], "unlink"))) {
		fprintf(stderr, "usage: meta-ops create|populate|unlink DIR N\n");
		return 2;
	}
	sync_each = !strcmp(argv[1], "create");
	create = sync_each || !strcmp(argv[1], "populate");
	n = atol(argv[3]);
	dfd = open(argv[2], O_RDONLY | O_DIRECTORY);
	if (dfd < 0 || n < 1) {
		perror(argv[2]);
		return 2;
	}
	t = now();
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "f%ld", i);
		if (!create) {
			if (unlinkat(dfd, name, 0)) {
				perror(name);
				return 1;
			}
			continue;
		}
		fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || (sync_each && fsync(fd))) {
			fprintf(stderr, "meta-ops: %s/%s after %ld files: %m\n", argv[2], name, i);
			return 1;
		}
		close(fd);
	}
	if (syncfs(dfd)) {
		perror("meta-ops: syncfs");
		return 1;
	}
	t = now() - t;
	printf("%s %.1f\n", argv[1], n / t);
	return 0;
}
