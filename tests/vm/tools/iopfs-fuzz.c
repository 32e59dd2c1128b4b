// SPDX-License-Identifier: GPL-2.0
/*
 * iopfs-fuzz: mount iopfs on damaged and hostile images, many times.
 *
 *   iopfs-fuzz [-v] [-n] [-i ITER] [-x MUTATION]... [-m MUTATION] DEVICE DIR SEED COUNT
 *
 * Saves the superblock and the used part of the log of DEVICE (an iopmem
 * device in mode iopfs holding a file system), then COUNT times: restores
 * them, applies one to three random mutations, calls mount(2) on DIR and
 * records the result.  A mount that succeeds is used a little (every
 * directory read, every file stat'ed and read, a file and a directory
 * created and removed) and unmounted.  At the end the original image is
 * written back and read back to check it.
 *
 * Mutations: bit flips in the superblock and the log, which mostly break a
 * checksum (the log then ends early); and structure-aware ones that write
 * the records again with their sequence numbers and checksums right, so
 * that the replay's semantic checks see them: a record's type, length and
 * fields set to boundary values or to numbers used elsewhere in the log,
 * records duplicated, deleted, swapped and moved, names cut, emptied, made
 * "." or "..", given a '/' or a NUL or 256 bytes, records forged from the
 * log's own inode numbers and names, a chain of nested directories; and
 * superblock fields with the superblock's checksum right.
 *
 * Iteration I of SEED applies the same mutations whatever ran before it:
 * -i I runs that one only.  Before each mount the iteration and its
 * mutations go to the kernel log (at warning level, so a console shows them
 * next to a crash) and, with -v, to stdout with the result.  -n applies
 * the mutations of the -i iteration and leaves the image so, unmounted, for
 * a mount or fsck.iopfs by hand.  -x NAME leaves a mutation out, -m NAME
 * applies only that one.  An error of a mounted image's use (a failed
 * read, say) is printed with its iteration: worth a look, not a failure.
 *
 * Exit: 0 when every iteration ran (whatever the mounts did), 1 on an
 * error of the tool itself (I/O, umount, a restore that did not read
 * back), 2 on a usage error.  Built statically by tests/vm/initramfs.sh,
 * with tools/iopfs/crc32c.c.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/iopfs.h>

#include "crc32c.h"

#define SECTOR		4096u			/* O_DIRECT alignment */
#define SLACK		(512u << 10)		/* log bytes saved past the used part */
#define HDR		sizeof(struct iopfs_rec)
#define MAX_RECS	8192
#define MAX_DEPTH	64			/* directories walked below the mount */
#define READ_MAX	(256u << 10)		/* bytes read from the start of a file */
#define ERRNO_MAX	256

static const char *dev_path, *mnt_dir, *dev_name;
static int dev_fd;
static unsigned int cur_iter;
static bool verbose;

