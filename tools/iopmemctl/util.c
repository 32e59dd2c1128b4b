// SPDX-License-Identifier: GPL-2.0
/*
 * iopmemctl helpers: the sysfs tree (real or fake), parsing, the JSON of a
 * device, its table form, and reading iopmem's messages back from the
 * kernel log.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include <daxctl/libdaxctl.h>
#include <libsmartcols.h>

#include "iopmemctl.h"

const char *sysfs_root(void)
{
	const char *root = getenv("IOPMEMCTL_SYSFS");

	return root && *root ? root : "/sys";
}

bool sysfs_is_fake(void)
{
	return strcmp(sysfs_root(), "/sys") != 0;
}

char *sysfs_path(char *buf, const char *fmt, ...)
{
	char rel[IOPMEMCTL_PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (snprintf(buf, IOPMEMCTL_PATH_MAX, "%s/%s", sysfs_root(), rel) >=
	    IOPMEMCTL_PATH_MAX)
		buf[0] = '\0';	/* too long: opens nothing */
	return buf;
}

int sysfs_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != len)
		rc = -EIO;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}

const char *fail_where;

int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("iopmemctl: ", stderr);
	if (fail_where)
		fprintf(stderr, "%s: ", fail_where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int fail_perm(const char *cmd, const char *dev, const char *path, int err)
{
	return fail("%s %s: cannot write %s: %s; run it as root (sudo)", cmd,
		    dev, path, strerror(err));
}

int usage(const char *text, bool help)
{
	fputs(text, help ? stdout : stderr);
	return help ? 0 : EXIT_USAGE;
}

/* The index of @s in the NULL-terminated names the driver accepts, or -1. */
static int parse_choice(const char *s, const char *const names[])
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

int parse_cache(const char *s)
{
	return parse_choice(s, (const char *const[]){ "wc", "uc", NULL });
}

int parse_mode(const char *s)
{
	return parse_choice(s, (const char *const[]){ "fsdax", "devdax",
						      "p2pdma", "iopfs",
						      NULL });
}

int parse_memmap(const char *s)
{
	return parse_choice(s, (const char *const[]){ "ram", "dev", NULL });
}

/* A size such as 128M or 1G: digits and a K, M or G suffix, 2 MiB units. */
bool p2pdma_size_ok(const char *s)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-' || n == 0)
		return false;
	switch (*end) {
	case 'G':
		n <<= 10;
		/* fall through */
	case 'M':
		n <<= 10;
		/* fall through */
	case 'K':
		n <<= 10;
		end++;
		break;
	}
	return !*end && !(n & ((2ULL << 20) - 1));
}

int parse_bar(const char *s, int *bar)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < -1 || v > 5)
		return -1;
	*bar = (int)v;
	return 0;
}

int parse_pci_addr(const char *s, char *out, size_t len)
{
	unsigned int dom = 0, bus, slot, fn;
	size_t dlen = strspn(s, "0123456789abcdefABCDEF");
	char tail;

	/*
	 * The domain has 4 hex digits or more: VMD puts its buses in domains
	 * from 0x10000 ("10000:00:02.0"); the kernel's segment is 32 bits.
	 */
	if (s[dlen] == ':' && dlen >= 4 && dlen <= 8 && strchr(s + dlen + 1, ':')) {
		if (sscanf(s, "%8x:%2x:%2x.%1x%c", &dom, &bus, &slot, &fn,
			   &tail) != 4 || strlen(s + dlen) != 8)
			return -1;
	} else if (sscanf(s, "%2x:%2x.%1x%c", &bus, &slot, &fn, &tail) == 3 &&
		   strlen(s) == 7) {
		dom = 0;
	} else {
		return -1;
	}
	if (slot > 0x1f || fn > 7)
		return -1;
	snprintf(out, len, "%04x:%02x:%02x.%x", dom, bus, slot, fn);
	return 0;
}

const char *dev_arg(const char *s)
{
	if (!strncmp(s, "/dev/", 5) && parse_iopmem_name(s + 5) >= 0)
		return s + 5;
	return s;
}

