/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * iopfs on-device format, shared by the kernel module (fs/iopfs) and
 * mkfs.iopfs.  Little endian.  Checksums are crc32c (Castagnoli), seed ~0,
 * no final inversion (the kernel's crc32c(~0, p, n)).
 *
 * Layout of the block device:
 *   [0, 4 KiB)                        superblock, written once by mkfs
 *   [log_offset, + log_size)          metadata log, zeroed by mkfs
 *   [data_offset, + data_extents * 2 MiB)  file data, in 2 MiB extents
 * log_offset and data_offset are multiples of 2 MiB.
 *
 * The superblock never changes after mkfs: every change of the namespace,
 * of an inode or of a file's extents is one record appended to the log.
 *
 * The log area holds two slots of log_size / 2 bytes.  A slot starts with
 * an EPOCH record; the valid slot whose EPOCH record has the higher seq is
 * the log.  Records start at multiples of IOPFS_REC_ALIGN and carry
 * consecutive seq numbers from the EPOCH record's on.  Mount replays
 * records until the first one whose seq or crc is wrong: that is the end
 * of the log (a torn record is one that never happened).  mkfs zeroes the
 * log and writes slot 0's EPOCH record with seq 1.
 *
 * Compaction writes the whole state (CREATE, LINK, SETATTR, EXTENT
 * records) into the other slot after an EPOCH seq higher than any record
 * before, and writes that EPOCH record last: until it is durable the old
 * slot stays the log.  Seq numbers only grow, so records left over from
 * an older use of a slot never continue a newer one.
 */
#ifndef _UAPI_LINUX_IOPFS_H
#define _UAPI_LINUX_IOPFS_H

#include <linux/types.h>

#define IOPFS_MAGIC		"IOPFS\0\0\0"	/* 8 bytes */
#define IOPFS_SUPER_MAGIC	0x696f7066	/* statfs f_type: "iopf" */
#define IOPFS_VERSION		1
#define IOPFS_SUPER_SIZE	4096
#define IOPFS_EXTENT_SHIFT	21		/* 2 MiB */
#define IOPFS_EXTENT_SIZE	(1ULL << IOPFS_EXTENT_SHIFT)
#define IOPFS_REC_ALIGN		64
#define IOPFS_ROOT_INO		1
#define IOPFS_NAME_MAX		255

/**
 * struct iopfs_super - the superblock, at byte 0 of the block device
 * @magic: IOPFS_MAGIC
 * @version: IOPFS_VERSION
 * @header_size: sizeof(struct iopfs_super)
 * @device_size: bytes of the block device mkfs formatted
 * @log_offset: start of the log, a multiple of 2 MiB
 * @log_size: bytes of the log, a multiple of 2 MiB
 * @data_offset: start of the data area, a multiple of 2 MiB, after the log
 * @data_extents: 2 MiB extents in the data area
 * @uuid: names the file system
 * @mkfs_time: seconds since the epoch, the root directory's times
 * @root_mode: mode bits of the root directory (S_IFDIR | perms)
 * @root_uid: owner of the root directory
 * @root_gid: group of the root directory
 * @checksum: crc32c of the structure with this field zero
 */
struct iopfs_super {
	__u8	magic[8];
	__le32	version;
	__le32	header_size;
	__le64	device_size;
	__le64	log_offset;
	__le64	log_size;
	__le64	data_offset;
	__le64	data_extents;
	__u8	uuid[16];
	__le64	mkfs_time;
	__le32	root_mode;
	__le32	root_uid;
	__le32	root_gid;
	__le32	checksum;
};

enum iopfs_rec_type {
	IOPFS_REC_CREATE	= 1,	/* struct iopfs_rec_create + name */
	IOPFS_REC_LINK		= 2,	/* struct iopfs_rec_link + name */
	IOPFS_REC_UNLINK	= 3,	/* struct iopfs_rec_unlink + name */
	IOPFS_REC_RENAME	= 4,	/* struct iopfs_rec_rename + 2 names */
	IOPFS_REC_SETATTR	= 5,	/* struct iopfs_rec_setattr */
	IOPFS_REC_EXTENT	= 6,	/* struct iopfs_rec_extent */
	IOPFS_REC_EPOCH		= 7,	/* struct iopfs_rec_epoch, a slot's first */
	IOPFS_REC_PUNCH		= 8,	/* struct iopfs_rec_punch */
};

/**
 * struct iopfs_rec - header of a log record, followed by @len bytes
 * @checksum: crc32c of everything after this field up to the end of the
 *	      payload
 * @type: enum iopfs_rec_type
 * @len: bytes of payload after the header
 * @seq: 1 for the first record, then one more per record
 */
struct iopfs_rec {
	__le32	checksum;
	__le16	type;
	__le16	len;
	__le64	seq;
};

struct iopfs_time {
	__le64	sec;
	__le32	nsec;
	__le32	pad;
};

/* A new inode and its first name.  nlink 1 (2 for directories). */
struct iopfs_rec_create {
	__le64	ino;
	__le64	parent;
	__le32	mode;
	__le32	uid;
	__le32	gid;
	__le32	name_len;
	struct iopfs_time time;
	/* name_len bytes of name */
};

/* Another name for an existing regular file. */
struct iopfs_rec_link {
	__le64	ino;
	__le64	parent;
	__le32	name_len;
	__le32	pad;
	/* name */
};

/* A name goes (unlink, rmdir); an inode with no name left is freed. */
struct iopfs_rec_unlink {
	__le64	parent;
	__le32	name_len;
	__le32	pad;
	struct iopfs_time time;
	/* name */
};

/* A name moves; a name already at the target goes as in unlink. */
struct iopfs_rec_rename {
	__le64	old_parent;
	__le64	new_parent;
	__le32	old_len;
	__le32	new_len;
	struct iopfs_time time;
	/* old name, then new name */
};

#define IOPFS_ATTR_MODE		(1U << 0)
#define IOPFS_ATTR_UID		(1U << 1)
#define IOPFS_ATTR_GID		(1U << 2)
#define IOPFS_ATTR_SIZE		(1U << 3)
#define IOPFS_ATTR_ATIME	(1U << 4)
#define IOPFS_ATTR_MTIME	(1U << 5)
#define IOPFS_ATTR_CTIME	(1U << 6)
#define IOPFS_ATTR_ALL		0x7f
/*
 * With IOPFS_ATTR_SIZE: a truncate, whose extents from size (rounded up
 * to 2 MiB) on leave the file.  Without it a size only grows the file:
 * extents past it (fallocate with KEEP_SIZE) stay.
 */
#define IOPFS_ATTR_TRUNC	(1U << 7)

struct iopfs_rec_setattr {
	__le64	ino;
	__le32	valid;		/* IOPFS_ATTR_* */
	__le32	mode;		/* permission bits only */
	__le32	uid;
	__le32	gid;
	__le64	size;
	struct iopfs_time atime;
	struct iopfs_time mtime;
	struct iopfs_time ctime;
};

/* @count extents from data extent @phys back file bytes from @index * 2 MiB. */
struct iopfs_rec_extent {
	__le64	ino;
	__le64	index;
	__le64	phys;
	__le32	count;
	__le32	pad;
};

/*
 * A hole: the file's extents from @index to @index + @count - 1 leave it
 * (fallocate with FALLOC_FL_PUNCH_HOLE); offsets without one read zeroes.
 */
struct iopfs_rec_punch {
	__le64	ino;
	__le64	index;
	__le64	count;
};

/* The first record of a log slot. */
struct iopfs_rec_epoch {
	__le32	slot;		/* 0 or 1: where it is */
	__le32	pad;
	__le64	pad2;
};

#endif /* _UAPI_LINUX_IOPFS_H */
