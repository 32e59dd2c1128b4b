// SPDX-License-Identifier: GPL-2.0
/*
 * iopmemctl bind <pci-address> [--bar N] [--cache wc|uc]
 *                              [--mode fsdax|devdax|p2pdma|iopfs]
 *                              [--memmap ram|dev] [--p2pdma SIZE]
 * iopmemctl unbind [--force] <iopmemN|pci-address>
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libkmod.h>

#include "iopmemctl.h"

static const char bind_usage[] =
"usage: iopmemctl bind <pci-address> [--bar N] [--cache wc|uc]\n"
"                                    [--mode fsdax|devdax|p2pdma|iopfs]\n"
"                                    [--memmap ram|dev] [--p2pdma SIZE]\n"
"                                    [--json]\n"
"\n"
"Bind a PCI device to iopmem through driver_override, loading the module\n"
"first if needed. The options apply to this device only (through the\n"
"driver's bind_settings; the module parameters give what is not set and\n"
"are not changed). Prints the new device. Needs root.\n"
"\n"
"  -b, --bar N               BAR 0-5 (default, or -1: the largest 64-bit\n"
"                            memory BAR)\n"
"  -c, --cache wc|uc         write-combining (default) or uncached\n"
"  -m, --mode fsdax|devdax|p2pdma|iopfs\n"
"                            block device /dev/iopmemN (default), a\n"
"                            device-dax region for daxctl, or PCI P2PDMA\n"
"                            memory under /sys/bus/pci/devices/ADDR/p2pmem/\n"
"                            (kernels with CONFIG_PCI_P2PDMA; fixed while\n"
"                            bound), or block device /dev/iopmemN for\n"
"                            iopfs (mkfs.iopfs; mount -t iopfs)\n"
"  -M, --memmap ram|dev      struct pages in system RAM (default) or in\n"
"                            the first ~1.6% of the device memory (fsdax)\n"
"  -p, --p2pdma SIZE         split the BAR: its last SIZE bytes (whole\n"
"                            2 MiB units, e.g. 128M) become PCI P2PDMA\n"
"                            memory, a second device beside the fsdax or\n"
"                            devdax one (CONFIG_PCI_P2PDMA)\n"
"  -j, --json                print the device as JSON\n"
"  -h, --help                this text\n";

static const char unbind_usage[] =
"usage: iopmemctl unbind [--force] <iopmemN|pci-address>\n"
"\n"
"Unbind a PCI device from iopmem and clear its driver_override. Refused\n"
"while /dev/iopmemN is held exclusively (mounted, also a partition; swap;\n"
"a dm or md device on it; an O_EXCL open) or a device-dax instance of its\n"
"region is mapped, unless --force is given (the holder then gets I/O\n"
"errors, a mapping SIGBUS). Needs root.\n"
"\n"
"  -f, --force     unbind even while held or mapped\n"
"  -h, --help      this text\n";

/*
 * libkmod's own messages ("libkmod: ERROR ...: could not find module")
 * would repeat, less clearly, what load_module() says about the failure.
 * Those of kmod_new() itself come before this can be set.
 */
static void kmod_log_nothing(void *data, int priority, const char *file,
			     int line, const char *fn, const char *format,
			     va_list args)
{
	(void)data, (void)priority, (void)file, (void)line, (void)fn;
	(void)format, (void)args;
}

/* Load iopmem through libkmod unless it is loaded. */
static int load_module(const char *pci)
{
	char path[IOPMEMCTL_PATH_MAX];
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int rc;

	if (access(sysfs_path(path, "module/iopmem"), F_OK) == 0)
		return 0;
	if (sysfs_is_fake())
		return fail("bind %s: the iopmem module is not loaded (%s missing)",
			    pci, path);
	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return fail("bind %s: cannot load the iopmem module: libkmod "
			    "found no module directory; install the module or "
			    "insmod iopmem.ko first", pci);
	kmod_set_log_fn(ctx, kmod_log_nothing, NULL);
	rc = kmod_module_new_from_name(ctx, "iopmem", &mod);
	if (!rc)
		rc = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL,
						     NULL);
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	if (rc == -ENOENT)
		return fail("bind %s: the iopmem module is not installed for "
			    "this kernel; build and install it (make; make -C "
			    "$KDIR M=$PWD modules_install; depmod) or insmod "
			    "iopmem.ko first", pci);
	if (rc == -EPERM || rc == -EACCES)
		return fail("bind %s: cannot load the iopmem module: %s; run "
			    "it as root (sudo)", pci, strerror(-rc));
	if (rc < 0)
		return fail("bind %s: cannot load the iopmem module: %s; "
			    "'dmesg | tail' says why", pci, strerror(-rc));
	return 0;
}