int parse_iopmem_name(const char *s)
{
	const char *p;
	long v;

	if (strncmp(s, "iopmem", 6) || !s[6])
		return -1;
	for (p = s + 6; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -1;
	if (s[6] == '0' && s[7])
		return -1;
	v = strtol(s + 6, NULL, 10);
	return v > INT_MAX ? -1 : (int)v;
}

int parse_range(const char *s, unsigned long long *start,
		unsigned long long *end)
{
	char tail;

	if (sscanf(s, "%llx-%llx%c", start, end, &tail) != 2 || *end < *start)
		return -1;
	return 0;
}

bool path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return !strncmp(path, dir, n) && path[n] == '/' && path[n + 1];
}

const char *format_size(unsigned long long size, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (u < 4 && size >= 1024 && size % 1024 == 0) {
		size /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu %s", size, units[u]);
	return buf;
}

const char *format_size_human(unsigned long long size, char *buf, size_t len)
{
	static const char *const bin[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	static const char *const dec[] = { "KB", "MB", "GB", "TB", "PB" };
	double b = size, d = size;
	int u = -1;

	if (size < 1024) {
		snprintf(buf, len, "%llu B", size);
		return buf;
	}
	while (u < 4 && b >= 1024) {
		b /= 1024;
		d /= 1000;
		u++;
	}
	snprintf(buf, len, "%.2f %s (%.2f %s)", b, bin[u], d, dec[u]);
	return buf;
}

bool iopmem_exists(const char *name)
{
	char path[IOPMEMCTL_PATH_MAX];

	if (parse_iopmem_name(name) < 0)
		return false;
	return access(sysfs_path(path, "class/iopmem/%s", name), F_OK) == 0;
}

static int name_cmp(const void *a, const void *b)
{
	int x = parse_iopmem_name(*(char *const *)a);
	int y = parse_iopmem_name(*(char *const *)b);

	return (x > y) - (x < y);
}

char **iopmem_names(int *count)
{
	char path[IOPMEMCTL_PATH_MAX];
	char **names = NULL;
	struct dirent *de;
	DIR *d;
	int n = 0;

	*count = 0;
	d = opendir(sysfs_path(path, "class/iopmem"));
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char **tmp;

		if (parse_iopmem_name(de->d_name) < 0)
			continue;
		tmp = realloc(names, (n + 1) * sizeof(*names));
		if (!tmp)
			break;
		names = tmp;
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	*count = n;
	return names;
}

void free_names(char **names, int count)
{
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* basename of the target of symlink path, into buf. */
static int link_basename(const char *path, char *buf, size_t len)
{
	char target[IOPMEMCTL_PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(buf, len, "%s", base ? base + 1 : target);
	return 0;
}

int iopmem_pci(const char *name, char *buf, size_t len)
{
	char path[IOPMEMCTL_PATH_MAX];

	return link_basename(sysfs_path(path, "class/iopmem/%s/device", name),
			     buf, len);
}

int iopmem_of_pci(const char *pci, char *buf, size_t len)
{
	char **names, dev[64];
	int n, rc = -ENOENT;

	names = iopmem_names(&n);
	for (int i = 0; i < n; i++) {
		if (iopmem_pci(names[i], dev, sizeof(dev)) == 0 &&
		    !strcmp(dev, pci)) {
			snprintf(buf, len, "%s", names[i]);
			rc = 0;
			break;
		}
	}
	free_names(names, n);
	return rc;
}

int pci_driver(const char *pci, char *buf, size_t len)
{
	char path[IOPMEMCTL_PATH_MAX];
	int rc;

	if (access(sysfs_path(path, "bus/pci/devices/%s", pci), F_OK))
		return -ENOENT;
	rc = link_basename(sysfs_path(path, "bus/pci/devices/%s/driver", pci),
			   buf, len);
	if (rc)
		buf[0] = '\0';
	return 0;
}

static int read_attr(const char *name, const char *attr, char *buf,
		     size_t len)
{
	char path[IOPMEMCTL_PATH_MAX];

	return sysfs_read(sysfs_path(path, "class/iopmem/%s/%s", name, attr),
			  buf, len);
}

static void add_string(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val));
}

/* A decimal attribute as a JSON integer (a string if it is not one). */
static void add_number(struct json_object *o, const char *key, const char *val)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(val, &end, 0);
	if (errno || end == val || *end)
		add_string(o, key, val);
	else
		json_object_object_add(o, key, json_object_new_int64(v));
}

struct out_opts out_opts;

/* A byte count or address: a JSON integer. */
static void add_u64(struct json_object *o, const char *key,
		    unsigned long long v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static void humanize_size(struct json_object *o, const char *key)
{
	struct json_object *v;
	char buf[64];

	if (json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_int))
		add_string(o, key, format_size_human(json_object_get_int64(v),
						     buf, sizeof(buf)));
}

/*
 * -u, as ndctl -u: byte counts become "512.00 MiB (536.87 MB)" and the
 * start address "0x..." (strings); counts and ids stay numbers.
 */
static void humanize(struct json_object *o)
{
	struct json_object *v, *devs;
	char buf[32];

	humanize_size(o, "size");
	humanize_size(o, "memmap_reserved");
	if (json_object_object_get_ex(o, "start", &v) &&
	    json_object_is_type(v, json_type_int)) {
		snprintf(buf, sizeof(buf), "0x%llx",
			 (unsigned long long)json_object_get_int64(v));
		add_string(o, "start", buf);
	}
	if (json_object_object_get_ex(o, "daxregion", &v)) {
		humanize_size(v, "size");
		if (json_object_object_get_ex(v, "devices", &devs))
			for (size_t i = 0; i < json_object_array_length(devs); i++)
				humanize_size(json_object_array_get_idx(devs, i),
					      "size");
	}
	if (json_object_object_get_ex(o, "p2pmem", &v)) {
		humanize_size(v, "size");
		humanize_size(v, "available");
	}
	if (json_object_object_get_ex(o, "iopfs", &v)) {
		humanize_size(v, "log_bytes");
		humanize_size(v, "log_used_bytes");
	}
}

static int dirent_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

struct json_object *iopmem_stats_json(const char *name)
{
	char path[IOPMEMCTL_PATH_MAX], file[IOPMEMCTL_PATH_MAX + 256], val[64];
	struct json_object *stats;
	struct dirent **ents;
	int n;

	n = scandir(sysfs_path(path, "class/iopmem/%s/stats", name), &ents,
		    not_dot, dirent_cmp);
	if (n < 0)
		return NULL;
	stats = json_object_new_object();
	for (int i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "%s/%s", path, ents[i]->d_name);
		if (sysfs_read(file, val, sizeof(val)) == 0)
			add_number(stats, ents[i]->d_name, val);
		free(ents[i]);
	}
	free(ents);
	return stats;
}