/* The saved image: superblock block and the first log_save bytes of the log. */
static unsigned char *orig_sb, *orig_log, *cur_sb, *cur_log;
static uint64_t dev_size, log_off, log_size, log_used, log_save, data_extents;
static uint64_t prev_dirty;	/* log bytes the last iteration may have changed */

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("iopfs-fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ---- the device, through O_DIRECT: mount reads the memory, not the page cache ---- */

static void dev_io(bool wr, void *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = wr ? pwrite(dev_fd, buf, len, off) :
				 pread(dev_fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("%s: %s of %zu bytes at %" PRIu64 " failed: %s", dev_path,
			    wr ? "write" : "read", len, off, n < 0 ? strerror(errno) : "short");
		buf = (char *)buf + n;
		len -= n;
		off += n;
	}
}

static void *xalloc(size_t len)
{
	void *p;

	if (posix_memalign(&p, SECTOR, len))
		die("out of memory (%zu bytes)", len);
	memset(p, 0, len);
	return p;
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* ---- random numbers: one stream per (seed, iteration) ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 <= rnd_below(n) < n, n > 0 */
static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

static bool chance(unsigned int percent)
{
	return rnd_below(100) < percent;
}

/* ---- records ---- */

struct rec {
	uint16_t type;
	uint32_t len;		/* payload bytes */
	unsigned char *p;	/* payload */
};

static struct rec recs[MAX_RECS];
static unsigned int nrecs;

/* What the original log holds, for values that mean something to replay. */
static uint64_t inos[MAX_RECS], dirs[MAX_RECS], physs[MAX_RECS];
static unsigned int ninos, ndirs, nphyss;
struct name_ref {
	uint64_t parent;
	const unsigned char *name;
	uint32_t len;
};
static struct name_ref names[MAX_RECS];
static unsigned int nnames;

/* A field of a record's fixed part. */
struct field {
	const char *name;
	uint16_t off;
	uint8_t width;		/* bytes: 2, 4, 8 */
	uint8_t kind;		/* what values suit it */
};

enum { F_INO, F_DIR, F_NUM, F_MODE, F_NAMELEN, F_TIME, F_NSEC, F_PHYS, F_INDEX, F_COUNT,
       F_VALID, F_SIZE };

#define FLD(s, m, k) { #m, offsetof(struct s, m), sizeof(((struct s *)0)->m), k }
static const struct field create_fields[] = {
	FLD(iopfs_rec_create, ino, F_INO), FLD(iopfs_rec_create, parent, F_DIR),
	FLD(iopfs_rec_create, mode, F_MODE), FLD(iopfs_rec_create, uid, F_NUM),
	FLD(iopfs_rec_create, gid, F_NUM), FLD(iopfs_rec_create, name_len, F_NAMELEN),
	FLD(iopfs_rec_create, time.sec, F_TIME), FLD(iopfs_rec_create, time.nsec, F_NSEC),
	FLD(iopfs_rec_create, time.pad, F_NUM), { NULL, 0, 0, 0 } };
static const struct field link_fields[] = {
	FLD(iopfs_rec_link, ino, F_INO), FLD(iopfs_rec_link, parent, F_DIR),
	FLD(iopfs_rec_link, name_len, F_NAMELEN), FLD(iopfs_rec_link, pad, F_NUM),
	{ NULL, 0, 0, 0 } };
static const struct field unlink_fields[] = {
	FLD(iopfs_rec_unlink, parent, F_DIR), FLD(iopfs_rec_unlink, name_len, F_NAMELEN),
	FLD(iopfs_rec_unlink, pad, F_NUM), FLD(iopfs_rec_unlink, time.sec, F_TIME),
	FLD(iopfs_rec_unlink, time.nsec, F_NSEC), { NULL, 0, 0, 0 } };
static const struct field rename_fields[] = {
	FLD(iopfs_rec_rename, old_parent, F_DIR), FLD(iopfs_rec_rename, new_parent, F_DIR),
	FLD(iopfs_rec_rename, old_len, F_NAMELEN), FLD(iopfs_rec_rename, new_len, F_NAMELEN),
	FLD(iopfs_rec_rename, time.sec, F_TIME), FLD(iopfs_rec_rename, time.nsec, F_NSEC),
	{ NULL, 0, 0, 0 } };
static const struct field setattr_fields[] = {
	FLD(iopfs_rec_setattr, ino, F_INO), FLD(iopfs_rec_setattr, valid, F_VALID),
	FLD(iopfs_rec_setattr, mode, F_MODE), FLD(iopfs_rec_setattr, uid, F_NUM),
	FLD(iopfs_rec_setattr, gid, F_NUM), FLD(iopfs_rec_setattr, size, F_SIZE),
	FLD(iopfs_rec_setattr, atime.sec, F_TIME), FLD(iopfs_rec_setattr, atime.nsec, F_NSEC),
	FLD(iopfs_rec_setattr, mtime.sec, F_TIME), FLD(iopfs_rec_setattr, mtime.nsec, F_NSEC),
	FLD(iopfs_rec_setattr, ctime.sec, F_TIME), FLD(iopfs_rec_setattr, ctime.nsec, F_NSEC),
	{ NULL, 0, 0, 0 } };
static const struct field extent_fields[] = {
	FLD(iopfs_rec_extent, ino, F_INO), FLD(iopfs_rec_extent, index, F_INDEX),
	FLD(iopfs_rec_extent, phys, F_PHYS), FLD(iopfs_rec_extent, count, F_COUNT),
	FLD(iopfs_rec_extent, pad, F_NUM), { NULL, 0, 0, 0 } };
static const struct field punch_fields[] = {
	FLD(iopfs_rec_punch, ino, F_INO), FLD(iopfs_rec_punch, index, F_INDEX),
	FLD(iopfs_rec_punch, count, F_COUNT), { NULL, 0, 0, 0 } };

static const struct field *fields_of(uint16_t type)
{
	switch (type) {
	case IOPFS_REC_CREATE: return create_fields;
	case IOPFS_REC_LINK: return link_fields;
	case IOPFS_REC_UNLINK: return unlink_fields;
	case IOPFS_REC_RENAME: return rename_fields;
	case IOPFS_REC_SETATTR: return setattr_fields;
	case IOPFS_REC_EXTENT: return extent_fields;
	case IOPFS_REC_PUNCH: return punch_fields;
	}
	return NULL;
}

static size_t fixed_len(uint16_t type)
{
	switch (type) {
	case IOPFS_REC_CREATE: return sizeof(struct iopfs_rec_create);
	case IOPFS_REC_LINK: return sizeof(struct iopfs_rec_link);
	case IOPFS_REC_UNLINK: return sizeof(struct iopfs_rec_unlink);
	case IOPFS_REC_RENAME: return sizeof(struct iopfs_rec_rename);
	case IOPFS_REC_SETATTR: return sizeof(struct iopfs_rec_setattr);
	case IOPFS_REC_EXTENT: return sizeof(struct iopfs_rec_extent);
	case IOPFS_REC_PUNCH: return sizeof(struct iopfs_rec_punch);
	}
	return 0;
}

static const char *type_name(uint16_t type)
{
	static const char *const n[] = { "?", "create", "link", "unlink", "rename",
					 "setattr", "extent" };

	return type < 7 ? n[type] : "?";
}

static uint64_t get_le(const unsigned char *p, unsigned int width)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < width; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le(unsigned char *p, unsigned int width, uint64_t v)
{
	for (unsigned int i = 0; i < width; i++)
		p[i] = v >> (8 * i);
}

/* Offset of the name length fields of a type; -1 if none. */
static int name_len_off(uint16_t type, int which)
{
	switch (type) {
	case IOPFS_REC_CREATE: return which ? -1 : (int)offsetof(struct iopfs_rec_create, name_len);
	case IOPFS_REC_LINK: return which ? -1 : (int)offsetof(struct iopfs_rec_link, name_len);
	case IOPFS_REC_UNLINK: return which ? -1 : (int)offsetof(struct iopfs_rec_unlink, name_len);
	case IOPFS_REC_RENAME:
		return which ? (int)offsetof(struct iopfs_rec_rename, new_len) :
			       (int)offsetof(struct iopfs_rec_rename, old_len);
	}
	return -1;
}

/* ---- parsing the saved log ---- */

static unsigned char *dupmem(const void *p, size_t len)
{
	unsigned char *d = malloc(len ? len : 1);

	if (!d)
		die("out of memory");
	memcpy(d, p, len);
	return d;
}

static void learn(const struct rec *r)
{
	const unsigned char *p = r->p;

	if (r->len < fixed_len(r->type))
		return;
	switch (r->type) {
	case IOPFS_REC_CREATE: {
		const struct iopfs_rec_create *c = (const void *)p;
		uint32_t nl = le32toh(c->name_len);

		inos[ninos++] = le64toh(c->ino);
		if (S_ISDIR(le32toh(c->mode)))
			dirs[ndirs++] = le64toh(c->ino);
		if (sizeof(*c) + nl == r->len)
			names[nnames++] = (struct name_ref){ le64toh(c->parent), p + sizeof(*c), nl };
		break;
	}
	case IOPFS_REC_LINK: {
		const struct iopfs_rec_link *l = (const void *)p;
		uint32_t nl = le32toh(l->name_len);

		if (sizeof(*l) + nl == r->len)
			names[nnames++] = (struct name_ref){ le64toh(l->parent), p + sizeof(*l), nl };
		break;
	}
	case IOPFS_REC_RENAME: {
		const struct iopfs_rec_rename *m = (const void *)p;
		uint32_t ol = le32toh(m->old_len), nl = le32toh(m->new_len);

		if (sizeof(*m) + ol + nl == r->len)
			names[nnames++] = (struct name_ref){ le64toh(m->new_parent),
							     p + sizeof(*m) + ol, nl };
		break;
	}
	case IOPFS_REC_EXTENT:
		physs[nphyss++] = le64toh(((const struct iopfs_rec_extent *)p)->phys);
		break;
	}
}

static struct rec orig_recs[MAX_RECS];
static unsigned int norig;
static unsigned int type_count[IOPFS_REC_PUNCH + 1];

static void parse_log(void)
{
	uint64_t pos = 0;

	while (log_save - pos >= HDR && norig < MAX_RECS) {
		const struct iopfs_rec *h = (const void *)(orig_log + pos);
		uint32_t len = le16toh(h->len);
		uint64_t size = round_up(HDR + len, IOPFS_REC_ALIGN);

		if (le64toh(h->seq) != norig + 1 || size > log_save - pos ||
		    crc32c(~0U, &h->type, HDR - 4 + len) != le32toh(h->checksum))
			break;
		orig_recs[norig] = (struct rec){ le16toh(h->type), len,
						 dupmem(orig_log + pos + HDR, len) };
		if (orig_recs[norig].type <= IOPFS_REC_PUNCH)
			type_count[orig_recs[norig].type]++;
		learn(&orig_recs[norig]);
		norig++;
		pos += size;
	}
	log_used = pos;
}

/* ---- writing records back: seq from 1, checksums right ---- */

static uint64_t rec_pos[MAX_RECS + 1];	/* where each record went */

/* Returns the bytes of the log written. */
static uint64_t serialize(void)
{
	uint64_t pos = 0;
	unsigned int i;

	memset(cur_log, 0, log_save);
	for (i = 0; i < nrecs; i++) {
		struct iopfs_rec *h = (void *)(cur_log + pos);
		uint64_t size = round_up(HDR + recs[i].len, IOPFS_REC_ALIGN);

		if (recs[i].len > 0xffff || size > log_save - pos)
			break;
		rec_pos[i] = pos;
		h->type = htole16(recs[i].type);
		h->len = htole16(recs[i].len);
		h->seq = htole64(i + 1);
		memcpy(h + 1, recs[i].p, recs[i].len);
		h->checksum = htole32(crc32c(~0U, &h->type, HDR - 4 + recs[i].len));
		pos += size;
	}
	nrecs = i;
	rec_pos[i] = pos;
	return pos;
}

static void fix_crc(unsigned int i)
{
	struct iopfs_rec *h = (void *)(cur_log + rec_pos[i]);
	uint32_t len = le16toh(h->len);

	if (rec_pos[i] + HDR + len <= log_save)
		h->checksum = htole32(crc32c(~0U, &h->type, HDR - 4 + len));
}

static void fix_sb_crc(void)
{
	struct iopfs_super *s = (void *)cur_sb;

	s->checksum = 0;
	s->checksum = htole32(crc32c(~0U, s, sizeof(*s)));
}

/* ---- values ---- */

static uint64_t interesting(uint64_t orig)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0xffff, 0x10000,
		0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000000ULL,
		1ULL << 42, 1ULL << 52, 0x7ffffffffffffffeULL, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, 0xfffffffffffffffeULL, 0xffffffffffffffffULL,
	};

	switch (rnd_below(6)) {
	case 0: return orig + 1;
	case 1: return orig - 1;
	case 2: return orig * 2;
	case 3: return rnd() >> rnd_below(64);
	}
	return v[rnd_below(sizeof(v) / sizeof(v[0]))];
}

