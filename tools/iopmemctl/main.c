// SPDX-License-Identifier: GPL-2.0
/*
 * iopmemctl: list, bind and configure iopmem devices (PCIe BARs as
 * /dev/iopmemN or device-dax regions). One file per subcommand.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iopmemctl.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "list", cmd_list, "list iopmem devices (-v: with counters, --json)" },
	{ "bind", cmd_bind, "bind a PCI device to iopmem (loads the module)" },
	{ "unbind", cmd_unbind, "unbind an iopmem device from its PCI device" },
	{ "set", cmd_set, "change a device's cache or mode" },
	{ "stats", cmd_stats, "show or reset a device's counters" },
	{ "check", cmd_check, "can peers DMA into a device's BAR? (P2P path)" },
	{ "apply-config", cmd_apply_config,
	  "bind the devices /etc/iopmem.conf lists (at boot: udev)" },
};

static int main_usage(bool help)
{
	FILE *f = help ? stdout : stderr;

	fprintf(f, "usage: iopmemctl <command> [<args>]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'iopmemctl help <command>' describes a command; "
		"man iopmemctl-<command> has the details.\n");
	return help ? 0 : EXIT_USAGE;
}

static int run(int argc, char **argv)
{
	if (argc < 2)
		return main_usage(false);
	if (!strcmp(argv[1], "help") && argc > 2) {
		/* "iopmemctl help CMD" is "iopmemctl CMD --help", as git has it */
		static char help_opt[] = "--help";
		char *help_argv[] = { argv[2], help_opt, NULL };

		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[2], commands[i].name))
				return commands[i].fn(2, help_argv);
		fail("'%s' is not a command; see iopmemctl --help", argv[2]);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help"))
		return main_usage(true);
	if (!strcmp(argv[1], "--version"))
		return puts("iopmemctl " IOPMEM_VERSION), 0;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fail("'%s' is not a command; see iopmemctl --help", argv[1]);
	return EXIT_USAGE;
}

/*
 * Output that did not reach stdout (a full disk, /dev/full) must not look
 * like success to a script reading it: say so and fail.
 */
int main(int argc, char **argv)
{
	int rc = run(argc, argv);

	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	fail("cannot write the output: %s", strerror(errno ? errno : EIO));
	return rc ? rc : 1;
}
