// SPDX-License-Identifier: GPL-2.0
/*
 * devdax mode: the range becomes a dynamic device-dax region, so daxctl
 * creates, resizes and destroys /dev/daxN.M instances in it.
 *
 * The region stores itself in its parent's drvdata, hangs its teardown on
 * the parent's devres, and accepts resizes only while the parent is bound
 * to a driver.  So, as drivers/dax/hmem does, the parent is a platform
 * device of our own (iopmem_dax.N, a child of iopmemN) bound to a small
 * platform driver.  The device-dax instances map the memory themselves;
 * iopmem claims the range and holds its memory-type reservation, which
 * their ZONE_DEVICE maps adopt.
 */
#include <linux/cdev.h>
#include <linux/dax.h>
#include <linux/fs.h>
#include <linux/kmod.h>
#include <linux/memregion.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "iopmem-private.h"

#define IOPMEM_DAX_DRIVER		"iopmem_dax"
#define IOPMEM_DEVICE_DAX_DRIVER	"device_dax"	/* the instances' driver */

/* What the region's probe needs; copied into the platform device. */
struct iopmem_dax_pdata {
	struct range range;
	int region_id;
	int nid;
	enum iopmem_cache cache;
};

static int iopmem_dax_bus_watch(struct device *dev);

static int iopmem_dax_probe(struct platform_device *pdev)
{
	const struct iopmem_dax_pdata *pdata = dev_get_platdata(&pdev->dev);
	struct range range = pdata->range;
	struct dax_region *region;
	struct dev_dax_data data;
	struct dev_dax *seed;

	/* No flags: a dynamic region that daxctl can carve up. */
	region = alloc_dax_region(&pdev->dev, pdata->region_id, &range,
				  pdata->nid, PMD_SIZE, 0);
	if (!region)
		return -ENOMEM;
	data = (struct dev_dax_data) {
		.dax_region	= region,
		.id		= -1,	/* the size-0 seed daxctl resizes */
	};
	seed = devm_create_dev_dax(&data);
	iopmem_dax_region_put(region);
	if (IS_ERR(seed))
		return PTR_ERR(seed);
	/* iopmem reads struct dev_dax through a copy of its head. */
	if (!iopmem_dev_dax_head_valid(seed, region, &pdev->dev)) {
		dev_err(&pdev->dev, "struct dev_dax of this kernel is not what iopmem was built for; devdax mode unavailable, use fsdax\n");
		return -EINVAL;
	}
	return iopmem_dax_bus_watch(iopmem_dev_dax_device(seed));
}

static struct platform_driver iopmem_dax_driver = {
	.probe	= iopmem_dax_probe,
	.driver	= {
		.name			= IOPMEM_DAX_DRIVER,
		/* Unbinding by hand would pull the region from under daxctl. */
		.suppress_bind_attrs	= true,
	},
};

/*
 * The memory type of user mappings, on kernels whose DAX faults take the
 * VMA's page protection as it is (see compat.h).  An instance's character
 * device belongs to device_dax.  Once an instance of an iopmem region is
 * bound to it, iopmem points the cdev at iopmem_devdax_fops, which forward
 * to device_dax's and set the page protection of new mappings from the
 * region's cache mode.  They call device_dax's functions, so iopmem holds
 * device_dax until it unloads; their owner is iopmem, so open files hold
 * iopmem.  A file opened between device_dax's cdev_add() and the bus
 * notification keeps device_dax's own mmap: its mappings are write-back.
 */
const struct file_operations *iopmem_devdax_orig_fops;
static DEFINE_MUTEX(iopmem_devdax_fops_lock);	/* iopmem_devdax_orig_fops */
static typeof_member(struct device, bus) iopmem_dax_bus;
static DEFINE_MUTEX(iopmem_dax_bus_lock);	/* iopmem_dax_bus */

/**
 * iopmem_devdax_user_prot() - page protection of a user mapping
 * @file: an open /dev/daxN.M of an iopmem region
 * @prot: the page protection device_dax chose
 *
 * Return: @prot with the memory type of the region's cache mode.
 */
