// SPDX-License-Identifier: GPL-2.0
/*
 * Directories.  The namespace lives in the dcache, as ramfs's does; each
 * change is logged first and applied with the libfs helpers after, once
 * every check that could refuse it has passed.
 */
#include <linux/namei.h>
#include <linux/string.h>

#include "iopfs.h"

struct inode *iopfs_new_inode(struct super_block *sb, u64 ino, umode_t mode)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = ino;
	inode->i_mode = mode;
	if (S_ISDIR(mode)) {
		inode->i_op = &iopfs_dir_inode_ops;
		inode->i_fop = &simple_dir_operations;
		set_nlink(inode, 2);
	} else {
		inode->i_op = &iopfs_file_inode_ops;
		inode->i_fop = &iopfs_file_ops;
		/* No S_DAX: GUP refuses long-term pins of fsdax mappings. */
		mutex_lock(&IOPFS_SB(sb)->inodes_lock);
		list_add(&IOPFS_I(inode)->files, &IOPFS_SB(sb)->files);
		mutex_unlock(&IOPFS_SB(sb)->inodes_lock);
	}
	insert_inode_hash(inode);
	return inode;
}

static int iopfs_mknod(IOPFS_IDMAP_T idmap, struct inode *dir,
		       struct dentry *dentry, umode_t mode)
{
	struct iopfs_sb_info *sbi = IOPFS_SB(dir->i_sb);
	struct timespec64 now = current_time(dir);
	struct iopfs_rec_create r = { };
	struct inode *inode;
	u64 ino;
	int rc;

	if (!S_ISREG(mode) && !S_ISDIR(mode))
		return -EOPNOTSUPP;
	/* A number lost to a failed append is never reused: harmless. */
	mutex_lock(&sbi->log_lock);
	ino = sbi->next_ino++;
	mutex_unlock(&sbi->log_lock);
	inode = iopfs_new_inode(dir->i_sb, ino, mode);
	if (!inode)
		return -ENOMEM;
	inode_init_owner(idmap, inode, dir, mode);
	r.ino = cpu_to_le64(ino);
	r.parent = cpu_to_le64(dir->i_ino);
	r.mode = cpu_to_le32(inode->i_mode);
	r.uid = cpu_to_le32(i_uid_read(inode));
	r.gid = cpu_to_le32(i_gid_read(inode));
	r.name_len = cpu_to_le32(dentry->d_name.len);
	iopfs_put_time(&r.time, now);
	rc = iopfs_log_append(sbi, IOPFS_REC_CREATE, &r, sizeof(r),
			      dentry->d_name.name, dentry->d_name.len, NULL, 0);
	if (rc) {
		make_bad_inode(inode);
		iput(inode);
		return rc;
	}
	iopfs_set_atime(inode, now);
	iopfs_set_mtime(inode, now);
	iopfs_set_ctime(inode, now);
	iopfs_set_mtime(dir, now);
	iopfs_set_ctime(dir, now);
	if (S_ISDIR(mode))
		inc_nlink(dir);
	iopfs_d_pin(dentry, inode);
	return 0;
}

static int iopfs_create(IOPFS_IDMAP_T idmap, struct inode *dir,
			struct dentry *dentry, umode_t mode, bool excl)
{
	return iopfs_mknod(idmap, dir, dentry, mode | S_IFREG);
}

static IOPFS_MKDIR_TYPE iopfs_mkdir(IOPFS_IDMAP_T idmap, struct inode *dir,
				    struct dentry *dentry, umode_t mode)
{
	return iopfs_mkdir_ret(iopfs_mknod(idmap, dir, dentry, mode | S_IFDIR));
}

static int iopfs_link(struct dentry *old_dentry, struct inode *dir,
		      struct dentry *dentry)
{
	struct inode *inode = d_inode(old_dentry);
	struct iopfs_rec_link r = {
		.ino = cpu_to_le64(inode->i_ino),
		.parent = cpu_to_le64(dir->i_ino),
		.name_len = cpu_to_le32(dentry->d_name.len),
	};
	int rc;

	rc = iopfs_log_append(IOPFS_SB(dir->i_sb), IOPFS_REC_LINK, &r,
			      sizeof(r), dentry->d_name.name,
			      dentry->d_name.len, NULL, 0);
	return rc ?: simple_link(old_dentry, dir, dentry);
}

static int iopfs_log_unlink(struct inode *dir, struct dentry *dentry)
{
	struct iopfs_rec_unlink r = {
		.parent = cpu_to_le64(dir->i_ino),
		.name_len = cpu_to_le32(dentry->d_name.len),
	};

	iopfs_put_time(&r.time, current_time(dir));
	return iopfs_log_append(IOPFS_SB(dir->i_sb), IOPFS_REC_UNLINK, &r,
				sizeof(r), dentry->d_name.name,
				dentry->d_name.len, NULL, 0);
}

static int iopfs_unlink(struct inode *dir, struct dentry *dentry)
{
	return iopfs_log_unlink(dir, dentry) ?: simple_unlink(dir, dentry);
}

static int iopfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	if (!simple_empty(dentry))
		return -ENOTEMPTY;
	return iopfs_log_unlink(dir, dentry) ?: simple_rmdir(dir, dentry);
}

static int iopfs_rename(IOPFS_IDMAP_T idmap, struct inode *old_dir,
			struct dentry *old_dentry, struct inode *new_dir,
			struct dentry *new_dentry, unsigned int flags)
{
	struct iopfs_rec_rename r = {
		.old_parent = cpu_to_le64(old_dir->i_ino),
		.new_parent = cpu_to_le64(new_dir->i_ino),
		.old_len = cpu_to_le32(old_dentry->d_name.len),
		.new_len = cpu_to_le32(new_dentry->d_name.len),
	};
	int rc;

	/* The VFS checked RENAME_NOREPLACE; an exchange has no record yet. */
	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	if (d_really_is_positive(new_dentry) &&
	    d_is_dir(new_dentry) && !simple_empty(new_dentry))
		return -ENOTEMPTY;
	iopfs_put_time(&r.time, current_time(old_dir));
	rc = iopfs_log_append(IOPFS_SB(old_dir->i_sb), IOPFS_REC_RENAME, &r,
			      sizeof(r), old_dentry->d_name.name,
			      old_dentry->d_name.len, new_dentry->d_name.name,
			      new_dentry->d_name.len);
	return rc ?: simple_rename(idmap, old_dir, old_dentry, new_dir,
				   new_dentry, flags);
}

const struct inode_operations iopfs_dir_inode_ops = {
	.create		= iopfs_create,
	.lookup		= simple_lookup,
	.link		= iopfs_link,
	.unlink		= iopfs_unlink,
	.mkdir		= iopfs_mkdir,
	.rmdir		= iopfs_rmdir,
	.rename		= iopfs_rename,
	.setattr	= iopfs_setattr,
};
