// SPDX-License-Identifier: GPL-2.0
/*
 * fsck.iopfs: replay the log as the kernel's mount does (fs/iopfs/replay.c,
 * function by function, in the same order, with the same reasons), into
 * plain structures instead of inodes and dentries.  A change to the
 * kernel's rules must be made here too; tests/fsck.sh has a case per rule.
 * The log is one of the two slots of the log area (log_pick()), replayed
 * from the record after its EPOCH record to the first one whose seq or
 * crc is wrong or that would run past the slot's end.
 *
 * Differences that cannot change which record is refused:
 * - no uid, gid or times: no rule reads them;
 * - an extent an unlink frees is free at once: the kernel defers one whose
 *   pages a pin from before the mount still holds, which cannot exist
 *   while nothing has the device mounted, and which the kernel's
 *   allocator never hands out again until it is free anyway.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/iopfs.h>

#include "crc32c.h"
#include "hash.h"
#include "replay.h"

#define S_IALLUGO		07777
#define MAX_LFS_FILESIZE	((uint64_t)INT64_MAX)	/* the kernel's, 64-bit */
#define EUCLEAN_REC		1	/* the record does not fit: rp->why */
#define ENOMEM_REC		2

struct rentry;
struct rmap;

/* An inode. */
struct rnode {
	struct hlink link;	/* rp->nodes, by inode number */
	uint64_t ino;
	uint32_t mode;
	uint32_t nlink;		/* regular files: their names */
	uint64_t size;
	uint64_t children;	/* directories: names in them */
	struct rentry *entry;	/* directories: their one name */
	struct rmap *maps;	/* regular files: their extents */
};

/* A name in a directory. */
struct rentry {
	struct hlink link;	/* rp->entries, by parent and name */
	struct rnode *parent;
	struct rnode *node;
	uint32_t len;
	char name[];
};

/* A data extent in a file. */
struct rmap {
	struct hlink link;	/* rp->maps, by file and index */
	struct rmap *next, **pprev;	/* rnode.maps */
	struct rnode *node;
	uint64_t index;
	uint64_t phys;
};

struct replay {
	struct htab nodes, entries, maps;
	unsigned char *used;	/* a bit per data extent */
	uint64_t extents;
	struct replay_result *res;
	const char *why;
};

static bool used_test(const struct replay *rp, uint64_t phys)
{
	return rp->used[phys / 8] & (1U << (phys % 8));
}

static void used_set(struct replay *rp, uint64_t phys, bool on)
{
	if (on)
		rp->used[phys / 8] |= 1U << (phys % 8);
	else
		rp->used[phys / 8] &= ~(1U << (phys % 8));
}

static struct rnode *rp_node(struct replay *rp, uint64_t ino)
{
	uint64_t h = hash_u64(ino);
	struct hlink *l;

	for (l = htab_first(&rp->nodes, h); l; l = l->next) {
		struct rnode *n = (struct rnode *)l;

		if (l->hash == h && n->ino == ino)
			return n;
	}
	return NULL;
}

static uint64_t rp_name_hash(const struct rnode *dir, const char *name, uint32_t len)
{
	return hash_bytes((uintptr_t)dir, name, len);
}

static struct rentry *rp_entry(struct replay *rp, struct rnode *dir,
			       const char *name, uint32_t len)
{
	uint64_t h = rp_name_hash(dir, name, len);
	struct hlink *l;

	for (l = htab_first(&rp->entries, h); l; l = l->next) {
		struct rentry *e = (struct rentry *)l;

		if (l->hash == h && e->parent == dir && e->len == len &&
		    !memcmp(e->name, name, len))
			return e;
	}
	return NULL;
}

static struct rmap *rp_map(struct replay *rp, struct rnode *n, uint64_t index)
{
	uint64_t h = hash_u64((uintptr_t)n ^ hash_u64(index));
	struct hlink *l;

	for (l = htab_first(&rp->maps, h); l; l = l->next) {
		struct rmap *m = (struct rmap *)l;

		if (l->hash == h && m->node == n && m->index == index)
			return m;
	}
	return NULL;
}

/* A name as a file system may hold it: 1-255 bytes, no '/', no NUL. */
static bool rp_name_ok(const char *name, uint32_t len)
{
	if (!len || len > IOPFS_NAME_MAX)
		return false;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return false;
	return !memchr(name, '/', len) && !memchr(name, 0, len);
}