/*
 * Hand this bind's settings to the driver for @pci's next probe only
 * (drivers/iopmem/bind_settings); the address alone drops any left there.
 */
static int write_settings(const char *pci, const struct bind_params *p)
{
	char path[IOPMEMCTL_PATH_MAX], line[160];
	int rc;

	snprintf(line, sizeof(line), "%s%s%s%s%s%s%s%s%s%s%s", pci,
		 p->bar ? " bar=" : "", p->bar ? p->bar : "",
		 p->cache ? " cache=" : "", p->cache ? p->cache : "",
		 p->mode ? " mode=" : "", p->mode ? p->mode : "",
		 p->memmap ? " memmap=" : "", p->memmap ? p->memmap : "",
		 p->p2pdma ? " p2pdma=" : "", p->p2pdma ? p->p2pdma : "");
	rc = sysfs_write(sysfs_path(path, "bus/pci/drivers/iopmem/bind_settings"),
			 line);
	if (rc == -ENOENT)
		return fail("bind %s: the loaded iopmem module has no %s; unload it (rmmod iopmem) so that bind loads the installed one",
			    pci, path);
	if (rc == -EACCES || rc == -EPERM)
		return fail_perm("bind", pci, path, -rc);
	if (rc)
		return fail("bind %s: cannot write '%s' to %s: %s; 'dmesg | tail' says why",
			    pci, line, path, strerror(-rc));
	return 0;
}

/**
 * bind_pci() - bind a PCI device to iopmem with this bind's settings
 * @pci: the device's address, canonical (DDDD:BB:SS.F)
 * @p: the settings for this bind, already validated; NULL ones take the
 *     module parameter
 * @json: print the device as JSON rather than as a table line
 *
 * Loads the module if needed, gives the driver the settings for this
 * device's probe only (the module parameters are not touched, so binds
 * of other devices at the same time keep theirs) and binds through
 * driver_override.  Errors are reported.
 *
 * Return: the exit status, 0 or 1.
 */
int bind_pci(const char *pci, const struct bind_params *p, bool json)
{
	char path[IOPMEMCTL_PATH_MAX];
	char drv[64], override[64], dev[64];
	const char *msg;
	struct kmsg *k;
	int rc;

	if (pci_driver(pci, drv, sizeof(drv)))
		return fail("bind %s: no such PCI device; 'lspci -D' lists them",
			    pci);
	if (!strcmp(drv, "iopmem")) {
		if (iopmem_of_pci(pci, dev, sizeof(dev)))
			snprintf(dev, sizeof(dev), "iopmemN");
		return fail("bind %s: already bound to iopmem as %s; change it with 'iopmemctl set %s' or run 'iopmemctl unbind %s' first",
			    pci, dev, dev, pci);
	}
	if (drv[0])
		return fail("bind %s: bound to the driver %s; unbind it first: echo %s > /sys/bus/pci/drivers/%s/unbind",
			    pci, drv, pci, drv);
	if (load_module(pci) || write_settings(pci, p))
		return 1;

	sysfs_path(path, "bus/pci/devices/%s/driver_override", pci);
	if (sysfs_read(path, override, sizeof(override)))
		override[0] = '\0';
	rc = sysfs_write(path, "iopmem");
	if (rc) {
		if (rc == -EACCES || rc == -EPERM)
			fail_perm("bind", pci, path, -rc);
		else
			fail("bind %s: cannot write %s: %s", pci, path,
			     strerror(-rc));
		/* Nothing probed: the settings must not wait for a later bind. */
		write_settings(pci, &(struct bind_params){ NULL });
		return 1;
	}
	k = kmsg_open();
	/* Its status says little: the driver link below is the answer. */
	sysfs_write(sysfs_path(path, "bus/pci/drivers_probe"), pci);

	pci_driver(pci, drv, sizeof(drv));
	if (strcmp(drv, "iopmem") || iopmem_of_pci(pci, dev, sizeof(dev))) {
		msg = kmsg_find_probe(k, pci);
		/* Leave the device as it was: a later probe takes its driver. */
		sysfs_write(sysfs_path(path, "bus/pci/devices/%s/driver_override", pci),
			    strcmp(override, "(null)") && override[0] ? override : "\n");
		/* A probe takes them; without one they would stay. */
		write_settings(pci, &(struct bind_params){ NULL });
		if (msg)
			rc = fail("bind %s: iopmem refused the device: %s", pci, msg);
		else
			rc = fail("bind %s: iopmem did not take the device; 'dmesg | grep iopmem' says why",
				  pci);
		kmsg_close(k);
		return rc;
	}
	kmsg_close(k);
	print_device(dev, json);
	return 0;
}

