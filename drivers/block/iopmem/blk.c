// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/iopmemN: the block device of an iopmem device in fsdax mode.
 *
 * Bios are copied by the CPU through the kernel mapping, which carries the
 * device's memory type (WC or UC).  The live state is freed from
 * free_disk(), i.e. after the last opener has gone: a file system mounted
 * on a removed device still owns struct pages until it is unmounted.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "iopmem-private.h"

/*
 * Where DAX faults map file pages write-back whatever the range's memory
 * type (compat.h), fsdax mode would give user mappings another type than
 * cache says, and a write-back mapping of device memory lets the CPU
 * cache, prefetch and write back lines of it at any time.  Refused unless
 * the administrator accepts that.
 */
static bool iopmem_fsdax_wb_mmap;
module_param_named(fsdax_wb_mmap, iopmem_fsdax_wb_mmap, bool, 0644);
MODULE_PARM_DESC(fsdax_wb_mmap,
		 "On kernels whose DAX faults map files write-back (6.15 and later): Y allows mode fsdax anyway, with write-back user mappings of files and fsync writing CPU caches back; N (default) refuses mode fsdax there. Other kernels ignore it.");

static void iopmem_copy_bvec(struct iopmem_mapping *map, struct bio_vec *bvec,
			     sector_t sector, bool write)
{
	void *mem = iopmem_data_virt(map) + ((u64)sector << SECTOR_SHIFT);
	void *buf = bvec_kmap_local(bvec);

	/* The kernel mapping of the range is already WC or UC. */
	if (write) {
		iopmem_copy_to_dev(mem, buf, bvec->bv_len);
	} else {
		iopmem_copy_from_dev(buf, mem, bvec->bv_len);
		flush_dcache_page(bvec->bv_page);
	}
	kunmap_local(buf);
}

static void iopmem_submit_bio(struct bio *bio)
{
	struct iopmem_fsdax *fsdax = bio->bi_bdev->bd_disk->private_data;
	struct iopmem_stats *stats = &fsdax->idev->stats;
	struct iopmem_mapping *map = &fsdax->map;
	sector_t sector = bio->bi_iter.bi_sector;
	unsigned int bytes = bio->bi_iter.bi_size;
	bool write = op_is_write(bio_op(bio));
	unsigned long start = 0;
	struct bvec_iter iter;
	struct bio_vec bvec;
	bool acct;

	if (bio_op(bio) != REQ_OP_READ && bio_op(bio) != REQ_OP_WRITE) {
		atomic64_inc(&stats->errors);
		bio->bi_status = BLK_STS_NOTSUPP;
		bio_endio(bio);
		return;
	}

	/*
	 * An empty PREFLUSH is a flush, not a write: the block layer has no
	 * flush count for bio-based drivers, so stats/flushes keeps it.
	 */
	acct = bytes && blk_queue_io_stat(bio->bi_bdev->bd_disk->queue);
	if (acct)
		start = bio_start_io_acct(bio);

	if (bio->bi_opf & REQ_PREFLUSH) {
		iopmem_drain(map, true);
		atomic64_inc(&stats->flushes);
	}

	bio_for_each_segment(bvec, bio, iter) {
		iopmem_copy_bvec(map, &bvec, sector, write);
		sector += bvec.bv_len >> SECTOR_SHIFT;
	}
	if (write && bytes)
		wmb();	/* sfence: out of this CPU's WC buffers before endio */

	if (write && (bio->bi_opf & REQ_FUA)) {
		iopmem_drain(map, false);
		atomic64_inc(&stats->flushes);
	}
	if (acct)
		bio_end_io_acct(bio, start);
	bio_endio(bio);
}

int iopmem_open(struct gendisk *disk)
{
	struct iopmem_fsdax *fsdax = disk->private_data;
	int rc = 0;

	spin_lock(&fsdax->lock);
	if (fsdax->dying)
		rc = -ENXIO;
	else
		fsdax->openers++;
	spin_unlock(&fsdax->lock);
	return rc;
}

void iopmem_release(struct gendisk *disk)
{
	struct iopmem_fsdax *fsdax = disk->private_data;
	bool last;

	spin_lock(&fsdax->lock);
	last = !--fsdax->openers;
	spin_unlock(&fsdax->lock);
	if (last)
		wake_up(&fsdax->closed);
}

static void iopmem_fsdax_reaped(struct iopmem_mapping *map)
{
	struct iopmem_fsdax *fsdax = container_of(map, struct iopmem_fsdax,
						  map);
	char name[IOPMEM_NAME_LEN];

	strscpy(name, map->name, sizeof(name));
	iopmem_unmap_final(map);
	kfree(fsdax);
	pr_info("iopmem %s: held pages released, memory unmapped\n", name);
}

/* iopmem_unmap() kept the mapping: a killed task stopped waiting. */
static void iopmem_fsdax_defer(struct iopmem_fsdax *fsdax)
{
	struct resource res = iopmem_map_res(&fsdax->map);

	pr_err("iopmem %s: stopped waiting for held pages: %pR keeps its struct pages until they are released\n",
	       fsdax->map.name, &res);
	iopmem_defer(&fsdax->map, iopmem_fsdax_held, IOPMEM_FSDAX_HOLDERS,
		     iopmem_fsdax_reaped);
}

