// SPDX-License-Identifier: GPL-2.0
/*
 * iopmemctl list [-v] [-u] [--json | -o COL,...] [<iopmemN>...]
 */
#include <getopt.h>
#include <stdio.h>

#include "iopmemctl.h"

static const char list_usage[] =
"usage: iopmemctl list [-v] [-u] [--json | -o COL,...] [<iopmemN>...]\n"
"\n"
"List iopmem devices: PCI device, BAR, physical range, size, cache, mode,\n"
"memmap (where the struct pages live: ram or dev), NUMA node, and the\n"
"block device (fsdax), device-dax region and its devices (devdax), or\n"
"P2PDMA pool (p2pdma: size and available, from the PCI device's p2pmem/),\n"
"or block device and the iopfs mounted on it (iopfs: mount point, free\n"
"and deferred extents and log use, from /sys/fs/iopfs/iopmemN/).\n"
"\n"
"  -v, --verbose   also the counters under stats/\n"
"  -j, --json      JSON (an array of objects, keys as ndctl names them)\n"
"  -u, --human     sizes as \"512.00 MiB (536.87 MB)\", addresses in hex\n"
"  -o, --output COL,...  the table's columns (+COL,...: the default ones\n"
"                  and these); the columns:\n";

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "human", no_argument, NULL, 'u' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool verbose = false, json = false;
	const char *cols = NULL;
	struct json_object *arr;
	char **names;
	int c, n, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vjuo:h", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'j':
			json = true;
			break;
		case 'u':
			out_opts.human = true;
			break;
		case 'o':
			cols = optarg;
			break;
		case 'h':
			usage(list_usage, true);
			fputs(table_columns_help(), stdout);
			return 0;
		default:
			return usage(list_usage, false);
		}
	}
	if (json && cols) {
		fail("list: -o chooses the table's columns; --json prints every field");
		return EXIT_USAGE;
	}
	if (!json && (rc = table_columns("list", cols, verbose)))
		return rc;

	arr = json_object_new_array();
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			const char *name = dev_arg(argv[i]);

			if (!iopmem_exists(name)) {
				rc = fail("list %s: no such iopmem device; "
					  "'iopmemctl list' shows them", name);
				continue;
			}
			json_object_array_add(arr, iopmem_json(name, verbose));
		}
	} else {
		names = iopmem_names(&n);
		for (int i = 0; i < n; i++)
			json_object_array_add(arr, iopmem_json(names[i], verbose));
		free_names(names, n);
	}
	print_devices(arr, json, verbose);
	json_object_put(arr);
	return rc;
}
