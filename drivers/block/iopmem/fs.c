// SPDX-License-Identifier: GPL-2.0
/*
 * Mode iopfs: the device's memory handed to a file system (fs/iopfs) that
 * maps file pages itself.  The pages are MEMORY_DEVICE_GENERIC, which GUP
 * pins long-term (ibv_reg_mr); FS_DAX pages it never does.  The block
 * device stays, without DAX, for mkfs and fsck.
 *
 * iopmem keeps what depends on the kernel's page table API (compat.h) and
 * the device's lifetime: after the device goes away no fault maps a page,
 * and the struct pages stay until no page is held (the fsdax teardown).
 */
#include <linux/blkdev.h>
#include <linux/huge_mm.h>
#include <linux/iopmem.h>
#include <linux/mm.h>
#include <linux/module.h>

#include "compat.h"
#include "iopmem-private.h"

/**
 * iopmem_fs_get() - take the memory of an iopmem device in mode iopfs
 * @bdev: the block device, opened by the caller (which keeps it open
 *	  until iopmem_fs_put())
 * @ops: what to call when the device goes away
 * @holder: argument of @ops
 *
 * Return: the memory, or ERR_PTR(-EINVAL) (logged) if @bdev is no iopmem
 * device in mode iopfs, -EBUSY if another file system holds it, -ENXIO
 * if the device is going away.
 */
struct iopmem_fs *iopmem_fs_get(struct block_device *bdev,
				const struct iopmem_fs_ops *ops, void *holder)
{
	struct iopmem_fsdax *fsdax;
	int rc = 0;

	if (!iopmem_fs_is_ours(bdev)) {
		pr_err("iopmem: %pg is not an iopmem device; iopfs needs /dev/iopmemN in mode iopfs\n",
		       bdev);
		return ERR_PTR(-EINVAL);
	}
	fsdax = bdev->bd_disk->private_data;
	if (fsdax->map.pgmap.type != MEMORY_DEVICE_GENERIC) {
		dev_err(&fsdax->idev->dev, "iopfs needs mode iopfs; echo iopfs > /sys/class/iopmem/%s/mode first (nothing may use %pg)\n",
			dev_name(&fsdax->idev->dev), bdev);
		return ERR_PTR(-EINVAL);
	}
	mutex_lock(&fsdax->fs_holder_lock);
	if (READ_ONCE(fsdax->fs_offline)) {
		rc = -ENXIO;
	} else if (fsdax->fs_ops) {
		rc = -EBUSY;
	} else {
		fsdax->fs_ops = ops;
		fsdax->fs_holder = holder;
	}
	mutex_unlock(&fsdax->fs_holder_lock);
	return rc ? ERR_PTR(rc) : &fsdax->fs;
}
EXPORT_SYMBOL_GPL(iopmem_fs_get);

/**
 * iopmem_fs_put() - give the memory back
 * @fs: from iopmem_fs_get()
 *
 * The caller must have removed every mapping it made; pages still held
 * (pins) keep the struct pages, not the file system.
 */
void iopmem_fs_put(struct iopmem_fs *fs)
{
	struct iopmem_fsdax *fsdax = container_of(fs, struct iopmem_fsdax, fs);

	mutex_lock(&fsdax->fs_holder_lock);
	fsdax->fs_ops = NULL;
	fsdax->fs_holder = NULL;
	mutex_unlock(&fsdax->fs_holder_lock);
}
EXPORT_SYMBOL_GPL(iopmem_fs_put);

/**
 * iopmem_fs_offline() - the device goes away: stop faults, tell the fs
 * @fsdax: live state in mode iopfs
 *
 * After this no fault inserts a page; the file system unmaps what is
 * mapped (on 6.1 and 6.12 mappings hold no page reference, so nothing
 * else would stop user stores to the gone device).
 */
void iopmem_fs_offline(struct iopmem_fsdax *fsdax)
{
	/* Faults in progress end first; later ones see fs_offline. */
	down_write(&fsdax->fs_lock);
	WRITE_ONCE(fsdax->fs_offline, true);
	up_write(&fsdax->fs_lock);
	/*
	 * Not under fs_lock: the file system takes its own locks to unmap,
	 * and its faults take fs_lock under them.
	 */
	mutex_lock(&fsdax->fs_holder_lock);
	if (fsdax->fs_ops)
		fsdax->fs_ops->offline(fsdax->fs_holder);
	mutex_unlock(&fsdax->fs_holder_lock);
}