static void iopmem_free_disk(struct gendisk *disk)
{
	struct iopmem_fsdax *fsdax = disk->private_data;

	/* Module exit waits for the unmap: do everything else before it. */
	put_device(&fsdax->idev->dev);
	if (iopmem_unmap(&fsdax->map))
		kfree(fsdax);
	else
		iopmem_fsdax_defer(fsdax);
}

static const struct block_device_operations iopmem_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= iopmem_submit_bio,
	.open		= iopmem_bdev_open,
	.release	= iopmem_bdev_release,
	.free_disk	= iopmem_free_disk,
};

/* Whether @bdev is an iopmem device: iopmem_fs_get() checks its callers. */
bool iopmem_fs_is_ours(struct block_device *bdev)
{
	return bdev->bd_disk->fops == &iopmem_fops;
}

/**
 * iopmem_fsdax_start() - build the live fsdax state of a device
 * @idev: the device, with @idev->lock held and no live state
 * @new_memmap: the user just changed memmap: replace the layout on the
 *		device if it disagrees, instead of refusing
 *
 * Maps the memory with the configured memory type and memmap place, then
 * creates the gendisk and its DAX host over the data part.  Mode iopfs
 * builds the same without the DAX host, with MEMORY_DEVICE_GENERIC pages
 * for fs/iopfs (fs.c).
 *
 * Return: 0; -EOPNOTSUPP (logged) where user mappings of files would be
 * write-back and fsdax_wb_mmap is off, or for memmap=dev in a hot-plug
 * slot; or another negative errno.  Nothing is left behind.
 */
int iopmem_fsdax_start(struct iopmem_device *idev, bool new_memmap)
{
	bool iopfs = idev->mode == IOPMEM_MODE_IOPFS;
	struct iopmem_fsdax *fsdax;
	struct dax_device *dax_dev;
	struct gendisk *disk;
	int rc;

	lockdep_assert_held(&idev->lock);

	/* iopfs sets the memory type of its mappings itself. */
	if (!iopfs && IOPMEM_DAX_USER_PROT_FROM_VMA &&
	    !READ_ONCE(iopmem_fsdax_wb_mmap)) {
		dev_err(&idev->dev, "mode fsdax refused: this kernel maps files on -o dax mounts write-back, not %s; use mode devdax, or set iopmem.fsdax_wb_mmap=1 to accept (see Documentation/errors.rst)\n",
			iopmem_cache_names[idev->cache]);
		return -EOPNOTSUPP;
	}

	/*
	 * With memmap=dev the struct pages live in the BAR, and the kernel
	 * reads them when it unmaps the range: after a surprise removal that
	 * read returns all-ones and the teardown oopses.
	 */
	if (idev->memmap == IOPMEM_MEMMAP_DEV &&
	    iopmem_pci_hotplug_slot(idev->dev.parent)) {
		dev_err(&idev->dev, "memmap dev refused: %s is in a hot-plug slot, and after a surprise removal the kernel would read struct pages from the gone BAR; use memmap ram\n",
			dev_name(idev->dev.parent));
		return -EOPNOTSUPP;
	}
	/* Not needed for a start: struct pages in RAM cost 1.6% of the BAR. */
	if (iopfs && idev->memmap == IOPMEM_MEMMAP_DEV) {
		dev_err(&idev->dev, "mode iopfs refused with memmap dev: not supported yet; use memmap ram\n");
		return -EOPNOTSUPP;
	}

	fsdax = kzalloc(sizeof(*fsdax), GFP_KERNEL);
	if (!fsdax)
		return -ENOMEM;
	spin_lock_init(&fsdax->lock);
	init_waitqueue_head(&fsdax->closed);
	init_rwsem(&fsdax->dax_dev_lock);
	init_rwsem(&fsdax->fs_lock);
	mutex_init(&fsdax->fs_holder_lock);
	fsdax->idev = idev;
	/* Memory failures go to the DAX host's holder; iopfs has none yet. */
	if (!iopfs)
		fsdax->map.pgmap.ops = &iopmem_fsdax_pgmap_ops;

	rc = iopmem_map(&fsdax->map, &idev->dev, &idev->range, idev->cache,
			idev->memmap, new_memmap, idev->nid,
			iopfs ? MEMORY_DEVICE_GENERIC : MEMORY_DEVICE_FS_DAX);
	if (rc)
		goto out_free;
	fsdax->fs.size = iopmem_data_size(&fsdax->map);
	fsdax->fs.virt = iopmem_data_virt(&fsdax->map);
	fsdax->fs.dev = &idev->dev;

	disk = iopmem_alloc_disk(idev->nid);
	if (IS_ERR(disk)) {
		rc = PTR_ERR(disk);
		goto out_unmap;
	}
	disk->fops = &iopmem_fops;
	disk->private_data = fsdax;
	strscpy(disk->disk_name, dev_name(&idev->dev), DISK_NAME_LEN);
	/* With memmap=dev, the block device starts after the struct pages. */
	set_capacity(disk, iopmem_data_size(&fsdax->map) >> SECTOR_SHIFT);
	fsdax->disk = disk;

	if (!iopfs) {
		dax_dev = iopmem_dax_create(fsdax);
		if (IS_ERR(dax_dev)) {
			rc = PTR_ERR(dax_dev);
			dev_err(&idev->dev, "cannot create the DAX host (%d)\n",
				rc);
			goto out_put_disk;
		}
		/* Memory failures are reported to its holder from here on. */
		down_write(&fsdax->dax_dev_lock);
		fsdax->dax_dev = dax_dev;
		up_write(&fsdax->dax_dev_lock);
	}

	rc = device_add_disk(&idev->dev, disk, NULL);
	if (rc) {
		dev_err(&idev->dev, "cannot add the block device (%d)\n", rc);
		goto out_dax;
	}
	/* From here on, iopmem_free_disk() owns fsdax. */
	get_device(&idev->dev);
	idev->fsdax = fsdax;
	if (!iopfs && IOPMEM_DAX_USER_PROT_FROM_VMA)
		dev_warn(&idev->dev, "user mappings of files on /dev/%s (mount -o dax) are write-back on this kernel, not %s; use devdax mode for %s mappings (see Documentation/errors.rst)\n",
			 disk->disk_name, iopmem_cache_names[idev->cache],
			 iopmem_cache_names[idev->cache]);
	return 0;

out_dax:
	iopmem_dax_destroy(fsdax);
out_put_disk:
	put_disk(disk);
out_unmap:
	if (!iopmem_unmap(&fsdax->map)) {
		iopmem_orphan(&fsdax->map, idev->dev.parent);
		iopmem_fsdax_defer(fsdax);
		return rc;
	}
out_free:
	kfree(fsdax);
	return rc;
}

