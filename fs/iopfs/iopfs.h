/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iopfs: a file system on an iopmem device in mode iopfs whose file pages
 * never move while referenced, so mappings of them can be pinned
 * long-term (ibv_reg_mr).  Documentation/iopfs.rst.
 */
#ifndef _IOPFS_H
#define _IOPFS_H

#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <uapi/linux/iopfs.h>

#include "compat.h"

struct iopmem_fs;

/**
 * struct iopfs_sb_info - a mounted iopfs
 * @mem: the device memory (iopmem_fs_get())
 * @bdev: the block device, open exclusively
 * @super: a copy of the on-device superblock, validated
 * @log_area: the log area (two slots), in the kernel mapping
 * @slot: the slot that is the log: 0 or 1
 * @log: that slot
 * @log_size: bytes of a slot
 * @log_lock: serialises appends, @log_used, @next_seq and @next_ino
 * @log_used: bytes of the slot in use
 * @next_seq: sequence number of the next record
 * @next_ino: inode number of the next new inode
 * @data: the data area, in the kernel mapping
 * @data_offset: its offset in the memory
 * @extents: extents of the data area
 * @alloc_lock: protects @used, @free_extents, @deferred, @next_alloc
 * @used: bit per extent: in a file, or deferred
 * @free_extents: extents neither in a file nor deferred
 * @deferred: extents out of every file but still referenced
 * @deferred_count: entries in @deferred
 * @next_alloc: where the next search for a free extent starts
 * @reaper: frees deferred extents once nothing references them
 * @inodes_lock: protects @files and @sync_gen
 * @files: regular files in memory, for @offline
 * @sync_gen: counts syncfs passes
 * @shutdown: the device went away: every operation fails with EIO
 * @kobj: /sys/fs/iopfs/<device>
 * @kobj_done: released
 */
struct iopfs_sb_info {
	struct iopmem_fs *mem;
	struct iopfs_bdev bdev;
	struct iopfs_super super;
	void *log_area;
	unsigned int slot;
	void *log;
	u64 log_size;
	struct mutex log_lock;		/* appends */
	u64 log_used;
	u64 next_seq;
	u64 next_ino;
	void *data;
	u64 data_offset;
	u64 extents;
	spinlock_t alloc_lock;		/* allocation state */
	unsigned long *used;
	u64 free_extents;
	struct list_head deferred;
	u64 deferred_count;
	u64 next_alloc;
	struct delayed_work reaper;
	struct mutex inodes_lock;	/* files */
	struct list_head files;
	u64 sync_gen;
	bool shutdown;
	struct kobject kobj;
	struct completion kobj_done;
};

/**
 * struct iopfs_inode - an inode of iopfs
 * @map: file extent index -> data extent + 1 (xa_mk_value)
 * @alloc_lock: serialises allocation of this file's extents (faults
 *		cannot take i_rwsem)
 * @files: entry in iopfs_sb_info.files
 * @size_dirty: write() extended the file past the size in the log; the
 *		size is logged at fsync, syncfs and eviction (under i_rwsem)
 * @sync_gen: the last syncfs pass that visited this inode
 * @vfs: the VFS inode
 */
struct iopfs_inode {
	struct xarray map;
	struct mutex alloc_lock;	/* extent allocation */
	struct list_head files;
	bool size_dirty;
	u64 sync_gen;
	struct inode vfs;
};

static inline struct iopfs_inode *IOPFS_I(struct inode *inode)
{
	return container_of(inode, struct iopfs_inode, vfs);
}

static inline struct iopfs_sb_info *IOPFS_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

#define IOPFS_PAGES_PER_EXTENT	(IOPFS_EXTENT_SIZE >> PAGE_SHIFT)

/* log.c */
int iopfs_log_append(struct iopfs_sb_info *sbi, u16 type, const void *fixed,
		     size_t fixed_len, const void *name1, size_t len1,
		     const void *name2, size_t len2);
void iopfs_put_time(struct iopfs_time *t, struct timespec64 ts);
struct timespec64 iopfs_get_time(const struct iopfs_time *t);
int iopfs_log_setattr(struct inode *inode, u32 valid);

void iopfs_rec_seal(struct iopfs_rec *rec, u16 type, size_t len, u64 seq);

/* replay.c */
int iopfs_replay(struct super_block *sb, struct inode *root, bool rdonly);

/* namei.c */
extern const struct inode_operations iopfs_dir_inode_ops;
struct inode *iopfs_new_inode(struct super_block *sb, u64 ino, umode_t mode);

/* file.c */
extern const struct inode_operations iopfs_file_inode_ops;
extern const struct file_operations iopfs_file_ops;
int iopfs_map_extent(struct inode *inode, u64 index, u64 phys);
void iopfs_free_extent_range(struct inode *inode, u64 first, u64 last);
void iopfs_free_extents(struct inode *inode, u64 first);
int iopfs_truncate(struct inode *inode, loff_t size);
void iopfs_release_extent(struct iopfs_sb_info *sbi, u64 phys);
void iopfs_reap(struct work_struct *work);
void iopfs_forget_deferred(struct iopfs_sb_info *sbi);
bool iopfs_reap_now(struct iopfs_sb_info *sbi);
int iopfs_sync_size(struct inode *inode);
int iopfs_setattr(IOPFS_IDMAP_T idmap, struct dentry *dentry, struct iattr *attr);

#endif /* _IOPFS_H */
