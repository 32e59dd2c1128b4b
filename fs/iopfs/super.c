// SPDX-License-Identifier: GPL-2.0
/*
 * iopfs: mount, superblock validation, statfs, unmount, and the device
 * going away.  mount -t iopfs /dev/iopmemN /mnt, on a device in mode iopfs
 * formatted by mkfs.iopfs.
 */
#include <linux/crc32c.h>
#include <linux/fs_context.h>
#include <linux/iopmem.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/statfs.h>

#include "iopfs.h"

/* A refused mount: said in the kernel log and to mount(8) alike. */
static __printf(2, 3) int iopfs_refuse(struct fs_context *fc,
				       const char *fmt, ...)
{
	va_list args;
	char *msg;

	va_start(args, fmt);
	msg = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	if (!msg)
		return -ENOMEM;
	pr_err("%s\n", msg);
	errorfc(fc, "%s", msg);
	kfree(msg);
	return -EINVAL;
}

static struct kmem_cache *iopfs_inode_cache;
static struct kset *iopfs_kset;

static struct inode *iopfs_alloc_inode(struct super_block *sb)
{
	struct iopfs_inode *ii = alloc_inode_sb(sb, iopfs_inode_cache,
						GFP_KERNEL);

	if (!ii)
		return NULL;
	ii->size_dirty = false;
	ii->sync_gen = 0;
	return &ii->vfs;
}

/* Once per slab object, as inode_init_once() requires. */
static void iopfs_inode_init_once(void *obj)
{
	struct iopfs_inode *ii = obj;

	xa_init(&ii->map);
	mutex_init(&ii->alloc_lock);
	INIT_LIST_HEAD(&ii->files);
	inode_init_once(&ii->vfs);
}

static void iopfs_free_inode(struct inode *inode)
{
	kmem_cache_free(iopfs_inode_cache, IOPFS_I(inode));
}

/*
 * Mappings hold the file, so none is left here; pins may be: the
 * extents of a file with no name left are deferred until released.
 */
static void iopfs_evict_inode(struct inode *inode)
{
	struct iopfs_sb_info *sbi = IOPFS_SB(inode->i_sb);
	struct iopfs_inode *ii = IOPFS_I(inode);

	truncate_inode_pages_final(&inode->i_data);
	if (S_ISREG(inode->i_mode)) {
		if (!inode->i_nlink)
			iopfs_free_extents(inode, 0);
		else if (ii->size_dirty &&
			 iopfs_log_setattr(inode, IOPFS_ATTR_SIZE))
			pr_warn_ratelimited("iopfs %pg: size %lld of inode %llu is lost: it could not be logged\n",
					    sbi->bdev.bdev, i_size_read(inode),
					    (u64)inode->i_ino);
		mutex_lock(&sbi->inodes_lock);
		list_del_init(&ii->files);
		mutex_unlock(&sbi->inodes_lock);
	}
	xa_destroy(&ii->map);
	clear_inode(inode);
}

static int iopfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct iopfs_sb_info *sbi = IOPFS_SB(dentry->d_sb);

	iopfs_reap_now(sbi);
	buf->f_type = IOPFS_SUPER_MAGIC;
	buf->f_bsize = PAGE_SIZE;
	buf->f_frsize = PAGE_SIZE;
	buf->f_blocks = sbi->extents * IOPFS_PAGES_PER_EXTENT;
	spin_lock(&sbi->alloc_lock);
	buf->f_bfree = sbi->free_extents * IOPFS_PAGES_PER_EXTENT;
	spin_unlock(&sbi->alloc_lock);
	buf->f_bavail = buf->f_bfree;
	/* Each new file takes a record of the log; 128 bytes is typical. */
	mutex_lock(&sbi->log_lock);
	buf->f_ffree = (sbi->log_size - sbi->log_used) / 128;
	mutex_unlock(&sbi->log_lock);
	buf->f_files = buf->f_ffree + sbi->next_ino;
	buf->f_namelen = IOPFS_NAME_MAX;
	return 0;
}

/* sync(2), syncfs(2), umount: sizes write() left unlogged, then data. */
static int iopfs_sync_fs(struct super_block *sb, int wait)
{
	struct iopfs_sb_info *sbi = IOPFS_SB(sb);
	struct iopfs_inode *ii, *next;
	int rc = 0, err;
	u64 gen;

	if (sbi->shutdown)
		return -EIO;
	/*
	 * One inode at a time, without inodes_lock while its i_rwsem is
	 * taken: the device going offline takes inodes_lock under locks a
	 * writer may wait for.
	 */
	mutex_lock(&sbi->inodes_lock);
	gen = ++sbi->sync_gen;
	mutex_unlock(&sbi->inodes_lock);
	for (;;) {
		next = NULL;
		mutex_lock(&sbi->inodes_lock);
		list_for_each_entry(ii, &sbi->files, files) {
			if (ii->sync_gen == gen || !READ_ONCE(ii->size_dirty))
				continue;
			ii->sync_gen = gen;
			if (igrab(&ii->vfs)) {
				next = ii;
				break;
			}
		}
		mutex_unlock(&sbi->inodes_lock);
		if (!next)
			break;
		err = iopfs_sync_size(&next->vfs);
		rc = rc ?: err;
		iput(&next->vfs);
	}
	iopmem_fs_drain(sbi->mem, true);
	return rc;
}