static uint64_t pick(const uint64_t *pool, unsigned int n, uint64_t orig)
{
	return n && chance(60) ? pool[rnd_below(n)] : interesting(orig);
}

static uint64_t value_for(uint8_t kind, uint64_t orig)
{
	static const uint32_t modes[] = {
		S_IFREG | 0644, S_IFDIR | 0755, S_IFLNK | 0777, S_IFCHR | 0600, S_IFBLK | 0600,
		S_IFIFO | 0600, S_IFSOCK | 0600, 0, S_IFMT | 0777, S_IFREG | 07777,
		S_IFDIR | 07777, 010000000 | S_IFREG, 0777, 07777, 010000,
	};
	static const uint64_t nsec[] = { 0, 999999999, 1000000000, 0x7fffffff, 0xffffffff };

	switch (kind) {
	case F_INO:
		return chance(20) ? IOPFS_ROOT_INO : pick(inos, ninos, orig);
	case F_DIR:
		return chance(20) ? IOPFS_ROOT_INO :
		       chance(70) ? pick(dirs, ndirs, orig) : pick(inos, ninos, orig);
	case F_MODE:
		return chance(70) ? modes[rnd_below(sizeof(modes) / sizeof(modes[0]))] :
				    interesting(orig);
	case F_NAMELEN:
		if (chance(50)) {
			static const uint64_t l[] = { 0, 1, 254, 255, 256, 0xffff, 0x10000,
						      0xfffffff0, 0xffffffff };

			return l[rnd_below(sizeof(l) / sizeof(l[0]))];
		}
		return interesting(orig);
	case F_NSEC:
		return chance(60) ? nsec[rnd_below(sizeof(nsec) / sizeof(nsec[0]))] :
				    interesting(orig);
	case F_PHYS:
		if (chance(25))
			return data_extents - rnd_below(3);
		return pick(physs, nphyss, orig);
	case F_INDEX:
		if (chance(30)) {
			static const uint64_t ix[] = { (1ULL << 42) - 1, (1ULL << 42) - 2,
						       1ULL << 42, (1ULL << 43) - 1 };

			return ix[rnd_below(4)];
		}
		return interesting(orig);
	case F_COUNT:
		if (chance(30))
			return data_extents - rnd_below(2);
		return interesting(orig);
	case F_VALID:
		return chance(50) ? rnd_below(IOPFS_ATTR_ALL + 1) : interesting(orig);
	case F_SIZE:
		if (chance(40)) {
			static const uint64_t sz[] = { 0, 1, IOPFS_EXTENT_SIZE - 1,
						       IOPFS_EXTENT_SIZE, IOPFS_EXTENT_SIZE + 1,
						       0x7fffffffffffffffULL,
						       0x7ffffffffffff000ULL, 1ULL << 62 };

			return sz[rnd_below(sizeof(sz) / sizeof(sz[0]))];
		}
		return interesting(orig);
	}
	return interesting(orig);
}

/* ---- mutations ---- */

static char desc[4096];
static size_t desc_len;

