// SPDX-License-Identifier: GPL-2.0
/*
 * iopmemctl bind <pci-address> [--bar N] [--cache wc|uc]
 *                              [--mode fsdax|devdax|p2pdma] [--memmap ram|dev]
 * iopmemctl unbind [--force] <iopmemN|pci-address>
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libkmod.h>

#include "iopmemctl.h"

static const char bind_usage[] =
"usage: iopmemctl bind <pci-address> [--bar N] [--cache wc|uc]\n"
"                                    [--mode fsdax|devdax|p2pdma]\n"
"                                    [--memmap ram|dev] [--json]\n"
"\n"
"Bind a PCI device to iopmem through driver_override, loading the module\n"
"first if needed. The options apply to this device only (through the\n"
"driver's bind_settings; the module parameters give what is not set and\n"
"are not changed). Prints the new device. Needs root.\n"
"\n"
"  -b, --bar N               BAR 0-5 (default, or -1: the largest 64-bit\n"
"                            memory BAR)\n"
"  -c, --cache wc|uc         write-combining (default) or uncached\n"
"  -m, --mode fsdax|devdax|p2pdma\n"
"                            block device /dev/iopmemN (default), a\n"
"                            device-dax region for daxctl, or PCI P2PDMA\n"
"                            memory under /sys/bus/pci/devices/ADDR/p2pmem/\n"
"                            (kernels with CONFIG_PCI_P2PDMA; fixed while\n"
"                            bound)\n"
"  -M, --memmap ram|dev      struct pages in system RAM (default) or in\n"
"                            the first ~1.6% of the device memory (fsdax)\n"
"  -j, --json                print the device as JSON\n"
"  -h, --help                this text\n";

static const char unbind_usage[] =
"usage: iopmemctl unbind [--force] <iopmemN|pci-address>\n"
"\n"
"Unbind a PCI device from iopmem and clear its driver_override. Refused\n"
"while /dev/iopmemN is mounted unless --force is given (the file system\n"
"then gets I/O errors). Needs root.\n"
"\n"
"  -f, --force     unbind even while mounted\n"
"  -h, --help      this text\n";

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

	snprintf(line, sizeof(line), "%s%s%s%s%s%s%s%s%s", pci,
		 p->bar ? " bar=" : "", p->bar ? p->bar : "",
		 p->cache ? " cache=" : "", p->cache ? p->cache : "",
		 p->mode ? " mode=" : "", p->mode ? p->mode : "",
		 p->memmap ? " memmap=" : "", p->memmap ? p->memmap : "");
	rc = sysfs_write(sysfs_path(path, "bus/pci/drivers/iopmem/bind_settings"),
			 line);
	if (rc == -ENOENT)
		return fail("bind %s: the loaded iopmem module has no %s; unload it (rmmod iopmem) so that bind loads the installed one",
			    pci, path);
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

	if (need_root("bind", pci))
		return 1;
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
		fail("bind %s: cannot write %s: %s", pci, path, strerror(-rc));
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
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct bind_params p = { NULL };
	bool json = false;
	char pci[32];
	int c, bar;

	optind = 1;
	while ((c = getopt_long(argc, argv, "b:c:m:M:jh", opts, NULL)) != -1) {
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
		return fail("bind %s: '%s' is not a mode; use --mode fsdax, --mode devdax or --mode p2pdma",
			    pci, p.mode);
	if (p.memmap && parse_memmap(p.memmap) < 0)
		return fail("bind %s: '%s' is not a memmap place; use --memmap ram (struct pages in system RAM) or --memmap dev (in device memory)",
			    pci, p.memmap);
	return bind_pci(pci, &p, json);
}

/* Mount point of /dev/NAME from /proc/mounts, into buf; true if mounted. */
static bool mounted(const char *name, char *buf, size_t len)
{
	char src[IOPMEMCTL_PATH_MAX], dst[IOPMEMCTL_PATH_MAX], want[80];
	bool found = false;
	FILE *f;

	if (sysfs_is_fake())
		return false;
	f = fopen("/proc/mounts", "re");
	if (!f)
		return false;
	snprintf(want, sizeof(want), "/dev/%s", name);
	while (fscanf(f, "%4095s %4095s %*[^\n]", src, dst) == 2) {
		if (!strcmp(src, want)) {
			snprintf(buf, len, "%s", dst);
			found = true;
			break;
		}
	}
	fclose(f);
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
	char mnt[IOPMEMCTL_PATH_MAX];
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
	if (need_root("unbind", arg))
		return 1;
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
	if (dev[0] && !force && mounted(dev, mnt, sizeof(mnt)))
		return fail("unbind %s: /dev/%s is mounted on %s; unmount it first (or --force: the file system then gets I/O errors)",
			    arg, dev, mnt);
	rc = sysfs_write(sysfs_path(path, "bus/pci/drivers/iopmem/unbind"), pci);
	if (rc)
		return fail("unbind %s: writing %s to %s failed: %s", arg, pci,
			    path, strerror(-rc));
	/* Forget the override: the device is free for its own driver again. */
	sysfs_write(sysfs_path(path, "bus/pci/devices/%s/driver_override", pci),
		    "\n");
	return 0;
}