static struct rnode *rp_dir(struct replay *rp, uint64_t ino)
{
	struct rnode *n = rp_node(rp, ino);

	if (!n) {
		rp->why = "names an inode that does not exist";
		return NULL;
	}
	if (!S_ISDIR(n->mode)) {
		rp->why = "names a parent that is not a directory";
		return NULL;
	}
	return n;
}

static struct rnode *rp_add_node(struct replay *rp, uint64_t ino, uint32_t mode)
{
	struct rnode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->ino = ino;
	n->mode = mode;
	htab_add(&rp->nodes, &n->link, hash_u64(ino));
	rp->res->inodes++;
	if (S_ISDIR(mode))
		rp->res->dirs++;
	else
		rp->res->files++;
	return n;
}

static int rp_add_entry(struct replay *rp, struct rnode *dir, struct rnode *node,
			const char *name, uint32_t len)
{
	struct rentry *e;

	if (!rp_name_ok(name, len)) {
		rp->why = "holds an invalid name";
		return EUCLEAN_REC;
	}
	if (rp_entry(rp, dir, name, len)) {
		rp->why = "creates a name that exists";
		return EUCLEAN_REC;
	}
	e = malloc(sizeof(*e) + len);
	if (!e)
		return ENOMEM_REC;
	e->parent = dir;
	e->node = node;
	e->len = len;
	memcpy(e->name, name, len);
	htab_add(&rp->entries, &e->link, rp_name_hash(dir, name, len));
	dir->children++;
	rp->res->names++;
	if (S_ISDIR(node->mode))
		node->entry = e;
	return 0;
}

static void rp_del_entry(struct replay *rp, struct rentry *e)
{
	htab_del(&rp->entries, &e->link);
	e->parent->children--;
	rp->res->names--;
}

/* Extents from file extent @first on leave the file and are free. */
/* The file's extents at indexes @first to @last leave it, counted in @freed. */
static void rp_free_extents(struct replay *rp, struct rnode *n, uint64_t first,
			    uint64_t last, uint64_t *freed)
{
	struct rmap *m, *next;

	for (m = n->maps; m; m = next) {
		next = m->next;
		if (m->index < first || m->index > last)
			continue;
		*m->pprev = m->next;
		if (m->next)
			m->next->pprev = m->pprev;
		htab_del(&rp->maps, &m->link);
		used_set(rp, m->phys, false);
		rp->res->extents_used--;
		(*freed)++;
		free(m);
	}
}

/* An inode with no name left is gone: its extents are free again. */
static void rp_drop_node(struct replay *rp, struct rnode *n)
{
	htab_del(&rp->nodes, &n->link);
	if (S_ISREG(n->mode))
		rp_free_extents(rp, n, 0, UINT64_MAX, &rp->res->extents_freed_unlink);
	rp->res->inodes--;
	if (S_ISDIR(n->mode))
		rp->res->dirs--;
	else
		rp->res->files--;
	free(n);
}

static int rp_remove_entry(struct replay *rp, struct rentry *e)
{
	struct rnode *n = e->node;

	if (S_ISDIR(n->mode)) {
		if (n->children) {
			rp->why = "removes a directory that is not empty";
			return EUCLEAN_REC;
		}
		n->nlink = 0;
	} else {
		n->nlink--;
	}
	rp_del_entry(rp, e);
	free(e);
	if (!n->nlink)
		rp_drop_node(rp, n);
	return 0;
}

static int rp_create(struct replay *rp, const void *p, uint32_t len)
{
	const struct iopfs_rec_create *r = p;
	uint32_t name_len = le32toh(r->name_len);
	/* umode_t: the kernel keeps the low 16 bits */
	uint16_t mode = le32toh(r->mode);
	uint64_t ino = le64toh(r->ino);
	struct rnode *dir, *n;
	int rc;

	if (len != sizeof(*r) + (uint64_t)name_len) {
		rp->why = "has a wrong length";
		return EUCLEAN_REC;
	}
	if ((!S_ISREG(mode) && !S_ISDIR(mode)) ||
	    (mode & ~(S_IFMT | S_IALLUGO))) {
		rp->why = "creates an inode of an unknown type";
		return EUCLEAN_REC;
	}
	if (ino <= IOPFS_ROOT_INO || rp_node(rp, ino)) {
		rp->why = "creates an inode number in use";
		return EUCLEAN_REC;
	}
	dir = rp_dir(rp, le64toh(r->parent));
	if (!dir)
		return EUCLEAN_REC;
	n = rp_add_node(rp, ino, mode);
	if (!n)
		return ENOMEM_REC;
	n->nlink = S_ISDIR(mode) ? 2 : 1;
	rc = rp_add_entry(rp, dir, n, (const char *)(r + 1), name_len);
	if (rc)
		rp_drop_node(rp, n);
	return rc;
}

