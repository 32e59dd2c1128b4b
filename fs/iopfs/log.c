// SPDX-License-Identifier: GPL-2.0
/*
 * The metadata log: every change is one record, durable in device memory
 * before the change becomes visible.  A record is written whole, with its
 * checksum, then fenced and drained; replay (replay.c) stops at the first
 * record whose sequence number or checksum is wrong, so a record torn by
 * a power loss is a change that never happened.
 */
#include <linux/crc32c.h>
#include <linux/iopmem.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "iopfs.h"

void iopfs_put_time(struct iopfs_time *t, struct timespec64 ts)
{
	t->sec = cpu_to_le64(ts.tv_sec);
	t->nsec = cpu_to_le32(ts.tv_nsec);
	t->pad = 0;
}

struct timespec64 iopfs_get_time(const struct iopfs_time *t)
{
	struct timespec64 ts = {
		.tv_sec = le64_to_cpu(t->sec),
		.tv_nsec = le32_to_cpu(t->nsec),
	};

	return ts;
}

/**
 * iopfs_rec_seal() - fill in a record's header and checksum
 * @rec: the record, its @len bytes of payload already after the header
 * @type: enum iopfs_rec_type
 * @len: bytes of payload
 * @seq: its sequence number
 */
void iopfs_rec_seal(struct iopfs_rec *rec, u16 type, size_t len, u64 seq)
{
	rec->type = cpu_to_le16(type);
	rec->len = cpu_to_le16(len);
	rec->seq = cpu_to_le64(seq);
	rec->checksum = cpu_to_le32(crc32c(~0, &rec->type,
					   sizeof(*rec) - sizeof(rec->checksum) + len));
}

/**
 * iopfs_log_append() - make one change durable
 * @sbi: the file system
 * @type: enum iopfs_rec_type
 * @fixed: the record's fixed part
 * @fixed_len: its size
 * @name1: a name after it, or NULL
 * @len1: its length
 * @name2: a second name, or NULL
 * @len2: its length
 *
 * Return: 0 once the record is in device memory; -ENOSPC when the log is
 * full, -EIO after the device went away.  Nothing is written then.
 */
int iopfs_log_append(struct iopfs_sb_info *sbi, u16 type, const void *fixed,
		     size_t fixed_len, const void *name1, size_t len1,
		     const void *name2, size_t len2)
{
	size_t len = fixed_len + len1 + len2;
	size_t size = ALIGN(sizeof(struct iopfs_rec) + len, IOPFS_REC_ALIGN);
	struct iopfs_rec *rec;
	u8 *p;
	int rc = 0;

	rec = kzalloc(size, GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	p = (u8 *)(rec + 1);
	memcpy(p, fixed, fixed_len);
	if (name1)
		memcpy(p + fixed_len, name1, len1);
	if (name2)
		memcpy(p + fixed_len + len1, name2, len2);
	mutex_lock(&sbi->log_lock);
	if (READ_ONCE(sbi->shutdown)) {
		rc = -EIO;
		goto out;
	}
	if (sbi->log_size - sbi->log_used < size) {
		pr_warn_ratelimited("iopfs %pg: metadata log full (%llu bytes); unmount and mount again to compact it (if that does not help: copy the files off, mkfs.iopfs -L with a larger log)\n",
				    sbi->bdev.bdev, sbi->log_size);
		rc = -ENOSPC;
		goto out;
	}
	iopfs_rec_seal(rec, type, len, sbi->next_seq);
	/*
	 * Non-temporal stores, then sfence and a read that the posted
	 * writes cannot pass: the record is on the device after this.
	 */
	memcpy_flushcache(sbi->log + sbi->log_used, rec, size);
	iopmem_fs_drain(sbi->mem, false);
	sbi->log_used += size;
	sbi->next_seq++;
out:
	mutex_unlock(&sbi->log_lock);
	kfree(rec);
	return rc;
}

/**
 * iopfs_log_setattr() - log attributes of an inode as they are in memory
 * @inode: the inode
 * @valid: IOPFS_ATTR_* to record
 *
 * Return: 0 or a negative errno (iopfs_log_append()).
 */
int iopfs_log_setattr(struct inode *inode, u32 valid)
{
	struct iopfs_rec_setattr r = {
		.ino = cpu_to_le64(inode->i_ino),
		.valid = cpu_to_le32(valid),
		.mode = cpu_to_le32(inode->i_mode & S_IALLUGO),
		.uid = cpu_to_le32(i_uid_read(inode)),
		.gid = cpu_to_le32(i_gid_read(inode)),
		.size = cpu_to_le64(i_size_read(inode)),
	};

	iopfs_put_time(&r.atime, iopfs_get_atime(inode));
	iopfs_put_time(&r.mtime, iopfs_get_mtime(inode));
	iopfs_put_time(&r.ctime, iopfs_get_ctime(inode));
	return iopfs_log_append(IOPFS_SB(inode->i_sb), IOPFS_REC_SETATTR,
				&r, sizeof(r), NULL, 0, NULL, 0);
}