static void say(const char *fmt, ...)
{
	va_list ap;

	if (desc_len >= sizeof(desc) - 1)
		return;
	if (desc_len)
		desc[desc_len++] = ';', desc[desc_len++] = ' ';
	va_start(ap, fmt);
	desc_len += vsnprintf(desc + desc_len, sizeof(desc) - desc_len, fmt, ap);
	va_end(ap);
	if (desc_len > sizeof(desc) - 1)
		desc_len = sizeof(desc) - 1;
}

static void set_payload(struct rec *r, const void *p, uint32_t len)
{
	unsigned char *n = dupmem(p, len);

	free(r->p);
	r->p = n;
	r->len = len;
}

static void rec_copy(struct rec *dst, const struct rec *src)
{
	*dst = *src;
	dst->p = dupmem(src->p, src->len);
}

static bool insert_rec(unsigned int at, const struct rec *r)
{
	if (nrecs >= MAX_RECS)
		return false;
	memmove(&recs[at + 1], &recs[at], (nrecs - at) * sizeof(recs[0]));
	rec_copy(&recs[at], r);
	nrecs++;
	return true;
}

/* Record-list mutations (before serialize). */

static void m_field(void)
{
	unsigned int i = rnd_below(nrecs);
	struct rec *r = &recs[i];
	const struct field *f = fields_of(r->type);
	unsigned int n = 0;
	uint64_t old, v;

	if (!f || r->len < fixed_len(r->type))
		return say("field: record %u (%s) has no fields", i + 1, type_name(r->type));
	while (f[n].name)
		n++;
	f += rnd_below(n);
	old = get_le(r->p + f->off, f->width);
	v = value_for(f->kind, old);
	put_le(r->p + f->off, f->width, v);
	say("field: record %u %s.%s %" PRIu64 " -> %" PRIu64, i + 1, type_name(r->type),
	    f->name, old, get_le(r->p + f->off, f->width));
}

static void m_dup(void)
{
	unsigned int i = rnd_below(nrecs), at = chance(50) ? i + 1 : rnd_below(nrecs + 1);
	struct rec r = recs[i];

	if (insert_rec(at, &r))
		say("dup: record %u (%s) again as record %u", i + 1, type_name(r.type), at + 1);
}

static void m_del(void)
{
	unsigned int i = rnd_below(nrecs);

	say("del: record %u (%s)", i + 1, type_name(recs[i].type));
	free(recs[i].p);
	memmove(&recs[i], &recs[i + 1], (nrecs - i - 1) * sizeof(recs[0]));
	nrecs--;
}

static void m_swap(void)
{
	unsigned int i = rnd_below(nrecs);
	unsigned int j = chance(50) && i + 1 < nrecs ? i + 1 : rnd_below(nrecs);
	struct rec t = recs[i];

	recs[i] = recs[j];
	recs[j] = t;
	say("swap: records %u (%s) and %u (%s)", i + 1, type_name(recs[j].type), j + 1,
	    type_name(recs[i].type));
}

static void m_move(void)
{
	unsigned int i = rnd_below(nrecs), j = rnd_below(nrecs);
	struct rec t = recs[i];

	if (i < j)
		memmove(&recs[i], &recs[i + 1], (j - i) * sizeof(recs[0]));
	else
		memmove(&recs[j + 1], &recs[j], (i - j) * sizeof(recs[0]));
	recs[j] = t;
	say("move: record %u (%s) to %u", i + 1, type_name(t.type), j + 1);
}

/* A record with names: rebuild with name @which replaced by @name. */
static void replace_name(struct rec *r, int which, const unsigned char *name, uint32_t len)
{
	size_t fl = fixed_len(r->type);
	uint32_t l0 = get_le(r->p + name_len_off(r->type, 0), 4);
	uint32_t l1 = r->type == IOPFS_REC_RENAME ? get_le(r->p + name_len_off(r->type, 1), 4) : 0;
	const unsigned char *n0 = r->p + fl, *n1 = n0 + l0;
	size_t total = fl + (which ? l0 : len) + (r->type == IOPFS_REC_RENAME ? (which ? len : l1) : 0);
	unsigned char *p = malloc(total);

	if (!p)
		die("out of memory");
	memcpy(p, r->p, fl);
	if (!which) {
		memcpy(p + fl, name, len);
		if (r->type == IOPFS_REC_RENAME)
			memcpy(p + fl + len, n1, l1);
	} else {
		memcpy(p + fl, n0, l0);
		memcpy(p + fl + l0, name, len);
	}
	put_le(p + name_len_off(r->type, which), 4, len);
	set_payload(r, p, total);
	free(p);
}

static bool names_consistent(const struct rec *r)
{
	size_t fl = fixed_len(r->type);
	uint64_t l0, l1 = 0;

	if (name_len_off(r->type, 0) < 0 || r->len < fl)
		return false;
	l0 = get_le(r->p + name_len_off(r->type, 0), 4);
	if (r->type == IOPFS_REC_RENAME)
		l1 = get_le(r->p + name_len_off(r->type, 1), 4);
	return fl + l0 + l1 == r->len;
}

static void m_name(void)
{
	unsigned int tries, i = 0;
	struct rec *r = NULL;
	unsigned char buf[300];
	uint32_t len, l0;
	int which;
	const char *what;

	for (tries = 0; tries < 32; tries++) {
		i = rnd_below(nrecs);
		if (names_consistent(&recs[i])) {
			r = &recs[i];
			break;
		}
	}
	if (!r)
		return say("name: no record with a name found");
	which = r->type == IOPFS_REC_RENAME ? (int)rnd_below(2) : 0;
	l0 = get_le(r->p + name_len_off(r->type, 0), 4);
	len = get_le(r->p + name_len_off(r->type, which), 4);
	if (len > 255)
		len = 255;
	memcpy(buf, r->p + fixed_len(r->type) + (which ? l0 : 0), len);
	switch (rnd_below(9)) {
	case 0:
		what = "cut";
		len = len ? rnd_below(len) : 0;
		break;
	case 1:
		what = "'/' in";
		if (!len)
			len = 1;
		buf[rnd_below(len)] = '/';
		break;
	case 2:
		what = "NUL in";
		if (!len)
			len = 1;
		buf[rnd_below(len)] = 0;
		break;
	case 3:
		what = "\".\" as";
		buf[0] = '.';
		len = 1;
		break;
	case 4:
		what = "\"..\" as";
		buf[0] = buf[1] = '.';
		len = 2;
		break;
	case 5:
		what = "empty";
		len = 0;
		break;
	case 6:
		what = chance(50) ? "255 bytes as" : "256 bytes as";
		memset(buf + len, 'n', sizeof(buf) - len);
		len = what[2] == '5' ? 255 : 256;
		break;
	case 7:
		what = "another record's name as";
		if (nnames) {
			const struct name_ref *n = &names[rnd_below(nnames)];

			len = n->len > 255 ? 255 : n->len;
			memcpy(buf, n->name, len);
		}
		break;
	default:
		what = "high bytes in";
		if (!len)
			len = 1;
		buf[rnd_below(len)] = 0x80 | rnd_below(128);
		break;
	}
	replace_name(r, which, buf, len);
	say("name: %s %s name of record %u (%s), %u bytes", what, which ? "new" : "the",
	    i + 1, type_name(r->type), len);
}