static const struct super_operations iopfs_super_ops = {
	.sync_fs	= iopfs_sync_fs,
	.alloc_inode	= iopfs_alloc_inode,
	.free_inode	= iopfs_free_inode,
	.evict_inode	= iopfs_evict_inode,
	.statfs		= iopfs_statfs,
	.drop_inode	= IOPFS_DROP_INODE,
};

/*
 * The device is going away (iopmem calls this with faults already
 * failing): unmap every file, so no user store reaches the memory, and
 * fail every operation from now on.
 */
static void iopfs_offline(void *holder)
{
	struct iopfs_sb_info *sbi = holder;
	struct iopfs_inode *ii;

	WRITE_ONCE(sbi->shutdown, true);
	mutex_lock(&sbi->inodes_lock);
	list_for_each_entry(ii, &sbi->files, files)
		unmap_mapping_range(ii->vfs.i_mapping, 0, 0, 1);
	mutex_unlock(&sbi->inodes_lock);
	pr_err("iopfs %pg: the device went away; every operation fails with EIO until it is unmounted\n",
	       sbi->bdev.bdev);
}

static const struct iopmem_fs_ops iopfs_mem_ops = {
	.offline	= iopfs_offline,
};

/* /sys/fs/iopfs/<device>/: allocation and log counters. */
static struct attribute iopfs_attr_deferred = {
	.name = "deferred_extents", .mode = 0444 };
static struct attribute iopfs_attr_free = {
	.name = "free_extents", .mode = 0444 };
static struct attribute iopfs_attr_extents = {
	.name = "extents", .mode = 0444 };
static struct attribute iopfs_attr_log_used = {
	.name = "log_used_bytes", .mode = 0444 };
static struct attribute iopfs_attr_log = {
	.name = "log_bytes", .mode = 0444 };

static ssize_t iopfs_attr_show(struct kobject *kobj, struct attribute *attr,
			       char *buf)
{
	struct iopfs_sb_info *sbi = container_of(kobj, struct iopfs_sb_info,
						 kobj);
	u64 v;

	if (attr == &iopfs_attr_log_used || attr == &iopfs_attr_log) {
		mutex_lock(&sbi->log_lock);
		v = attr == &iopfs_attr_log_used ? sbi->log_used :
						   sbi->log_size;
		mutex_unlock(&sbi->log_lock);
		return sysfs_emit(buf, "%llu\n", v);
	}
	iopfs_reap_now(sbi);
	spin_lock(&sbi->alloc_lock);
	if (attr == &iopfs_attr_deferred)
		v = sbi->deferred_count;
	else if (attr == &iopfs_attr_free)
		v = sbi->free_extents;
	else
		v = sbi->extents;
	spin_unlock(&sbi->alloc_lock);
	return sysfs_emit(buf, "%llu\n", v);
}

static struct attribute *iopfs_attrs[] = {
	&iopfs_attr_deferred, &iopfs_attr_free, &iopfs_attr_extents,
	&iopfs_attr_log_used, &iopfs_attr_log, NULL,
};
ATTRIBUTE_GROUPS(iopfs);

static const struct sysfs_ops iopfs_sysfs_ops = {
	.show	= iopfs_attr_show,
};

static void iopfs_kobj_release(struct kobject *kobj)
{
	struct iopfs_sb_info *sbi = container_of(kobj, struct iopfs_sb_info,
						 kobj);

	complete(&sbi->kobj_done);
}

static const struct kobj_type iopfs_ktype = {
	.default_groups	= iopfs_groups,
	.sysfs_ops	= &iopfs_sysfs_ops,
	.release	= iopfs_kobj_release,
};