pgprot_t iopmem_devdax_user_prot(struct file *file, pgprot_t prot)
{
	struct device *dev = iopmem_dev_dax_device(file->private_data);
	const struct iopmem_dax_pdata *pdata = dev_get_platdata(dev->parent);
	enum page_cache_mode pcm = pdata->cache == IOPMEM_CACHE_UC ?
				   _PAGE_CACHE_MODE_UC : _PAGE_CACHE_MODE_WC;

	return __pgprot((pgprot_val(prot) & ~_PAGE_CACHE_MASK) |
			cachemode2protval(pcm));
}

/**
 * iopmem_devdax_node_released() - give a dead instance's node its mapping back
 * @inode: the inode of /dev/daxN.M
 * @file: the file being released
 *
 * device_dax's open points the device node's inode at the mapping of the
 * dax_device's own inode, and never back.  When a file stays open across
 * the instance's removal, its last close frees the dax_device (and that
 * inode) and then evicts the unlinked node, which reads the freed mapping
 * (KASAN: slab-use-after-free in shmem_evict_inode(), seen on 7.2).  Once
 * the instance is dead nothing can map it again: the node gets its own.
 */
void iopmem_devdax_node_released(struct inode *inode, struct file *file)
{
	struct device *dev = iopmem_dev_dax_device(file->private_data);
	struct dax_device *dax_dev = iopmem_dev_dax_to_dax_device(dev);
	bool alive;
	int id;

	if (!dax_dev)
		return;
	id = dax_read_lock();
	alive = dax_alive(dax_dev);
	dax_read_unlock(id);
	if (!alive)
		inode->i_mapping = &inode->i_data;
}

static void iopmem_devdax_set_fops(struct device *dev)
{
	struct inode *inode = dax_inode(iopmem_dev_dax_to_dax_device(dev));
	struct cdev *cdev = inode->i_cdev;
	const struct file_operations *wrapper = NULL;

	mutex_lock(&iopmem_devdax_fops_lock);
	if (!iopmem_devdax_orig_fops && iopmem_devdax_wrapper(cdev->ops) &&
	    try_module_get(cdev->ops->owner))
		iopmem_devdax_orig_fops = cdev->ops;
	if (iopmem_devdax_orig_fops) {
		wrapper = iopmem_devdax_wrapper(iopmem_devdax_orig_fops);
		if (cdev->ops == iopmem_devdax_orig_fops)
			WRITE_ONCE(cdev->ops, wrapper);
		else if (cdev->ops != wrapper)
			wrapper = NULL;
	}
	mutex_unlock(&iopmem_devdax_fops_lock);

	if (!wrapper)
		dev_warn(dev, "user mappings will be write-back: unknown %s file operations\n",
			 IOPMEM_DEVICE_DAX_DRIVER);
	else if (mapping_mapped(inode->i_mapping))
		dev_warn(dev, "mapped before iopmem set its memory type: those mappings are write-back; map again\n");
}

static int iopmem_dax_bus_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct device *dev = data;

	if (action == BUS_NOTIFY_BOUND_DRIVER && dev->parent &&
	    dev->parent->driver == &iopmem_dax_driver.driver &&
	    !strcmp(dev->driver->name, IOPMEM_DEVICE_DAX_DRIVER))
		iopmem_devdax_set_fops(dev);
	return NOTIFY_DONE;
}

static struct notifier_block iopmem_dax_bus_nb = {
	.notifier_call = iopmem_dax_bus_notify,
};

/* Watch the bus of @dev, a device-dax instance, from now on. */
static int iopmem_dax_bus_watch(struct device *dev)
{
	int rc = 0;

	if (!IOPMEM_DAX_USER_PROT_FROM_VMA)
		return 0;
	mutex_lock(&iopmem_dax_bus_lock);
	if (!iopmem_dax_bus) {
		rc = bus_register_notifier(dev->bus, &iopmem_dax_bus_nb);
		if (!rc)
			iopmem_dax_bus = dev->bus;
	}
	mutex_unlock(&iopmem_dax_bus_lock);
	return rc;
}