static int rp_link(struct replay *rp, const void *p, uint32_t len)
{
	const struct iopfs_rec_link *r = p;
	uint32_t name_len = le32toh(r->name_len);
	struct rnode *dir, *n;
	int rc;

	if (len != sizeof(*r) + (uint64_t)name_len) {
		rp->why = "has a wrong length";
		return EUCLEAN_REC;
	}
	n = rp_node(rp, le64toh(r->ino));
	if (!n || !S_ISREG(n->mode)) {
		rp->why = "links something that is not a regular file";
		return EUCLEAN_REC;
	}
	dir = rp_dir(rp, le64toh(r->parent));
	if (!dir)
		return EUCLEAN_REC;
	rc = rp_add_entry(rp, dir, n, (const char *)(r + 1), name_len);
	if (!rc)
		n->nlink++;
	return rc;
}

static int rp_unlink(struct replay *rp, const void *p, uint32_t len)
{
	const struct iopfs_rec_unlink *r = p;
	uint32_t name_len = le32toh(r->name_len);
	struct rnode *dir;
	struct rentry *e;

	if (len != sizeof(*r) + (uint64_t)name_len) {
		rp->why = "has a wrong length";
		return EUCLEAN_REC;
	}
	dir = rp_dir(rp, le64toh(r->parent));
	if (!dir)
		return EUCLEAN_REC;
	e = rp_entry(rp, dir, (const char *)(r + 1), name_len);
	if (!e) {
		rp->why = "removes a name that does not exist";
		return EUCLEAN_REC;
	}
	return rp_remove_entry(rp, e);
}

static int rp_rename(struct replay *rp, const void *p, uint32_t len)
{
	const struct iopfs_rec_rename *r = p;
	uint32_t old_len = le32toh(r->old_len), new_len = le32toh(r->new_len);
	const char *old_name = (const char *)(r + 1);
	const char *new_name = old_name + old_len;
	struct rnode *old_dir, *new_dir, *n, *up;
	struct rentry *e, *target;
	int rc;

	if (old_len > IOPFS_NAME_MAX || new_len > IOPFS_NAME_MAX ||
	    len != sizeof(*r) + (uint64_t)old_len + new_len) {
		rp->why = "has a wrong length";
		return EUCLEAN_REC;
	}
	old_dir = rp_dir(rp, le64toh(r->old_parent));
	new_dir = old_dir ? rp_dir(rp, le64toh(r->new_parent)) : NULL;
	if (!new_dir)
		return EUCLEAN_REC;
	e = rp_entry(rp, old_dir, old_name, old_len);
	if (!e) {
		rp->why = "renames a name that does not exist";
		return EUCLEAN_REC;
	}
	n = e->node;
	/* A directory moved into itself would leave the tree. */
	for (up = new_dir; S_ISDIR(n->mode) && up; ) {
		if (up == n) {
			rp->why = "moves a directory below itself";
			return EUCLEAN_REC;
		}
		up = up->entry ? up->entry->parent : NULL;
	}
	target = rp_entry(rp, new_dir, new_name, new_len);
	if (target == e)
		return 0;
	if (target) {
		if (S_ISDIR(target->node->mode) != S_ISDIR(n->mode)) {
			rp->why = "replaces a directory by a file or back";
			return EUCLEAN_REC;
		}
		rc = rp_remove_entry(rp, target);
		if (rc)
			return rc;
	}
	if (!rp_name_ok(new_name, new_len)) {
		rp->why = "holds an invalid name";
		return EUCLEAN_REC;
	}
	/* Move the entry: rehash under the new name and parent. */
	rp_del_entry(rp, e);
	if (S_ISDIR(n->mode))
		n->entry = NULL;
	rc = rp_add_entry(rp, new_dir, n, new_name, new_len);
	free(e);
	return rc;
}

