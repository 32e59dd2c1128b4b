// SPDX-License-Identifier: GPL-2.0
/*
 * iopmemctl apply-config [--config FILE] [<pci-address>...]
 *
 * Binds the PCI devices that the configuration file (/etc/iopmem.conf)
 * lists, with the options of their line.  udev/60-iopmem.rules runs it
 * for every PCI device added without a driver, which is how a binding
 * survives a reboot.  The file format is in
 * Documentation/iopmemctl-apply-config.rst.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iopmemctl.h"

#define IOPMEM_CONF "/etc/iopmem.conf"

static const char apply_usage[] =
"usage: iopmemctl apply-config [--config FILE] [<pci-address>...]\n"
"\n"
"Bind to iopmem the PCI devices that the configuration file lists, each\n"
"with the options of its line, as 'iopmemctl bind' would. Without an\n"
"address: every listed device present; with addresses: those of them the\n"
"file lists (others are left alone, silently: udev runs this for every\n"
"PCI device it adds). Devices already bound to iopmem are skipped. A file\n"
"with any error binds nothing; errors name the file and line. Needs root\n"
"to bind.\n"
"\n"
"File format, one device a line ('#' starts a comment):\n"
"  <pci-address|vendor:device> [bar=N] [cache=wc|uc]\n"
"                              [mode=fsdax|devdax|p2pdma|iopfs]\n"
"                              [memmap=ram|dev] [p2pdma=SIZE]\n"
"e.g.\n"
"  0000:41:00.0  bar=2 cache=wc mode=fsdax\n"
"  1af4:1110     mode=devdax\n"
"A line naming the device's address wins over a vendor:device line.\n"
"\n"
"  -C, --config FILE   the file (default " IOPMEM_CONF ")\n"
"  -h, --help          this text\n";

struct conf_line {
	int lineno;
	bool by_id;		/* vendor:device rather than an address */
	char pci[32];		/* canonical address, or "vvvv:dddd" */
	char opt[5][16];	/* bar, cache, mode, memmap, p2pdma; "" if not given */
};

struct conf {
	const char *file;
	struct conf_line *lines;
	int count;
};

static const char *const opt_names[5] = {
	"bar", "cache", "mode", "memmap", "p2pdma"
};

/* "vvvv:dddd" (hex) -> lowercase into out; 0 or -1. */
static int parse_pci_id(const char *s, char *out, size_t len)
{
	unsigned int vendor, device;
	char tail;

	if (strlen(s) != 9 || s[4] != ':')
		return -1;
	for (int i = 0; i < 9; i++)
		if (i != 4 && !isxdigit((unsigned char)s[i]))
			return -1;
	if (sscanf(s, "%4x:%4x%c", &vendor, &device, &tail) != 2)
		return -1;
	snprintf(out, len, "%04x:%04x", vendor, device);
	return 0;
}

/* Check one option's value; 0 or fail()'s 1 with the reason. */
static int check_value(int idx, const char *val)
{
	int bar;

	switch (idx) {
	case 0:
		if (parse_bar(val, &bar))
			return fail("'%s' is not a BAR; use bar=0 to 5, or -1 for the largest 64-bit memory BAR",
				    val);
		break;
	case 1:
		if (parse_cache(val) < 0)
			return fail("'%s' is not a cache mode; use cache=wc (write-combining) or cache=uc (uncached)",
				    val);
		break;
	case 2:
		if (parse_mode(val) < 0)
			return fail("'%s' is not a mode; use mode=fsdax, mode=devdax, mode=p2pdma or mode=iopfs",
				    val);
		break;
	case 3:
		if (parse_memmap(val) < 0)
			return fail("'%s' is not a place for struct pages; use memmap=ram (system RAM) or memmap=dev (device memory)",
				    val);
		break;
	default:
		if (!p2pdma_size_ok(val))
			return fail("'%s' is not a size in whole 2 MiB units; use e.g. p2pdma=128M",
				    val);
	}
	return 0;
}

/* Parse one line's words into l (fail_where names the line); 0 or 1. */
static int parse_line(char *text, struct conf_line *l,
		      const struct conf *c)
{
	char *save, *word, *eq;
	int idx;

	word = strtok_r(text, " \t", &save);
	if (!parse_pci_addr(word, l->pci, sizeof(l->pci))) {
		l->by_id = false;
	} else if (!parse_pci_id(word, l->pci, sizeof(l->pci))) {
		l->by_id = true;
	} else {
		return fail("'%s' is neither a PCI address (DDDD:BB:SS.F) nor a vendor:device ID (1af4:1110)",
			    word);
	}
	for (int i = 0; i < c->count; i++)
		if (!strcmp(c->lines[i].pci, l->pci))
			return fail("%s is already configured on line %d; keep one line per device",
				    l->pci, c->lines[i].lineno);

	while ((word = strtok_r(NULL, " \t", &save))) {
		eq = strchr(word, '=');
		if (eq)
			*eq = '\0';
		for (idx = 0; idx < 5; idx++)
			if (!strcmp(word, opt_names[idx]))
				break;
		if (idx < 5 && !eq)
			return fail("%s needs a value: %s=...", word, word);
		if (idx == 5)
			return fail("'%s%s' is not an option; use bar=N, cache=wc|uc, mode=fsdax|devdax|p2pdma|iopfs, memmap=ram|dev or p2pdma=SIZE",
				    word, eq ? "=..." : "");
		if (l->opt[idx][0])
			return fail("%s is given twice; give it once",
				    opt_names[idx]);
		if (check_value(idx, eq + 1))
			return 1;
		snprintf(l->opt[idx], sizeof(l->opt[idx]), "%s", eq + 1);
	}
	return 0;
}