/**
 * iopmem_devdax_start() - build the device-dax region of a device
 * @idev: the device, with @idev->lock held and no live state
 *
 * Return: 0 or a negative errno, with nothing left behind.
 */
int iopmem_devdax_start(struct iopmem_device *idev)
{
	struct iopmem_dax_pdata pdata = {
		.range		= idev->range,
		/* Device-dax wants a real node; without one, the local one. */
		.nid		= idev->nid != NUMA_NO_NODE ? idev->nid :
						       numa_mem_id(),
		.cache		= idev->cache,
	};
	struct iopmem_devdax *devdax;
	struct platform_device *pdev;
	int rc;

	lockdep_assert_held(&idev->lock);

	if (idev->memmap == IOPMEM_MEMMAP_DEV)
		dev_info(&idev->dev, "memmap dev applies to fsdax mode only; devdax keeps its struct pages in RAM\n");

	/* Instances bind to device_dax as soon as they have a size. */
	request_module("device_dax");

	devdax = kzalloc(sizeof(*devdax), GFP_KERNEL);
	if (!devdax)
		return -ENOMEM;
	rc = iopmem_claim(&devdax->map, &idev->dev, &idev->range, idev->cache);
	if (rc)
		goto out_free;

	/*
	 * Region ids name the instances (daxN.M) of every region on the dax
	 * bus: pmem, hmem and CXL take theirs from the same allocator.
	 */
	rc = memregion_alloc(GFP_KERNEL);
	if (rc < 0) {
		dev_err(&idev->dev, "cannot allocate a memory region id (%d); devdax needs CONFIG_MEMREGION, use fsdax\n",
			rc);
		goto out_unclaim;
	}
	devdax->region_id = rc;
	pdata.region_id = rc;

	rc = -ENOMEM;
	pdev = platform_device_alloc(IOPMEM_DAX_DRIVER, idev->id);
	if (!pdev)
		goto out_region;
	pdev->dev.parent = &idev->dev;
	set_dev_node(&pdev->dev, idev->nid);
	rc = platform_device_add_data(pdev, &pdata, sizeof(pdata));
	if (rc)
		goto out_put;
	rc = platform_device_add(pdev);
	if (rc)
		goto out_put;
	if (!pdev->dev.driver) {
		dev_err(&idev->dev, "cannot create the device-dax region (see %s above)\n",
			dev_name(&pdev->dev));
		platform_device_unregister(pdev);
		rc = -ENXIO;
		goto out_region;
	}
	devdax->pdev = pdev;
	idev->devdax = devdax;
	return 0;

out_put:
	platform_device_put(pdev);
out_region:
	memregion_free(devdax->region_id);
out_unclaim:
	iopmem_unclaim(&devdax->map);
out_free:
	kfree(devdax);
	return rc;
}

/* The dax_device of a child of the region's parent, if it is an instance. */
static struct dax_device *iopmem_child_dax_device(struct device *dev)
{
	if (!dev->bus || strcmp(dev->bus->name, "dax"))
		return NULL;
	return iopmem_dev_dax_to_dax_device(dev);
}

static int iopmem_dev_dax_mapped(struct device *dev, void *name)
{
	struct dax_device *dax_dev = iopmem_child_dax_device(dev);

	if (!dax_dev || !mapping_mapped(dax_inode(dax_dev)->i_mapping))
		return 0;
	strscpy(name, dev_name(dev), IOPMEM_NAME_LEN);
	return 1;
}

#define IOPMEM_DEVDAX_HOLDERS "an RDMA registration, O_DIRECT in flight, a pipe"

/*
 * Pages of an instance that something holds beyond its mapping: RDMA
 * registrations, O_DIRECT in flight, vmsplice into a pipe.  An idle page
 * of this type has a count of 1 (a mapping adds one from 6.15 on).
 * Removing the instance does not wait for them: memunmap_pages() frees
 * the struct pages whatever their count.
 */
