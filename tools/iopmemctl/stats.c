// SPDX-License-Identifier: GPL-2.0
/*
 * iopmemctl stats [<iopmemN>] [--reset] [--json]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iopmemctl.h"

static const char stats_usage[] =
"usage: iopmemctl stats [<iopmemN>] [--reset] [--json]\n"
"\n"
"Show the counters of one iopmem device (or of all): flushes, DAX calls\n"
"and pages, errors. Devices moving data peer to peer leave them still.\n"
"Reads and writes of /dev/iopmemN: iostat, /sys/block/iopmemN/stat.\n"
"\n"
"  -r, --reset     zero the counters first (needs root)\n"
"  -j, --json      JSON: [ { \"dev\": ..., \"stats\": { ... } } ]\n"
"  -h, --help      this text\n";

static int reset(const char *name)
{
	char path[IOPMEMCTL_PATH_MAX], file[IOPMEMCTL_PATH_MAX + 256];
	struct json_object *stats = iopmem_stats_json(name);
	int rc;

	if (!stats)
		return fail("stats %s: the device has no stats/ directory; "
			    "load an iopmem module that has counters", name);
	sysfs_path(path, "class/iopmem/%s/stats", name);
	json_object_object_foreach(stats, key, val) {
		(void)val;
		snprintf(file, sizeof(file), "%s/%s", path, key);
		rc = sysfs_write(file, "0");
		if (rc) {
			json_object_put(stats);
			if (rc == -EACCES || rc == -EPERM)
				return fail_perm("stats --reset", name, file,
						 -rc);
			return fail("stats %s: cannot reset %s: %s; "
				    "is the device being removed?", name, key,
				    strerror(-rc));
		}
	}
	json_object_put(stats);
	return 0;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reset", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool do_reset = false, json = false;
	struct json_object *arr;
	char **names;
	int c, n, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "rjh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			do_reset = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return usage(stats_usage, true);
		default:
			return usage(stats_usage, false);
		}
	}
	if (argc - optind > 1)
		return usage(stats_usage, false);
	if (argc - optind == 1) {
		const char *name = dev_arg(argv[optind]);

		if (!iopmem_exists(name))
			return fail("stats %s: no such iopmem device; "
				    "'iopmemctl list' shows them", name);
		names = calloc(1, sizeof(*names));
		names[0] = strdup(name);
		n = 1;
	} else {
		names = iopmem_names(&n);
	}

	arr = json_object_new_array();
	for (int i = 0; i < n; i++) {
		struct json_object *o, *stats;

		if (do_reset && reset(names[i])) {
			rc = 1;
			continue;
		}
		stats = iopmem_stats_json(names[i]);
		if (!stats)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "dev", json_object_new_string(names[i]));
		json_object_object_add(o, "stats", stats);
		json_object_array_add(arr, o);
	}
	free_names(names, n);

	if (json) {
		printf("%s\n", json_object_to_json_string_ext(arr,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
	} else {
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *o = json_object_array_get_idx(arr, i);
			struct json_object *dev, *stats;

			json_object_object_get_ex(o, "dev", &dev);
			json_object_object_get_ex(o, "stats", &stats);
			printf("%s\n", json_object_get_string(dev));
			json_object_object_foreach(stats, key, val)
				printf("  %-16s %s\n", key, json_object_get_string(val));
		}
	}
	json_object_put(arr);
	return rc;
}