/*
 * The device-dax region of an iopmem device in devdax mode: libdaxctl's
 * region whose sysfs path lies under the iopmem device's, as ndctl nests
 * it: "daxregion": { "id", "size", "align", "devices": [ { "chardev",
 * "size" } ] }.
 */
static void add_dax_region(struct json_object *o, const char *name)
{
	char path[IOPMEMCTL_PATH_MAX], dev_real[PATH_MAX], reg_real[PATH_MAX];
	struct daxctl_region *region;
	struct daxctl_ctx *ctx;
	struct daxctl_dev *dev;

	if (!realpath(sysfs_path(path, "class/iopmem/%s", name), dev_real))
		return;
	if (daxctl_new(&ctx))
		return;
	daxctl_region_foreach(ctx, region) {
		struct json_object *reg, *devs;
		const char *rpath = daxctl_region_get_path(region);

		if (!rpath || !realpath(rpath, reg_real) ||
		    !path_is_under(reg_real, dev_real))
			continue;
		reg = json_object_new_object();
		json_object_object_add(reg, "id",
			json_object_new_int(daxctl_region_get_id(region)));
		add_u64(reg, "size", daxctl_region_get_size(region));
		json_object_object_add(reg, "align",
			json_object_new_int64(daxctl_region_get_align(region)));
		devs = json_object_new_array();
		daxctl_dev_foreach(region, dev) {
			struct json_object *d;

			/* The seed (size 0) is not a device yet. */
			if (!daxctl_dev_get_size(dev))
				continue;
			d = json_object_new_object();
			add_string(d, "chardev", daxctl_dev_get_devname(dev));
			add_u64(d, "size", daxctl_dev_get_size(dev));
			if (!daxctl_dev_is_enabled(dev))
				add_string(d, "state", "disabled");
			json_object_array_add(devs, d);
		}
		json_object_object_add(reg, "devices", devs);
		json_object_object_add(o, "daxregion", reg);
		break;
	}
	daxctl_unref(ctx);
}