static bool iopmem_devdax_pinned(const struct iopmem_mapping *map,
				 phys_addr_t *where)
{
	const struct range *range = &map->range;
	struct dev_pagemap *pgmap;
	unsigned long pfn, end;
	bool pinned = false;

	for (pfn = PHYS_PFN(range->start);
	     !pinned && pfn < PHYS_PFN(range->end + 1);
	     pfn = end) {
		end = pfn + PHYS_PFN(IOPMEM_ALIGN);
		/* Parts of the region with no instance have no pages. */
		pgmap = iopmem_get_dev_pagemap(pfn);
		if (!pgmap)
			continue;
		for (; pfn < end; pfn++) {
			if (page_ref_count(pfn_to_page(pfn)) > 1) {
				*where = PFN_PHYS(pfn);
				pinned = true;
				break;
			}
		}
		put_dev_pagemap(pgmap);
	}
	return pinned;
}

static int iopmem_devdax_dead_open(struct inode *inode, struct file *file)
{
	return -ENXIO;
}

/* For a revoked instance: the device is gone, its node not yet. */
static const struct file_operations iopmem_devdax_dead_fops = {
	.owner	= THIS_MODULE,
	.open	= iopmem_devdax_dead_open,
};

/*
 * Revoke one instance: faults of a dead dax_device get SIGBUS, and the
 * mappings go now, so that they drop the page references they hold.  This
 * is the first half of kill_dev_dax(), which would also drop the
 * instance's pgmap pointer while its pages still exist.
 */
static int iopmem_dev_dax_revoke(struct device *dev, void *unused)
{
	struct dax_device *dax_dev = iopmem_child_dax_device(dev);
	struct inode *inode;

	if (!dax_dev)
		return 0;
	kill_dax(dax_dev);
	inode = dax_inode(dax_dev);
	unmap_mapping_range(inode->i_mapping, 0, 0, 1);
	/*
	 * The device node stays until the pages are free.  device_dax's open
	 * of a dead instance leaves the file without its instance, and its
	 * mmap then dereferences NULL (seen on 6.1): new opens fail instead.
	 */
	WRITE_ONCE(inode->i_cdev->ops, &iopmem_devdax_dead_fops);
	return 0;
}

static void iopmem_devdax_free(struct iopmem_devdax *devdax)
{
	/*
	 * device_dax's instances hold busy regions of the range, and the busy
	 * window claim of an orphaned region sits above them: their release
	 * looks only below non-busy resources, so it would miss them ("Trying
	 * to free nonexistent resource") and leak them.  An instance that
	 * spans the whole BAR has the claim's exact range, and its release
	 * would free the claim instead.  The claim goes first; nothing maps
	 * or holds the pages any more.
	 */
	iopmem_window_put(&devdax->map);
	platform_device_unregister(devdax->pdev);
	memregion_free(devdax->region_id);
	iopmem_unclaim(&devdax->map);
	kfree(devdax);
}

/*
 * The end of a region torn down while something held its pages: an error
 * handler or a hot-unplug thread must not wait for a user to release an
 * RDMA registration (it holds the PCI device's lock and the PCI core's
 * locks, on which the recovery of other devices and every hot-plug of the
 * system wait), and a killed task stopped waiting.  iopmem_defer() calls
 * it once the pages are free.
 */
static void iopmem_devdax_reaped(struct iopmem_mapping *map)
{
	struct iopmem_devdax *devdax = container_of(map, struct iopmem_devdax,
						    map);
	char name[IOPMEM_NAME_LEN];
	int region = devdax->region_id;

	strscpy(name, map->name, sizeof(name));
	iopmem_devdax_free(devdax);
	/* Only now: the window's claim went last. */
	pr_info("iopmem %s: held pages released, region %d removed\n",
		name, region);
}

/* Hand a revoked region whose pages are held to the reaper. */
static void iopmem_devdax_defer(struct iopmem_device *idev,
				struct iopmem_devdax *devdax, phys_addr_t where)
{
	int rc;

