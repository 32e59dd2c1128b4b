// SPDX-License-Identifier: GPL-2.0
/*
 * Regular files: 2 MiB extents of device memory that never move.  A file
 * offset that is a multiple of 2 MiB starts an extent, which is 2 MiB
 * aligned in physical memory too, so every full extent can be mapped with
 * one PMD.
 *
 * Blocks never move, and an extent leaves a file (truncate, unlink) only
 * to be reused once no page of it is referenced: pins (ibv_reg_mr),
 * O_DIRECT in flight.  Until then it is "deferred": not free in statfs,
 * counted in /sys/fs/iopfs/<device>/deferred_extents, and the reaper
 * looks again every 250 ms.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/huge_mm.h>
#include <linux/iopmem.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "iopfs.h"

#define IOPFS_REAP_INTERVAL	(HZ / 4)

struct iopfs_deferred {
	struct list_head node;
	u64 phys;
};

static u64 iopfs_extent_offset(struct iopfs_sb_info *sbi, u64 phys)
{
	return sbi->data_offset + (phys << IOPFS_EXTENT_SHIFT);
}

/* The data extent behind file extent @index, or -1 for a hole. */
static s64 iopfs_lookup(struct inode *inode, u64 index)
{
	void *entry = xa_load(&IOPFS_I(inode)->map, index);

	return entry ? (s64)xa_to_value(entry) : -1;
}

/**
 * iopfs_map_extent() - put a data extent into a file (replay, allocation)
 * @inode: the file
 * @index: file extent index
 * @phys: data extent, already marked used
 *
 * Return: 0, or -EEXIST if the file already has an extent there.
 */
int iopfs_map_extent(struct inode *inode, u64 index, u64 phys)
{
	return xa_insert(&IOPFS_I(inode)->map, index, xa_mk_value(phys),
			 GFP_KERNEL);
}

static bool iopfs_extent_held(struct iopfs_sb_info *sbi, u64 phys)
{
	return iopmem_fs_held(sbi->mem, iopfs_extent_offset(sbi, phys),
			      IOPFS_EXTENT_SIZE);
}

/**
 * iopfs_release_extent() - an extent left its file: free it, or defer it
 * @sbi: the file system
 * @phys: the data extent, whose mappings are gone
 */
void iopfs_release_extent(struct iopfs_sb_info *sbi, u64 phys)
{
	struct iopfs_deferred *d;

	if (!iopfs_extent_held(sbi, phys)) {
		spin_lock(&sbi->alloc_lock);
		clear_bit(phys, sbi->used);
		sbi->free_extents++;
		spin_unlock(&sbi->alloc_lock);
		return;
	}
	/* Small and rare; an extent left neither free nor deferred is lost. */
	d = kmalloc(sizeof(*d), GFP_KERNEL | __GFP_NOFAIL);
	d->phys = phys;
	spin_lock(&sbi->alloc_lock);
	list_add_tail(&d->node, &sbi->deferred);
	sbi->deferred_count++;
	spin_unlock(&sbi->alloc_lock);
	schedule_delayed_work(&sbi->reaper, IOPFS_REAP_INTERVAL);
}

/**
 * iopfs_reap_now() - free the deferred extents nothing references any more
 * @sbi: the file system
 *
 * Return: true if some are still deferred.
 */
bool iopfs_reap_now(struct iopfs_sb_info *sbi)
{
	struct iopfs_deferred *d, *tmp;
	LIST_HEAD(done);
	LIST_HEAD(todo);
	bool left;

	spin_lock(&sbi->alloc_lock);
	list_splice_init(&sbi->deferred, &todo);
	spin_unlock(&sbi->alloc_lock);
	list_for_each_entry_safe(d, tmp, &todo, node)
		if (!iopfs_extent_held(sbi, d->phys))
			list_move(&d->node, &done);
	spin_lock(&sbi->alloc_lock);
	list_splice(&todo, &sbi->deferred);
	list_for_each_entry(d, &done, node) {
		clear_bit(d->phys, sbi->used);
		sbi->free_extents++;
		sbi->deferred_count--;
	}
	left = sbi->deferred_count;
	spin_unlock(&sbi->alloc_lock);
	list_for_each_entry_safe(d, tmp, &done, node)
		kfree(d);
	return left;
}

/**
 * iopfs_forget_deferred() - drop the deferred list at unmount
 * @sbi: the file system, whose reaper is stopped
 *
 * Deferred extents are free in the log; the next mount defers those whose
 * pages are still held again.
 */