/*
 * The P2PDMA pool of an iopmem device in p2pdma mode: the kernel's
 * p2pmem/ directory of its PCI device (size, available, published).
 */
static void add_p2pmem(struct json_object *o, const char *name)
{
	static const char *const attrs[] = { "size", "available", "published" };
	char path[IOPMEMCTL_PATH_MAX], pci[64], val[64];
	struct json_object *pool;

	if (iopmem_pci(name, pci, sizeof(pci)))
		return;
	pool = json_object_new_object();
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (sysfs_read(sysfs_path(path, "bus/pci/devices/%s/p2pmem/%s",
					  pci, attrs[i]), val, sizeof(val)) == 0)
			add_number(pool, attrs[i], val);
	if (!json_object_object_length(pool)) {
		json_object_put(pool);
		return;
	}
	json_object_object_add(o, "p2pmem", pool);
}

FILE *mountinfo_open(void)
{
	const char *path = getenv("IOPMEMCTL_MOUNTINFO");

	return fopen(path && *path ? path : "/proc/self/mountinfo", "re");
}

/* Undo mountinfo's octal escapes ("\040" for a space) in place. */
static void mountinfo_unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/*
 * Where an iopfs on /dev/NAME is mounted, from mountinfo: "id parent
 * MAJ:MIN root mount-point options [optional...] - iopfs /dev/NAME
 * super-options".  The first of its mount points (a bind mount adds
 * more); 0, or -ENOENT if it is not mounted here.
 */
static int iopfs_mountpoint(const char *name, char *buf, size_t len)
{
	char line[IOPMEMCTL_PATH_MAX * 2], mnt[IOPMEMCTL_PATH_MAX],
	     src[IOPMEMCTL_PATH_MAX], fstype[64], want[64];
	const char *tail;
	int rc = -ENOENT;
	FILE *f;

	f = mountinfo_open();
	if (!f)
		return rc;
	snprintf(want, sizeof(want), "/dev/%s", name);
	while (rc && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		tail = strstr(line, " - ");
		if (!tail || sscanf(tail, " - %63s %4095s", fstype, src) != 2 ||
		    strcmp(fstype, "iopfs"))
			continue;
		mountinfo_unescape(src);
		if (strcmp(src, want))
			continue;
		mountinfo_unescape(mnt);
		snprintf(buf, len, "%s", mnt);
		rc = 0;
	}
	fclose(f);
	return rc;
}

/*
 * A mounted iopfs on an iopmem device in mode iopfs: its mount point and
 * the counters of /sys/fs/iopfs/NAME/, "iopfs": { "mountpoint",
 * "extents", "free_extents", "deferred_extents", "log_bytes",
 * "log_used_bytes" }; nothing while none is mounted.  Mounted in another
 * mount namespace, it has the counters without "mountpoint".
 */
static void add_iopfs(struct json_object *o, const char *name)
{
	static const char *const attrs[] = {
		"extents", "free_extents", "deferred_extents", "log_bytes",
		"log_used_bytes",
	};
	char path[IOPMEMCTL_PATH_MAX], mnt[IOPMEMCTL_PATH_MAX], val[64];
	struct json_object *fs = json_object_new_object();

	if (iopfs_mountpoint(name, mnt, sizeof(mnt)) == 0)
		add_string(fs, "mountpoint", mnt);
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (sysfs_read(sysfs_path(path, "fs/iopfs/%s/%s", name,
					  attrs[i]), val, sizeof(val)) == 0)
			add_number(fs, attrs[i], val);
	if (!json_object_object_length(fs)) {
		json_object_put(fs);
		return;
	}
	json_object_object_add(o, "iopfs", fs);
}

struct json_object *iopmem_json(const char *name, bool verbose)
{
	char path[IOPMEMCTL_PATH_MAX], val[256], mode[32] = "";
	struct json_object *o = json_object_new_object();
	unsigned long long start, end;