static int rp_setattr(struct replay *rp, const void *p, uint32_t len)
{
	const struct iopfs_rec_setattr *r = p;
	uint32_t valid = le32toh(r->valid);
	uint64_t size = le64toh(r->size);
	struct rnode *n;

	if (len != sizeof(*r) || (valid & ~(IOPFS_ATTR_ALL | IOPFS_ATTR_TRUNC)) ||
	    (le32toh(r->mode) & ~S_IALLUGO)) {
		rp->why = "has a wrong length or unknown attributes";
		return EUCLEAN_REC;
	}
	n = rp_node(rp, le64toh(r->ino));
	if (!n) {
		rp->why = "names an inode that does not exist";
		return EUCLEAN_REC;
	}
	if (valid & IOPFS_ATTR_MODE)
		n->mode = (n->mode & S_IFMT) | le32toh(r->mode);
	if (valid & IOPFS_ATTR_SIZE) {
		if (!S_ISREG(n->mode) || size > MAX_LFS_FILESIZE) {
			rp->why = "sets the size of a directory, or a size too large";
			return EUCLEAN_REC;
		}
		if (valid & IOPFS_ATTR_TRUNC)
			rp_free_extents(rp, n, (size + IOPFS_EXTENT_SIZE - 1) >>
					IOPFS_EXTENT_SHIFT, UINT64_MAX,
					&rp->res->extents_freed_truncate);
		n->size = size;
	}
	return 0;
}

static int rp_extent(struct replay *rp, const void *p, uint32_t len)
{
	const struct iopfs_rec_extent *r = p;
	uint64_t index = le64toh(r->index), phys = le64toh(r->phys);
	uint32_t count = le32toh(r->count), i;
	struct rnode *n;

	if (len != sizeof(*r) || !count || phys >= rp->extents ||
	    count > rp->extents - phys ||
	    index > (MAX_LFS_FILESIZE >> IOPFS_EXTENT_SHIFT) - count) {
		rp->why = "holds an extent outside the data area";
		return EUCLEAN_REC;
	}
	n = rp_node(rp, le64toh(r->ino));
	if (!n || !S_ISREG(n->mode)) {
		rp->why = "gives an extent to something that is not a regular file";
		return EUCLEAN_REC;
	}
	for (i = 0; i < count; i++) {
		struct rmap *m;

		/* One page in two files would be one pin in two files. */
		if (used_test(rp, phys + i)) {
			rp->why = "gives an extent that is in use";
			return EUCLEAN_REC;
		}
		if (rp_map(rp, n, index + i)) {
			rp->why = "maps a file offset twice";
			return EUCLEAN_REC;
		}
		m = malloc(sizeof(*m));
		if (!m)
			return ENOMEM_REC;
		m->node = n;
		m->index = index + i;
		m->phys = phys + i;
		htab_add(&rp->maps, &m->link, hash_u64((uintptr_t)n ^ hash_u64(index + i)));
		m->next = n->maps;
		m->pprev = &n->maps;
		if (n->maps)
			n->maps->pprev = &m->next;
		n->maps = m;
		used_set(rp, phys + i, true);
		rp->res->extents_used++;
	}
	return 0;
}

static int rp_punch(struct replay *rp, const void *p, uint32_t len)
{
	const struct iopfs_rec_punch *r = p;
	uint64_t index = le64toh(r->index), count = le64toh(r->count);
	uint64_t max = MAX_LFS_FILESIZE >> IOPFS_EXTENT_SHIFT;
	struct rnode *n;

	if (len != sizeof(*r)) {
		rp->why = "has a wrong length";
		return EUCLEAN_REC;
	}
	if (!count || index > max || count > max - index) {
		rp->why = "punches a hole outside any file";
		return EUCLEAN_REC;
	}
	n = rp_node(rp, le64toh(r->ino));
	if (!n || !S_ISREG(n->mode)) {
		rp->why = "punches a hole in something that is not a regular file";
		return EUCLEAN_REC;
	}
	rp_free_extents(rp, n, index, index + count - 1, &rp->res->extents_freed_punch);
	return 0;
}

/*
 * The kernel refuses a record shorter than its type's fixed part without
 * setting a reason, and so logs "cannot be replayed (out of memory)" for
 * it: the refusal is the same, the reason given here is the true one.
 */
static int rp_short(struct replay *rp)
{
	rp->why = "is shorter than its type's fixed part";
	return EUCLEAN_REC;
}

