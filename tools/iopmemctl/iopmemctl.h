/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iopmemctl: shared declarations of the subcommands and the helpers in
 * util.c (sysfs access, kernel log read-back, JSON of a device).
 */
#ifndef IOPMEMCTL_H
#define IOPMEMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

#define IOPMEMCTL_PATH_MAX 4096

/* Exit status of a usage error (unknown command or option, wrong
 * arguments), as getopt-based tools use it; 1 stays for failures.
 */
#define EXIT_USAGE 2

/* parse_mode() of "p2pdma" and "iopfs". */
#define IOPMEMCTL_MODE_P2PDMA 2
#define IOPMEMCTL_MODE_IOPFS 3

/* Subcommands: argv[0] is the subcommand's name. Return the exit status. */
int cmd_list(int argc, char **argv);
int cmd_bind(int argc, char **argv);
int cmd_unbind(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_apply_config(int argc, char **argv);

/* Module parameters for one bind (NULL: the module's value). */
struct bind_params {
	const char *bar;
	const char *cache;
	const char *mode;
	const char *memmap;
	const char *p2pdma;
};

/* Bind @pci (canonical) with @p (validated); print it; the exit status. */
int bind_pci(const char *pci, const struct bind_params *p, bool json);

/*
 * The sysfs root: $IOPMEMCTL_SYSFS or "/sys". A fake tree under a temporary
 * directory lets the host-side tests run without the driver.
 */
const char *sysfs_root(void);
bool sysfs_is_fake(void);

/*
 * /proc/self/mountinfo, or $IOPMEMCTL_MOUNTINFO: the tests give a file
 * beside their fake sysfs tree. NULL (errno) if it cannot be read.
 */
FILE *mountinfo_open(void);

/* snprintf into buf (IOPMEMCTL_PATH_MAX) "<root>/<fmt...>". */
char *sysfs_path(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Read a sysfs attribute into buf (trailing newline stripped). Return 0 or
 * -errno.
 */
int sysfs_read(const char *path, char *buf, size_t len);
/* Write a value (one write(2)); return 0 or -errno as the kernel answered. */
int sysfs_write(const char *path, const char *val);

/*
 * Errors: "iopmemctl: " + message, on stderr; return 1 (the exit status).
 * While fail_where is set (apply-config: "FILE:LINE") it comes first:
 * "iopmemctl: FILE:LINE: message".
 */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern const char *fail_where;
/* 0 when root, else fail("CMD [DEV]: needs root: run it with sudo"). */
/*
 * The kernel refused a write with EACCES or EPERM (err): "CMD DEV: cannot
 * write PATH: Permission denied; run it as root (sudo)"; return 1. Used in
 * place of an early euid check, which would also refuse a user whom the
 * files' modes or capabilities allow.
 */
int fail_perm(const char *cmd, const char *dev, const char *path, int err);

/* Pure parsing, tested on the host (tests/test-util.c). */
int parse_cache(const char *s);		/* "wc" 0, "uc" 1, else -1 */
int parse_mode(const char *s);		/* fsdax 0, devdax 1, p2pdma 2, iopfs 3, else -1 */
int parse_memmap(const char *s);	/* "ram" 0, "dev" 1, else -1 */
bool p2pdma_size_ok(const char *s);	/* "128M": whole 2 MiB units */
int parse_bar(const char *s, int *bar);	/* -1..5; 0 or -1 */
/* "0000:00:04.0" or "00:04.0" (domain 0000) -> out; 0 or -1. */
int parse_pci_addr(const char *s, char *out, size_t len);
/* "iopmemN" -> N; -1 if not such a name. */
int parse_iopmem_name(const char *s);
/* "0xSTART-0xEND" -> start, end; 0 or -1. */
int parse_range(const char *s, unsigned long long *start,
		unsigned long long *end);
/* true if path lies strictly under dir (both canonical paths). */
bool path_is_under(const char *path, const char *dir);
/*
 * The message of a /dev/kmsg record (rec is cut at the end of its text)
 * whose DEVICE= field is tag ("+pci:0000:00:04.0", "+iopmem:iopmem0") or,
 * if any_subsys is given, whose SUBSYSTEM= is any_subsys; without the
 * "<driver> <device>: " prefix. NULL if the record is not the device's.
 */
const char *kmsg_record_match(char *rec, const char *tag,
			      const char *any_subsys);
/* "512 MiB", "4 KiB", "3 B" ... into buf. */
const char *format_size(unsigned long long size, char *buf, size_t len);
/* As ndctl -u: "512.00 MiB (536.87 MB)"; "100 B" under 1 KiB. */
const char *format_size_human(unsigned long long size, char *buf, size_t len);

/* Output options of the commands that print devices (list, bind, set). */
#define IOPMEMCTL_MAX_COLS 32
struct out_opts {
	bool human;		/* -u: sizes "1.50 GiB (1.61 GB)", hex addresses */
	int ncols;		/* the table's columns (-o); 0: the default */
	int cols[IOPMEMCTL_MAX_COLS];
};
extern struct out_opts out_opts;
/*
 * The table's columns from -o's "COL,COL" ("+COL": the default ones and
 * COL; NULL: the default, with STATS if verbose). An unknown column is a
 * usage error naming the valid ones: return EXIT_USAGE, else 0.
 */
int table_columns(const char *cmd, const char *spec, bool verbose);
/* "  NAME  what it shows" lines of every column, for --help. */
const char *table_columns_help(void);

/* Devices. */
bool iopmem_exists(const char *name);
/* Sorted names of /sys/class/iopmem/ entries; free with free_names(). */
char **iopmem_names(int *count);
void free_names(char **names, int count);
/* The PCI address (parent device) of iopmemN, into buf; 0 or -errno. */
int iopmem_pci(const char *name, char *buf, size_t len);
/* iopmemN published for a PCI device, into buf; 0 or -ENOENT. */
int iopmem_of_pci(const char *pci, char *buf, size_t len);
/* The driver bound to a PCI device ("" if none); 0 or -ENOENT. */
int pci_driver(const char *pci, char *buf, size_t len);

/* JSON of one device, as list prints it. verbose adds "stats". */
struct json_object *iopmem_json(const char *name, bool verbose);
/* "stats" object of a device (NULL if it has none). */
struct json_object *iopmem_stats_json(const char *name);
/* Print an array of device objects as JSON or as a table. */
void print_devices(struct json_object *arr, bool json, bool verbose);
/* Print one device's JSON array (JSON) or table line; for bind and set. */
void print_device(const char *name, bool json);

/*
 * The kernel log: kmsg_open() before an operation, kmsg_find() after it
 * returns the last message since then that the kernel logged for dev
 * (iopmemN or a PCI address), by the record's DEVICE= tag (with the
 * "driver device: " prefix removed; the driver core's "probe with driver X
 * failed" summary is skipped), or NULL; kmsg_close() frees it.
 * Without read access to /dev/kmsg (not root, dmesg_restrict) it finds
 * nothing and the caller explains the cause itself.
 */
struct kmsg;
struct kmsg *kmsg_open(void);
const char *kmsg_find(struct kmsg *k, const char *dev);
/*
 * As kmsg_find(k, pci), and also the messages of any iopmemN device:
 * a probe of pci logs its refusals (mode p2pdma on a kernel without P2PDMA)
 * on the device it was creating.
 */
const char *kmsg_find_probe(struct kmsg *k, const char *pci);
void kmsg_close(struct kmsg *k);

/* Usage text on stdout (help) or stderr (misuse); return 0 or EXIT_USAGE. */
int usage(const char *text, bool help);

/* A device argument: "/dev/iopmemN" is taken for "iopmemN". */
const char *dev_arg(const char *s);

#endif