/* A record made from the log's own inode numbers and names. */
static void m_forge(void)
{
	unsigned char p[sizeof(struct iopfs_rec_setattr) + 600];
	uint16_t type = 1 + rnd_below(6);
	const struct name_ref *n = nnames ? &names[rnd_below(nnames)] : NULL;
	const struct name_ref *m = nnames ? &names[rnd_below(nnames)] : NULL;
	unsigned char fresh[8];
	const unsigned char *nm = n && chance(70) ? n->name : fresh;
	uint32_t nl = nm == fresh ? 1 + rnd_below(sizeof(fresh)) : n->len;
	uint64_t parent = n && nm != fresh ? n->parent : value_for(F_DIR, IOPFS_ROOT_INO);
	struct rec r = { type, 0, p };
	size_t fl = fixed_len(type);
	unsigned int at;

	for (unsigned int k = 0; k < sizeof(fresh); k++)
		fresh[k] = 'a' + rnd_below(26);
	if (nl > 255)
		nl = 255;
	memset(p, 0, sizeof(p));
	switch (type) {
	case IOPFS_REC_CREATE: {
		struct iopfs_rec_create *c = (void *)p;

		c->ino = htole64(chance(50) ? value_for(F_INO, 2) : ninos + 2 + rnd_below(4));
		c->parent = htole64(chance(50) ? value_for(F_DIR, 1) : parent);
		c->mode = htole32(chance(50) ? S_IFDIR | 0755 : S_IFREG | 0644);
		c->name_len = htole32(nl);
		memcpy(c + 1, nm, nl);
		r.len = fl + nl;
		break;
	}
	case IOPFS_REC_LINK: {
		struct iopfs_rec_link *l = (void *)p;

		l->ino = htole64(value_for(F_INO, 2));
		l->parent = htole64(value_for(F_DIR, 1));
		l->name_len = htole32(nl);
		memcpy(l + 1, nm, nl);
		r.len = fl + nl;
		break;
	}
	case IOPFS_REC_UNLINK: {
		struct iopfs_rec_unlink *u = (void *)p;

		u->parent = htole64(parent);
		u->name_len = htole32(nl);
		memcpy(u + 1, nm, nl);
		r.len = fl + nl;
		break;
	}
	case IOPFS_REC_RENAME: {
		struct iopfs_rec_rename *m2 = (void *)p;
		const unsigned char *nn = m && chance(60) ? m->name : fresh;
		uint32_t nnl = nn == fresh ? 1 + rnd_below(sizeof(fresh)) :
			       (m->len > 255 ? 255 : m->len);

		m2->old_parent = htole64(parent);
		m2->new_parent = htole64(m && nn != fresh && chance(60) ? m->parent :
					 value_for(F_DIR, 1));
		m2->old_len = htole32(nl);
		m2->new_len = htole32(nnl);
		memcpy(m2 + 1, nm, nl);
		memcpy((unsigned char *)(m2 + 1) + nl, nn, nnl);
		r.len = fl + nl + nnl;
		break;
	}
	case IOPFS_REC_SETATTR: {
		struct iopfs_rec_setattr *s = (void *)p;

		s->ino = htole64(value_for(F_INO, 2));
		s->valid = htole32(value_for(F_VALID, IOPFS_ATTR_SIZE));
		s->mode = htole32(chance(70) ? rnd_below(07777 + 1) : value_for(F_MODE, 0644));
		s->size = htole64(value_for(F_SIZE, 0));
		r.len = fl;
		break;
	}
	default: {
		struct iopfs_rec_extent *e = (void *)p;

		e->ino = htole64(value_for(F_INO, 2));
		e->index = htole64(chance(50) ? rnd_below(4) : value_for(F_INDEX, 0));
		e->phys = htole64(chance(50) ? rnd_below(data_extents) : value_for(F_PHYS, 0));
		e->count = htole32(chance(60) ? 1 + rnd_below(3) : value_for(F_COUNT, 1));
		r.len = fl;
		break;
	}
	}
	at = chance(50) ? nrecs : rnd_below(nrecs + 1);
	if (insert_rec(at, &r))
		say("forge: %s record as record %u", type_name(type), at + 1);
}

/* Directories nested @depth deep, below a random directory, at the end. */
static void m_deep(void)
{
	static const unsigned int depths[] = { 16, 64, 256, 1024, 2048 };
	unsigned int depth = depths[rnd_below(sizeof(depths) / sizeof(depths[0]))], k;
	uint64_t ino = 1000000 + rnd_below(1000), parent = value_for(F_DIR, 1);
	unsigned char p[sizeof(struct iopfs_rec_create) + 1];
	struct iopfs_rec_create *c = (void *)p;
	struct rec r = { IOPFS_REC_CREATE, sizeof(p), p };

	say("deep: %u nested directories from inode %" PRIu64 " below %" PRIu64, depth, ino,
	    parent);
	for (k = 0; k < depth; k++) {
		memset(p, 0, sizeof(p));
		c->ino = htole64(ino + k);
		c->parent = htole64(k ? ino + k - 1 : parent);
		c->mode = htole32(S_IFDIR | 0755);
		c->name_len = htole32(1);
		p[sizeof(*c)] = 'n';	/* no name of the base image's root */
		if (!insert_rec(nrecs, &r))
			break;
	}
}

/* Mutations of the serialized log and of the superblock. */

static void m_type(void)
{
	static const uint16_t t[] = { 0, 1, 2, 3, 4, 5, 6, 7, 0x100, 0xffff };
	unsigned int i = rnd_below(nrecs);
	struct iopfs_rec *h = (void *)(cur_log + rec_pos[i]);
	uint16_t old = le16toh(h->type);

	h->type = htole16(chance(80) ? t[rnd_below(sizeof(t) / sizeof(t[0]))] : rnd());
	fix_crc(i);
	say("type: record %u %s (%u) -> %u", i + 1, type_name(old), old, le16toh(h->type));
}