int cmd_bind(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bar", required_argument, NULL, 'b' },
		{ "cache", required_argument, NULL, 'c' },
		{ "mode", required_argument, NULL, 'm' },
		{ "memmap", required_argument, NULL, 'M' },
		{ "p2pdma", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct bind_params p = { NULL };
	bool json = false;
	char pci[32];
	int c, bar;

	optind = 1;
	while ((c = getopt_long(argc, argv, "b:c:m:M:p:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			p.bar = optarg;
			break;
		case 'c':
			p.cache = optarg;
			break;
		case 'm':
			p.mode = optarg;
			break;
		case 'M':
			p.memmap = optarg;
			break;
		case 'p':
			p.p2pdma = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return usage(bind_usage, true);
		default:
			return usage(bind_usage, false);
		}
	}
	if (argc - optind != 1)
		return usage(bind_usage, false);
	if (parse_pci_addr(argv[optind], pci, sizeof(pci)))
		return fail("bind %s: not a PCI address; give DDDD:BB:SS.F or BB:SS.F as 'lspci -D' shows it",
			    argv[optind]);
	if (p.bar && parse_bar(p.bar, &bar))
		return fail("bind %s: '%s' is not a BAR; use --bar 0 to 5, or -1 for the largest 64-bit memory BAR",
			    pci, p.bar);
	if (p.cache && parse_cache(p.cache) < 0)
		return fail("bind %s: '%s' is not a cache mode; use --cache wc (write-combining) or --cache uc (uncached)",
			    pci, p.cache);
	if (p.mode && parse_mode(p.mode) < 0)
		return fail("bind %s: '%s' is not a mode; use --mode fsdax, --mode devdax, --mode p2pdma or --mode iopfs",
			    pci, p.mode);
	if (p.memmap && parse_memmap(p.memmap) < 0)
		return fail("bind %s: '%s' is not a memmap place; use --memmap ram (struct pages in system RAM) or --memmap dev (in device memory)",
			    pci, p.memmap);
	if (p.p2pdma && !p2pdma_size_ok(p.p2pdma))
		return fail("bind %s: '%s' is not a size in whole 2 MiB units; use e.g. --p2pdma 128M",
			    pci, p.p2pdma);
	return bind_pci(pci, &p, json);
}

/* The "MAJ:MIN" numbers of /dev/NAME and of its partitions, space-separated. */
static void block_devts(const char *name, char *buf, size_t len)
{
	char path[IOPMEMCTL_PATH_MAX], devt[32];
	glob_t g;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/block/%s/dev", sysfs_root(), name);
	if (!sysfs_read(path, devt, sizeof(devt)))
		snprintf(buf, len, " %s ", devt);
	snprintf(path, sizeof(path), "%s/block/%s/%s*/dev", sysfs_root(), name,
		 name);
	if (glob(path, 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (!sysfs_read(g.gl_pathv[i], devt, sizeof(devt)) &&
		    strlen(buf) + strlen(devt) + 2 < len)
			strcat(strcat(buf, devt), " ");
	globfree(&g);
}

/*
 * /dev/NAME or a partition of it mounted, from mountinfo: "/dev/iopmem0p1
 * is mounted on /mnt; ..." into why.
 */
static bool block_mounted(const char *name, char *why, size_t len)
{
	char devts[512], devt[40], mnt[256], src[256], line[8192];
	bool found = false;
	const char *tail;
	FILE *f;

	block_devts(name, devts, sizeof(devts));
	f = mountinfo_open();
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		/* id parent MAJ:MIN root mount-point ... - fstype source ... */
		if (sscanf(line, "%*s %*s %31s %*s %255s", devt + 1, mnt) != 2)
			continue;
		devt[0] = ' ';
		strcat(devt, " ");
		if (!strstr(devts, devt))
			continue;
		tail = strstr(line, " - ");
		if (!tail || sscanf(tail, " - %*s %255s", src) != 1)
			snprintf(src, sizeof(src), "/dev/%s", name);
		snprintf(why, len, "%s is mounted on %s; unmount it first",
			 src, mnt);
		found = true;
	}
	fclose(f);
	return found;
}

/* A holder (dm, md) of /dev/NAME or of a partition, from sysfs, into why. */
static bool block_holder(const char *name, char *why, size_t len)
{
	char path[IOPMEMCTL_PATH_MAX];
	bool found;
	glob_t g;

	snprintf(path, sizeof(path), "%s/block/%s/{holders,%s*/holders}/*",
		 sysfs_root(), name, name);
	if (glob(path, GLOB_BRACE, NULL, &g))
		return false;
	found = g.gl_pathc > 0;
	if (found)
		snprintf(why, len, "/dev/%s is held by %s (its holders/ in sysfs); remove that device first",
			 name, strrchr(g.gl_pathv[0], '/') + 1);
	globfree(&g);
	return found;
}

/* A swap area on /dev/NAME or a partition, from /proc/swaps, into why. */
static bool block_swap(const char *name, char *why, size_t len)
{
	char line[IOPMEMCTL_PATH_MAX + 64], want[80];
	size_t n = (size_t)snprintf(want, sizeof(want), "/dev/%s", name);
	bool found = false;
	FILE *f;

	f = fopen("/proc/swaps", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, n) || (line[n] != ' ' && line[n] != 'p'))
			continue;
		line[strcspn(line, " \t")] = '\0';
		snprintf(why, len, "%.80s is in use as swap; swapoff %.80s first",
			 line, line);
		found = true;
	}
	fclose(f);
	return found;
}

/**
 * block_busy() - whether someone holds /dev/NAME exclusively, and who
 * @name: the block device, iopmemN
 * @why: what holds it and the fix, "/dev/iopmem0 is mounted on /mnt;
 *	 unmount it first"
 * @len: size of @why
 *
 * The kernel answers through an exclusive open, which fails with EBUSY
 * while the device or any partition of it is mounted, is swap, belongs to
 * a dm or md device or is held open with O_EXCL; then the usual places
 * name the holder.  A device that cannot be opened (no block device in
 * devdax mode, offline) holds nothing.
 *
 * Return: true if it is held.
 */
static bool block_busy(const char *name, char *why, size_t len)
{
	char path[80];
	int fd;

	if (sysfs_is_fake())
		return false;
	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	if (errno != EBUSY)
		return false;
	if (!block_mounted(name, why, len) && !block_holder(name, why, len) &&
	    !block_swap(name, why, len))
		snprintf(why, len, "%s is held open exclusively by a program; 'fuser -v %s' names it; end it first",
			 path, path);
	return true;
}

/*
 * A process mapping a device-dax instance of NAME's region, from
 * /proc/PID/maps; "/dev/dax0.1 is mapped by pid 42 (app); ..." into why.
 */
static bool dax_mapped(const char *name, char *why, size_t len)
{
	char path[IOPMEMCTL_PATH_MAX], id[16], want[40], line[8192], comm[64];
	bool found = false;
	glob_t g;

	snprintf(path, sizeof(path), "%s/class/iopmem/%s/iopmem_dax.*/dax_region/id",
		 sysfs_root(), name);
	if (glob(path, 0, NULL, &g))
		return false;
	if (sysfs_read(g.gl_pathv[0], id, sizeof(id)))
		id[0] = '\0';
	globfree(&g);
	if (!id[0] || sysfs_is_fake())
		return false;
	snprintf(want, sizeof(want), " /dev/dax%s.", id);
	if (glob("/proc/[0-9]*/maps", 0, NULL, &g))
		return false;
	for (size_t i = 0; i < g.gl_pathc && !found; i++) {
		FILE *f = fopen(g.gl_pathv[i], "re");
		char *dev, *pid;

		if (!f)
			continue;
		while (!found && fgets(line, sizeof(line), f)) {
			dev = strstr(line, want);
			if (!dev)
				continue;
			dev++;
			dev[strcspn(dev, " \n")] = '\0';
			pid = g.gl_pathv[i] + strlen("/proc/");
			pid[strcspn(pid, "/")] = '\0';
			snprintf(path, sizeof(path), "/proc/%s/comm", pid);
			if (sysfs_read(path, comm, sizeof(comm)))
				snprintf(comm, sizeof(comm), "?");
			snprintf(why, len, "%s is mapped by pid %s (%s); end that process first",
				 dev, pid, comm);
			found = true;
		}
		fclose(f);
	}
	globfree(&g);
	return found;
}

int cmd_unbind(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char pci[32], dev[64] = "", drv[64], path[IOPMEMCTL_PATH_MAX];
	char why[IOPMEMCTL_PATH_MAX + 128];
	const char *arg;
	bool force = false;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 'h':
			return usage(unbind_usage, true);
		default:
			return usage(unbind_usage, false);
		}
	}
	if (argc - optind != 1)
		return usage(unbind_usage, false);
	arg = dev_arg(argv[optind]);
	if (parse_iopmem_name(arg) >= 0) {
		if (!iopmem_exists(arg))
			return fail("unbind %s: no such iopmem device; 'iopmemctl list' shows them",
				    arg);
		snprintf(dev, sizeof(dev), "%s", arg);
		if (iopmem_pci(dev, pci, sizeof(pci)))
			return fail("unbind %s: cannot find its parent device", dev);
	} else if (parse_pci_addr(arg, pci, sizeof(pci))) {
		return fail("unbind %s: neither an iopmem device (iopmemN) nor a PCI address (DDDD:BB:SS.F)",
			    arg);
	}
	if (pci_driver(pci, drv, sizeof(drv)))
		return fail("unbind %s: no such PCI device %s; 'lspci -D' lists them",
			    arg, pci);
	if (strcmp(drv, "iopmem")) {
		if (dev[0])
			return fail("unbind %s: published by the driver %s of %s, not bound to iopmem; unbind or unload %s instead",
				    arg, drv[0] ? drv : "(none)", pci, drv[0] ? drv : "it");
		return fail("unbind %s: not bound to iopmem (driver: %s); 'iopmemctl list' shows iopmem's devices",
			    arg, drv[0] ? drv : "none");
	}
	if (!dev[0])
		iopmem_of_pci(pci, dev, sizeof(dev));
	if (dev[0] && !force && block_busy(dev, why, sizeof(why)))
		return fail("unbind %s: %s (or --force: it then gets I/O errors)",
			    arg, why);
	if (dev[0] && !force && dax_mapped(dev, why, sizeof(why)))
		return fail("unbind %s: %s (or --force: the mapping then gets SIGBUS)",
			    arg, why);
	rc = sysfs_write(sysfs_path(path, "bus/pci/drivers/iopmem/unbind"), pci);
	if (rc == -EACCES || rc == -EPERM)
		return fail_perm("unbind", arg, path, -rc);
	if (rc)
		return fail("unbind %s: writing %s to %s failed: %s", arg, pci,
			    path, strerror(-rc));
	/* Forget the override: the device is free for its own driver again. */
	sysfs_write(sysfs_path(path, "bus/pci/devices/%s/driver_override", pci),
		    "\n");
	return 0;
}