void iopfs_forget_deferred(struct iopfs_sb_info *sbi)
{
	struct iopfs_deferred *d, *tmp;

	list_for_each_entry_safe(d, tmp, &sbi->deferred, node)
		kfree(d);
	INIT_LIST_HEAD(&sbi->deferred);
	sbi->deferred_count = 0;
}

void iopfs_reap(struct work_struct *work)
{
	struct iopfs_sb_info *sbi = container_of(to_delayed_work(work),
						 struct iopfs_sb_info, reaper);

	if (iopfs_reap_now(sbi))
		schedule_delayed_work(&sbi->reaper, IOPFS_REAP_INTERVAL);
}

/* A free extent, near @hint (contiguous files), marked used; or -1. */
static s64 iopfs_alloc_extent(struct iopfs_sb_info *sbi, u64 hint)
{
	u64 phys;

	spin_lock(&sbi->alloc_lock);
	phys = find_next_zero_bit(sbi->used, sbi->extents, hint);
	if (phys >= sbi->extents)
		phys = find_first_zero_bit(sbi->used, sbi->extents);
	if (phys >= sbi->extents) {
		spin_unlock(&sbi->alloc_lock);
		return -1;
	}
	set_bit(phys, sbi->used);
	sbi->free_extents--;
	spin_unlock(&sbi->alloc_lock);
	return phys;
}

/*
 * The data extent of file extent @index, allocated if it is a hole: zeroed
 * and durable before the record that puts it into the file.
 */
static s64 iopfs_get_extent(struct inode *inode, u64 index)
{
	struct iopfs_sb_info *sbi = IOPFS_SB(inode->i_sb);
	struct iopfs_inode *ii = IOPFS_I(inode);
	struct iopfs_rec_extent r = { };
	s64 phys, prev;
	int rc;

	phys = iopfs_lookup(inode, index);
	if (phys >= 0)
		return phys;
	mutex_lock(&ii->alloc_lock);
	phys = iopfs_lookup(inode, index);
	if (phys >= 0)
		goto out;
	prev = index ? iopfs_lookup(inode, index - 1) : -1;
	phys = iopfs_alloc_extent(sbi, prev >= 0 ? prev + 1 : 0);
	if (phys < 0) {
		phys = -ENOSPC;
		goto out;
	}
	memset(sbi->data + ((u64)phys << IOPFS_EXTENT_SHIFT), 0,
	       IOPFS_EXTENT_SIZE);
	r.ino = cpu_to_le64(inode->i_ino);
	r.index = cpu_to_le64(index);
	r.phys = cpu_to_le64(phys);
	r.count = cpu_to_le32(1);
	/* The append drains this CPU's stores: the zeroes land first. */
	rc = iopfs_log_append(sbi, IOPFS_REC_EXTENT, &r, sizeof(r),
			      NULL, 0, NULL, 0);
	if (!rc)
		rc = iopfs_map_extent(inode, index, phys);
	if (rc) {
		iopfs_release_extent(sbi, phys);
		phys = rc;
	}
out:
	mutex_unlock(&ii->alloc_lock);
	return phys;
}

/**
 * iopfs_free_extent_range() - take extents out of a file
 * @inode: the file, whose mappings of them are gone
 * @first: the first file extent index
 * @last: the last one
 *
 * Each is free again, or deferred while a page of it is referenced.
 */
void iopfs_free_extent_range(struct inode *inode, u64 first, u64 last)
{
	struct iopfs_sb_info *sbi = IOPFS_SB(inode->i_sb);
	struct iopfs_inode *ii = IOPFS_I(inode);
	unsigned long index;
	void *entry;

	mutex_lock(&ii->alloc_lock);
	xa_for_each_range(&ii->map, index, entry, first, last) {
		xa_erase(&ii->map, index);
		iopfs_release_extent(sbi, xa_to_value(entry));
	}
	mutex_unlock(&ii->alloc_lock);
}

/**
 * iopfs_free_extents() - take the extents from @first on out of a file
 * @inode: the file, whose mappings of them are gone
 * @first: file extent index
 */
void iopfs_free_extents(struct inode *inode, u64 first)
{
	iopfs_free_extent_range(inode, first, ULONG_MAX);
}

/*
 * Zeroes what is allocated in [@from, @to): a file grows over it.  Bytes
 * past the size can be non-zero: the tail a truncate kept, or data written
 * past a size that a power cut did not let become durable.
 */
