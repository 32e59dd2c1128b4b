/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fsck.iopfs: the superblock check (super.c), the device (device.c), the
 * command (fsck.c); the replay is replay.h's.
 */
#ifndef IOPFS_FSCK_H
#define IOPFS_FSCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/iopfs.h>

/* Exit codes, as e2fsck has them; they add up. */
#define FSCK_OK			0
#define FSCK_CORRECTED		1
#define FSCK_UNCORRECTED	4
#define FSCK_OPERATIONAL	8
#define FSCK_USAGE		16

/* check_super() results */
enum {
	SUPER_OK,
	SUPER_FOREIGN,		/* no iopfs, or a version this fsck cannot read */
	SUPER_BAD,		/* an iopfs superblock the kernel refuses */
};

int check_super(const struct iopfs_super *s, uint64_t size, char *why, size_t len);

struct device {
	const char *path;
	int fd;
	uint64_t size;
	bool writable;
	char mounted_on[4096];	/* "" unless a mount of it is in mountinfo */
};

int device_open(struct device *dev, bool write);
int device_read(struct device *dev, void *buf, size_t len, uint64_t off);
int device_zero(struct device *dev, uint64_t from, uint64_t to);
int device_sync(struct device *dev);
int device_close(struct device *dev);
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