static int rp_apply(struct replay *rp, uint16_t type, const void *p, uint32_t len)
{
	switch (type) {
	case IOPFS_REC_CREATE:
		return len < sizeof(struct iopfs_rec_create) ? rp_short(rp) :
		       rp_create(rp, p, len);
	case IOPFS_REC_LINK:
		return len < sizeof(struct iopfs_rec_link) ? rp_short(rp) :
		       rp_link(rp, p, len);
	case IOPFS_REC_UNLINK:
		return len < sizeof(struct iopfs_rec_unlink) ? rp_short(rp) :
		       rp_unlink(rp, p, len);
	case IOPFS_REC_RENAME:
		return len < sizeof(struct iopfs_rec_rename) ? rp_short(rp) :
		       rp_rename(rp, p, len);
	case IOPFS_REC_SETATTR:
		return rp_setattr(rp, p, len);
	case IOPFS_REC_EXTENT:
		return rp_extent(rp, p, len);
	case IOPFS_REC_PUNCH:
		return rp_punch(rp, p, len);
	}
	/* IOPFS_REC_EPOCH too: one is a slot's first record, never replayed. */
	rp->why = "has an unknown type";
	return EUCLEAN_REC;
}

/**
 * log_record_at() - the record at a place of the log, if it is one
 * @log: the log's slot
 * @log_size: its bytes
 * @pos: a multiple of IOPFS_REC_ALIGN, at most @log_size
 * @seq: the sequence number the record must carry
 *
 * Return: its aligned size if a whole record with sequence number @seq
 * and a right checksum is there, else 0: the log ends at @pos.
 */
uint32_t log_record_at(const unsigned char *log, uint64_t log_size,
		       uint64_t pos, uint64_t seq)
{
	struct iopfs_rec hdr;
	uint32_t len, size;

	if (log_size - pos < sizeof(hdr))
		return 0;
	memcpy(&hdr, log + pos, sizeof(hdr));
	len = le16toh(hdr.len);
	size = (sizeof(hdr) + len + IOPFS_REC_ALIGN - 1) & ~(IOPFS_REC_ALIGN - 1);
	if (le64toh(hdr.seq) != seq || size > log_size - pos)
		return 0;
	if (crc32c(~0U, log + pos + sizeof(hdr.checksum),
		   sizeof(hdr) - sizeof(hdr.checksum) + len) != le32toh(hdr.checksum))
		return 0;
	return size;
}

/**
 * log_epoch() - does a log slot start with a valid EPOCH record?
 * @slot: the slot's bytes
 * @slot_size: how many (log_size / 2, at least 1 MiB)
 * @index: the slot's index in the log area, 0 or 1
 * @seq: set to the EPOCH record's seq if it is valid
 *
 * Valid: a whole record with a right checksum, of type IOPFS_REC_EPOCH
 * and the length of struct iopfs_rec_epoch, whose payload names @index,
 * with a seq other than 0.
 *
 * Return: NULL if the slot is valid, else why not, to follow "slot N".
 */
const char *log_epoch(const unsigned char *slot, uint64_t slot_size, uint32_t index,
		      uint64_t *seq)
{
	static const unsigned char zero[sizeof(struct iopfs_rec) +
					sizeof(struct iopfs_rec_epoch)];
	struct iopfs_rec_epoch e;
	struct iopfs_rec hdr;

	if (!memcmp(slot, zero, sizeof(zero)))
		return "is zero";
	memcpy(&hdr, slot, sizeof(hdr));
	if (!log_record_at(slot, slot_size, 0, le64toh(hdr.seq)))
		return "starts with a record whose checksum is wrong";
	if (le16toh(hdr.type) != IOPFS_REC_EPOCH)
		return "starts with a record that is not an EPOCH record";
	if (le16toh(hdr.len) != sizeof(e))
		return "starts with an EPOCH record of a wrong length";
	memcpy(&e, slot + sizeof(hdr), sizeof(e));
	if (le32toh(e.slot) != index)
		return "starts with an EPOCH record that names the other slot";
	if (!hdr.seq)
		return "starts with an EPOCH record of seq 0";
	*seq = le64toh(hdr.seq);
	return NULL;
}

/**
 * log_pick() - which slot of the log area is the log, as mount picks it
 * @log: the log area
 * @log_size: its bytes, a multiple of 2 MiB
 * @ls: filled in: each slot's EPOCH seq, or why it is not valid
 *
 * Return: the valid slot whose EPOCH record has the higher seq, or
 * LOG_NO_SLOT when neither is valid, or LOG_SAME_SEQ when both are with
 * one seq (which no compaction writes: seq numbers only grow).
 */
