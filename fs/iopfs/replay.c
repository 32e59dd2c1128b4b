// SPDX-License-Identifier: GPL-2.0
/*
 * Mount: replay the log into the dcache.  The image is not trusted: every
 * record is checked against what the records before it built (names
 * exist or not, parents are directories, an extent belongs to one file
 * only, directories stay a tree), and the first record that does not fit
 * fails the mount, naming the record.  The end of the log is the first
 * record whose sequence number or checksum is wrong.
 */
#include <linux/crc32c.h>
#include <linux/hash.h>
#include <linux/iopmem.h>
#include <linux/slab.h>
#include <linux/stringhash.h>

#include "iopfs.h"

#define IOPFS_REPLAY_HASH_BITS	14

struct iopfs_rnode;

/* A name in a directory, while replaying. */
struct iopfs_rentry {
	struct hlist_node hash;
	struct list_head sibling;
	struct iopfs_rnode *parent;
	struct iopfs_rnode *node;
	u32 len;
	char name[];
};

/* An inode, while replaying. */
struct iopfs_rnode {
	struct hlist_node hash;
	struct inode *inode;
	struct list_head children;	/* directories */
	struct iopfs_rentry *entry;	/* directories: their one name */
	struct dentry *dentry;		/* directories, once instantiated */
	bool handed_over;		/* the inode went to a dentry */
	bool written;			/* compaction wrote it */
	struct list_head queue;		/* directories, while walking */
};

struct iopfs_replay {
	struct super_block *sb;
	struct iopfs_sb_info *sbi;
	struct hlist_head *nodes;
	struct hlist_head *entries;
	u64 seq;
	const char *why;
};

static struct iopfs_rnode *rp_node(struct iopfs_replay *rp, u64 ino)
{
	struct iopfs_rnode *n;

	hlist_for_each_entry(n, &rp->nodes[hash_64(ino, IOPFS_REPLAY_HASH_BITS)],
			     hash)
		if (n->inode->i_ino == ino)
			return n;
	return NULL;
}

static u32 rp_name_hash(u64 parent, const char *name, u32 len)
{
	return hash_64(parent ^ full_name_hash(NULL, name, len),
		       IOPFS_REPLAY_HASH_BITS);
}

static struct iopfs_rentry *rp_entry(struct iopfs_replay *rp,
				     struct iopfs_rnode *dir,
				     const char *name, u32 len)
{
	struct iopfs_rentry *e;

	hlist_for_each_entry(e, &rp->entries[rp_name_hash(dir->inode->i_ino,
							  name, len)], hash)
		if (e->parent == dir && e->len == len &&
		    !memcmp(e->name, name, len))
			return e;
	return NULL;
}

/* A name as a file system may hold it: 1-255 bytes, no '/', no NUL. */
static bool rp_name_ok(const char *name, u32 len)
{
	if (!len || len > IOPFS_NAME_MAX)
		return false;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return false;
	return !memchr(name, '/', len) && !memchr(name, 0, len);
}

static struct iopfs_rnode *rp_dir(struct iopfs_replay *rp, u64 ino)
{
	struct iopfs_rnode *n = rp_node(rp, ino);

	if (!n) {
		rp->why = "names an inode that does not exist";
		return NULL;
	}
	if (!S_ISDIR(n->inode->i_mode)) {
		rp->why = "names a parent that is not a directory";
		return NULL;
	}
	return n;
}

static struct iopfs_rnode *rp_add_node(struct iopfs_replay *rp,
				       struct inode *inode)
{
	struct iopfs_rnode *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (!n)
		return NULL;
	n->inode = inode;
	INIT_LIST_HEAD(&n->children);
	hlist_add_head(&n->hash, &rp->nodes[hash_64(inode->i_ino,
						    IOPFS_REPLAY_HASH_BITS)]);
	return n;
}

static int rp_add_entry(struct iopfs_replay *rp, struct iopfs_rnode *dir,
			struct iopfs_rnode *node, const char *name, u32 len)
{
	struct iopfs_rentry *e;