static void iopfs_zero_range(struct inode *inode, loff_t from, loff_t to)
{
	struct iopfs_sb_info *sbi = IOPFS_SB(inode->i_sb);
	unsigned long index;
	void *entry;

	if (from >= to)
		return;
	xa_for_each_range(&IOPFS_I(inode)->map, index, entry,
			  from >> IOPFS_EXTENT_SHIFT,
			  (to - 1) >> IOPFS_EXTENT_SHIFT) {
		u64 start = (u64)index << IOPFS_EXTENT_SHIFT;
		u64 lo = max_t(u64, start, from);
		u64 hi = min_t(u64, start + IOPFS_EXTENT_SIZE, to);

		memset(sbi->data + (xa_to_value(entry) << IOPFS_EXTENT_SHIFT) +
		       (lo - start), 0, hi - lo);
		cond_resched();
	}
}

/**
 * iopfs_truncate() - change the size of a file, logged
 * @inode: the file, locked
 * @size: the new size
 *
 * Growing zeroes the old tail first (truncate down leaves it as it was).
 * Shrinking unmaps what goes, with faults held off, before the extents
 * leave the file.
 *
 * Return: 0 or a negative errno; the size is unchanged then.
 */
int iopfs_truncate(struct inode *inode, loff_t size)
{
	loff_t old = i_size_read(inode);
	int rc;

	/* The record below logs the size: nothing older is left to log. */
	IOPFS_I(inode)->size_dirty = false;

	if (size > old) {
		iopfs_zero_range(inode, old, size);
		i_size_write(inode, size);
		rc = iopfs_log_setattr(inode, IOPFS_ATTR_SIZE);
		if (rc)
			i_size_write(inode, old);
		return rc;
	}
	filemap_invalidate_lock(inode->i_mapping);
	i_size_write(inode, size);
	rc = iopfs_log_setattr(inode, IOPFS_ATTR_SIZE | IOPFS_ATTR_TRUNC);
	if (rc) {
		i_size_write(inode, old);
	} else {
		u64 first = DIV_ROUND_UP_ULL(size, IOPFS_EXTENT_SIZE);

		/* Pages past the new size go from every mapping (SIGBUS). */
		unmap_mapping_range(inode->i_mapping, round_up(size, PAGE_SIZE),
				    0, 1);
		iopfs_free_extents(inode, first);
	}
	filemap_invalidate_unlock(inode->i_mapping);
	return rc;
}

int iopfs_setattr(IOPFS_IDMAP_T idmap, struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	struct timespec64 atime = iopfs_get_atime(inode);
	struct timespec64 mtime = iopfs_get_mtime(inode);
	struct timespec64 ctime = iopfs_get_ctime(inode);
	umode_t mode = inode->i_mode;
	kuid_t uid = inode->i_uid;
	kgid_t gid = inode->i_gid;
	int rc;

	rc = setattr_prepare(idmap, dentry, attr);
	if (rc)
		return rc;
	if (IOPFS_SB(inode->i_sb)->shutdown)
		return -EIO;
	if ((attr->ia_valid & ATTR_SIZE) && attr->ia_size != inode->i_size) {
		rc = iopfs_truncate(inode, attr->ia_size);
		if (rc)
			return rc;
	}
	attr->ia_valid &= ~ATTR_SIZE;
	setattr_copy(idmap, inode, attr);
	rc = iopfs_log_setattr(inode, IOPFS_ATTR_ALL & ~IOPFS_ATTR_SIZE);
	if (rc) {
		inode->i_mode = mode;
		inode->i_uid = uid;
		inode->i_gid = gid;
		iopfs_set_atime(inode, atime);
		iopfs_set_mtime(inode, mtime);
		iopfs_set_ctime(inode, ctime);
	}
	return rc;
}

static ssize_t iopfs_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct iopfs_sb_info *sbi = IOPFS_SB(inode->i_sb);
	loff_t pos = iocb->ki_pos;
	ssize_t done = 0;

	if (sbi->shutdown)
		return -EIO;
	inode_lock_shared(inode);
	while (iov_iter_count(to) && pos < i_size_read(inode)) {
		u64 off = pos & (IOPFS_EXTENT_SIZE - 1);
		size_t len = min3((u64)iov_iter_count(to),
				  IOPFS_EXTENT_SIZE - off,
				  (u64)(i_size_read(inode) - pos));
		s64 phys = iopfs_lookup(inode, pos >> IOPFS_EXTENT_SHIFT);
		size_t n;

		if (phys < 0)
			n = iov_iter_zero(len, to);
		else
			n = copy_to_iter(sbi->data +
					 ((u64)phys << IOPFS_EXTENT_SHIFT) + off,
					 len, to);
		pos += n;
		done += n;
		if (n < len) {
			if (!done)
				done = -EFAULT;
			break;
		}
	}
	inode_unlock_shared(inode);
	if (done > 0)
		iocb->ki_pos = pos;
	file_accessed(iocb->ki_filp);
	return done;
}