/**
 * iopmem_fs_vma_init() - set up a user mapping of file pages
 * @fs: the memory
 * @vma: a MAP_SHARED mapping, from the file system's ->mmap
 *
 * Sets the flags the kernel's page table API needs and the device's
 * memory type.
 */
void iopmem_fs_vma_init(struct iopmem_fs *fs, struct vm_area_struct *vma)
{
	struct iopmem_fsdax *fsdax = container_of(fs, struct iopmem_fsdax, fs);

	iopmem_vm_flags_set(vma, IOPMEM_FS_VM_FLAGS);
	if (fsdax->map.cache == IOPMEM_CACHE_WC)
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	else
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
}
EXPORT_SYMBOL_GPL(iopmem_fs_vma_init);

/**
 * iopmem_fs_insert() - map device memory at a fault
 * @fs: the memory
 * @vmf: the fault
 * @offset: where in the memory the faulting page (or 2 MiB) starts
 * @pmd: map 2 MiB at @vmf->address & PMD_MASK (@offset then 2 MiB
 *	 aligned), not a page
 *
 * Return: the fault result; VM_FAULT_SIGBUS once the device is going
 * away or for an offset outside the memory.
 */
vm_fault_t iopmem_fs_insert(struct iopmem_fs *fs, struct vm_fault *vmf,
			    u64 offset, bool pmd)
{
	struct iopmem_fsdax *fsdax = container_of(fs, struct iopmem_fsdax, fs);
	u64 len = pmd ? PMD_SIZE : PAGE_SIZE;
	unsigned long pfn;
	vm_fault_t ret;

	if (offset >= fs->size || fs->size - offset < len ||
	    !IS_ALIGNED(offset, len))
		return VM_FAULT_SIGBUS;
	pfn = PHYS_PFN(iopmem_data_phys(&fsdax->map) + offset);

	down_read(&fsdax->fs_lock);
	if (fsdax->fs_offline)
		ret = VM_FAULT_SIGBUS;
	else if (pmd)
		ret = iopmem_fs_insert_pmd(vmf, pfn);
	else
		ret = iopmem_fs_insert_pte(vmf, pfn);
	up_read(&fsdax->fs_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(iopmem_fs_insert);

/**
 * iopmem_fs_held() - is any page of a part of the memory still referenced
 * @fs: the memory
 * @offset: start of the part
 * @len: its length
 *
 * An idle page has a count of 1.  Mappings count on 7.x (one per mapped
 * folio) and not on 6.1/6.12: unmap the part first.  A pin counts on the
 * folio, which is 2 MiB on 7.x.
 *
 * Return: true if a page of the part is referenced.
 */
bool iopmem_fs_held(struct iopmem_fs *fs, u64 offset, u64 len)
{
	struct iopmem_fsdax *fsdax = container_of(fs, struct iopmem_fsdax, fs);
	unsigned long pfn, end;

	if (offset >= fs->size || len > fs->size - offset)
		return false;
	pfn = PHYS_PFN(iopmem_data_phys(&fsdax->map) + offset);
	end = pfn + PHYS_PFN(len);
	for (; pfn < end; pfn++) {
		if (folio_ref_count(page_folio(pfn_to_page(pfn))) > 1)
			return true;
		if (!(pfn & 4095))
			cond_resched();
	}
	return false;
}
EXPORT_SYMBOL_GPL(iopmem_fs_held);

/**
 * iopmem_fs_drain() - make earlier stores to the memory durable
 * @fs: the memory
 * @all_cpus: stores by any CPU, user mappings' too (the PREFLUSH drain of
 *	      Documentation/ordering.rst); else only this CPU's own stores
 *
 * Context: process context with interrupts enabled.
 */
void iopmem_fs_drain(struct iopmem_fs *fs, bool all_cpus)
{
	struct iopmem_fsdax *fsdax = container_of(fs, struct iopmem_fsdax, fs);

	if (!all_cpus)
		wmb();	/* sfence: this CPU's WC buffers first */
	iopmem_drain(&fsdax->map, all_cpus);
}
EXPORT_SYMBOL_GPL(iopmem_fs_drain);