	add_string(o, "dev", name);
	if (iopmem_pci(name, val, sizeof(val)) == 0)
		add_string(o, "pci", val);
	if (read_attr(name, "bar", val, sizeof(val)) == 0)
		add_number(o, "bar", val);
	/* "start" and "size" as ndctl has them; "range" is start-end. */
	if (read_attr(name, "range", val, sizeof(val)) == 0 &&
	    parse_range(val, &start, &end) == 0)
		add_u64(o, "start", start);
	if (read_attr(name, "size", val, sizeof(val)) == 0)
		add_number(o, "size", val);
	if (read_attr(name, "cache", val, sizeof(val)) == 0)
		add_string(o, "cache", val);
	if (read_attr(name, "mode", mode, sizeof(mode)) == 0)
		add_string(o, "mode", mode);
	/*
	 * ndctl's "map": where the struct pages live, "mem" (RAM) or "dev";
	 * the attribute says "ram" for mem. Drivers before memmap=dev have
	 * neither attribute.
	 */
	if (read_attr(name, "memmap", val, sizeof(val)) == 0)
		add_string(o, "map", strcmp(val, "ram") ? val : "mem");
	if (read_attr(name, "memmap_reserved", val, sizeof(val)) == 0)
		add_number(o, "memmap_reserved", val);
	if (read_attr(name, "numa_node", val, sizeof(val)) == 0)
		add_number(o, "numa_node", val);
	/* "offline" after a fatal PCIe error; drivers before it lack it. */
	if (read_attr(name, "state", val, sizeof(val)) == 0)
		add_string(o, "state", val);
	/* The name, as ndctl's "blockdev": "pmem0". */
	if ((!strcmp(mode, "fsdax") || !strcmp(mode, "iopfs")) &&
	    access(sysfs_path(path, "class/block/%s", name), F_OK) == 0)
		add_string(o, "blockdev", name);
	if (!strcmp(mode, "iopfs"))
		add_iopfs(o, name);
	if (!strcmp(mode, "devdax"))
		add_dax_region(o, name);
	if (!strcmp(mode, "p2pdma"))
		add_p2pmem(o, name);
	if (verbose) {
		struct json_object *stats = iopmem_stats_json(name);

		if (stats)
			json_object_object_add(o, "stats", stats);
	}
	return o;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return "-";
	return json_object_get_string(v);
}

/* "p2pmem 512 MiB, 510 MiB available" (", unpublished" if so). */
static void p2pmem_text(struct json_object *pool, char *buf, size_t len)
{
	char size[32] = "?", avail[32] = "?";
	struct json_object *v;

	if (json_object_object_get_ex(pool, "size", &v))
		format_size(json_object_get_int64(v), size, sizeof(size));
	if (json_object_object_get_ex(pool, "available", &v))
		format_size(json_object_get_int64(v), avail, sizeof(avail));
	snprintf(buf, len, "p2pmem %s, %s available%s", size, avail,
		 strcmp(get_str(pool, "published"), "0") ? "" : ", unpublished");
}

/*
 * A mounted iopfs: " on /mnt type iopfs: 250 of 255 extents free, 0
 * deferred, log 1% of 1 MiB used" (the share rounded down, but at least
 * 1% once anything is logged).
 */
static void iopfs_text(struct json_object *fs, char *buf, size_t len)
{
	long long size = 0, used = 0, pct = 0;
	struct json_object *v;
	char log[32] = "?";
	size_t n;

	if (json_object_object_get_ex(fs, "mountpoint", &v))
		snprintf(buf, len, " on %s type iopfs: ", json_object_get_string(v));
	else
		snprintf(buf, len, " iopfs: ");
	n = strlen(buf);
	snprintf(buf + n, len - n, "%s of %s extents free, %s deferred",
		 get_str(fs, "free_extents"), get_str(fs, "extents"),
		 get_str(fs, "deferred_extents"));
	if (!json_object_object_get_ex(fs, "log_bytes", &v))
		return;
	size = json_object_get_int64(v);
	format_size(size, log, sizeof(log));
	if (json_object_object_get_ex(fs, "log_used_bytes", &v))
		used = json_object_get_int64(v);
	if (size > 0 && used > 0) {
		pct = used * 100 / size;
		if (!pct)
			pct = 1;
	}
	n = strlen(buf);
	snprintf(buf + n, len - n, ", log %lld%% of %s used", pct, log);
}

