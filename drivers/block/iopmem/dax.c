// SPDX-License-Identifier: GPL-2.0
/*
 * dax_operations: file systems mounted with -o dax map the device memory
 * straight into user address spaces, with the device's memory type.
 * Offsets count from the start of the data part, as the block device's do.
 */
#include <linux/dax.h>
#include <linux/uio.h>

#include "compat.h"
#include "iopmem-private.h"

/**
 * iopmem_dax_access() - the memory behind a page offset of the DAX host
 * @dax_dev: the DAX host
 * @pgoff: page offset into the data part
 * @nr_pages: pages wanted
 * @kaddr: where to store the kernel address, or NULL
 * @phys: where to store the physical address
 *
 * The direct_access operation; compat.h turns @phys into the pfn type
 * of the kernel.
 *
 * Return: pages available from @pgoff on, or -ERANGE past the end.
 */
long iopmem_dax_access(struct dax_device *dax_dev, pgoff_t pgoff,
		       long nr_pages, void **kaddr, phys_addr_t *phys)
{
	struct iopmem_fsdax *fsdax = dax_get_private(dax_dev);
	struct iopmem_stats *stats = &fsdax->idev->stats;
	struct iopmem_mapping *map = &fsdax->map;
	u64 offset = PFN_PHYS(pgoff);
	u64 len = iopmem_data_size(map);
	long avail;

	atomic64_inc(&stats->dax_calls);
	if (offset >= len) {
		atomic64_inc(&stats->errors);
		return -ERANGE;
	}
	if (kaddr)
		*kaddr = iopmem_data_virt(map) + offset;
	*phys = iopmem_data_phys(map) + offset;
	avail = PHYS_PFN(len - offset);
	atomic64_add(min(avail, nr_pages), &stats->dax_pages);
	return avail;
}

static int iopmem_dax_zero_page_range(struct dax_device *dax_dev,
				      pgoff_t pgoff, size_t nr_pages)
{
	struct iopmem_fsdax *fsdax = dax_get_private(dax_dev);

	iopmem_zero_dev(iopmem_data_virt(&fsdax->map) + PFN_PHYS(pgoff),
			nr_pages << PAGE_SHIFT);
	return 0;
}

/*
 * fs/dax.c calls this only after direct_access() reported poison, which
 * iopmem never does; it still must copy, as a plain write would.
 */
static size_t iopmem_dax_recovery_write(struct dax_device *dax_dev,
					pgoff_t pgoff, void *addr, size_t bytes,
					struct iov_iter *iter)
{
	return _copy_from_iter_flushcache(addr, bytes, iter);
}

static const struct dax_operations iopmem_dax_ops = {
	.direct_access		= iopmem_dax_direct_access,	/* compat.h */
	.zero_page_range	= iopmem_dax_zero_page_range,
	.recovery_write		= iopmem_dax_recovery_write,
};

/**
 * iopmem_dax_create() - create the DAX host of a live fsdax device
 * @fsdax: live state whose gendisk is allocated but not yet added
 *
 * Return: the dax_device or an ERR_PTR.
 */
struct dax_device *iopmem_dax_create(struct iopmem_fsdax *fsdax)
{
	struct dax_device *dax_dev;
	int rc;

	dax_dev = alloc_dax(fsdax, &iopmem_dax_ops);
	if (IS_ERR(dax_dev))
		return dax_dev;
	/*
	 * Non-temporal copies suit WC and UC memory; there is no cache to
	 * write back, so dax_flush() has nothing to do and the block layer's
	 * PREFLUSH drains posted writes instead.
	 */
	set_dax_nocache(dax_dev);
	set_dax_nomc(dax_dev);
	/*
	 * Except where user mappings of DAX files come out write-back
	 * (compat.h): then stores through them sit in the CPU caches, and
	 * fsync and msync must write those back, as for pmem.
	 */
	dax_write_cache(dax_dev, IOPMEM_DAX_USER_PROT_FROM_VMA);
	rc = dax_add_host(dax_dev, fsdax->disk);
	if (rc) {
		kill_dax(dax_dev);
		put_dax(dax_dev);
		return ERR_PTR(rc);
	}
	return dax_dev;
}

/**
 * iopmem_dax_destroy() - undo iopmem_dax_create()
 * @fsdax: live state
 *
 * After this, direct_access() is no longer called; mounted file systems
 * see the DAX device as dead.
 */
void iopmem_dax_destroy(struct iopmem_fsdax *fsdax)
{
	struct dax_device *dax_dev = fsdax->dax_dev;

	if (!dax_dev)		/* mode iopfs */
		return;
	/* A memory failure being reported ends first; later ones find none. */
	down_write(&fsdax->dax_dev_lock);
	fsdax->dax_dev = NULL;
	up_write(&fsdax->dax_dev_lock);
	dax_remove_host(fsdax->disk);
	kill_dax(dax_dev);
	put_dax(dax_dev);
}

/*
 * Poison in the memory (memory_failure(): a machine check on real
 * hardware, hwpoison injection here) goes to the file system that holds
 * the DAX device, as pmem does: XFS with rmapbt=1 kills the processes that
 * map the file, or shuts down when metadata is hit.  -EOPNOTSUPP (no
 * holder, or the struct pages of memmap=dev) lets the kernel fall back to
 * killing the processes that map the page.
 */
static int iopmem_memory_failure(struct dev_pagemap *pgmap, unsigned long pfn,
				 unsigned long nr_pages, int mf_flags)
{
	struct iopmem_fsdax *fsdax =
		container_of(pgmap, struct iopmem_fsdax, map.pgmap);
	phys_addr_t data = iopmem_data_phys(&fsdax->map);
	int rc = -EOPNOTSUPP;

	if (PFN_PHYS(pfn) < data)
		return rc;
	down_read(&fsdax->dax_dev_lock);
	if (fsdax->dax_dev)
		rc = dax_holder_notify_failure(fsdax->dax_dev,
					       PFN_PHYS(pfn) - data,
					       PFN_PHYS(nr_pages), mf_flags);
	up_read(&fsdax->dax_dev_lock);
	return rc;
}

const struct dev_pagemap_ops iopmem_fsdax_pgmap_ops = {
	.memory_failure	= iopmem_memory_failure,
};
