// SPDX-License-Identifier: GPL-2.0
/*
 * iopmemctl list [-v] [--json] [<iopmemN>...]
 */
#include <getopt.h>
#include <stdio.h>

#include "iopmemctl.h"

static const char list_usage[] =
"usage: iopmemctl list [-v] [--json] [<iopmemN>...]\n"
"\n"
"List iopmem devices: PCI device, BAR, physical range, size, cache, mode,\n"
"memmap (where the struct pages live: ram or dev), NUMA node, and the\n"
"block device (fsdax), device-dax region and its devices (devdax), or\n"
"P2PDMA pool (p2pdma: size and available, from the PCI device's p2pmem/).\n"
"\n"
"  -v, --verbose   also the counters under stats/\n"
"  -j, --json      JSON (an array of objects)\n"
"  -h, --help      this text\n";

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool verbose = false, json = false;
	struct json_object *arr;
	char **names;
	int c, n, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vjh", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return usage(list_usage, true);
		default:
			return usage(list_usage, false);
		}
	}

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
