/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference iopmem depends on, in one place.
 * Tested: 6.1 (Debian bookworm) and 6.12 (bookworm-backports).
 */
#ifndef _IOPMEM_COMPAT_H
#define _IOPMEM_COMPAT_H

#include <linux/blkdev.h>
#include <linux/idr.h>
#include <linux/range.h>

/*
 * Features are tested by the symbols that came with them rather than by
 * version numbers, so distribution backports are handled too.
 */

#ifdef BLK_FEAT_DAX	/* 6.11: queue limits carry the features */

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

#else	/* 6.1: queue flags and setters after allocation */

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

#endif

int iopmem_open(struct gendisk *disk);
void iopmem_release(struct gendisk *disk);

#ifdef BLK_OPEN_READ	/* 6.5: open takes the gendisk, release no mode */

static inline int iopmem_bdev_open(struct gendisk *disk, blk_mode_t mode)
{
	return iopmem_open(disk);
}

static inline void iopmem_bdev_release(struct gendisk *disk)
{
	iopmem_release(disk);
}

#else

static inline int iopmem_bdev_open(struct block_device *bdev, fmode_t mode)
{
	return iopmem_open(bdev->bd_disk);
}

static inline void iopmem_bdev_release(struct gendisk *disk, fmode_t mode)
{
	iopmem_release(disk);
}

#endif

/*
 * Device-dax: drivers/dax/bus.h and dax-private.h are not in the headers
 * packages, so carry what iopmem uses of them.
 */
struct dax_device;
struct dax_region;
struct dev_dax;

struct dax_region *alloc_dax_region(struct device *parent, int region_id,
				    struct range *range, int target_node,
				    unsigned int align, unsigned long flags);

/*
 * 6.8 appended memmap_on_memory; older kernels read only the fields
 * before it, so one layout serves both.
 */
struct dev_dax_data {
	struct dax_region *dax_region;
	struct dev_pagemap *pgmap;
	resource_size_t size;
	int id;
	bool memmap_on_memory;
};

struct dev_dax *devm_create_dev_dax(struct dev_dax_data *data);
struct inode *dax_inode(struct dax_device *dax_dev);

/*
 * Until alloc_dax_region() stopped handing its caller a reference (it is
 * devres-managed since), the caller dropped it once the seed existed.
 * The Makefile looks for the export.
 */
#ifdef IOPMEM_HAVE_DAX_REGION_PUT
void dax_region_put(struct dax_region *dax_region);

static inline void iopmem_dax_region_put(struct dax_region *dax_region)
{
	dax_region_put(dax_region);
}
#else
static inline void iopmem_dax_region_put(struct dax_region *dax_region)
{
}
#endif

/* The head of struct dev_dax, unchanged from 6.1 to 6.12. */
struct iopmem_dev_dax_head {
	struct dax_region *region;
	struct dax_device *dax_dev;
	unsigned int align;
	int target_node;
	bool dyn_id;
	int id;
	struct ida ida;
	struct device dev;
};

static inline struct dax_device *iopmem_dev_dax_to_dax_device(struct device *dev)
{
	return container_of(dev, struct iopmem_dev_dax_head, dev)->dax_dev;
}

#endif /* _IOPMEM_COMPAT_H */