/* Checks the superblock copy in @sbi against the device. */
static int iopfs_check_super(struct fs_context *fc, struct iopfs_sb_info *sbi)
{
	struct iopfs_super *s = &sbi->super;
	u64 size = sbi->mem->size;
	u32 crc = le32_to_cpu(s->checksum);
	u64 log_off, log_size, data_off, extents;

	if (memcmp(s->magic, IOPFS_MAGIC, sizeof(s->magic)))
		return iopfs_refuse(fc, "iopfs: %pg has no iopfs superblock; run mkfs.iopfs on it",
			       sbi->bdev.bdev);
	s->checksum = 0;
	if (crc32c(~0, s, sizeof(*s)) != crc)
		return iopfs_refuse(fc, "iopfs: %pg: superblock checksum wrong; run fsck.iopfs",
			       sbi->bdev.bdev);
	s->checksum = cpu_to_le32(crc);
	if (le32_to_cpu(s->version) != IOPFS_VERSION ||
	    le32_to_cpu(s->header_size) != sizeof(*s))
		return iopfs_refuse(fc, "iopfs: %pg: format version %u, this module reads %u",
			       sbi->bdev.bdev, le32_to_cpu(s->version),
			       IOPFS_VERSION);
	log_off = le64_to_cpu(s->log_offset);
	log_size = le64_to_cpu(s->log_size);
	data_off = le64_to_cpu(s->data_offset);
	extents = le64_to_cpu(s->data_extents);
	if (le64_to_cpu(s->device_size) != size)
		return iopfs_refuse(fc,
				    "iopfs: %pg is %llu bytes, the file system was made for %llu; mkfs.iopfs it again",
				    sbi->bdev.bdev, size, le64_to_cpu(s->device_size));
	if (!IS_ALIGNED(log_off, IOPFS_EXTENT_SIZE) ||
	    !IS_ALIGNED(log_size, IOPFS_EXTENT_SIZE) ||
	    !IS_ALIGNED(data_off, IOPFS_EXTENT_SIZE) ||
	    log_off < IOPFS_SUPER_SIZE || !log_size || !extents ||
	    log_off > size || log_size > size - log_off ||
	    data_off < log_off + log_size || data_off > size ||
	    extents > (size - data_off) >> IOPFS_EXTENT_SHIFT ||
	    !S_ISDIR(le32_to_cpu(s->root_mode)) ||
	    (le32_to_cpu(s->root_mode) & ~(S_IFMT | S_IALLUGO)))
		return iopfs_refuse(fc,
				    "iopfs: %pg: superblock areas do not fit the device; run fsck.iopfs",
				    sbi->bdev.bdev);
	sbi->log_area = sbi->mem->virt + log_off;
	sbi->log_size = log_size / 2;	/* one slot */
	sbi->data = sbi->mem->virt + data_off;
	sbi->data_offset = data_off;
	sbi->extents = extents;
	return 0;
}

/*
 * Free extents whose pages are still referenced (a pin from before an
 * unmount, which the log does not know about) start out deferred: a
 * pinned page is never handed to another file.
 */
static void iopfs_defer_held_free_extents(struct iopfs_sb_info *sbi)
{
	u64 phys;

	for (phys = 0; phys < sbi->extents; phys++) {
		if (test_bit(phys, sbi->used))
			continue;
		spin_lock(&sbi->alloc_lock);
		set_bit(phys, sbi->used);
		sbi->free_extents--;
		spin_unlock(&sbi->alloc_lock);
		iopfs_release_extent(sbi, phys);
		cond_resched();
	}
}