/*
 * "/dev/iopmem0" (with the iopfs mounted on it, if any), or "region 0:
 * dax0.1 dax0.2", or the P2PDMA pool, or "-".
 */
static void target_text(struct json_object *o, char *buf, size_t len)
{
	struct json_object *v, *reg, *devs;
	size_t used;

	if (!strcmp(get_str(o, "state"), "offline")) {
		snprintf(buf, len, "offline: iopmemctl set %s --mode %s",
			 get_str(o, "dev"), get_str(o, "mode"));
		return;
	}
	if (json_object_object_get_ex(o, "blockdev", &v)) {
		snprintf(buf, len, "/dev/%s", json_object_get_string(v));
		used = strlen(buf);
		if (json_object_object_get_ex(o, "iopfs", &v))
			iopfs_text(v, buf + used, len - used);
		return;
	}
	if (json_object_object_get_ex(o, "p2pmem", &v)) {
		p2pmem_text(v, buf, len);
		return;
	}
	if (!json_object_object_get_ex(o, "daxregion", &reg) ||
	    !json_object_object_get_ex(reg, "id", &v)) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "region %d:", json_object_get_int(v));
	if (!json_object_object_get_ex(reg, "devices", &devs) ||
	    !json_object_array_length(devs)) {
		used = strlen(buf);
		snprintf(buf + used, len - used, " no devices");
		return;
	}
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		struct json_object *d = json_object_array_get_idx(devs, i);

		used = strlen(buf);
		snprintf(buf + used, len - used, " /dev/%s", get_str(d, "chardev"));
	}
}

/* A size cell: bytes, or with -u as ndctl -u prints it. */
static void size_cell(struct json_object *o, const char *key, char *buf,
		      size_t len)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		snprintf(buf, len, "-");
	else if (out_opts.human)
		format_size_human(json_object_get_int64(v), buf, len);
	else
		snprintf(buf, len, "%lld", (long long)json_object_get_int64(v));
}

static void cell_start(struct json_object *o, char *buf, size_t len)
{
	struct json_object *v;

	if (json_object_object_get_ex(o, "start", &v))
		snprintf(buf, len, "0x%llx",
			 (unsigned long long)json_object_get_int64(v));
	else
		snprintf(buf, len, "-");
}

static void cell_range(struct json_object *o, char *buf, size_t len)
{
	struct json_object *start, *size;

	if (json_object_object_get_ex(o, "start", &start) &&
	    json_object_object_get_ex(o, "size", &size))
		snprintf(buf, len, "0x%llx-0x%llx",
			 (unsigned long long)json_object_get_int64(start),
			 (unsigned long long)json_object_get_int64(start) +
			 json_object_get_int64(size) - 1);
	else
		snprintf(buf, len, "-");
}

static void cell_stats(struct json_object *o, char *buf, size_t len)
{
	struct json_object *stats;
	size_t used = 0;

	buf[0] = '\0';
	if (!json_object_object_get_ex(o, "stats", &stats)) {
		snprintf(buf, len, "-");
		return;
	}
	json_object_object_foreach(stats, key, val) {
		snprintf(buf + used, len - used, "%s%s=%s", used ? " " : "",
			 key, json_object_get_string(val));
		used = strlen(buf);
	}
}

/*
 * A column shows the JSON field @key (a string, or with @size a number of
 * bytes), or what @cell makes of the device's object.
 */
static const struct column {
	const char *name;
	const char *help;
	const char *key;
	bool size;
	void (*cell)(struct json_object *o, char *buf, size_t len);
} columns[] = {
	{ .name = "DEV", .help = "the iopmem device", .key = "dev" },
	{ .name = "PCI", .help = "its PCI device", .key = "pci" },
	{ .name = "BAR", .help = "the BAR it maps", .key = "bar" },
	{ .name = "START", .help = "the first physical address of the range",
	  .cell = cell_start },
	{ .name = "RANGE", .help = "the physical range, first-last",
	  .cell = cell_range },
	{ .name = "SIZE", .help = "bytes (-u: human-readable)", .key = "size",
	  .size = true },
	{ .name = "CACHE", .help = "wc or uc", .key = "cache" },
	{ .name = "MODE", .help = "fsdax, devdax, p2pdma or iopfs", .key = "mode" },
	{ .name = "MAP", .help = "where the struct pages live: mem or dev",
	  .key = "map" },
	{ .name = "RESERVED",
	  .help = "bytes of the BAR holding struct pages (map dev)",
	  .key = "memmap_reserved", .size = true },
	{ .name = "NODE", .help = "the NUMA node", .key = "numa_node" },
	{ .name = "STATE", .help = "online, or offline after a fatal PCIe error",
	  .key = "state" },
	{ .name = "DEVICE",
	  .help = "the block device (and its iopfs), device-dax region or P2PDMA pool",
	  .cell = target_text },
	{ .name = "STATS", .help = "the counters under stats/ (list -v)",
	  .cell = cell_stats },
};