static void m_len(void)
{
	unsigned int i = rnd_below(nrecs);
	struct iopfs_rec *h = (void *)(cur_log + rec_pos[i]);
	uint16_t old = le16toh(h->len), v;
	size_t fl = fixed_len(le16toh(h->type));

	switch (rnd_below(7)) {
	case 0: v = 0; break;
	case 1: v = fl ? fl - 1 : 1; break;
	case 2: v = old - 1; break;
	case 3: v = old + 1; break;
	case 4: v = 0xffff; break;
	case 5: v = fl; break;
	default: v = rnd(); break;
	}
	h->len = htole16(v);
	fix_crc(i);
	say("len: record %u (%s) %u -> %u%s", i + 1, type_name(le16toh(h->type)), old, v,
	    rec_pos[i] + HDR + v <= log_save ? "" : " (checksum left)");
}

static void m_seq(void)
{
	unsigned int i = rnd_below(nrecs);
	struct iopfs_rec *h = (void *)(cur_log + rec_pos[i]);

	h->seq = htole64(chance(50) ? i : interesting(i + 1));
	fix_crc(i);
	say("seq: record %u seq -> %" PRIu64, i + 1, le64toh(h->seq));
}

static void m_flipfix(void)
{
	unsigned int i = rnd_below(nrecs), k, n = 1 + rnd_below(4);
	struct iopfs_rec *h = (void *)(cur_log + rec_pos[i]);
	uint32_t len = le16toh(h->len);

	if (!len)
		return say("flipfix: record %u has no payload", i + 1);
	for (k = 0; k < n; k++)
		((unsigned char *)(h + 1))[rnd_below(len)] ^= 1 << rnd_below(8);
	fix_crc(i);
	say("flipfix: %u bits of record %u (%s), checksum fixed", n, i + 1,
	    type_name(le16toh(h->type)));
}

static void m_flip(uint64_t used)
{
	unsigned int k, n = 1 + rnd_below(8);
	uint64_t at = 0;

	if (!used)
		return;
	for (k = 0; k < n; k++) {
		at = rnd_below(used);
		cur_log[at] ^= 1 << rnd_below(8);
	}
	say("flip: %u bits of the log, the last at byte %" PRIu64, n, at);
}

static void m_sb_flip(void)
{
	unsigned int k, n = 1 + rnd_below(4);
	uint64_t at = 0;

	for (k = 0; k < n; k++) {
		at = rnd_below(sizeof(struct iopfs_super));
		cur_sb[at] ^= 1 << rnd_below(8);
	}
	say("sb_flip: %u bits of the superblock, the last at byte %" PRIu64, n, at);
}

static void m_sb_field(void)
{
	static const struct field f[] = {
		FLD(iopfs_super, version, F_NUM), FLD(iopfs_super, header_size, F_NUM),
		FLD(iopfs_super, device_size, F_SIZE), FLD(iopfs_super, log_offset, F_SIZE),
		FLD(iopfs_super, log_size, F_SIZE), FLD(iopfs_super, data_offset, F_SIZE),
		FLD(iopfs_super, data_extents, F_COUNT), FLD(iopfs_super, root_mode, F_MODE),
		FLD(iopfs_super, root_uid, F_NUM), FLD(iopfs_super, root_gid, F_NUM),
		FLD(iopfs_super, mkfs_time, F_TIME),
	};
	const struct field *x = &f[rnd_below(sizeof(f) / sizeof(f[0]))];
	uint64_t old = get_le(cur_sb + x->off, x->width), v;

	if (x->kind == F_SIZE && chance(60)) {
		const uint64_t E = IOPFS_EXTENT_SIZE;

		switch (rnd_below(6)) {
		case 0: v = old + E; break;
		case 1: v = old - E; break;
		case 2: v = rnd_below(dev_size / E + 2) * E; break;
		case 3: v = dev_size; break;
		case 4: v = dev_size - E; break;
		default: v = old + E * (1 + rnd_below(8)); break;
		}
	} else if (x->kind == F_COUNT && chance(50)) {
		v = old + (chance(50) ? 1 : -1) * (int64_t)(1 + rnd_below(4));
	} else {
		v = value_for(x->kind, old);
	}
	put_le(cur_sb + x->off, x->width, v);
	fix_sb_crc();
	say("sb_field: %s %" PRIu64 " -> %" PRIu64 ", checksum fixed", x->name, old,
	    get_le(cur_sb + x->off, x->width));
}

/* Superblock fields together: a log elsewhere that fits the device. */
static void m_sb_layout(void)
{
	struct iopfs_super *s = (void *)cur_sb;
	const uint64_t E = IOPFS_EXTENT_SIZE;
	uint64_t lo = E * (1 + rnd_below(4)), ls = E * (1 + rnd_below(4));
	uint64_t d = lo + ls + E * rnd_below(2);
	uint64_t ext = d < dev_size ? (dev_size - d) / E : 0;

	if (chance(30))
		ext = ext ? ext - rnd_below(ext) : 1;
	s->log_offset = htole64(lo);
	s->log_size = htole64(ls);
	s->data_offset = htole64(d);
	s->data_extents = htole64(ext);
	fix_sb_crc();
	say("sb_layout: log %" PRIu64 "+%" PRIu64 ", data at %" PRIu64 ", %" PRIu64 " extents",
	    lo, ls, d, ext);
}

struct mutation {
	const char *name;
	unsigned int weight;
	int stage;		/* 0: record list, 1: serialized log, 2: superblock */
	void (*fn)(void);
	bool off;
};

static void m_flip_used(void);

#define M(n, w, st, fn) { n, w, st, fn, false }
static struct mutation mutations[] = {
	M("field", 20, 0, m_field), M("dup", 5, 0, m_dup), M("del", 7, 0, m_del),
	M("swap", 5, 0, m_swap), M("move", 4, 0, m_move), M("name", 10, 0, m_name),
	M("forge", 14, 0, m_forge), M("deep", 2, 0, m_deep),
	M("type", 4, 1, m_type), M("len", 5, 1, m_len), M("seq", 2, 1, m_seq),
	M("flipfix", 6, 1, m_flipfix), M("flip", 6, 1, m_flip_used),
	M("sb_flip", 2, 2, m_sb_flip), M("sb_field", 9, 2, m_sb_field),
	M("sb_layout", 2, 2, m_sb_layout),
};
#define NMUT (sizeof(mutations) / sizeof(mutations[0]))