	if (!rp_name_ok(name, len)) {
		rp->why = "holds an invalid name";
		return -EUCLEAN;
	}
	if (rp_entry(rp, dir, name, len)) {
		rp->why = "creates a name that exists";
		return -EUCLEAN;
	}
	e = kmalloc(struct_size(e, name, len), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->parent = dir;
	e->node = node;
	e->len = len;
	memcpy(e->name, name, len);
	hlist_add_head(&e->hash, &rp->entries[rp_name_hash(dir->inode->i_ino,
							   name, len)]);
	list_add_tail(&e->sibling, &dir->children);
	if (S_ISDIR(node->inode->i_mode)) {
		node->entry = e;
		inc_nlink(dir->inode);
	}
	return 0;
}

/* An inode with no name left is gone: its extents are free again. */
static void rp_drop_node(struct iopfs_rnode *n)
{
	hlist_del(&n->hash);
	if (S_ISREG(n->inode->i_mode))
		iopfs_free_extents(n->inode, 0);
	iput(n->inode);
	kfree(n);
}

static int rp_remove_entry(struct iopfs_replay *rp, struct iopfs_rentry *e)
{
	struct iopfs_rnode *n = e->node;

	if (S_ISDIR(n->inode->i_mode)) {
		if (!list_empty(&n->children)) {
			rp->why = "removes a directory that is not empty";
			return -EUCLEAN;
		}
		drop_nlink(e->parent->inode);
		clear_nlink(n->inode);
	} else {
		drop_nlink(n->inode);
	}
	hlist_del(&e->hash);
	list_del(&e->sibling);
	kfree(e);
	if (!n->inode->i_nlink)
		rp_drop_node(n);
	return 0;
}

static int rp_create(struct iopfs_replay *rp, const void *p, u32 len)
{
	const struct iopfs_rec_create *r = p;
	u32 name_len = le32_to_cpu(r->name_len);
	umode_t mode = le32_to_cpu(r->mode);
	u64 ino = le64_to_cpu(r->ino);
	struct iopfs_rnode *dir, *n;
	struct inode *inode;
	int rc;

	if (len != sizeof(*r) + name_len) {
		rp->why = "has a wrong length";
		return -EUCLEAN;
	}
	if ((!S_ISREG(mode) && !S_ISDIR(mode)) || (mode & ~(S_IFMT | S_IALLUGO))) {
		rp->why = "creates an inode of an unknown type";
		return -EUCLEAN;
	}
	if (ino <= IOPFS_ROOT_INO || rp_node(rp, ino)) {
		rp->why = "creates an inode number in use";
		return -EUCLEAN;
	}
	dir = rp_dir(rp, le64_to_cpu(r->parent));
	if (!dir)
		return -EUCLEAN;
	inode = iopfs_new_inode(rp->sb, ino, mode);
	if (!inode)
		return -ENOMEM;
	i_uid_write(inode, le32_to_cpu(r->uid));
	i_gid_write(inode, le32_to_cpu(r->gid));
	iopfs_set_atime(inode, iopfs_get_time(&r->time));
	iopfs_set_mtime(inode, iopfs_get_time(&r->time));
	iopfs_set_ctime(inode, iopfs_get_time(&r->time));
	if (!S_ISDIR(mode))
		set_nlink(inode, 1);
	n = rp_add_node(rp, inode);
	if (!n) {
		iput(inode);
		return -ENOMEM;
	}
	rc = rp_add_entry(rp, dir, n, (const char *)(r + 1), name_len);
	if (rc) {
		clear_nlink(inode);
		rp_drop_node(n);
		return rc;
	}
	rp->sbi->next_ino = max(rp->sbi->next_ino, ino + 1);
	iopfs_set_mtime(dir->inode, iopfs_get_time(&r->time));
	iopfs_set_ctime(dir->inode, iopfs_get_time(&r->time));
	return 0;
}

static int rp_link(struct iopfs_replay *rp, const void *p, u32 len)
{
	const struct iopfs_rec_link *r = p;
	u32 name_len = le32_to_cpu(r->name_len);
	struct iopfs_rnode *dir, *n;
	int rc;

	if (len != sizeof(*r) + name_len) {
		rp->why = "has a wrong length";
		return -EUCLEAN;
	}
	n = rp_node(rp, le64_to_cpu(r->ino));
	if (!n || !S_ISREG(n->inode->i_mode)) {
		rp->why = "links something that is not a regular file";
		return -EUCLEAN;
	}
	dir = rp_dir(rp, le64_to_cpu(r->parent));
	if (!dir)
		return -EUCLEAN;
	rc = rp_add_entry(rp, dir, n, (const char *)(r + 1), name_len);
	if (!rc)
		inc_nlink(n->inode);
	return rc;
}

static int rp_unlink(struct iopfs_replay *rp, const void *p, u32 len)
{
	const struct iopfs_rec_unlink *r = p;
	u32 name_len = le32_to_cpu(r->name_len);
	struct iopfs_rnode *dir;
	struct iopfs_rentry *e;

	if (len != sizeof(*r) + name_len) {
		rp->why = "has a wrong length";
		return -EUCLEAN;
	}
	dir = rp_dir(rp, le64_to_cpu(r->parent));
	if (!dir)
		return -EUCLEAN;
	e = rp_entry(rp, dir, (const char *)(r + 1), name_len);
	if (!e) {
		rp->why = "removes a name that does not exist";
		return -EUCLEAN;
	}
	iopfs_set_mtime(dir->inode, iopfs_get_time(&r->time));
	iopfs_set_ctime(dir->inode, iopfs_get_time(&r->time));
	return rp_remove_entry(rp, e);
}

static int rp_rename(struct iopfs_replay *rp, const void *p, u32 len)
{
	const struct iopfs_rec_rename *r = p;
	u32 old_len = le32_to_cpu(r->old_len), new_len = le32_to_cpu(r->new_len);
	const char *old_name = (const char *)(r + 1);
	const char *new_name = old_name + old_len;
	struct iopfs_rnode *old_dir, *new_dir, *n, *up;
	struct iopfs_rentry *e, *target;
	int rc;

	if (old_len > IOPFS_NAME_MAX || new_len > IOPFS_NAME_MAX ||
	    len != sizeof(*r) + old_len + new_len) {
		rp->why = "has a wrong length";
		return -EUCLEAN;
	}
	old_dir = rp_dir(rp, le64_to_cpu(r->old_parent));
	new_dir = old_dir ? rp_dir(rp, le64_to_cpu(r->new_parent)) : NULL;
	if (!new_dir)
		return -EUCLEAN;
	e = rp_entry(rp, old_dir, old_name, old_len);
	if (!e) {
		rp->why = "renames a name that does not exist";
		return -EUCLEAN;
	}
	n = e->node;
	/* A directory moved into itself would leave the tree. */
	for (up = new_dir; S_ISDIR(n->inode->i_mode) && up; ) {
		if (up == n) {
			rp->why = "moves a directory below itself";
			return -EUCLEAN;
		}
		up = up->entry ? up->entry->parent : NULL;
	}
	target = rp_entry(rp, new_dir, new_name, new_len);
	if (target == e)
		return 0;
	if (target) {
		if (S_ISDIR(target->node->inode->i_mode) !=
		    S_ISDIR(n->inode->i_mode)) {
			rp->why = "replaces a directory by a file or back";
			return -EUCLEAN;
		}
		rc = rp_remove_entry(rp, target);
		if (rc)
			return rc;
	}
	if (!rp_name_ok(new_name, new_len)) {
		rp->why = "holds an invalid name";
		return -EUCLEAN;
	}
	iopfs_set_mtime(old_dir->inode, iopfs_get_time(&r->time));
	iopfs_set_ctime(old_dir->inode, iopfs_get_time(&r->time));
	iopfs_set_mtime(new_dir->inode, iopfs_get_time(&r->time));
	iopfs_set_ctime(new_dir->inode, iopfs_get_time(&r->time));
	/* Move the entry: rehash under the new name and parent. */
	hlist_del(&e->hash);
	list_del(&e->sibling);
	if (S_ISDIR(n->inode->i_mode)) {
		drop_nlink(old_dir->inode);
		n->entry = NULL;
	}
	rc = rp_add_entry(rp, new_dir, n, new_name, new_len);
	kfree(e);
	return rc;
}

static int rp_setattr(struct iopfs_replay *rp, const void *p, u32 len)
{
	const struct iopfs_rec_setattr *r = p;
	u32 valid = le32_to_cpu(r->valid);
	u64 size = le64_to_cpu(r->size);
	struct iopfs_rnode *n;
	struct inode *inode;

	if ((valid & ~(IOPFS_ATTR_ALL | IOPFS_ATTR_TRUNC)) ||
	    (le32_to_cpu(r->mode) & ~S_IALLUGO)) {
		rp->why = "has a wrong length or unknown attributes";
		return -EUCLEAN;
	}
	n = rp_node(rp, le64_to_cpu(r->ino));
	if (!n) {
		rp->why = "names an inode that does not exist";
		return -EUCLEAN;
	}
	inode = n->inode;
	if (valid & IOPFS_ATTR_MODE)
		inode->i_mode = (inode->i_mode & S_IFMT) | le32_to_cpu(r->mode);
	if (valid & IOPFS_ATTR_UID)
		i_uid_write(inode, le32_to_cpu(r->uid));
	if (valid & IOPFS_ATTR_GID)
		i_gid_write(inode, le32_to_cpu(r->gid));
	if (valid & IOPFS_ATTR_SIZE) {
		if (!S_ISREG(inode->i_mode) || size > MAX_LFS_FILESIZE) {
			rp->why = "sets the size of a directory, or a size too large";
			return -EUCLEAN;
		}
		if (valid & IOPFS_ATTR_TRUNC)
			iopfs_free_extents(inode,
					   DIV_ROUND_UP_ULL(size, IOPFS_EXTENT_SIZE));
		i_size_write(inode, size);
	}
	if (valid & IOPFS_ATTR_ATIME)
		iopfs_set_atime(inode, iopfs_get_time(&r->atime));
	if (valid & IOPFS_ATTR_MTIME)
		iopfs_set_mtime(inode, iopfs_get_time(&r->mtime));
	if (valid & IOPFS_ATTR_CTIME)
		iopfs_set_ctime(inode, iopfs_get_time(&r->ctime));
	return 0;
}

static int rp_extent(struct iopfs_replay *rp, const void *p, u32 len)
{
	const struct iopfs_rec_extent *r = p;
	u64 index = le64_to_cpu(r->index), phys = le64_to_cpu(r->phys);
	u32 count = le32_to_cpu(r->count), i;
	struct iopfs_sb_info *sbi = rp->sbi;
	struct iopfs_rnode *n;

	if (!count || phys >= sbi->extents ||
	    count > sbi->extents - phys ||
	    index > (MAX_LFS_FILESIZE >> IOPFS_EXTENT_SHIFT) - count) {
		rp->why = "holds an extent outside the data area";
		return -EUCLEAN;
	}
	n = rp_node(rp, le64_to_cpu(r->ino));
	if (!n || !S_ISREG(n->inode->i_mode)) {
		rp->why = "gives an extent to something that is not a regular file";
		return -EUCLEAN;
	}
	for (i = 0; i < count; i++) {
		/* One page in two files would be one pin in two files. */
		if (test_bit(phys + i, sbi->used)) {
			rp->why = "gives an extent that is in use";
			return -EUCLEAN;
		}
		if (iopfs_map_extent(n->inode, index + i, phys + i)) {
			rp->why = "maps a file offset twice";
			return -EUCLEAN;
		}
		set_bit(phys + i, sbi->used);
		sbi->free_extents--;
	}
	return 0;
}

static int rp_punch(struct iopfs_replay *rp, const void *p, u32 len)
{
	const struct iopfs_rec_punch *r = p;
	u64 index = le64_to_cpu(r->index), count = le64_to_cpu(r->count);
	struct iopfs_rnode *n;

	if (!count || index > (MAX_LFS_FILESIZE >> IOPFS_EXTENT_SHIFT) ||
	    count > (MAX_LFS_FILESIZE >> IOPFS_EXTENT_SHIFT) - index) {
		rp->why = "punches a hole outside any file";
		return -EUCLEAN;
	}
	n = rp_node(rp, le64_to_cpu(r->ino));
	if (!n || !S_ISREG(n->inode->i_mode)) {
		rp->why = "punches a hole in something that is not a regular file";
		return -EUCLEAN;
	}
	iopfs_free_extent_range(n->inode, index, index + count - 1);
	return 0;
}

static int rp_apply(struct iopfs_replay *rp, u16 type, const void *p, u32 len)
{
	/*
	 * Lengths are checked before a field is read: the buffer is only
	 * len long.  The reasons are fsck.iopfs's.
	 */
	rp->why = "is shorter than its type's fixed part";
	switch (type) {
	case IOPFS_REC_CREATE:
		return len < sizeof(struct iopfs_rec_create) ? -EUCLEAN :
		       rp_create(rp, p, len);
	case IOPFS_REC_LINK:
		return len < sizeof(struct iopfs_rec_link) ? -EUCLEAN :
		       rp_link(rp, p, len);
	case IOPFS_REC_UNLINK:
		return len < sizeof(struct iopfs_rec_unlink) ? -EUCLEAN :
		       rp_unlink(rp, p, len);
	case IOPFS_REC_RENAME:
		return len < sizeof(struct iopfs_rec_rename) ? -EUCLEAN :
		       rp_rename(rp, p, len);
	case IOPFS_REC_SETATTR:
		rp->why = "has a wrong length or unknown attributes";
		return len != sizeof(struct iopfs_rec_setattr) ? -EUCLEAN :
		       rp_setattr(rp, p, len);
	case IOPFS_REC_EXTENT:
		rp->why = "holds an extent outside the data area";
		return len != sizeof(struct iopfs_rec_extent) ? -EUCLEAN :
		       rp_extent(rp, p, len);
	case IOPFS_REC_PUNCH:
		rp->why = "has a wrong length";
		return len != sizeof(struct iopfs_rec_punch) ? -EUCLEAN :
		       rp_punch(rp, p, len);
	}
	rp->why = "has an unknown type";
	return -EUCLEAN;
}

/* Dentries for the replayed tree, parents first, without recursion. */
static int rp_instantiate(struct iopfs_replay *rp, struct iopfs_rnode *root)
{
	struct iopfs_rnode *dir;
	struct iopfs_rentry *e;
	LIST_HEAD(queue);

	list_add_tail(&root->queue, &queue);
	while (!list_empty(&queue)) {
		dir = list_first_entry(&queue, struct iopfs_rnode, queue);
		list_del(&dir->queue);
		list_for_each_entry(e, &dir->children, sibling) {
			struct qstr q = QSTR_INIT(e->name, e->len);
			struct dentry *dentry;

			/* Hashed as lookups hash it, or they never find it. */
			q.hash = full_name_hash(dir->dentry, e->name, e->len);
			dentry = d_alloc(dir->dentry, &q);
			if (!dentry)
				return -ENOMEM;
			if (e->node->handed_over)
				ihold(e->node->inode);
			e->node->handed_over = true;
			iopfs_d_add_pinned(dentry, e->node->inode);
			if (S_ISDIR(e->node->inode->i_mode)) {
				e->node->dentry = dentry;
				list_add_tail(&e->node->queue, &queue);
			}
		}
		cond_resched();
	}
	return 0;
}

static void rp_free(struct iopfs_replay *rp)
{
	struct iopfs_rentry *e;
	struct iopfs_rnode *n;
	struct hlist_node *t;
	int i;

	for (i = 0; i < (1 << IOPFS_REPLAY_HASH_BITS); i++) {
		hlist_for_each_entry_safe(e, t, &rp->entries[i], hash)
			kfree(e);
		hlist_for_each_entry_safe(n, t, &rp->nodes[i], hash) {
			if (!n->handed_over && n->inode->i_ino != IOPFS_ROOT_INO)
				iput(n->inode);
			kfree(n);
		}
	}
	kvfree(rp->entries);
	kvfree(rp->nodes);
}

/*
 * The record at @at, with @room bytes left in the slot, if its sequence
 * number is @seq (any, for 0) and its checksum right: a copy in *@bufp
 * (kfree() it) and its aligned size.  0 at the end of the log.
 */
static int rp_read_rec(const void *at, u64 room, u64 seq, struct iopfs_rec **bufp)
{
	struct iopfs_rec hdr, *buf;
	u32 len, size;

	if (room < sizeof(hdr))
		return 0;
	/* One read of the device per record; the image may change. */
	memcpy(&hdr, at, sizeof(hdr));
	len = le16_to_cpu(hdr.len);
	size = ALIGN(sizeof(hdr) + len, IOPFS_REC_ALIGN);
	if ((seq && le64_to_cpu(hdr.seq) != seq) || !hdr.seq || size > room)
		return 0;
	buf = kmalloc(sizeof(hdr) + len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, at, sizeof(hdr) + len);
	if (crc32c(~0, &buf->type, sizeof(hdr) - sizeof(hdr.checksum) + len) !=
	    le32_to_cpu(buf->checksum)) {
		kfree(buf);
		return 0;
	}
	*bufp = buf;
	return size;
}

/* The EPOCH record's seq of slot @slot, or 0 if the slot is not valid. */
static u64 rp_slot_epoch(struct iopfs_sb_info *sbi, unsigned int slot)
{
	const struct iopfs_rec_epoch *e;
	struct iopfs_rec *rec = NULL;
	u64 seq = 0;

	if (rp_read_rec(sbi->log_area + slot * sbi->log_size, sbi->log_size,
			0, &rec) <= 0)
		return 0;
	e = (const struct iopfs_rec_epoch *)(rec + 1);
	if (le16_to_cpu(rec->type) == IOPFS_REC_EPOCH &&
	    le16_to_cpu(rec->len) == sizeof(*e) && le32_to_cpu(e->slot) == slot)
		seq = le64_to_cpu(rec->seq);
	kfree(rec);
	return seq;
}

/* Where the next record goes in a slot being written. */
struct iopfs_slot_writer {
	void *base;
	u64 pos;
	u64 size;
	u64 seq;
	int rc;
};

static void rp_write(struct iopfs_slot_writer *w, u16 type, const void *fixed,
		     size_t fixed_len, const void *name, size_t name_len)
{
	size_t len = fixed_len + name_len;
	size_t size = ALIGN(sizeof(struct iopfs_rec) + len, IOPFS_REC_ALIGN);
	struct iopfs_rec *rec;

	if (w->rc)
		return;
	if (w->size - w->pos < size) {
		w->rc = -ENOSPC;
		return;
	}
	rec = kzalloc(size, GFP_KERNEL);
	if (!rec) {
		w->rc = -ENOMEM;
		return;
	}
	memcpy(rec + 1, fixed, fixed_len);
	if (name)
		memcpy((u8 *)(rec + 1) + fixed_len, name, name_len);
	iopfs_rec_seal(rec, type, len, w->seq++);
	memcpy_flushcache(w->base + w->pos, rec, size);
	w->pos += size;
	kfree(rec);
}

/* An inode's attributes and extents, as records. */
static void rp_write_inode(struct iopfs_slot_writer *w, struct inode *inode)
{
	struct iopfs_rec_setattr a = {
		.ino = cpu_to_le64(inode->i_ino),
		.valid = cpu_to_le32(IOPFS_ATTR_ALL &
				     (S_ISREG(inode->i_mode) ? ~0U : ~IOPFS_ATTR_SIZE)),
		.mode = cpu_to_le32(inode->i_mode & S_IALLUGO),
		.uid = cpu_to_le32(i_uid_read(inode)),
		.gid = cpu_to_le32(i_gid_read(inode)),
		.size = cpu_to_le64(i_size_read(inode)),
	};
	struct iopfs_rec_extent x = { .ino = cpu_to_le64(inode->i_ino) };
	unsigned long index;
	void *entry;
	u64 run = 0;

	iopfs_put_time(&a.atime, iopfs_get_atime(inode));
	iopfs_put_time(&a.mtime, iopfs_get_mtime(inode));
	iopfs_put_time(&a.ctime, iopfs_get_ctime(inode));
	rp_write(w, IOPFS_REC_SETATTR, &a, sizeof(a), NULL, 0);
	if (!S_ISREG(inode->i_mode))
		return;
	/* Runs of extents contiguous in the file and in the data area. */
	xa_for_each(&IOPFS_I(inode)->map, index, entry) {
		u64 phys = xa_to_value(entry);

		if (run && run < U32_MAX &&
		    le64_to_cpu(x.index) + run == index &&
		    le64_to_cpu(x.phys) + run == phys) {
			run++;
			continue;
		}
		if (run) {
			x.count = cpu_to_le32(run);
			rp_write(w, IOPFS_REC_EXTENT, &x, sizeof(x), NULL, 0);
		}
		x.index = cpu_to_le64(index);
		x.phys = cpu_to_le64(phys);
		run = 1;
	}
	if (run) {
		x.count = cpu_to_le32(run);
		rp_write(w, IOPFS_REC_EXTENT, &x, sizeof(x), NULL, 0);
	}
}

/* One directory's names; a second name of a file is a link. */
static void rp_write_dir(struct iopfs_slot_writer *w, struct iopfs_rnode *dir,
			 struct list_head *queue)
{
	struct iopfs_rentry *e;