	iopmem_log_held(&devdax->map, where, IOPMEM_DEVDAX_HOLDERS);
	iopmem_orphan(&devdax->map, idev->dev.parent);
	/* The region outlives iopmemN, its parent so far. */
	rc = device_move(&devdax->pdev->dev, NULL, DPM_ORDER_NONE);
	if (rc)
		dev_warn(&idev->dev, "cannot detach region %d from %s (%d)\n",
			 devdax->region_id, dev_name(&idev->dev), rc);
	iopmem_defer(&devdax->map, iopmem_devdax_pinned, IOPMEM_DEVDAX_HOLDERS,
		     iopmem_devdax_reaped);
}

/**
 * iopmem_devdax_stop() - tear the device-dax region down, whoever uses it
 * @idev: the device, with @idev->lock held and a region
 * @killable: whether the caller may give up waiting for held pages
 *
 * Every instance is revoked first: its mappings are zapped and further
 * faults get SIGBUS.  Then it waits for the pages that something still
 * holds (RDMA registrations, O_DIRECT, pipes), because removing the region
 * frees their struct pages.  A kernel thread (PCIe error recovery,
 * hot-unplug) does not wait, and a killed task stops waiting: the region
 * then lingers, detached from @idev, and goes once its pages are released
 * (iopmem_defer()).
 */
void iopmem_devdax_stop(struct iopmem_device *idev, bool killable)
{
	struct iopmem_devdax *devdax = idev->devdax;
	struct resource res = iopmem_map_res(&devdax->map);
	phys_addr_t where;

	lockdep_assert_held(&idev->lock);

	idev->devdax = NULL;
	device_for_each_child(&devdax->pdev->dev, NULL, iopmem_dev_dax_revoke);
	if ((current->flags & PF_KTHREAD) &&
	    iopmem_devdax_pinned(&devdax->map, &where)) {
		iopmem_devdax_defer(idev, devdax, where);
		return;
	}
	if (!iopmem_wait_unheld(&devdax->map, iopmem_devdax_pinned,
				IOPMEM_DEVDAX_HOLDERS, killable) &&
	    iopmem_devdax_pinned(&devdax->map, &where)) {
		dev_err(&idev->dev, "stopped waiting for held pages: region %d keeps %pR until they are released\n",
			devdax->region_id, &res);
		iopmem_devdax_defer(idev, devdax, where);
		return;
	}
	iopmem_devdax_free(devdax);
}

/**
 * iopmem_devdax_stop_idle() - tear the region down unless it is mapped
 * @idev: the device, with @idev->lock held and a region
 * @what: the setting being changed, for the message
 *
 * Return: 0, or -EBUSY (logged, naming the instance or the page) while a
 * process maps one of its device-dax instances or something pins its pages.
 */
int iopmem_devdax_stop_idle(struct iopmem_device *idev, const char *what)
{
	char name[IOPMEM_NAME_LEN];
	phys_addr_t pinned;

	if (device_for_each_child(&idev->devdax->pdev->dev, name,
				  iopmem_dev_dax_mapped)) {
		dev_err(&idev->dev, "cannot change %s: /dev/%s is mapped by a process; unmap it or end the process\n",
			what, name);
		return -EBUSY;
	}
	if (iopmem_devdax_pinned(&idev->devdax->map, &pinned)) {
		dev_err(&idev->dev, "cannot change %s: the page at %pa is pinned (%s); release it\n",
			what, &pinned, IOPMEM_DEVDAX_HOLDERS);
		return -EBUSY;
	}
	iopmem_devdax_stop(idev, true);
	return 0;
}

/**
 * iopmem_devdax_init() - register the driver of device-dax region parents
 *
 * Return: 0 or a negative errno.
 */
int iopmem_devdax_init(void)
{
	return platform_driver_register(&iopmem_dax_driver);
}

/**
 * iopmem_devdax_exit() - undo iopmem_devdax_init()
 */
void iopmem_devdax_exit(void)
{
	platform_driver_unregister(&iopmem_dax_driver);
	if (iopmem_dax_bus)
		bus_unregister_notifier(iopmem_dax_bus, &iopmem_dax_bus_nb);
	/* No file uses the copy: each open one holds iopmem. */
	if (iopmem_devdax_orig_fops)
		module_put(iopmem_devdax_orig_fops->owner);
}