static ssize_t iopfs_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct iopfs_sb_info *sbi = IOPFS_SB(inode->i_sb);
	loff_t old_size, pos;
	ssize_t done = 0;
	int rc;

	if (sbi->shutdown)
		return -EIO;
	inode_lock(inode);
	rc = generic_write_checks(iocb, from);
	if (rc <= 0)
		goto out;
	rc = file_remove_privs(iocb->ki_filp);
	if (rc)
		goto out;
	rc = file_update_time(iocb->ki_filp);
	if (rc)
		goto out;
	old_size = i_size_read(inode);
	pos = iocb->ki_pos;
	if (pos > old_size)
		iopfs_zero_range(inode, old_size, pos);
	while (iov_iter_count(from)) {
		u64 off = pos & (IOPFS_EXTENT_SIZE - 1);
		size_t len = min_t(u64, iov_iter_count(from),
				   IOPFS_EXTENT_SIZE - off);
		s64 phys = iopfs_get_extent(inode, pos >> IOPFS_EXTENT_SHIFT);
		size_t n;

		if (phys < 0) {
			rc = phys;
			break;
		}
		/* Non-temporal: nothing to write back from a CPU cache. */
		n = _copy_from_iter_flushcache(sbi->data +
					      ((u64)phys << IOPFS_EXTENT_SHIFT) +
					      off, len, from);
		pos += n;
		done += n;
		if (n < len) {
			rc = -EFAULT;
			break;
		}
	}
	wmb();		/* sfence: out of this CPU's WC buffers */
	/*
	 * The new size is logged at fsync (or syncfs, or eviction), not per
	 * write: a log record per append would fill the log.  Until then a
	 * power cut keeps the old size, and what lies past it is zeroed
	 * before the file grows over it again (iopfs_zero_range()).
	 */
	if (pos > old_size) {
		i_size_write(inode, pos);
		IOPFS_I(inode)->size_dirty = true;
	}
	if (done)
		iocb->ki_pos = pos;
out:
	inode_unlock(inode);
	if (done > 0)
		done = generic_write_sync(iocb, done);
	return done ?: rc;
}

/*
 * A hole over [@offset, @offset + @len): the whole extents in it leave the
 * file like a truncate's (logged first, then unmapped with faults held
 * off, then freed or deferred while referenced); bytes of extents it
 * covers in part become zeroes.  The size stays; mtime and ctime change.
 */
static int iopfs_punch_hole(struct inode *inode, loff_t offset, loff_t len)
{
	struct iopfs_inode *ii = IOPFS_I(inode);
	loff_t end = offset + len;
	u64 first = DIV_ROUND_UP_ULL(offset, IOPFS_EXTENT_SIZE);
	u64 last = end >> IOPFS_EXTENT_SHIFT;
	struct iopfs_rec_punch r;
	unsigned long at = first;
	int rc = 0;

	filemap_invalidate_lock(inode->i_mapping);
	if (first >= last) {
		iopfs_zero_range(inode, offset, end);
		goto out;
	}
	iopfs_zero_range(inode, offset, first << IOPFS_EXTENT_SHIFT);
	iopfs_zero_range(inode, last << IOPFS_EXTENT_SHIFT, end);
	if (!xa_find(&ii->map, &at, last - 1, XA_PRESENT))
		goto out;
	r.ino = cpu_to_le64(inode->i_ino);
	r.index = cpu_to_le64(first);
	r.count = cpu_to_le64(last - first);
	/* The append drains this CPU's stores: the zeroes land first. */
	rc = iopfs_log_append(IOPFS_SB(inode->i_sb), IOPFS_REC_PUNCH, &r,
			      sizeof(r), NULL, 0, NULL, 0);
	if (rc)
		goto out;
	unmap_mapping_range(inode->i_mapping, first << IOPFS_EXTENT_SHIFT,
			    (last - first) << IOPFS_EXTENT_SHIFT, 1);
	iopfs_free_extent_range(inode, first, last - 1);
out:
	wmb();		/* sfence: the zeroes out of this CPU's WC buffers */
	filemap_invalidate_unlock(inode->i_mapping);
	if (!rc) {
		struct timespec64 now = current_time(inode);

		/* The data changed: times as a write's, logged. */
		iopfs_set_mtime(inode, now);
		iopfs_set_ctime(inode, now);
		rc = iopfs_log_setattr(inode, IOPFS_ATTR_MTIME | IOPFS_ATTR_CTIME);
	}
	return rc;
}