	list_for_each_entry(e, &dir->children, sibling) {
		struct inode *inode = e->node->inode;
		struct iopfs_rec_create c = {
			.ino = cpu_to_le64(inode->i_ino),
			.parent = cpu_to_le64(dir->inode->i_ino),
			.mode = cpu_to_le32(inode->i_mode),
			.uid = cpu_to_le32(i_uid_read(inode)),
			.gid = cpu_to_le32(i_gid_read(inode)),
			.name_len = cpu_to_le32(e->len),
		};

		if (e->node->written) {
			struct iopfs_rec_link l = {
				.ino = c.ino,
				.parent = c.parent,
				.name_len = c.name_len,
			};

			rp_write(w, IOPFS_REC_LINK, &l, sizeof(l), e->name, e->len);
			continue;
		}
		iopfs_put_time(&c.time, iopfs_get_ctime(inode));
		rp_write(w, IOPFS_REC_CREATE, &c, sizeof(c), e->name, e->len);
		e->node->written = true;
		rp_write_inode(w, inode);
		if (S_ISDIR(inode->i_mode))
			list_add_tail(&e->node->queue, queue);
	}
}

/*
 * Write the replayed state into the other slot, then that slot's EPOCH
 * record, last: a power cut before it leaves the old slot the log.
 * Directory times come out as their last change set them; the tree a
 * replay of the new slot builds is the one the old slot built.
 */
static int rp_compact(struct iopfs_replay *rp, struct iopfs_rnode *root_node)
{
	struct iopfs_sb_info *sbi = rp->sbi;
	unsigned int slot = !sbi->slot;
	struct iopfs_slot_writer w = {
		.base = sbi->log_area + slot * sbi->log_size,
		.pos = ALIGN(sizeof(struct iopfs_rec) +
			     sizeof(struct iopfs_rec_epoch), IOPFS_REC_ALIGN),
		.size = sbi->log_size,
		.seq = sbi->next_seq + 1,
	};
	struct iopfs_rec_epoch e = { .slot = cpu_to_le32(slot) };
	u64 before = sbi->log_used;

	struct iopfs_rnode *dir;
	LIST_HEAD(queue);
	u64 used, next_seq;

	/* Parents before children, without recursion: images are untrusted. */
	rp_write_inode(&w, root_node->inode);
	list_add_tail(&root_node->queue, &queue);
	while (!list_empty(&queue) && !w.rc) {
		dir = list_first_entry(&queue, struct iopfs_rnode, queue);
		list_del(&dir->queue);
		rp_write_dir(&w, dir, &queue);
		cond_resched();
	}
	if (w.rc)
		return w.rc;
	used = w.pos;
	next_seq = w.seq;
	/* The EPOCH record only once everything after it is durable. */
	iopmem_fs_drain(sbi->mem, false);
	w.pos = 0;
	w.seq = sbi->next_seq;
	rp_write(&w, IOPFS_REC_EPOCH, &e, sizeof(e), NULL, 0);
	if (w.rc)
		return w.rc;
	iopmem_fs_drain(sbi->mem, false);
	sbi->slot = slot;
	sbi->log = w.base;
	sbi->log_used = used;
	sbi->next_seq = next_seq;
	pr_info("iopfs %pg: log compacted into slot %u: %llu of %llu bytes used (was %llu)\n",
		sbi->bdev.bdev, slot, used, sbi->log_size, before);
	return 0;
}

/*
 * A torn record after the end of the log: zero it, so that a shorter
 * record written over its start leaves nothing of it to be read as the
 * record after that one.  No record is longer than this.
 */
#define IOPFS_REC_MAX	ALIGN(sizeof(struct iopfs_rec) + \
			      sizeof(struct iopfs_rec_rename) + \
			      2 * IOPFS_NAME_MAX, IOPFS_REC_ALIGN)