static uint64_t serialized;

static void m_flip_used(void)
{
	m_flip(serialized);
}

static struct mutation *choose(void)
{
	unsigned int total = 0, k;
	uint64_t x;

	for (k = 0; k < NMUT; k++)
		total += mutations[k].off ? 0 : mutations[k].weight;
	x = rnd_below(total);
	for (k = 0; k < NMUT; k++) {
		if (mutations[k].off)
			continue;
		if (x < mutations[k].weight)
			return &mutations[k];
		x -= mutations[k].weight;
	}
	return &mutations[0];
}

/* The mutated image of iteration @iter in cur_sb/cur_log; returns log bytes it may differ in. */
static uint64_t mutate(uint64_t seed, unsigned int iter)
{
	struct mutation *m[3];
	unsigned int n = chance(70) ? 1 : chance(67) ? 2 : 3, k;

	rng = seed * 0x100000001b3ULL + iter;
	rnd();
	desc_len = 0;
	desc[0] = 0;
	for (k = 0; k < n; k++)
		m[k] = choose();
	for (k = 0; k < nrecs; k++)
		free(recs[k].p);
	for (k = 0; k < norig; k++)
		rec_copy(&recs[k], &orig_recs[k]);
	nrecs = norig;
	memcpy(cur_sb, orig_sb, SECTOR);
	for (int stage = 0; stage < 3; stage++) {
		if (stage == 1)
			serialized = serialize();
		for (k = 0; k < n; k++)
			if (m[k]->stage == stage && (nrecs || stage == 2))
				m[k]->fn();
	}
	if (!desc_len)
		say("none (the log is empty)");
	return serialized > log_used ? serialized : log_used;
}

/* ---- a mounted image: use it a little ---- */

struct work {
	unsigned long dirs, files, bytes, errors;
};

static void work_err(struct work *w, const char *what, const char *name)
{
	w->errors++;
	printf("# iteration %u: %s %s: %s\n", cur_iter, what, name, strerror(errno));
}

static void walk(int dfd, unsigned int depth, struct work *w)
{
	static char buf[1 << 20];
	int fd = dup(dfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return work_err(w, "opendir", "");
	}
	w->dirs++;
	while ((errno = 0, de = readdir(d))) {
		struct stat st;
		int cfd;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			work_err(w, "stat", de->d_name);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth >= MAX_DEPTH)
				continue;
			cfd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY);
			if (cfd < 0) {
				work_err(w, "open dir", de->d_name);
				continue;
			}
			walk(cfd, depth + 1, w);
			close(cfd);
		} else if (S_ISREG(st.st_mode)) {
			uint64_t done = 0;
			ssize_t r;

			w->files++;
			cfd = openat(dfd, de->d_name, O_RDONLY);
			if (cfd < 0) {
				work_err(w, "open", de->d_name);
				continue;
			}
			while (done < READ_MAX && (r = read(cfd, buf, sizeof(buf))) > 0)
				done += r;
			if (r < 0)
				work_err(w, "read", de->d_name);
			/* and the last page of a large (or hugely sized) file */
			if ((uint64_t)st.st_size > READ_MAX) {
				r = pread(cfd, buf, SECTOR, (st.st_size - 1) & ~(off_t)(SECTOR - 1));
				if (r < 0)
					work_err(w, "pread end", de->d_name);
				else
					done += r;
			}
			w->bytes += done;
			close(cfd);
		}
	}
	if (errno)
		work_err(w, "readdir", "");
	closedir(d);
}

/* Create and remove a file and a directory: records appended to the log. */
static void churn(struct work *w)
{
	char f[4200], dn[4200];
	struct statfs sfs;
	int fd;

	if (statfs(mnt_dir, &sfs))
		work_err(w, "statfs", mnt_dir);
	snprintf(f, sizeof(f), "%s/.iopfs-fuzz-file", mnt_dir);
	snprintf(dn, sizeof(dn), "%s/.iopfs-fuzz-dir", mnt_dir);
	fd = open(f, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		work_err(w, "create", f);
	} else {
		if (fchmod(fd, 0600))
			work_err(w, "fchmod", f);
		close(fd);
		if (unlink(f))
			work_err(w, "unlink", f);
	}
	if (mkdir(dn, 0755))
		work_err(w, "mkdir", dn);
	else if (rmdir(dn))
		work_err(w, "rmdir", dn);
}

/* Where the mount appends: the log of the (possibly mutated) superblock. */
static bool appended_area(uint64_t *off)
{
	char path[256], buf[64];
	uint64_t used;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/fs/iopfs/%s/log_used_bytes", dev_name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		die("%s: cannot read it", path);
	buf[n] = 0;
	used = strtoull(buf, NULL, 10);
	*off = le64toh(((struct iopfs_super *)cur_sb)->log_offset) + (used & ~(uint64_t)(SECTOR - 1));
	return *off + 2 * SECTOR <= dev_size;
}

/* ---- main loop ---- */

static unsigned long mounted, refused, by_errno[ERRNO_MAX];
static struct work total;

static void kmsg(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Opened each time: /dev/kmsg rate-limits each open file. */
	fd = open("/dev/kmsg", O_WRONLY);
	if (fd < 0)
		return;
	if (write(fd, line, n > (int)sizeof(line) - 1 ? (int)sizeof(line) - 1 : n) < 0)
		fprintf(stderr, "iopfs-fuzz: /dev/kmsg: %s\n", strerror(errno));
	close(fd);
}

static void put_image(uint64_t dirty)
{
	uint64_t len = round_up(dirty > prev_dirty ? dirty : prev_dirty, SECTOR);

	if (len > log_save)
		len = log_save;
	dev_io(true, cur_sb, SECTOR, 0);
	dev_io(true, cur_log, len, log_off);
	prev_dirty = dirty;
}