static void column_cell(const struct column *col, struct json_object *o,
			char *buf, size_t len)
{
	if (col->cell)
		col->cell(o, buf, len);
	else if (col->size)
		size_cell(o, col->key, buf, len);
	else
		snprintf(buf, len, "%s", get_str(o, col->key));
}

#define NR_COLUMNS (sizeof(columns) / sizeof(columns[0]))

/* Without -o; -v adds STATS. */
static const char default_columns[] =
	"DEV,PCI,BAR,RANGE,SIZE,CACHE,MODE,MAP,NODE,DEVICE";

static int column_of(const char *name, size_t len)
{
	for (size_t i = 0; i < NR_COLUMNS; i++)
		if (strlen(columns[i].name) == len &&
		    !strncasecmp(columns[i].name, name, len))
			return (int)i;
	return -1;
}

static int add_columns(const char *cmd, const char *spec)
{
	const char *p = spec;

	while (*p) {
		size_t len = strcspn(p, ",");
		int c = column_of(p, len);

		if (c < 0) {
			fprintf(stderr, "iopmemctl: %s: -o: unknown column '%.*s'; "
				"the columns are:", cmd, (int)len, p);
			for (size_t i = 0; i < NR_COLUMNS; i++)
				fprintf(stderr, "%s %s", i ? "," : "",
					columns[i].name);
			fputc('\n', stderr);
			return EXIT_USAGE;
		}
		if (out_opts.ncols < IOPMEMCTL_MAX_COLS)
			out_opts.cols[out_opts.ncols++] = c;
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

int table_columns(const char *cmd, const char *spec, bool verbose)
{
	int rc;

	out_opts.ncols = 0;
	/* "+COL,..." as lsblk has it: the default columns and these. */
	if (!spec || *spec == '+') {
		rc = add_columns(cmd, default_columns);
		if (!rc && verbose)
			rc = add_columns(cmd, "STATS");
		if (!rc && spec)
			rc = add_columns(cmd, spec + 1);
		return rc;
	}
	if (!*spec) {
		fprintf(stderr, "iopmemctl: %s: -o: no columns given; name some, e.g. -o DEV,SIZE (--help lists them)\n",
			cmd);
		return EXIT_USAGE;
	}
	return add_columns(cmd, spec);
}

const char *table_columns_help(void)
{
	static char text[2048];
	size_t used = 0;

	for (size_t i = 0; i < NR_COLUMNS && used < sizeof(text); i++) {
		snprintf(text + used, sizeof(text) - used, "  %-10s %s\n",
			 columns[i].name, columns[i].help);
		used = strlen(text);
	}
	return text;
}

void print_devices(struct json_object *arr, bool json, bool verbose)
{
	size_t n = json_object_array_length(arr);
	struct libscols_table *tb;

	if (json) {
		if (out_opts.human)
			for (size_t i = 0; i < n; i++)
				humanize(json_object_array_get_idx(arr, i));
		printf("%s\n", json_object_to_json_string_ext(arr,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE));
		return;
	}
	if (!n)
		return;
	if (!out_opts.ncols && table_columns("list", NULL, verbose))
		return;
	tb = scols_new_table();
	if (!tb) {
		fail("out of memory");
		return;
	}
	for (int c = 0; c < out_opts.ncols; c++)
		scols_table_new_column(tb, columns[out_opts.cols[c]].name, 0, 0);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char cell[1024];

		for (int c = 0; ln && c < out_opts.ncols; c++) {
			column_cell(&columns[out_opts.cols[c]], o, cell, sizeof(cell));
			scols_line_set_data(ln, c, cell);
		}
	}
	scols_print_table(tb);
	scols_unref_table(tb);
}

void print_device(const char *name, bool json)
{
	struct json_object *arr = json_object_new_array();

	json_object_array_add(arr, iopmem_json(name, false));
	print_devices(arr, json, false);
	json_object_put(arr);
}

struct kmsg {
	int fd;
	char found[1024];
};

struct kmsg *kmsg_open(void)
{
	struct kmsg *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->fd = sysfs_is_fake() ? -1 :
		open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd >= 0 && lseek(k->fd, 0, SEEK_END) < 0) {
		close(k->fd);
		k->fd = -1;
	}
	return k;
}