int log_pick(const unsigned char *log, uint64_t log_size, struct log_slots *ls)
{
	memset(ls, 0, sizeof(*ls));
	ls->slot_size = log_size / 2;
	for (uint32_t i = 0; i < 2; i++)
		ls->why[i] = log_epoch(log + i * ls->slot_size, ls->slot_size, i,
				       &ls->seq[i]);
	if (ls->why[0] && ls->why[1])
		return LOG_NO_SLOT;
	if (ls->why[0] || ls->why[1])
		return ls->why[0] ? 1 : 0;
	if (ls->seq[0] == ls->seq[1])
		return LOG_SAME_SEQ;
	return ls->seq[1] > ls->seq[0] ? 1 : 0;
}

static int rp_init(struct replay *rp, uint64_t extents, uint32_t root_mode,
		   struct replay_result *res)
{
	struct rnode *root;

	memset(rp, 0, sizeof(*rp));
	memset(res, 0, sizeof(*res));
	rp->res = res;
	rp->extents = extents;
	rp->used = calloc(extents / 8 + 1, 1);
	if (htab_init(&rp->nodes) | htab_init(&rp->entries) |
	    htab_init(&rp->maps) || !rp->used)
		return -1;
	root = rp_add_node(rp, IOPFS_ROOT_INO, root_mode);
	if (!root)
		return -1;
	root->nlink = 2;
	return 0;
}

static void rp_destroy(struct replay *rp)
{
	struct htab *t[] = { &rp->maps, &rp->entries, &rp->nodes };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (uint64_t b = 0; t[i]->buckets && b <= t[i]->mask; b++) {
			struct hlink *l, *next;

			for (l = t[i]->buckets[b]; l; l = next) {
				next = l->next;
				free(l);
			}
		}
		htab_free(t[i]);
	}
	free(rp->used);
}

/*
 * Replay [0, limit) of a slot whose EPOCH record has seq @base: the
 * records after it, from seq base + 1.  0 at the end of the log, or
 * EUCLEAN_REC, ENOMEM_REC.
 */
static int rp_run(struct replay *rp, const unsigned char *slot, uint64_t limit,
		  uint64_t base)
{
	struct replay_result *res = rp->res;
	uint64_t pos = log_record_at(slot, limit, 0, base), seq = base + 1;
	uint32_t size;
	int rc;

	while ((size = log_record_at(slot, limit, pos, seq))) {
		const struct iopfs_rec *rec = (const void *)(slot + pos);

		rc = rp_apply(rp, le16toh(rec->type), rec + 1, le16toh(rec->len));
		if (rc) {
			res->records = seq - base - 1;
			res->end = pos;
			return rc;
		}
		pos += size;
		seq++;
	}
	res->records = seq - base - 1;
	res->end = pos;
	return 0;
}

/**
 * replay_log() - replay a log as mount does
 * @slot: the log's slot (log_pick())
 * @slot_size: its bytes: no record runs past them
 * @base: the seq of its EPOCH record, which log_pick() found valid
 * @extents: data extents (the superblock's data_extents)
 * @root_mode: the superblock's root_mode
 * @res: filled in: where the log ends and what it built; ->why set if the
 *	 record after ->records does not fit, and then the counts are those
 *	 of the records before it, the state the mount builds once fsck
 *	 ends the log there
 *
 * Return: 0, or -1 when out of memory.
 */
int replay_log(const unsigned char *slot, uint64_t slot_size, uint64_t base,
	       uint64_t extents, uint32_t root_mode, struct replay_result *res)
{
	struct replay rp;
	uint64_t records, end;
	const char *why;
	int rc;

	if (rp_init(&rp, extents, root_mode, res))
		goto nomem;
	rc = rp_run(&rp, slot, slot_size, base);
	if (rc == ENOMEM_REC)
		goto nomem;
	if (!rc) {
		rp_destroy(&rp);
		res->base = base;
		return 0;
	}
	/* The bad record may be half applied: replay up to it again. */
	records = res->records;
	end = res->end;
	why = rp.why;
	rp_destroy(&rp);
	if (rp_init(&rp, extents, root_mode, res) || rp_run(&rp, slot, end, base))
		goto nomem;
	rp_destroy(&rp);
	res->base = base;
	res->records = records;
	res->end = end;
	res->why = why;
	return 0;
nomem:
	rp_destroy(&rp);
	errno = ENOMEM;
	return -1;
}