static void one(uint64_t seed, unsigned int iter, bool dry)
{
	static unsigned char *extra;
	uint64_t dirty, extra_off;
	struct work w = { 0 };
	int dfd;

	cur_iter = iter;
	dirty = mutate(seed, iter);
	put_image(dirty);
	if (dry) {
		printf("iteration %u of seed %" PRIu64 ": %s\n", iter, seed, desc);
		printf("left on %s, not mounted\n", dev_path);
		return;
	}
	kmsg("<4>iopfs-fuzz: seed %" PRIu64 " iteration %u: %s\n", seed, iter, desc);
	if (verbose)
		printf("# %u: %s\n", iter, desc);
	fflush(stdout);
	if (mount(dev_path, mnt_dir, "iopfs", 0, NULL)) {
		int e = errno;

		refused++;
		by_errno[e < ERRNO_MAX ? e : 0]++;
		if (verbose)
			printf("#   refused: %s\n", strerror(e));
		return;
	}
	mounted++;
	/* Keep what the mount will append to, wherever the superblock put the log. */
	if (!extra)
		extra = xalloc(2 * SECTOR);
	if (!appended_area(&extra_off))
		die("the mounted log ends past the device");
	dev_io(false, extra, 2 * SECTOR, extra_off);
	dfd = open(mnt_dir, O_RDONLY | O_DIRECTORY);
	if (dfd < 0) {
		work_err(&w, "open", mnt_dir);
	} else {
		walk(dfd, 0, &w);
		close(dfd);
	}
	churn(&w);
	if (umount(mnt_dir))
		die("umount %s after iteration %u: %s", mnt_dir, iter, strerror(errno));
	dev_io(true, extra, 2 * SECTOR, extra_off);
	if (verbose)
		printf("#   mounted: %lu directories, %lu files, %lu bytes read, %lu errors\n",
		       w.dirs, w.files, w.bytes, w.errors);
	total.dirs += w.dirs;
	total.files += w.files;
	total.bytes += w.bytes;
	total.errors += w.errors;
}

static void restore_and_verify(void)
{
	unsigned char *sb = xalloc(SECTOR), *lg = xalloc(log_save);

	memcpy(cur_sb, orig_sb, SECTOR);
	memcpy(cur_log, orig_log, log_save);
	prev_dirty = log_save;
	put_image(log_save);
	dev_io(false, sb, SECTOR, 0);
	dev_io(false, lg, log_save, log_off);
	if (memcmp(sb, orig_sb, SECTOR) || memcmp(lg, orig_log, log_save))
		die("%s: the restored image does not read back as saved", dev_path);
	free(sb);
	free(lg);
}

static void usage(void)
{
	fprintf(stderr, "usage: iopfs-fuzz [-v] [-n] [-i ITER] [-x MUTATION]... [-m MUTATION] DEVICE DIR SEED COUNT\n"
		"mutations:");
	for (unsigned int k = 0; k < NMUT; k++)
		fprintf(stderr, " %s", mutations[k].name);
	fputc('\n', stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct iopfs_super *s;
	long only = -1;
	bool dry = false;
	uint64_t seed, count, it;
	const char *slash;
	int opt;

	while ((opt = getopt(argc, argv, "vni:x:m:")) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'n':
			dry = true;
			break;
		case 'i':
			only = strtol(optarg, NULL, 0);
			break;
		case 'x':
		case 'm': {
			unsigned int k;

			for (k = 0; k < NMUT && strcmp(mutations[k].name, optarg); k++)
				;
			if (k == NMUT)
				usage();
			if (opt == 'm')
				for (unsigned int j = 0; j < NMUT; j++)
					mutations[j].off = j != k;
			else
				mutations[k].off = true;
			break;
		}
		default:
			usage();
		}
	}
	if (argc - optind != 4 || (dry && only < 0))
		usage();
	for (opt = 0; opt < (int)NMUT && mutations[opt].off; opt++)
		;
	if (opt == (int)NMUT)
		usage();
	dev_path = argv[optind];
	mnt_dir = argv[optind + 1];
	seed = strtoull(argv[optind + 2], NULL, 0);
	count = strtoull(argv[optind + 3], NULL, 0);
	slash = strrchr(dev_path, '/');
	dev_name = slash ? slash + 1 : dev_path;
	setvbuf(stdout, NULL, _IOLBF, 0);

	dev_fd = open(dev_path, O_RDWR | O_DIRECT);
	if (dev_fd < 0)
		die("%s: %s", dev_path, strerror(errno));
	dev_size = lseek(dev_fd, 0, SEEK_END);
	orig_sb = xalloc(SECTOR);
	cur_sb = xalloc(SECTOR);
	dev_io(false, orig_sb, SECTOR, 0);
	s = (void *)orig_sb;
	log_off = le64toh(s->log_offset);
	log_size = le64toh(s->log_size);
	data_extents = le64toh(s->data_extents);
	if (memcmp(s->magic, IOPFS_MAGIC, 8) || log_off % SECTOR || log_size % SECTOR ||
	    log_off > dev_size || log_size > dev_size - log_off)
		die("%s: no iopfs superblock that fits the device; mkfs.iopfs it first", dev_path);

	/* The used log: read it all once, then keep what it needs. */
	log_save = log_size;
	orig_log = xalloc(log_save);
	dev_io(false, orig_log, log_save, log_off);
	parse_log();
	log_save = round_up(log_used + SLACK, SECTOR);
	if (log_save > log_size)
		log_save = log_size;
	cur_log = xalloc(log_save);
	printf("# %s: %" PRIu64 " bytes, log %" PRIu64 "+%" PRIu64 ", %u records (%" PRIu64
	       " bytes: create %u link %u unlink %u rename %u setattr %u extent %u punch %u), %" PRIu64
	       " log bytes saved\n", dev_path, dev_size, log_off, log_size, norig, log_used,
	       type_count[1], type_count[2], type_count[3], type_count[4], type_count[5],
	       type_count[6], type_count[IOPFS_REC_PUNCH], log_save);

	for (it = 0; it < count; it++) {
		if (only >= 0 && it != (uint64_t)only)
			continue;
		one(seed, it, dry);
	}
	if (dry)
		return 0;
	restore_and_verify();
	printf("iterations %" PRIu64 " mounted %lu refused %lu\n",
	       only >= 0 ? (uint64_t)(only < (long)count) : count, mounted, refused);
	for (int e = 0; e < ERRNO_MAX; e++)
		if (by_errno[e])
			printf("refused %s (%d) %lu\n", strerrorname_np(e) ?: "?", e, by_errno[e]);
	printf("mounted images: %lu directories, %lu files, %lu bytes read, %lu errors\n",
	       total.dirs, total.files, total.bytes, total.errors);
	printf("restored %s: superblock and %" PRIu64 " log bytes read back as saved\n",
	       dev_path, log_save);
	return 0;
}