static long iopfs_fallocate(struct file *file, int mode, loff_t offset,
			    loff_t len)
{
	struct inode *inode = file_inode(file);
	loff_t end = offset + len;
	u64 index;
	int rc = 0;

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if (IOPFS_SB(inode->i_sb)->shutdown)
		return -EIO;
	if (mode & FALLOC_FL_PUNCH_HOLE) {
		/* vfs_fallocate() took care that KEEP_SIZE came with it. */
		inode_lock(inode);
		rc = iopfs_punch_hole(inode, offset, len);
		inode_unlock(inode);
		return rc;
	}
	inode_lock(inode);
	rc = inode_newsize_ok(inode, end);
	if (rc)
		goto out;
	if (end > i_size_read(inode))
		iopfs_zero_range(inode, i_size_read(inode), end);
	for (index = offset >> IOPFS_EXTENT_SHIFT;
	     index < DIV_ROUND_UP_ULL(end, IOPFS_EXTENT_SIZE); index++) {
		s64 phys = iopfs_get_extent(inode, index);

		if (phys < 0) {
			rc = phys;
			goto out;
		}
	}
	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > i_size_read(inode)) {
		loff_t old = i_size_read(inode);

		i_size_write(inode, end);
		rc = iopfs_log_setattr(inode, IOPFS_ATTR_SIZE);
		if (rc)
			i_size_write(inode, old);
	}
out:
	inode_unlock(inode);
	return rc;
}

/**
 * iopfs_sync_size() - log the size write() left in memory only
 * @inode: a regular file
 *
 * Return: 0 or a negative errno of iopfs_log_append().
 */
int iopfs_sync_size(struct inode *inode)
{
	int rc = 0;

	inode_lock(inode);
	if (IOPFS_I(inode)->size_dirty) {
		rc = iopfs_log_setattr(inode, IOPFS_ATTR_SIZE |
				       IOPFS_ATTR_MTIME | IOPFS_ATTR_CTIME);
		if (!rc)
			IOPFS_I(inode)->size_dirty = false;
	}
	inode_unlock(inode);
	return rc;
}

/*
 * Other metadata is durable once its operation returns.  Data written by
 * any CPU (write(), stores through mappings) is durable after the drain.
 */
static int iopfs_fsync(struct file *file, loff_t start, loff_t end,
		       int datasync)
{
	struct iopfs_sb_info *sbi = IOPFS_SB(file_inode(file)->i_sb);
	int rc;

	if (sbi->shutdown)
		return -EIO;
	iopmem_fs_drain(sbi->mem, true);
	rc = iopfs_sync_size(file_inode(file));
	return rc;
}

/* The PMD of the 2 MiB around the fault, if file and VMA allow one. */
static vm_fault_t iopfs_pmd_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct inode *inode = file_inode(vma->vm_file);
	unsigned long haddr = vmf->address & PMD_MASK;
	pgoff_t pgoff = linear_page_index(vma, haddr);
	pgoff_t pages = DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE);
	s64 phys;

	if (haddr < vma->vm_start || haddr + PMD_SIZE > vma->vm_end ||
	    !IS_ALIGNED(pgoff, IOPFS_PAGES_PER_EXTENT) ||
	    pgoff + IOPFS_PAGES_PER_EXTENT > pages)
		return VM_FAULT_FALLBACK;
	phys = iopfs_get_extent(inode, pgoff / IOPFS_PAGES_PER_EXTENT);
	if (phys < 0)
		return phys == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	return iopmem_fs_insert(IOPFS_SB(inode->i_sb)->mem, vmf,
				iopfs_extent_offset(IOPFS_SB(inode->i_sb), phys),
				true);
}

