// SPDX-License-Identifier: GPL-2.0
/*
 * iopmemctl set <iopmemN> [--cache wc|uc]
 *                          [--mode fsdax|devdax|p2pdma|iopfs]
 *                          [--memmap ram|dev]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "iopmemctl.h"

static const char set_usage[] =
"usage: iopmemctl set <iopmemN> [--cache wc|uc]\n"
"                               [--mode fsdax|devdax|p2pdma|iopfs]\n"
"                               [--memmap ram|dev] [--json]\n"
"\n"
"Change the memory type, the mode or the place of the struct pages of an\n"
"iopmem device; the data in device memory is kept (a memmap change moves\n"
"where /dev/iopmemN starts: make the file system again). Refused while\n"
"the device is in use: in fsdax and iopfs mode while /dev/iopmemN is\n"
"mounted or open, in devdax mode while a /dev/daxN.M is mapped, in p2pdma\n"
"mode while any of the P2PDMA pool is allocated. On a device that a fatal\n"
"PCIe error took offline, --mode brings it back. Needs root.\n"
"\n"
"  -c, --cache wc|uc         write-combining or uncached\n"
"  -m, --mode fsdax|devdax|p2pdma|iopfs\n"
"                            block device for DAX file systems, a\n"
"                            device-dax region for daxctl, the PCI\n"
"                            device's P2PDMA memory (kernels with\n"
"                            CONFIG_PCI_P2PDMA), or a block device for\n"
"                            iopfs (mkfs.iopfs; mount -t iopfs)\n"
"  -M, --memmap ram|dev      struct pages in system RAM, or in the first\n"
"                            ~1.6% of the device memory (fsdax mode)\n"
"  -j, --json                print the resulting device as JSON\n"
"  -h, --help                this text\n";

/* Why the kernel refused with EBUSY, when its log line is out of reach. */
static void busy_reason(const char *name, char *buf, size_t len)
{
	char path[IOPMEMCTL_PATH_MAX], mode[32] = "", region[16] = "N";

	sysfs_read(sysfs_path(path, "class/iopmem/%s/mode", name), mode,
		   sizeof(mode));
	/* The kernel's region id, shared with pmem and CXL: not our number. */
	sysfs_read(sysfs_path(path, "class/iopmem/%s/iopmem_dax.%d/dax_region/id",
			      name, parse_iopmem_name(name)),
		   region, sizeof(region));
	if (!strcmp(mode, "p2pdma"))
		snprintf(buf, len, "its P2PDMA memory is in use (p2pmem/available is less than p2pmem/size); unmap p2pmem/allocate and stop its kernel users first");
	else if (!strcmp(mode, "devdax"))
		snprintf(buf, len, "a device-dax instance of region %s (/dev/dax%s.M) is mapped by a process; unmap it (end the process) first",
			 region, region);
	else
		snprintf(buf, len, "/dev/%s is mounted or open; unmount it or close it first",
			 name);
}

static int set_attr(const char *name, const char *attr, const char *val)
{
	char path[IOPMEMCTL_PATH_MAX], cur[64], reason[1024], prefix[64];
	const char *msg;
	struct kmsg *k;
	int rc;

	/* Writing the same value brings an offline device back. */
	sysfs_path(path, "class/iopmem/%s/state", name);
	if (sysfs_read(path, cur, sizeof(cur)) != 0 || strcmp(cur, "offline")) {
		sysfs_path(path, "class/iopmem/%s/%s", name, attr);
		if (sysfs_read(path, cur, sizeof(cur)) == 0 && !strcmp(cur, val))
			return 0;
	}
	sysfs_path(path, "class/iopmem/%s/%s", name, attr);

	k = kmsg_open();
	rc = sysfs_write(path, val);
	msg = rc ? kmsg_find(k, name) : NULL;
	if (msg) {
		/* The driver says "cannot change cache: <holder>; <fix>". */
		snprintf(prefix, sizeof(prefix), "cannot change %s: ", attr);
		if (!strncmp(msg, prefix, strlen(prefix)))
			msg += strlen(prefix);
		snprintf(reason, sizeof(reason), "%s", msg);
	}
	kmsg_close(k);

	switch (rc) {
	case 0:
		return 0;
	case -EBUSY:
		if (!msg)
			busy_reason(name, reason, sizeof(reason));
		return fail("set %s: %s change refused: %s", name, attr, reason);
	case -EACCES:
	case -EPERM:
		return fail_perm("set", name, path, -rc);
	case -ENODEV:
	case -ENOENT:
		return fail("set %s: the device is gone or being removed; "
			    "'iopmemctl list' shows what is left", name);
	default:
		return fail("set %s: %s change to %s failed: %s", name, attr,
			    val, msg ? reason : strerror(-rc));
	}
}

int cmd_set(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cache", required_argument, NULL, 'c' },
		{ "mode", required_argument, NULL, 'm' },
		{ "memmap", required_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *cache = NULL, *mode = NULL, *memmap = NULL, *name;
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:m:M:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cache = optarg;
			break;
		case 'm':
			mode = optarg;
			break;
		case 'M':
			memmap = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return usage(set_usage, true);
		default:
			return usage(set_usage, false);
		}
	}
	if (argc - optind != 1)
		return usage(set_usage, false);
	name = dev_arg(argv[optind]);
	if (cache && parse_cache(cache) < 0)
		return fail("set %s: '%s' is not a cache mode; use --cache wc (write-combining) or --cache uc (uncached)",
			    name, cache);
	if (mode && parse_mode(mode) < 0)
		return fail("set %s: '%s' is not a mode; use --mode fsdax, --mode devdax, --mode p2pdma or --mode iopfs",
			    name, mode);
	if (memmap && parse_memmap(memmap) < 0)
		return fail("set %s: '%s' is not a place for struct pages; use --memmap ram (system RAM) or --memmap dev (device memory)",
			    name, memmap);
	if (!cache && !mode && !memmap)
		return fail("set %s: nothing to change; give --cache wc|uc, --mode fsdax|devdax|p2pdma|iopfs or --memmap ram|dev",
			    name);
	if (!iopmem_exists(name))
		return fail("set %s: no such iopmem device; 'iopmemctl list' shows them",
			    name);
	if (cache && set_attr(name, "cache", cache))
		return 1;
	if (memmap && set_attr(name, "memmap", memmap))
		return 1;
	if (mode && set_attr(name, "mode", mode))
		return 1;
	print_device(name, json);
	return 0;
}
