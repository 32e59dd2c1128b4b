/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference iopmem depends on, in one place.
 * Tested: 6.1 (Debian bookworm), 6.12 (bookworm-backports) and 7.2
 * (Debian's linux-source-7.2, built by the test rig).
 */
#ifndef _IOPMEM_COMPAT_H
#define _IOPMEM_COMPAT_H

#include <linux/blkdev.h>
#include <linux/dax.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/range.h>

/*
 * Features are tested by the symbols that came with them rather than by
 * version numbers, so distribution backports are handled too.  Where no
 * header macro tells, the Makefile asks Module.symvers or greps the one
 * header line that changed, and passes IOPMEM_* defines.
 */

#ifdef BLK_FEAT_DAX	/* 6.11: queue limits carry the features */

static inline struct gendisk *iopmem_alloc_disk(int nid)
{
	struct queue_limits lim = {
		.logical_block_size	= SECTOR_SIZE,
		.physical_block_size	= PAGE_SIZE,
		.max_hw_sectors		= UINT_MAX,
		.features		= BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA |
					  BLK_FEAT_DAX | BLK_FEAT_SYNCHRONOUS |
					  BLK_FEAT_IO_STAT,
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
	/* bio-based queues start without accounting (blk-mq ones have it) */
	blk_queue_flag_set(QUEUE_FLAG_IO_STAT, q);
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

long iopmem_dax_access(struct dax_device *dax_dev, pgoff_t pgoff,
		       long nr_pages, void **kaddr, phys_addr_t *phys);

#ifdef IOPMEM_HAVE_PFN_T	/* until 6.17: pfn_t carries flags */
#include <linux/pfn_t.h>

static inline long iopmem_dax_direct_access(struct dax_device *dax_dev,
					    pgoff_t pgoff, long nr_pages,
					    enum dax_access_mode mode,
					    void **kaddr, pfn_t *pfn)
{
	phys_addr_t phys;
	long avail;

	avail = iopmem_dax_access(dax_dev, pgoff, nr_pages, kaddr, &phys);
	/* PFN_MAP: the pages have struct pages, as PMD faults require. */
	if (avail > 0 && pfn)
		*pfn = phys_to_pfn_t(phys, PFN_DEV | PFN_MAP);
	return avail;
}

#else	/* a plain pfn; every DAX pfn has a refcounted struct page */

static inline long iopmem_dax_direct_access(struct dax_device *dax_dev,
					    pgoff_t pgoff, long nr_pages,
					    enum dax_access_mode mode,
					    void **kaddr, unsigned long *pfn)
{
	phys_addr_t phys;
	long avail;

	avail = iopmem_dax_access(dax_dev, pgoff, nr_pages, kaddr, &phys);
	if (avail > 0 && pfn)
		*pfn = PHYS_PFN(phys);
	return avail;
}

#endif

/* Takes a reference on the pgmap of @pfn, if it has one; NULL otherwise. */
static inline struct dev_pagemap *iopmem_get_dev_pagemap(unsigned long pfn)
{
#ifdef IOPMEM_GET_DEV_PAGEMAP_PFN_ONLY	/* the unused pgmap cache is gone */
	return get_dev_pagemap(pfn);
#else
	return get_dev_pagemap(pfn, NULL);
#endif
}

/*
 * Device-dax: drivers/dax/bus.h and dax-private.h are not in the headers
 * packages, so carry what iopmem uses of them.  Checked field by field
 * against 6.1, 6.12 and 7.2.
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

/*
 * The head of struct dev_dax, up to its struct device.  The fsdev_dax
 * driver (with dax_set_ops()) added cached_size after dax_dev.  A wrong
 * layout reads garbage pointers, so iopmem_dev_dax_head_valid() checks
 * the seed of every region before anything else uses it.
 */
struct iopmem_dev_dax_head {
	struct dax_region *region;
	struct dax_device *dax_dev;
#ifdef IOPMEM_HAVE_DEV_DAX_CACHED_SIZE
	u64 cached_size;
#endif
	unsigned int align;
	int target_node;
	bool dyn_id;
	int id;
	struct ida ida;
	struct device dev;
};

static inline struct iopmem_dev_dax_head *iopmem_dev_dax_head(struct device *dev)
{
	return container_of(dev, struct iopmem_dev_dax_head, dev);
}

static inline struct device *iopmem_dev_dax_device(struct dev_dax *dev_dax)
{
	return &((struct iopmem_dev_dax_head *)dev_dax)->dev;
}

static inline struct dax_device *iopmem_dev_dax_to_dax_device(struct device *dev)
{
	return iopmem_dev_dax_head(dev)->dax_dev;
}

/*
 * A fresh instance of @region, created under @parent: its head must point
 * back at both, and its dax_device must be the one behind its devt.  Only
 * reads inside the allocation, which is larger than the head.
 */
static inline bool iopmem_dev_dax_head_valid(struct dev_dax *dev_dax,
					     struct dax_region *region,
					     struct device *parent)
{
	struct iopmem_dev_dax_head *head = (struct iopmem_dev_dax_head *)dev_dax;

	if (head->region != region || head->dev.parent != parent ||
	    !head->dax_dev)
		return false;
	return dax_inode(head->dax_dev)->i_rdev == head->dev.devt;
}

/*
 * User mappings of DAX memory.  Until 6.15 DAX faults inserted pfns and
 * x86 looked up the PAT memory type of each (track_pfn_insert()), so user
 * mappings got the type iopmem reserved.  Since then they insert struct
 * pages (vmf_insert_page_mkwrite(), vmf_insert_folio_pmd()) with the VMA's
 * vm_page_prot as it is: write-back unless whoever set up the VMA changed
 * it.  iopmem can do that for device-dax: the character devices of its
 * instances get iopmem_devdax_fops (see devdax.c).  A file on /dev/iopmemN
 * is mapped by the file system, which gives iopmem no say.
 */
pgprot_t iopmem_devdax_user_prot(struct file *file, pgprot_t prot);
void iopmem_devdax_node_released(struct inode *inode, struct file *file);
extern const struct file_operations *iopmem_devdax_orig_fops;

#ifdef IOPMEM_DAX_FAULTS_USE_VMA_PROT

#ifndef IOPMEM_HAVE_MMAP_PREPARE
/* 6.15: DAX faults ignore the PAT, device_dax still has mmap */
#error "iopmem does not support this kernel: no mmap_prepare"
#endif

#define IOPMEM_DAX_USER_PROT_FROM_VMA	true

/*
 * device_dax's file operations (7.2), forwarded; mmap_prepare also sets
 * the memory type.  Const, as file operations should be: a copy made at
 * run time would be a writable table of function pointers.
 */
static inline loff_t iopmem_devdax_llseek(struct file *file, loff_t off,
					  int whence)
{
	return iopmem_devdax_orig_fops->llseek(file, off, whence);
}

static inline int iopmem_devdax_open(struct inode *inode, struct file *file)
{
	return iopmem_devdax_orig_fops->open(inode, file);
}

static inline int iopmem_devdax_release(struct inode *inode,
					struct file *file)
{
	int rc = iopmem_devdax_orig_fops->release(inode, file);

	iopmem_devdax_node_released(inode, file);
	return rc;
}

static inline unsigned long
iopmem_devdax_get_unmapped_area(struct file *file, unsigned long addr,
				unsigned long len, unsigned long pgoff,
				unsigned long flags)
{
	return iopmem_devdax_orig_fops->get_unmapped_area(file, addr, len,
							   pgoff, flags);
}

static inline int iopmem_devdax_mmap_prepare(struct vm_area_desc *desc)
{
	int rc = iopmem_devdax_orig_fops->mmap_prepare(desc);

	if (!rc)
		desc->page_prot = iopmem_devdax_user_prot(desc->file,
							  desc->page_prot);
	return rc;
}

static const struct file_operations iopmem_devdax_fops __maybe_unused = {
	.owner			= THIS_MODULE,
	.fop_flags		= FOP_MMAP_SYNC,
	.llseek			= iopmem_devdax_llseek,
	.open			= iopmem_devdax_open,
	.release		= iopmem_devdax_release,
	.get_unmapped_area	= iopmem_devdax_get_unmapped_area,
	.mmap_prepare		= iopmem_devdax_mmap_prepare,
};

/**
 * iopmem_devdax_wrapper() - the file operations that stand in for @orig
 * @orig: device_dax's file operations
 *
 * Return: iopmem_devdax_fops, or NULL when @orig has other operations
 * than those it forwards (device_dax changed: mappings stay write-back).
 */
static inline const struct file_operations *
iopmem_devdax_wrapper(const struct file_operations *orig)
{
	if (orig->fop_flags != iopmem_devdax_fops.fop_flags ||
	    !orig->llseek || !orig->open || !orig->release ||
	    !orig->get_unmapped_area || !orig->mmap_prepare)
		return NULL;
	if (orig->read || orig->write || orig->read_iter || orig->write_iter ||
	    orig->iopoll || orig->iterate_shared || orig->poll ||
	    orig->unlocked_ioctl || orig->compat_ioctl || orig->mmap ||
	    orig->flush || orig->fsync || orig->fasync || orig->lock ||
	    orig->check_flags || orig->flock || orig->splice_write ||
	    orig->splice_read || orig->splice_eof || orig->setlease ||
	    orig->fallocate || orig->show_fdinfo || orig->copy_file_range ||
	    orig->remap_file_range || orig->fadvise || orig->uring_cmd ||
	    orig->uring_cmd_iopoll)
		return NULL;
	return &iopmem_devdax_fops;
}

#else	/* the PAT type of the pfn applies: nothing to wrap */

#define IOPMEM_DAX_USER_PROT_FROM_VMA	false

static inline const struct file_operations *
iopmem_devdax_wrapper(const struct file_operations *orig)
{
	return NULL;
}

#endif

/*
 * The reference count of an FS_DAX page that nothing holds: until 6.15
 * such pages kept one reference while free; since then they are counted
 * like any other page.
 */
#ifdef IOPMEM_FSDAX_FREE_AT_ZERO
#define IOPMEM_FSDAX_IDLE_REFS	0
#else
#define IOPMEM_FSDAX_IDLE_REFS	1
#endif

/*
 * Whether the P2PDMA core holds state for @pdev (its pci_has_p2pmem() is
 * static); the field exists on kernels built with CONFIG_PCI_P2PDMA only.
 */
static inline bool iopmem_pci_has_p2pdma(struct pci_dev *pdev)
{
#ifdef CONFIG_PCI_P2PDMA
	return rcu_access_pointer(pdev->p2pdma);
#else
	return false;
#endif
}

/*
 * Mode iopfs: how a file system's fault handler maps MEMORY_DEVICE_GENERIC
 * pages (Documentation/iopfs-design.rst, "Per kernel").  With pfn_t
 * (6.1, 6.12) the entries are "devmap" entries that hold no page
 * reference, and the VMA must be VM_MIXEDMAP: vma_is_special_huge() is
 * what keeps zap and split from dropping a reference a devmap PMD never
 * took.  7.x inserts the folio (a reference and an rmap count per mapped
 * folio, as device-dax does), a PMD needs a PMD-order folio, and the
 * entries take their memory type from vm_page_prot.
 */
#ifdef IOPMEM_HAVE_PFN_T
#define IOPMEM_FS_VMEMMAP_SHIFT	0
#define IOPMEM_FS_VM_FLAGS	(VM_MIXEDMAP | VM_HUGEPAGE)

static inline vm_fault_t iopmem_fs_insert_pte(struct vm_fault *vmf,
					      unsigned long pfn)
{
	return vmf_insert_mixed(vmf->vma, vmf->address,
				phys_to_pfn_t(PFN_PHYS(pfn), PFN_DEV | PFN_MAP));
}

static inline vm_fault_t iopmem_fs_insert_pmd(struct vm_fault *vmf,
					      unsigned long pfn)
{
	return vmf_insert_pfn_pmd(vmf, phys_to_pfn_t(PFN_PHYS(pfn),
						     PFN_DEV | PFN_MAP),
				  vmf->flags & FAULT_FLAG_WRITE);
}
#else
#define IOPMEM_FS_VMEMMAP_SHIFT	PMD_ORDER
#define IOPMEM_FS_VM_FLAGS	VM_HUGEPAGE

static inline vm_fault_t iopmem_fs_insert_pte(struct vm_fault *vmf,
					      unsigned long pfn)
{
	return vmf_insert_page_mkwrite(vmf, pfn_to_page(pfn),
				       vmf->flags & FAULT_FLAG_WRITE);
}

static inline vm_fault_t iopmem_fs_insert_pmd(struct vm_fault *vmf,
					      unsigned long pfn)
{
	return vmf_insert_folio_pmd(vmf, page_folio(pfn_to_page(pfn)),
				    vmf->flags & FAULT_FLAG_WRITE);
}
#endif

#ifdef IOPMEM_HAVE_VM_FLAGS_SET	/* 6.3: vm_flags is written through helpers */
#define iopmem_vm_flags_set(vma, flags)	vm_flags_set(vma, flags)
#else
#define iopmem_vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#endif

#endif /* _IOPMEM_COMPAT_H */
