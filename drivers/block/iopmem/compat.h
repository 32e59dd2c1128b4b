/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference iopmem depends on, in one place.
 * Supported: 6.1 (Debian bookworm) and 6.11 or later (6.12 in
 * bookworm-backports).
 */
#ifndef _IOPMEM_COMPAT_H
#define _IOPMEM_COMPAT_H

#include <linux/blkdev.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)

/* Queue limits and features are set when the disk is allocated. */
static inline struct gendisk *iopmem_alloc_disk(int nid)
{
	struct queue_limits lim = {
		.logical_block_size	= SECTOR_SIZE,
		.physical_block_size	= PAGE_SIZE,
		.max_hw_sectors		= UINT_MAX,
		.features		= BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA |
					  BLK_FEAT_DAX | BLK_FEAT_SYNCHRONOUS,
	};

	return blk_alloc_disk(&lim, nid);
}

#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)

static inline struct gendisk *iopmem_alloc_disk(int nid)
{
	struct gendisk *disk = blk_alloc_disk(nid);
	struct request_queue *q;

	if (!disk)
		return ERR_PTR(-ENOMEM);
	q = disk->queue;
	blk_queue_write_cache(q, true, true);
	blk_queue_logical_block_size(q, SECTOR_SIZE);
	blk_queue_physical_block_size(q, PAGE_SIZE);
	blk_queue_max_hw_sectors(q, UINT_MAX);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_flag_set(QUEUE_FLAG_DAX, q);
	return disk;
}

#else
#error "iopmem supports Linux 6.1 to 6.8 and 6.11 or later"
#endif

/*
 * block_device_operations open/release: 6.5 passes the gendisk and drops
 * the mode from release.  Define adapters that call fn(struct gendisk *).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#define IOPMEM_BDEV_OPEN(name, fn)					\
	static int name(struct gendisk *disk, blk_mode_t mode)		\
	{ return fn(disk); }
#define IOPMEM_BDEV_RELEASE(name, fn)					\
	static void name(struct gendisk *disk)				\
	{ fn(disk); }
#else
#define IOPMEM_BDEV_OPEN(name, fn)					\
	static int name(struct block_device *bdev, fmode_t mode)	\
	{ return fn(bdev->bd_disk); }
#define IOPMEM_BDEV_RELEASE(name, fn)					\
	static void name(struct gendisk *disk, fmode_t mode)		\
	{ fn(disk); }
#endif

#endif /* _IOPMEM_COMPAT_H */