/* The value of " KEY=" among a record's dictionary lines, or NULL. */
static const char *kmsg_dict(const char *dict, const char *key, size_t *len)
{
	size_t klen = strlen(key);

	const char *p = dict;

	while (*p) {
		if (*p == ' ' && !strncmp(p + 1, key, klen) && p[1 + klen] == '=') {
			*len = strcspn(p + 2 + klen, "\n");
			return p + 2 + klen;
		}
		p += strcspn(p, "\n");
		if (*p)
			p++;
	}
	return NULL;
}

const char *kmsg_record_match(char *rec, const char *tag,
			      const char *any_subsys)
{
	const char *dev, *subsys, *name, *p;
	size_t len, slen;
	char *text, *dict;

	text = strchr(rec, ';');
	if (!text)
		return NULL;
	text++;
	dict = text + strcspn(text, "\n");
	if (*dict)
		*dict++ = '\0';
	dev = kmsg_dict(dict, "DEVICE", &len);
	if (!dev)
		return NULL;
	if (strlen(tag) != len || strncmp(dev, tag, len)) {
		subsys = kmsg_dict(dict, "SUBSYSTEM", &slen);
		if (!any_subsys || !subsys || strlen(any_subsys) != slen ||
		    strncmp(subsys, any_subsys, slen))
			return NULL;
	}
	/* dev_printk() text is "<driver> <device>: message". */
	name = memchr(dev, ':', len);
	if (*dev != '+' || !name)
		return text;
	name++;
	len -= name - dev;
	for (p = strstr(text, " "); p; p = strstr(p + 1, " "))
		if (!strncmp(p + 1, name, len) && !strncmp(p + 1 + len, ": ", 2))
			return p + 3 + len;
	return text;
}

/* Records are "PRI,SEQ,TS,FLAGS;TEXT\n" plus " KEY=VALUE" lines. */
static const char *kmsg_scan(struct kmsg *k, const char *tag,
			     const char *any_subsys)
{
	char rec[8192];
	const char *hit = NULL;

	if (!k || k->fd < 0)
		return NULL;
	for (;;) {
		ssize_t n = read(k->fd, rec, sizeof(rec) - 1);
		const char *msg;

		if (n < 0 && errno == EPIPE)	/* overwritten: skip ahead */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = kmsg_record_match(rec, tag, any_subsys);
		if (!msg)
			continue;
		/* The driver core's own summary (6.x) says less than iopmem. */
		if (!strncmp(msg, "probe with driver ", 18))
			continue;
		snprintf(k->found, sizeof(k->found), "%s", msg);
		hit = k->found;
	}
	return hit;
}

/* The record's device tag: "+iopmem:iopmemN" or "+pci:DDDD:BB:SS.F". */
static void kmsg_tag(const char *dev, char *tag, size_t len)
{
	snprintf(tag, len, "+%s:%s",
		 parse_iopmem_name(dev) >= 0 ? "iopmem" : "pci", dev);
}

const char *kmsg_find(struct kmsg *k, const char *dev)
{
	char tag[128];

	kmsg_tag(dev, tag, sizeof(tag));
	return kmsg_scan(k, tag, NULL);
}

const char *kmsg_find_probe(struct kmsg *k, const char *pci)
{
	char tag[128];

	kmsg_tag(pci, tag, sizeof(tag));
	return kmsg_scan(k, tag, "iopmem");
}

void kmsg_close(struct kmsg *k)
{
	if (!k)
		return;
	if (k->fd >= 0)
		close(k->fd);
	free(k);
}
