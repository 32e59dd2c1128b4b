/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference of iopfs's VFS side, in one place
 * (iopmem's compat.h keeps those of the page tables).  Tested: 6.1, 6.12,
 * 7.2.  The Makefile greps the header line that changed.
 */
#ifndef _IOPFS_COMPAT_H
#define _IOPFS_COMPAT_H

#include <linux/blkdev.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>

#ifdef IOPFS_HAVE_MNT_IDMAP	/* 6.3 */
#define IOPFS_IDMAP_T		struct mnt_idmap *
#define IOPFS_NOP_IDMAP		(&nop_mnt_idmap)
#else
#define IOPFS_IDMAP_T		struct user_namespace *
#define IOPFS_NOP_IDMAP		(&init_user_ns)
#endif

#ifdef IOPFS_MKDIR_RETURNS_DENTRY	/* 6.15 */
#define IOPFS_MKDIR_TYPE	struct dentry *
#define iopfs_mkdir_ret(rc)	ERR_PTR(rc)
#else
#define IOPFS_MKDIR_TYPE	int
#define iopfs_mkdir_ret(rc)	(rc)
#endif

#ifdef IOPFS_HAVE_INODE_TIME_ACCESSORS	/* 6.7 */
#define iopfs_get_atime(i)	inode_get_atime(i)
#define iopfs_get_mtime(i)	inode_get_mtime(i)
#define iopfs_get_ctime(i)	inode_get_ctime(i)
#define iopfs_set_atime(i, t)	inode_set_atime_to_ts(i, t)
#define iopfs_set_mtime(i, t)	inode_set_mtime_to_ts(i, t)
#define iopfs_set_ctime(i, t)	inode_set_ctime_to_ts(i, t)
#else
#define iopfs_get_atime(i)	((i)->i_atime)
#define iopfs_get_mtime(i)	((i)->i_mtime)
#define iopfs_get_ctime(i)	((i)->i_ctime)
#define iopfs_set_atime(i, t)	((i)->i_atime = (t))
#define iopfs_set_mtime(i, t)	((i)->i_mtime = (t))
#define iopfs_set_ctime(i, t)	((i)->i_ctime = (t))
#endif

/*
 * The namespace lives in the dcache, as ramfs's does: every positive
 * dentry carries a pin that unlink drops.  7.x marks such dentries
 * persistent; before, the pin is an extra reference.
 */
#ifdef IOPFS_HAVE_D_MAKE_PERSISTENT
static inline void iopfs_d_pin(struct dentry *dentry, struct inode *inode)
{
	d_make_persistent(dentry, inode);
}

/* A dentry from d_alloc_name(), whose reference is handed over. */
static inline void iopfs_d_add_pinned(struct dentry *dentry,
				      struct inode *inode)
{
	d_make_persistent(dentry, inode);
	dput(dentry);
}

#define iopfs_kill_dentries(sb)	kill_anon_super(sb)
#else
static inline void iopfs_d_pin(struct dentry *dentry, struct inode *inode)
{
	d_instantiate(dentry, inode);
	dget(dentry);
}

static inline void iopfs_d_add_pinned(struct dentry *dentry,
				      struct inode *inode)
{
	d_add(dentry, inode);	/* d_alloc_name()'s reference is the pin */
}

#define iopfs_kill_dentries(sb)	kill_litter_super(sb)
#endif

/* The block device, opened exclusively for the life of the mount. */
struct iopfs_bdev {
	struct block_device *bdev;
#ifdef IOPFS_HAVE_BDEV_FILE	/* 6.9: opened block devices are files */
	struct file *file;
#endif
};

#ifdef IOPFS_HAVE_BDEV_FILE
static inline int iopfs_bdev_open(struct iopfs_bdev *b, const char *path,
				  void *holder)
{
	b->file = bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
					 holder, NULL);
	if (IS_ERR(b->file))
		return PTR_ERR(b->file);
	b->bdev = file_bdev(b->file);
	return 0;
}

static inline void iopfs_bdev_close(struct iopfs_bdev *b)
{
	fput(b->file);
}
#else
#define IOPFS_BDEV_MODE	(FMODE_READ | FMODE_WRITE | FMODE_EXCL)

static inline int iopfs_bdev_open(struct iopfs_bdev *b, const char *path,
				  void *holder)
{
	b->bdev = blkdev_get_by_path(path, IOPFS_BDEV_MODE, holder);
	return PTR_ERR_OR_ZERO(b->bdev);
}

static inline void iopfs_bdev_close(struct iopfs_bdev *b)
{
	blkdev_put(b->bdev, IOPFS_BDEV_MODE);
}
#endif

/* Inodes are not cached once unused: the dcache pins every named one. */
#ifdef IOPFS_HAVE_INODE_JUST_DROP	/* 6.18 */
#define IOPFS_DROP_INODE	inode_just_drop
#else
#define IOPFS_DROP_INODE	generic_delete_inode
#endif

#ifdef IOPFS_HUGE_FAULT_PE_SIZE	/* until 6.5 */
#define IOPFS_HUGE_FAULT_ARG	enum page_entry_size pe_size
#define iopfs_huge_fault_is_pmd	(pe_size == PE_SIZE_PMD)
#else
#define IOPFS_HUGE_FAULT_ARG	unsigned int order
#define iopfs_huge_fault_is_pmd	(order == PMD_SHIFT - PAGE_SHIFT)
#endif

#endif /* _IOPFS_COMPAT_H */
