// SPDX-License-Identifier: GPL-2.0
/*
 * iopmemctl bind <pci-address> [--bar N] [--cache wc|uc]
 *                              [--mode fsdax|devdax|p2pdma]
 * iopmemctl unbind [--force] <iopmemN|pci-address>
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libkmod.h>

#include "iopmemctl.h"

static const char bind_usage[] =
"usage: iopmemctl bind <pci-address> [--bar N] [--cache wc|uc]\n"
"                                    [--mode fsdax|devdax|p2pdma] [--json]\n"
"\n"
"Bind a PCI device to iopmem through driver_override, loading the module\n"
"first if needed. The options apply to this bind only (the module\n"
"parameters are restored afterwards). Prints the new device. Needs root.\n"
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

#define NPARAMS 4
static const char *const param_names[NPARAMS] = { "bar", "cache", "mode",
						   "memmap" };

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
	if (rc < 0)
		return fail("bind %s: cannot load the iopmem module: %s; "
			    "'dmesg | tail' says why", pci, strerror(-rc));
	return 0;
}

static int write_param(const char *pci, const char *name, const char *val)
{
	char path[IOPMEMCTL_PATH_MAX];
	int rc;

	rc = sysfs_write(sysfs_path(path, "module/iopmem/parameters/%s", name),
			 val);
	if (rc)
		fail("bind %s: cannot set the module parameter %s=%s: %s; "
		     "is the loaded iopmem module current?", pci, name, val,
		     strerror(-rc));
	return rc;
}

/**
 * bind_pci() - bind a PCI device to iopmem with this bind's parameters
 * @pci: the device's address, canonical (DDDD:BB:SS.F)
 * @p: the module parameters for this bind, already validated; NULL ones
 *     keep the module's value
 * @json: print the device as JSON rather than as a table line
 *
 * Loads the module if needed, sets the parameters, binds through
 * driver_override and restores the parameters.  Errors are reported.
 *
 * Return: the exit status, 0 or 1.
 */
int bind_pci(const char *pci, const struct bind_params *p, bool json)
{
	const char *want[NPARAMS] = { p->bar, p->cache, p->mode, p->memmap };
	char saved[NPARAMS][64], path[IOPMEMCTL_PATH_MAX];
	char drv[64], override[64], dev[64];
	bool changed[NPARAMS] = { false };
	const char *msg;
	struct kmsg *k;
	int rc = 0;

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
	if (load_module(pci))
		return 1;

	/* This bind's parameters, the previous values restored below. */
	for (int i = 0; i < NPARAMS && !rc; i++) {
		if (!want[i])
			continue;
		if (sysfs_read(sysfs_path(path, "module/iopmem/parameters/%s",
					  param_names[i]),
			       saved[i], sizeof(saved[i])))
			rc = fail("bind %s: cannot read the module parameter %s; is the loaded iopmem module current?",
				  pci, param_names[i]);
		else if (!(rc = write_param(pci, param_names[i], want[i])))
			changed[i] = true;
	}

	if (!rc) {
		sysfs_path(path, "bus/pci/devices/%s/driver_override", pci);
		if (sysfs_read(path, override, sizeof(override)))
			override[0] = '\0';
		rc = sysfs_write(path, "iopmem");
		if (rc)
			fail("bind %s: cannot write %s: %s", pci, path,
			     strerror(-rc));
	}
	k = NULL;
	if (!rc) {
		k = kmsg_open();
		/* Its status says little: the driver link below is the answer. */
		sysfs_write(sysfs_path(path, "bus/pci/drivers_probe"), pci);
	}
	for (int i = 0; i < NPARAMS; i++)
		if (changed[i] && write_param(pci, param_names[i], saved[i]))
			rc = 1;
	if (rc) {
		kmsg_close(k);
		return 1;
	}

	pci_driver(pci, drv, sizeof(drv));
	if (strcmp(drv, "iopmem") || iopmem_of_pci(pci, dev, sizeof(dev))) {
		msg = kmsg_find_probe(k, pci);
		/* Leave the device as it was: a later probe takes its driver. */
		sysfs_write(sysfs_path(path, "bus/pci/devices/%s/driver_override", pci),
			    strcmp(override, "(null)") && override[0] ? override : "\n");
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
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct bind_params p = { NULL };
	bool json = false;
	char pci[32];
	int c, bar;

	optind = 1;
	while ((c = getopt_long(argc, argv, "b:c:m:jh", opts, NULL)) != -1) {
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