static void rp_zero_tail(struct iopfs_sb_info *sbi)
{
	u64 len = min_t(u64, IOPFS_REC_MAX, sbi->log_size - sbi->log_used);
	void *tail = sbi->log + sbi->log_used;

	if (!len || !memchr_inv(tail, 0, len))
		return;
	memset(tail, 0, len);
	iopmem_fs_drain(sbi->mem, false);
}

/**
 * iopfs_replay() - build the namespace from the log
 * @sb: the superblock, whose iopfs_sb_info is set up
 * @root: the root directory's inode, owned by the caller
 * @rdonly: a read-only mount: compact nothing, zero nothing
 *
 * Picks the log slot, replays it and, on a read-write mount, compacts the
 * log into the other slot once more than half of it is used.
 *
 * Return: 0 with the tree in the dcache under sb->s_root; -EUCLEAN
 * (logged, naming the record) for a log that does not fit together;
 * -ENOMEM.
 */
int iopfs_replay(struct super_block *sb, struct inode *root, bool rdonly)
{
	struct iopfs_sb_info *sbi = IOPFS_SB(sb);
	struct iopfs_replay rp = { .sb = sb, .sbi = sbi };
	struct iopfs_rnode *root_node;
	u64 epoch[2], pos;
	int rc = -ENOMEM;

	epoch[0] = rp_slot_epoch(sbi, 0);
	epoch[1] = rp_slot_epoch(sbi, 1);
	if ((!epoch[0] && !epoch[1]) || epoch[0] == epoch[1]) {
		pr_err("iopfs %pg: %s; run fsck.iopfs\n", sbi->bdev.bdev,
		       epoch[0] ? "both log slots start at the same record" :
		       "no valid log slot");
		return -EUCLEAN;
	}
	sbi->slot = epoch[1] > epoch[0];
	sbi->log = sbi->log_area + sbi->slot * sbi->log_size;
	rp.seq = epoch[sbi->slot] + 1;
	pos = ALIGN(sizeof(struct iopfs_rec) + sizeof(struct iopfs_rec_epoch),
		    IOPFS_REC_ALIGN);

	rp.nodes = kvcalloc(1 << IOPFS_REPLAY_HASH_BITS, sizeof(*rp.nodes),
			    GFP_KERNEL);
	rp.entries = kvcalloc(1 << IOPFS_REPLAY_HASH_BITS,
			      sizeof(*rp.entries), GFP_KERNEL);
	if (!rp.nodes || !rp.entries)
		goto out;
	root_node = rp_add_node(&rp, root);
	if (!root_node)
		goto out;
	root_node->handed_over = true;
	root_node->dentry = sb->s_root;

	for (;;) {
		struct iopfs_rec *rec = NULL;
		int size = rp_read_rec(sbi->log + pos, sbi->log_size - pos,
				       rp.seq, &rec);

		if (size <= 0) {
			rc = size;
			if (rc)
				goto out;
			break;
		}
		rp.why = NULL;
		rc = rp_apply(&rp, le16_to_cpu(rec->type), rec + 1,
			      le16_to_cpu(rec->len));
		kfree(rec);
		if (rc) {
			pr_err("iopfs %pg: log record %llu (slot %u, byte %llu) %s; run fsck.iopfs\n",
			       sbi->bdev.bdev, rp.seq, sbi->slot, pos,
			       rc == -ENOMEM ? "cannot be replayed (out of memory)" :
			       rp.why);
			goto out;
		}
		pos += size;
		rp.seq++;
	}
	sbi->log_used = pos;
	sbi->next_seq = rp.seq;
	if (!rdonly) {
		rp_zero_tail(sbi);
		if (sbi->log_used > sbi->log_size / 2) {
			rc = rp_compact(&rp, root_node);
			if (rc)
				pr_warn("iopfs %pg: cannot compact the log (%d); it stays %llu of %llu bytes full\n",
					sbi->bdev.bdev, rc, sbi->log_used,
					sbi->log_size);
		}
	}
	rc = rp_instantiate(&rp, root_node);
out:
	if (rp.nodes && rp.entries) {
		rp_free(&rp);
	} else {
		kvfree(rp.nodes);
		kvfree(rp.entries);
	}
	return rc;
}