static vm_fault_t iopfs_pte_fault(struct vm_fault *vmf)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	struct iopfs_sb_info *sbi = IOPFS_SB(inode->i_sb);
	u64 pos = (u64)vmf->pgoff << PAGE_SHIFT;
	s64 phys;

	phys = iopfs_get_extent(inode, pos >> IOPFS_EXTENT_SHIFT);
	if (phys < 0)
		return phys == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	return iopmem_fs_insert(sbi->mem, vmf, iopfs_extent_offset(sbi, phys) +
				(pos & (IOPFS_EXTENT_SIZE - 1)), false);
}

/*
 * 6.1 offers ->huge_fault only to DAX VMAs: there the PMD is inserted
 * from ->fault, which runs before the PTE table exists (see
 * Documentation/iopfs-design.rst).  Truncate holds the invalidate lock
 * while it unmaps and frees, so no fault maps an extent that is leaving.
 */
static vm_fault_t iopfs_fault(struct vm_fault *vmf)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	vm_fault_t ret = VM_FAULT_FALLBACK;

	filemap_invalidate_lock_shared(inode->i_mapping);
	if (vmf->pgoff >= DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE))
		ret = VM_FAULT_SIGBUS;
	else if (pmd_none(*vmf->pmd))
		ret = iopfs_pmd_fault(vmf);
	if (ret == VM_FAULT_FALLBACK)
		ret = iopfs_pte_fault(vmf);
	filemap_invalidate_unlock_shared(inode->i_mapping);
	return ret;
}

static vm_fault_t iopfs_huge_fault(struct vm_fault *vmf, IOPFS_HUGE_FAULT_ARG)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	vm_fault_t ret;

	if (!iopfs_huge_fault_is_pmd)
		return VM_FAULT_FALLBACK;
	filemap_invalidate_lock_shared(inode->i_mapping);
	ret = iopfs_pmd_fault(vmf);
	filemap_invalidate_unlock_shared(inode->i_mapping);
	return ret;
}

static const struct vm_operations_struct iopfs_vm_ops = {
	.fault		= iopfs_fault,
	.huge_fault	= iopfs_huge_fault,
};

static int iopfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct iopfs_sb_info *sbi = IOPFS_SB(file_inode(file)->i_sb);

	/* Private copies of device memory are not what iopfs is for. */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (sbi->shutdown)
		return -EIO;
	file_accessed(file);
	vma->vm_ops = &iopfs_vm_ops;
	iopmem_fs_vma_init(sbi->mem, vma);
	return 0;
}

const struct file_operations iopfs_file_ops = {
	.owner			= THIS_MODULE,
	.open			= generic_file_open,
	.llseek			= generic_file_llseek,
	.read_iter		= iopfs_read_iter,
	.write_iter		= iopfs_write_iter,
	.mmap			= iopfs_mmap,
	.fsync			= iopfs_fsync,
	.fallocate		= iopfs_fallocate,
	.get_unmapped_area	= thp_get_unmapped_area,
};

/*
 * FS_IOC_FIEMAP: where a file's extents are, in bytes of /dev/iopmemN (of
 * the BAR, with memmap ram), for tools that hand a file's place in device
 * memory to others.
 */
static int iopfs_fiemap(struct inode *inode, struct fiemap_extent_info *fi,
			u64 start, u64 len)
{
	struct iopfs_sb_info *sbi = IOPFS_SB(inode->i_sb);
	struct iopfs_inode *ii = IOPFS_I(inode);
	unsigned long index, last;
	void *entry;
	int rc;

	rc = fiemap_prep(inode, fi, start, &len, 0);
	if (rc)
		return rc;
	if (!len)
		return 0;
	last = min_t(u64, (start + len - 1) >> IOPFS_EXTENT_SHIFT, ULONG_MAX);
	index = start >> IOPFS_EXTENT_SHIFT;
	inode_lock_shared(inode);
	entry = xa_find(&ii->map, &index, last, XA_PRESENT);
	while (entry) {
		u64 logical = (u64)index << IOPFS_EXTENT_SHIFT;
		u64 phys = iopfs_extent_offset(sbi, xa_to_value(entry));
		void *next = xa_find_after(&ii->map, &index, last, XA_PRESENT);

		rc = fiemap_fill_next_extent(fi, logical, phys,
					     IOPFS_EXTENT_SIZE,
					     next ? 0 : FIEMAP_EXTENT_LAST);
		if (rc)
			break;
		entry = next;
	}
	inode_unlock_shared(inode);
	return rc < 0 ? rc : 0;
}

const struct inode_operations iopfs_file_inode_ops = {
	.setattr	= iopfs_setattr,
	.fiemap		= iopfs_fiemap,
};