static int iopfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct iopfs_sb_info *sbi;
	struct inode *root;
	int rc;

	if (!fc->source)
		return iopfs_refuse(fc, "iopfs: give the device: mount -t iopfs /dev/iopmemN DIR");
	sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	if (!sbi)
		return -ENOMEM;
	mutex_init(&sbi->log_lock);
	spin_lock_init(&sbi->alloc_lock);
	INIT_LIST_HEAD(&sbi->deferred);
	INIT_DELAYED_WORK(&sbi->reaper, iopfs_reap);
	mutex_init(&sbi->inodes_lock);
	INIT_LIST_HEAD(&sbi->files);
	init_completion(&sbi->kobj_done);
	sbi->next_ino = IOPFS_ROOT_INO + 1;
	sb->s_fs_info = sbi;

	rc = iopfs_bdev_open(&sbi->bdev, fc->source, sb);
	if (rc) {
		iopfs_refuse(fc, "iopfs: cannot open %s exclusively (%d): is it mounted or in use?",
			     fc->source, rc);
		sbi->bdev.bdev = NULL;
		return rc;
	}
	sbi->mem = iopmem_fs_get(sbi->bdev.bdev, &iopfs_mem_ops, sbi);
	if (IS_ERR(sbi->mem)) {
		rc = PTR_ERR(sbi->mem);
		sbi->mem = NULL;
		return iopfs_refuse(fc,
				    "iopfs: %s is not an iopmem device in mode iopfs (%d); see dmesg",
				    fc->source, rc);
	}
	if (sbi->mem->size < 2 * IOPFS_EXTENT_SIZE)
		return iopfs_refuse(fc,
				    "iopfs: %s is smaller than 4 MiB, too small for iopfs; use a larger device",
				    fc->source);
	memcpy(&sbi->super, sbi->mem->virt, sizeof(sbi->super));
	rc = iopfs_check_super(fc, sbi);
	if (rc)
		return rc;
	sbi->used = bitmap_zalloc(sbi->extents, GFP_KERNEL);
	if (!sbi->used)
		return -ENOMEM;
	sbi->free_extents = sbi->extents;

	sb->s_magic = IOPFS_SUPER_MAGIC;
	sb->s_op = &iopfs_super_ops;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_time_gran = 1;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	memcpy(&sb->s_uuid, sbi->super.uuid, sizeof(sbi->super.uuid));

	root = iopfs_new_inode(sb, IOPFS_ROOT_INO,
			       le32_to_cpu(sbi->super.root_mode));
	if (!root)
		return -ENOMEM;
	i_uid_write(root, le32_to_cpu(sbi->super.root_uid));
	i_gid_write(root, le32_to_cpu(sbi->super.root_gid));
	{
		struct timespec64 t = { .tv_sec = le64_to_cpu(sbi->super.mkfs_time) };

		iopfs_set_atime(root, t);
		iopfs_set_mtime(root, t);
		iopfs_set_ctime(root, t);
	}
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	rc = iopfs_replay(sb, root, fc->sb_flags & SB_RDONLY);
	if (rc)
		return rc;
	iopfs_defer_held_free_extents(sbi);

	sbi->kobj.kset = iopfs_kset;
	rc = kobject_init_and_add(&sbi->kobj, &iopfs_ktype, NULL, "%pg",
				  sbi->bdev.bdev);
	if (rc) {
		kobject_put(&sbi->kobj);
		wait_for_completion(&sbi->kobj_done);
		sbi->kobj.state_initialized = 0;
		return rc;
	}
	pr_info("iopfs %pg: mounted: %llu log records, %llu of %llu extents free, %llu deferred\n",
		sbi->bdev.bdev, sbi->next_seq - 1, sbi->free_extents,
		sbi->extents, sbi->deferred_count);
	return 0;
}

static int iopfs_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, iopfs_fill_super);
}

static const struct fs_context_operations iopfs_context_ops = {
	.get_tree	= iopfs_get_tree,
};

static int iopfs_init_fs_context(struct fs_context *fc)
{
	fc->ops = &iopfs_context_ops;
	return 0;
}

static void iopfs_kill_sb(struct super_block *sb)
{
	struct iopfs_sb_info *sbi = IOPFS_SB(sb);

	if (sbi && sbi->kobj.state_initialized) {
		kobject_del(&sbi->kobj);
		kobject_put(&sbi->kobj);
		wait_for_completion(&sbi->kobj_done);
	}
	/* No mapping is left (they hold the mount), and no new one comes. */
	if (sbi && sbi->mem)
		iopmem_fs_put(sbi->mem);
	iopfs_kill_dentries(sb);
	if (!sbi)
		return;
	cancel_delayed_work_sync(&sbi->reaper);
	iopfs_forget_deferred(sbi);
	bitmap_free(sbi->used);
	if (sbi->bdev.bdev)
		iopfs_bdev_close(&sbi->bdev);
	kfree(sbi);
}

static struct file_system_type iopfs_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "iopfs",
	.init_fs_context	= iopfs_init_fs_context,
	.kill_sb		= iopfs_kill_sb,
};
MODULE_ALIAS_FS("iopfs");

static int __init iopfs_init(void)
{
	int rc;

	iopfs_inode_cache = kmem_cache_create("iopfs_inode",
					      sizeof(struct iopfs_inode), 0,
					      SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT,
					      iopfs_inode_init_once);
	if (!iopfs_inode_cache)
		return -ENOMEM;
	iopfs_kset = kset_create_and_add("iopfs", NULL, fs_kobj);
	if (!iopfs_kset) {
		rc = -ENOMEM;
		goto out_cache;
	}
	rc = register_filesystem(&iopfs_fs_type);
	if (rc)
		goto out_kset;
	return 0;

out_kset:
	kset_unregister(iopfs_kset);
out_cache:
	kmem_cache_destroy(iopfs_inode_cache);
	return rc;
}

static void __exit iopfs_exit(void)
{
	unregister_filesystem(&iopfs_fs_type);
	kset_unregister(iopfs_kset);
	rcu_barrier();	/* inodes freed by RCU */
	kmem_cache_destroy(iopfs_inode_cache);
}

module_init(iopfs_init);
module_exit(iopfs_exit);
MODULE_DESCRIPTION("iopfs: files of iopmem device memory that can be pinned long-term");
MODULE_LICENSE("GPL");
MODULE_VERSION(IOPMEM_VERSION);