/* Read and check the whole file; 0, or 1 after reporting every error. */
static int read_conf(struct conf *c)
{
	char where[IOPMEMCTL_PATH_MAX + 16], *buf = NULL, *hash, *p;
	struct conf_line *l;
	int lineno = 0, bad = 0;
	size_t cap = 0;
	FILE *f;

	f = fopen(c->file, "re");
	if (!f)
		return fail("cannot read %s: %s", c->file, strerror(errno));
	while (getline(&buf, &cap, f) >= 0) {
		lineno++;
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		for (p = buf; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		p = buf + strspn(buf, " \t");
		if (!*p)
			continue;
		l = realloc(c->lines, (c->count + 1) * sizeof(*l));
		if (!l) {
			bad = fail("%s: out of memory", c->file);
			break;
		}
		c->lines = l;
		l = &c->lines[c->count];
		memset(l, 0, sizeof(*l));
		l->lineno = lineno;
		snprintf(where, sizeof(where), "%s:%d", c->file, lineno);
		fail_where = where;
		if (parse_line(p, l, c))
			bad = 1;
		else
			c->count++;
		fail_where = NULL;
	}
	if (ferror(f))
		bad = fail("cannot read %s: %s", c->file, strerror(errno));
	free(buf);
	fclose(f);
	return bad;
}

/* The line for a device (its address first, then its vendor:device). */
static const struct conf_line *conf_find(const struct conf *c, const char *pci)
{
	char path[IOPMEMCTL_PATH_MAX], vendor[16], device[16], id[16];

	for (int i = 0; i < c->count; i++)
		if (!c->lines[i].by_id && !strcmp(c->lines[i].pci, pci))
			return &c->lines[i];
	if (sysfs_read(sysfs_path(path, "bus/pci/devices/%s/vendor", pci),
		       vendor, sizeof(vendor)) ||
	    sysfs_read(sysfs_path(path, "bus/pci/devices/%s/device", pci),
		       device, sizeof(device)))
		return NULL;
	/* sysfs has "0x1af4" */
	snprintf(id, sizeof(id), "%s:%s", vendor + 2 * !strncmp(vendor, "0x", 2),
		 device + 2 * !strncmp(device, "0x", 2));
	for (int i = 0; i < c->count; i++)
		if (c->lines[i].by_id && !strcasecmp(c->lines[i].pci, id))
			return &c->lines[i];
	return NULL;
}

/* Bind pci as its line says, unless it is bound to iopmem already. */
static int apply_one(const struct conf *c, const char *pci)
{
	char where[IOPMEMCTL_PATH_MAX + 16], drv[64];
	const struct conf_line *l = conf_find(c, pci);
	struct bind_params p;
	int rc;

	if (!l || pci_driver(pci, drv, sizeof(drv)) || !strcmp(drv, "iopmem"))
		return 0;
	p = (struct bind_params){
		.bar = l->opt[0][0] ? l->opt[0] : NULL,
		.cache = l->opt[1][0] ? l->opt[1] : NULL,
		.mode = l->opt[2][0] ? l->opt[2] : NULL,
		.memmap = l->opt[3][0] ? l->opt[3] : NULL,
		.p2pdma = l->opt[4][0] ? l->opt[4] : NULL,
	};
	snprintf(where, sizeof(where), "%s:%d", c->file, l->lineno);
	fail_where = where;
	rc = bind_pci(pci, &p, false);
	fail_where = NULL;
	return rc;
}

int cmd_apply_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct conf c = { .file = IOPMEM_CONF };
	char path[IOPMEMCTL_PATH_MAX], pci[32];
	struct dirent *e;
	int ch, rc = 0;
	DIR *d;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			c.file = optarg;
			break;
		case 'h':
			return usage(apply_usage, true);
		default:
			return usage(apply_usage, false);
		}
	}
	for (int i = optind; i < argc; i++)
		if (parse_pci_addr(argv[i], pci, sizeof(pci)))
			return fail("apply-config %s: not a PCI address; give DDDD:BB:SS.F or BB:SS.F as 'lspci -D' shows it",
				    argv[i]);
	if (read_conf(&c)) {
		rc = 1;
		goto out;
	}
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			parse_pci_addr(argv[i], pci, sizeof(pci));
			rc |= apply_one(&c, pci);
		}
		goto out;
	}
	d = opendir(sysfs_path(path, "bus/pci/devices"));
	if (!d) {
		rc = fail("apply-config: cannot list %s: %s", path,
			  strerror(errno));
		goto out;
	}
	while ((e = readdir(d)))
		if (!parse_pci_addr(e->d_name, pci, sizeof(pci)))
			rc |= apply_one(&c, pci);
	closedir(d);
out:
	free(c.lines);
	return rc;
}
