// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of iopmemctl's pure helpers (util.c). Prints "ok - ..." or
 * "not ok - ..." per check; tests/run.sh counts them.
 */
#include <stdio.h>
#include <string.h>

#include "iopmemctl.h"

static int failed;

static void expect(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	failed += !cond;
}

int main(void)
{
	unsigned long long s, e;
	const char *msg;
	char buf[64], rec[512];
	int bar = 99;

	expect(parse_cache("wc") == 0, "parse_cache wc");
	expect(parse_cache("uc") == 1, "parse_cache uc");
	expect(parse_cache("WC") == -1, "parse_cache is case-sensitive like the kernel");
	expect(parse_cache("") == -1, "parse_cache empty");
	expect(parse_mode("fsdax") == 0, "parse_mode fsdax");
	expect(parse_mode("devdax") == 1, "parse_mode devdax");
	expect(parse_mode("p2pdma") == IOPMEMCTL_MODE_P2PDMA, "parse_mode p2pdma");
	expect(parse_mode("iopfs") == IOPMEMCTL_MODE_IOPFS, "parse_mode iopfs");
	expect(parse_mode("IOPFS") == -1, "parse_mode is case-sensitive like the kernel");
	expect(parse_mode("dax") == -1, "parse_mode dax refused");
	expect(parse_mode("p2p") == -1, "parse_mode p2p refused");

	/* /dev/kmsg records: text, then the " KEY=VALUE" dictionary. */
	snprintf(rec, sizeof(rec), "3,120,555,-;iopmem 0000:00:04.0: BAR0 is an I/O port BAR\n"
		 " SUBSYSTEM=pci\n DEVICE=+pci:0000:00:04.0\n");
	msg = kmsg_record_match(rec, "+pci:0000:00:04.0", NULL);
	expect(msg && !strcmp(msg, "BAR0 is an I/O port BAR"),
	       "kmsg_record_match: the PCI device's record, prefix removed");
	snprintf(rec, sizeof(rec), "3,121,556,-;nvme 0000:00:05.0: peer 0000:00:04.0: gone\n"
		 " SUBSYSTEM=pci\n DEVICE=+pci:0000:00:05.0\n");
	expect(!kmsg_record_match(rec, "+pci:0000:00:04.0", "iopmem"),
	       "kmsg_record_match: another device's record naming the address is not the device's");
	snprintf(rec, sizeof(rec), "3,122,557,-;iopmem iopmem12: mode p2pdma needs a kernel\n"
		 " SUBSYSTEM=iopmem\n DEVICE=+iopmem:iopmem12\n");
	msg = kmsg_record_match(rec, "+pci:0000:00:04.0", "iopmem");
	expect(msg && !strcmp(msg, "mode p2pdma needs a kernel"),
	       "kmsg_record_match any_subsys: the record of the iopmemN a probe created");
	snprintf(rec, sizeof(rec), "3,122,557,-;iopmem iopmem12: x\n"
		 " SUBSYSTEM=iopmem\n DEVICE=+iopmem:iopmem12\n");
	expect(!kmsg_record_match(rec, "+pci:0000:00:04.0", NULL),
	       "kmsg_record_match: without any_subsys, only the tag");
	snprintf(rec, sizeof(rec), "3,122,557,-;iopmem iopmem12: x\n"
		 " SUBSYSTEM=iopmem\n DEVICE=+iopmem:iopmem12\n");
	expect(!kmsg_record_match(rec, "+iopmem:iopmem1", NULL),
	       "kmsg_record_match: iopmem1 is not iopmem12");
	snprintf(rec, sizeof(rec), "6,123,558,-;iopmem 0000:00:04.0: untagged\n");
	expect(!kmsg_record_match(rec, "+pci:0000:00:04.0", NULL),
	       "kmsg_record_match: a record without a device tag is no device's");
	snprintf(rec, sizeof(rec), "3,124,559,-;iopmem 10000:00:02.0: VMD domain\n"
		 " SUBSYSTEM=pci\n DEVICE=+pci:10000:00:02.0\n");
	msg = kmsg_record_match(rec, "+pci:10000:00:02.0", NULL);
	expect(msg && !strcmp(msg, "VMD domain"), "kmsg_record_match: a VMD domain's record");

	expect(parse_bar("2", &bar) == 0 && bar == 2, "parse_bar 2");
	expect(parse_bar("-1", &bar) == 0 && bar == -1, "parse_bar -1");
	expect(parse_bar("6", &bar) == -1, "parse_bar 6 refused");
	expect(parse_bar("-2", &bar) == -1, "parse_bar -2 refused");
	expect(parse_bar("2x", &bar) == -1, "parse_bar 2x refused");
	expect(parse_bar("", &bar) == -1, "parse_bar empty refused");

	expect(parse_pci_addr("0000:00:04.0", buf, sizeof(buf)) == 0 &&
	       !strcmp(buf, "0000:00:04.0"), "parse_pci_addr full");
	expect(parse_pci_addr("00:04.0", buf, sizeof(buf)) == 0 &&
	       !strcmp(buf, "0000:00:04.0"), "parse_pci_addr short gets domain 0000");
	expect(parse_pci_addr("0000:41:00.0", buf, sizeof(buf)) == 0 &&
	       !strcmp(buf, "0000:41:00.0"), "parse_pci_addr bus 41");
	expect(parse_pci_addr("0000:AB:1f.7", buf, sizeof(buf)) == 0 &&
	       !strcmp(buf, "0000:ab:1f.7"), "parse_pci_addr lower-cases");
	expect(parse_pci_addr("0000:00:20.0", buf, sizeof(buf)) == -1, "parse_pci_addr slot 0x20 refused");
	expect(parse_pci_addr("0000:00:04.8", buf, sizeof(buf)) == -1, "parse_pci_addr function 8 refused");
	expect(parse_pci_addr("0000:00:04.0x", buf, sizeof(buf)) == -1, "parse_pci_addr trailing junk refused");
	expect(parse_pci_addr("iopmem0", buf, sizeof(buf)) == -1, "parse_pci_addr iopmem0 refused");
	expect(parse_pci_addr("10000:00:02.0", buf, sizeof(buf)) == 0 &&
	       !strcmp(buf, "10000:00:02.0"), "parse_pci_addr VMD domain 10000");
	expect(parse_pci_addr("0001:00:02.0", buf, sizeof(buf)) == 0 &&
	       !strcmp(buf, "0001:00:02.0"), "parse_pci_addr domain 0001");
	expect(parse_pci_addr("ffffffff:00:02.0", buf, sizeof(buf)) == 0 &&
	       !strcmp(buf, "ffffffff:00:02.0"), "parse_pci_addr 32-bit domain");
	expect(parse_pci_addr("100000000:00:02.0", buf, sizeof(buf)) == -1,
	       "parse_pci_addr domain over 32 bits refused");
	expect(parse_pci_addr("000:00:04.0", buf, sizeof(buf)) == -1,
	       "parse_pci_addr 3-digit domain refused");
	expect(parse_pci_addr("10000:00:02.0x", buf, sizeof(buf)) == -1,
	       "parse_pci_addr VMD address with trailing junk refused");

	expect(parse_iopmem_name("iopmem0") == 0, "parse_iopmem_name iopmem0");
	expect(parse_iopmem_name("iopmem12") == 12, "parse_iopmem_name iopmem12");
	expect(parse_iopmem_name("iopmem") == -1, "parse_iopmem_name without number");
	expect(parse_iopmem_name("iopmem01") == -1, "parse_iopmem_name leading zero");
	expect(parse_iopmem_name("iopmem1a") == -1, "parse_iopmem_name junk");
	expect(parse_iopmem_name("../iopmem0") == -1, "parse_iopmem_name path refused");

	expect(parse_range("0xfe000000-0xfe1fffff", &s, &e) == 0 &&
	       s == 0xfe000000ULL && e == 0xfe1fffffULL, "parse_range");
	expect(parse_range("0x10-0x1", &s, &e) == -1, "parse_range end before start");
	expect(parse_range("0x10", &s, &e) == -1, "parse_range without end");

	expect(path_is_under("/sys/devices/p/iopmem/iopmem0/iopmem_dax.0/dax_region",
			     "/sys/devices/p/iopmem/iopmem0"), "path_is_under child");
	expect(!path_is_under("/sys/devices/p/iopmem/iopmem10/x",
			      "/sys/devices/p/iopmem/iopmem1"), "path_is_under iopmem10 is not under iopmem1");
	expect(!path_is_under("/sys/devices/p/iopmem/iopmem1",
			      "/sys/devices/p/iopmem/iopmem1"), "path_is_under itself is not under");
	expect(path_is_under("/a/b/c", "/a/b/"), "path_is_under trailing slash");

	expect(!strcmp(format_size(512ULL << 20, buf, sizeof(buf)), "512 MiB"), "format_size 512 MiB");
	expect(!strcmp(format_size(3ULL << 30, buf, sizeof(buf)), "3 GiB"), "format_size 3 GiB");
	expect(!strcmp(format_size(4097, buf, sizeof(buf)), "4097 B"), "format_size 4097 B");
	expect(!strcmp(format_size(0, buf, sizeof(buf)), "0 B"), "format_size 0");
	expect(!strcmp(format_size_human(512ULL << 20, buf, sizeof(buf)),
		       "512.00 MiB (536.87 MB)"), "format_size_human 512 MiB");
	expect(!strcmp(format_size_human(3ULL << 29, buf, sizeof(buf)),
		       "1.50 GiB (1.61 GB)"), "format_size_human 1.5 GiB");
	expect(!strcmp(format_size_human(4096, buf, sizeof(buf)),
		       "4.00 KiB (4.10 KB)"), "format_size_human 4 KiB");
	expect(!strcmp(format_size_human(1023, buf, sizeof(buf)), "1023 B"),
	       "format_size_human under 1 KiB: bytes");
	return failed != 0;
}