/**
 * iopmem_fsdax_stop() - tear the live fsdax state down, whoever uses it
 * @idev: the device, with @idev->lock held and live state
 *
 * New opens fail from here on; file systems still mounted lose DAX and get
 * I/O errors.  The memory stays mapped until the last opener is gone.
 */
void iopmem_fsdax_stop(struct iopmem_device *idev)
{
	struct iopmem_fsdax *fsdax = idev->fsdax;

	lockdep_assert_held(&idev->lock);

	spin_lock(&fsdax->lock);
	fsdax->dying = true;
	spin_unlock(&fsdax->lock);
	idev->fsdax = NULL;

	iopmem_orphan(&fsdax->map, idev->dev.parent);
	iopmem_fs_offline(fsdax);
	iopmem_dax_destroy(fsdax);
	del_gendisk(fsdax->disk);
	/* May free fsdax now, or at the last close. */
	put_disk(fsdax->disk);
}

/*
 * Opens that end on their own within this time do not make a device busy:
 * the partition scan of add_disk() closes its file only when the task
 * that added the disk returns to user space (6.9+), and udev's blkid
 * probes every new disk.
 */
#define IOPMEM_TRANSIENT_OPEN_WAIT	(HZ / 2)

/* True, and new opens refused from now on, once no opener is left. */
static bool iopmem_fsdax_mark_dying(struct iopmem_fsdax *fsdax,
				    unsigned int *openers)
{
	spin_lock(&fsdax->lock);
	*openers = fsdax->openers;
	if (!*openers)
		fsdax->dying = true;
	spin_unlock(&fsdax->lock);
	return !*openers;
}

/**
 * iopmem_fsdax_stop_idle() - tear the live fsdax state down if unused
 * @idev: the device, with @idev->lock held and live state
 * @what: the setting being changed, for the message
 *
 * Waits up to IOPMEM_TRANSIENT_OPEN_WAIT for openers to close.
 *
 * Return: 0 once the memory is unmapped, -EBUSY (logged, naming the
 * holder) while the block device is open or mounted, or -EINTR if the
 * task was killed while something held pages: the device is offline then.
 */
int iopmem_fsdax_stop_idle(struct iopmem_device *idev, const char *what)
{
	struct iopmem_fsdax *fsdax = idev->fsdax;
	struct range range = idev->range;
	unsigned int openers = 0;

	if (!wait_event_timeout(fsdax->closed,
				iopmem_fsdax_mark_dying(fsdax, &openers),
				IOPMEM_TRANSIENT_OPEN_WAIT)) {
		dev_err(&idev->dev, "cannot change %s: /dev/%s is in use (%u opener%s, a mount counts as one); unmount or close it\n",
			what, fsdax->disk->disk_name, openers,
			openers == 1 ? "" : "s");
		return -EBUSY;
	}

	iopmem_fsdax_stop(idev);
	/*
	 * Anything still pinning the gendisk lets go quickly: no opener.  A
	 * killed task gave up waiting for held pages in free_disk() (the
	 * reaper unmaps them later) and must not hang here instead.
	 */
	if (iopmem_wait_range_free(&range)) {
		dev_err(&idev->dev, "cannot change %s: stopped waiting for held pages; offline until they are released and it is set again\n",
			what);
		return -EINTR;
	}
	return 0;
}
