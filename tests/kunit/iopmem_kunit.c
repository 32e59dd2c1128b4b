// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of iopmem's pure logic: which ranges ZONE_DEVICE can take,
 * the memmap=dev reservation and info block, the parsers behind the
 * cache, mode and memmap module parameters and sysfs attributes, and the
 * helpers that copy to, from and zero device memory (on RAM: their fences
 * and load widths only matter on WC or UC memory, which KUnit does not
 * have).
 *
 * They call the functions of iopmem.ko itself, exported to the
 * EXPORTED_FOR_KUNIT_TESTING namespace on kernels with CONFIG_KUNIT
 * (EXPORT_SYMBOL_IF_KUNIT), never copies of them.  Expected values are
 * written out here, not derived from the driver's own tables or macros,
 * so that a wrong table or constant in the driver fails a test.
 * tests/cases/rig/kunit.sh loads this module and reports each case.
 */
#include <kunit/test.h>
#include <linux/mm_types.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pfn.h>
#include <linux/range.h>
#include <linux/sizes.h>
#include <linux/unaligned.h>

#include "../../drivers/block/iopmem/iopmem-private.h"

/* The top of the 64-bit physical address space, where end + 1 wraps. */
#define TOP	U64_MAX

static bool control;
module_param(control, bool, 0444);
MODULE_PARM_DESC(control,
		 "Make the case control_fails_on_request fail on purpose, so that a run shows a failing expectation reaching the rig as 'not ok' (default off: the case is skipped)");

/* --- range validation --------------------------------------------------- */

struct range_case {
	const char *desc;
	u64 start;
	u64 end;
	enum iopmem_range_error expected;
};

static const struct range_case range_cases[] = {
	{ "2 MiB at 4 GiB", SZ_4G, SZ_4G + SZ_2M - 1, IOPMEM_RANGE_OK },
	{ "512 MiB at 3.5 GiB", 0xe0000000, 0xffffffff, IOPMEM_RANGE_OK },
	{ "4 GiB + 2 MiB above 1 TiB", BIT_ULL(40),
	  BIT_ULL(40) + SZ_4G + SZ_2M - 1, IOPMEM_RANGE_OK },
	{ "2 MiB just below the top 2 MiB", TOP - SZ_4M + 1, TOP - SZ_2M,
	  IOPMEM_RANGE_OK },
	{ "1 MiB", SZ_4G, SZ_4G + SZ_1M - 1, IOPMEM_RANGE_SMALL },
	{ "2 MiB less one page", SZ_4G, SZ_4G + SZ_2M - PAGE_SIZE - 1,
	  IOPMEM_RANGE_SMALL },
	{ "one byte", SZ_4G, SZ_4G, IOPMEM_RANGE_SMALL },
	{ "3 MiB", SZ_4G, SZ_4G + 3 * SZ_1M - 1, IOPMEM_RANGE_UNALIGNED },
	{ "2 MiB plus one page", SZ_4G, SZ_4G + SZ_2M + PAGE_SIZE - 1,
	  IOPMEM_RANGE_UNALIGNED },
	{ "4 MiB at 4 GiB + 1 MiB", SZ_4G + SZ_1M, SZ_4G + SZ_1M + SZ_4M - 1,
	  IOPMEM_RANGE_UNALIGNED },
	{ "4 MiB at 4 GiB + 4 KiB", SZ_4G + SZ_4K, SZ_4G + SZ_4K + SZ_4M - 1,
	  IOPMEM_RANGE_UNALIGNED },
	{ "empty: end one below start", SZ_4G, SZ_4G - 1,
	  IOPMEM_RANGE_INVALID },
	/* end - start + 1 wraps to an aligned size: must not pass as one */
	{ "end 2 MiB below start", SZ_4G, SZ_4G - SZ_2M - 1,
	  IOPMEM_RANGE_INVALID },
	{ "the top 2 MiB, end + 1 wraps", TOP - SZ_2M + 1, TOP,
	  IOPMEM_RANGE_INVALID },
	{ "the whole 64-bit space, size wraps to 0", 0, TOP,
	  IOPMEM_RANGE_INVALID },
};

KUNIT_ARRAY_PARAM_DESC(range_validate, range_cases, desc);

static void range_validate_test(struct kunit *test)
{
	const struct range_case *c = test->param_value;
	struct range range = { .start = c->start, .end = c->end };

	KUNIT_EXPECT_EQ(test, iopmem_range_validate(&range), c->expected);
}

struct aligned_part_case {
	const char *desc;
	u64 start;
	u64 end;
	bool has_part;
	u64 part_start;
	u64 part_end;
};

static const struct aligned_part_case aligned_part_cases[] = {
	{ "3 MiB at 0: the first 2 MiB", 0, 3 * SZ_1M - 1,
	  true, 0, SZ_2M - 1 },
	{ "5 MiB at 4 GiB + 1 MiB: 4 MiB at 4 GiB + 2 MiB",
	  SZ_4G + SZ_1M, SZ_4G + 6 * SZ_1M - 1,
	  true, SZ_4G + SZ_2M, SZ_4G + 6 * SZ_1M - 1 },
	{ "an aligned range is its own part", SZ_4G, SZ_4G + SZ_8M - 1,
	  true, SZ_4G, SZ_4G + SZ_8M - 1 },
	{ "2 MiB at 1 MiB: no aligned 2 MiB inside", SZ_1M, 3 * SZ_1M - 1,
	  false, 0, 0 },
	{ "4 MiB less two pages at 4 KiB: no aligned 2 MiB inside",
	  SZ_4K, SZ_4M - SZ_4K - 1, false, 0, 0 },
	{ "1 MiB: no part", SZ_4G, SZ_4G + SZ_1M - 1, false, 0, 0 },
	/* The top 2 MiB is never offered: iopmem_range_validate() refuses it. */
	{ "top 3 MiB: no part", TOP - 3 * SZ_1M + 1, TOP, false, 0, 0 },
	{ "top 5 MiB: the 2 MiB below the top 2 MiB", TOP - 5 * SZ_1M + 1, TOP,
	  true, TOP - SZ_4M + 1, TOP - SZ_2M },
	/* ALIGN(start) would wrap to 0 here */
	{ "last 1 MiB below the top: no part", TOP - SZ_1M, TOP - 1,
	  false, 0, 0 },
};

KUNIT_ARRAY_PARAM_DESC(aligned_part, aligned_part_cases, desc);

static void range_aligned_part_test(struct kunit *test)
{
	const struct aligned_part_case *c = test->param_value;
	struct range range = { .start = c->start, .end = c->end };
	struct range part = { .start = 1, .end = 0 };
	bool found;

	found = iopmem_range_aligned_part(&range, &part);
	KUNIT_ASSERT_EQ(test, found, c->has_part);
	if (!found)
		return;
	KUNIT_EXPECT_EQ(test, part.start, c->part_start);
	KUNIT_EXPECT_EQ(test, part.end, c->part_end);
	/* What the message offers must itself pass validation. */
	KUNIT_EXPECT_EQ(test, iopmem_range_validate(&part), IOPMEM_RANGE_OK);
}

struct overlap_case {
	const char *desc;
	struct range a;
	struct range b;
	bool overlap;
};

static const struct overlap_case overlap_cases[] = {
	{ "the same range", { SZ_4G, SZ_4G + SZ_2M - 1 },
	  { SZ_4G, SZ_4G + SZ_2M - 1 }, true },
	{ "b starts right after a ends", { SZ_4G, SZ_4G + SZ_2M - 1 },
	  { SZ_4G + SZ_2M, SZ_4G + SZ_4M - 1 }, false },
	{ "a starts right after b ends", { SZ_4G + SZ_2M, SZ_4G + SZ_4M - 1 },
	  { SZ_4G, SZ_4G + SZ_2M - 1 }, false },
	{ "one shared byte at the end of a", { SZ_4G, SZ_4G + SZ_2M - 1 },
	  { SZ_4G + SZ_2M - 1, SZ_4G + SZ_4M - 1 }, true },
	{ "one shared byte at the start of a", { SZ_4G, SZ_4G + SZ_2M - 1 },
	  { SZ_2G, SZ_4G }, true },
	{ "b inside a", { SZ_4G, SZ_4G + SZ_64M - 1 },
	  { SZ_4G + SZ_8M, SZ_4G + SZ_16M - 1 }, true },
	{ "a inside b", { SZ_4G + SZ_8M, SZ_4G + SZ_16M - 1 },
	  { SZ_4G, SZ_4G + SZ_64M - 1 }, true },
	{ "far apart", { 0, SZ_2M - 1 }, { TOP - SZ_2M + 1, TOP }, false },
};

KUNIT_ARRAY_PARAM_DESC(ranges_overlap, overlap_cases, desc);

static void ranges_overlap_test(struct kunit *test)
{
	const struct overlap_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, iopmem_ranges_overlap(&c->a, &c->b), c->overlap);
	KUNIT_EXPECT_EQ(test, iopmem_ranges_overlap(&c->b, &c->a), c->overlap);
}

/* --- memmap=dev reservation ---------------------------------------------- */

/*
 * 2 MiB for the info block, then 64 bytes of struct page per 4 KiB page
 * (16 MiB per GiB), rounded up to 2 MiB.  A memory section is 128 MiB on
 * x86_64: its struct pages fill exactly 2 MiB.
 */
struct memmap_case {
	const char *desc;
	u64 start;
	u64 size;
	u64 reserved;
};

static const struct memmap_case memmap_cases[] = {
	{ "2 MiB: more than all of it", SZ_4G, SZ_2M, SZ_4M },
	{ "4 MiB: all of it, nothing left for data", SZ_4G, SZ_4M, SZ_4M },
	{ "128 MiB, one whole section", SZ_4G, SZ_128M, SZ_4M },
	{ "130 MiB, a section and 2 MiB of the next", SZ_4G,
	  SZ_128M + SZ_2M, 6 * SZ_1M },
	{ "256 MiB at 4 GiB + 64 MiB, across three sections",
	  SZ_4G + SZ_64M, SZ_256M, 6 * SZ_1M },
	{ "512 MiB", 0xe0000000, SZ_512M, 10 * SZ_1M },
	{ "1 GiB + 2 MiB", SZ_4G, SZ_1G + SZ_2M, 20 * SZ_1M },
	{ "4 GiB", SZ_4G, SZ_4G, 66 * SZ_1M },
	{ "6 GiB + 64 MiB, half a section at the end", SZ_8G,
	  6ULL * SZ_1G + SZ_64M, 100 * SZ_1M },
	{ "1 TiB", BIT_ULL(40), BIT_ULL(40), 16ULL * SZ_1G + SZ_2M },
};

KUNIT_ARRAY_PARAM_DESC(memmap_size, memmap_cases, desc);

static struct range memmap_case_range(const struct memmap_case *c)
{
	return (struct range) { .start = c->start,
				.end = c->start + c->size - 1 };
}

static void memmap_size_test(struct kunit *test)
{
	const struct memmap_case *c = test->param_value;
	struct range range = memmap_case_range(c);

	KUNIT_EXPECT_EQ(test, iopmem_memmap_size(&range), c->reserved);
}

/*
 * What memremap_pages() takes from the altmap: on x86_64,
 * vmemmap_populate() maps the struct pages of each whole memory section
 * with 2 MiB blocks from it; a part of a section gets base pages from
 * RAM.  The reservation must cover the blocks of every whole section in
 * the range, or the pgmap cannot be created (-ENOMEM).
 */
static u64 altmap_need(const struct range *range)
{
	unsigned long first = SECTION_ALIGN_UP(PHYS_PFN(range->start));
	unsigned long last = SECTION_ALIGN_DOWN(PHYS_PFN(range->end + 1));
	u64 per_section = ALIGN(PAGES_PER_SECTION * sizeof(struct page),
				PMD_SIZE);

	if (last <= first)
		return 0;
	return (last - first) / PAGES_PER_SECTION * per_section;
}

static void memmap_size_bounds_test(struct kunit *test)
{
	const struct memmap_case *c = test->param_value;
	struct range range = memmap_case_range(c);
	u64 reserved = iopmem_memmap_size(&range);
	u64 pages = PHYS_PFN(c->size);

	/* The data after the struct pages stays aligned for PMD faults. */
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(reserved, SZ_2M));
	/* The info block's 2 MiB, then every struct page, this kernel's too. */
	KUNIT_EXPECT_GE(test, reserved, SZ_2M + pages * 64);
	KUNIT_EXPECT_GE(test, reserved, SZ_2M + pages * sizeof(struct page));
	/* No more than the rounding to 2 MiB on top. */
	KUNIT_EXPECT_LT(test, reserved, SZ_2M + pages * 64 + SZ_2M);
	KUNIT_EXPECT_GE(test, reserved, SZ_2M + altmap_need(&range));
}

/*
 * The sections counted by altmap_need() itself, so that the bound above
 * cannot pass because the helper counts nothing.
 */
static void altmap_need_test(struct kunit *test)
{
	const u64 section = PAGES_PER_SECTION << PAGE_SHIFT;
	struct range one = { SZ_4G, SZ_4G + section - 1 };
	struct range shifted = { SZ_4G + SZ_2M, SZ_4G + SZ_2M + section - 1 };
	struct range three = { SZ_4G - SZ_2M, SZ_4G + 3 * section + SZ_2M - 1 };

	KUNIT_ASSERT_EQ(test, section, (u64)SZ_128M);
	KUNIT_EXPECT_EQ(test, altmap_need(&one), (u64)SZ_2M);
	KUNIT_EXPECT_EQ(test, altmap_need(&shifted), 0);
	KUNIT_EXPECT_EQ(test, altmap_need(&three), (u64)3 * SZ_2M);
}

/* --- memmap=dev info block ---------------------------------------------- */

static const u8 info_uuid[16] = "0123456789abcdef";
static const struct range info_range = { SZ_4G, SZ_4G + SZ_512M - 1 };

/* The fields at the offsets the on-device format fixes, written out. */
static void info_fill_test(struct kunit *test)
{
	struct iopmem_info_block info;
	const u8 *b = (const u8 *)&info;

	iopmem_info_fill(&info, &info_range, info_uuid);
	KUNIT_EXPECT_EQ(test, sizeof(info), (size_t)72);
	KUNIT_EXPECT_MEMEQ(test, b, "IOPMEM_MEMMAP\0\0\0", 16);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(b + 16), 1);		/* version */
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(b + 20), 72);	/* header size */
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(b + 24), (u64)SZ_512M);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(b + 32), (u64)10 * SZ_1M);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(b + 40), 4096);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(b + 44), 64);
	KUNIT_EXPECT_MEMEQ(test, b + 48, info_uuid, 16);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(b + 64), 0);
	KUNIT_EXPECT_EQ(test, iopmem_info_check(&info, &info_range),
			IOPMEM_INFO_MATCH);
}

/*
 * Every single changed byte is found: in the magic the block is not one,
 * anywhere else its checksum fails.
 */
static void info_damage_test(struct kunit *test)
{
	struct iopmem_info_block good, bad;
	unsigned int i;

	iopmem_info_fill(&good, &info_range, info_uuid);
	for (i = 0; i < sizeof(good); i++) {
		bad = good;
		((u8 *)&bad)[i] ^= 0x20;
		KUNIT_EXPECT_EQ_MSG(test, iopmem_info_check(&bad, &info_range),
				    i < 16 ? IOPMEM_INFO_NONE :
					     IOPMEM_INFO_DAMAGED,
				    "byte %u changed", i);
	}
}

/* A sound block for another range size; a range of the same size elsewhere. */
static void info_other_range_test(struct kunit *test)
{
	const struct range smaller = { SZ_4G, SZ_4G + SZ_256M - 1 };
	const struct range moved = { SZ_8G, SZ_8G + SZ_512M - 1 };
	struct iopmem_info_block info;

	iopmem_info_fill(&info, &info_range, info_uuid);
	KUNIT_EXPECT_EQ(test, iopmem_info_check(&info, &smaller),
			IOPMEM_INFO_OTHER);
	KUNIT_EXPECT_EQ(test, iopmem_info_check(&info, &moved),
			IOPMEM_INFO_MATCH);
}

static void fs_signature_test(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, SZ_4K, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_NULL(test, iopmem_fs_signature(buf, SZ_4K));
	memcpy(buf, "XFSB", 4);
	KUNIT_EXPECT_STREQ(test, iopmem_fs_signature(buf, SZ_4K), "xfs");
	KUNIT_EXPECT_NULL(test, iopmem_fs_signature(buf, SZ_4K - 1));
	memset(buf, 0, SZ_4K);
	buf[1080] = 0x53;
	buf[1081] = 0xef;
	KUNIT_EXPECT_STREQ(test, iopmem_fs_signature(buf, SZ_4K), "ext4");
	buf[1081] = 0xee;
	KUNIT_EXPECT_NULL(test, iopmem_fs_signature(buf, SZ_4K));
}

/* --- parsers ------------------------------------------------------------- */

struct parse_case {
	const char *desc;
	const char *buf;
	int expected;
};

/*
 * Spellings a user writes: the name alone (modprobe cache=wc), with the
 * newline of echo (sysfs, /sys/module/iopmem/parameters), and nothing
 * else: no case folding, no spaces, no second newline, no indexes.
 */
static const struct parse_case cache_cases[] = {
	{ "wc", "wc", IOPMEM_CACHE_WC },
	{ "wc and newline", "wc\n", IOPMEM_CACHE_WC },
	{ "uc", "uc", IOPMEM_CACHE_UC },
	{ "uc and newline", "uc\n", IOPMEM_CACHE_UC },
	{ "WC refused", "WC", -EINVAL },
	{ "leading space refused", " wc", -EINVAL },
	{ "trailing space refused", "wc ", -EINVAL },
	{ "two newlines refused", "wc\n\n", -EINVAL },
	{ "CR LF refused", "uc\r\n", -EINVAL },
	{ "prefix w refused", "w", -EINVAL },
	{ "wcc refused", "wcc", -EINVAL },
	{ "index 0 refused", "0", -EINVAL },
	{ "empty refused", "", -EINVAL },
	{ "newline alone refused", "\n", -EINVAL },
	{ "a mode name refused", "fsdax", -EINVAL },
};

static const struct parse_case mode_cases[] = {
	{ "fsdax", "fsdax", IOPMEM_MODE_FSDAX },
	{ "fsdax and newline", "fsdax\n", IOPMEM_MODE_FSDAX },
	{ "devdax", "devdax", IOPMEM_MODE_DEVDAX },
	{ "devdax and newline", "devdax\n", IOPMEM_MODE_DEVDAX },
	{ "p2pdma", "p2pdma", IOPMEM_MODE_P2PDMA },
	{ "p2pdma and newline", "p2pdma\n", IOPMEM_MODE_P2PDMA },
	{ "iopfs", "iopfs", IOPMEM_MODE_IOPFS },
	{ "iopfs and newline", "iopfs\n", IOPMEM_MODE_IOPFS },
	{ "p2p refused", "p2p", -EINVAL },
	{ "FSDAX refused", "FSDAX", -EINVAL },
	{ "dax refused", "dax", -EINVAL },
	{ "trailing space refused", "devdax ", -EINVAL },
	{ "two newlines refused", "fsdax\n\n", -EINVAL },
	{ "index 1 refused", "1", -EINVAL },
	{ "empty refused", "", -EINVAL },
	{ "a cache name refused", "wc", -EINVAL },
};

static const struct parse_case memmap_parse_cases[] = {
	{ "ram", "ram", IOPMEM_MEMMAP_RAM },
	{ "ram and newline", "ram\n", IOPMEM_MEMMAP_RAM },
	{ "dev", "dev", IOPMEM_MEMMAP_DEV },
	{ "dev and newline", "dev\n", IOPMEM_MEMMAP_DEV },
	{ "RAM refused", "RAM", -EINVAL },
	{ "devdax refused, dev is only its prefix", "devdax", -EINVAL },
	{ "pmem refused", "pmem", -EINVAL },
	{ "two newlines refused", "dev\n\n", -EINVAL },
	{ "leading space refused", " ram", -EINVAL },
	{ "empty refused", "", -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(parse_cache, cache_cases, desc);
KUNIT_ARRAY_PARAM_DESC(parse_mode, mode_cases, desc);
KUNIT_ARRAY_PARAM_DESC(parse_memmap, memmap_parse_cases, desc);

static void parse_cache_test(struct kunit *test)
{
	const struct parse_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, iopmem_parse_cache(c->buf), c->expected);
}

static void parse_mode_test(struct kunit *test)
{
	const struct parse_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, iopmem_parse_mode(c->buf), c->expected);
}

static void parse_memmap_test(struct kunit *test)
{
	const struct parse_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, iopmem_parse_memmap(c->buf), c->expected);
}

/*
 * A module parameter: the real kernel_param_ops on a copy of the real
 * default (its names, count and messages), so that the module's own
 * defaults are never changed by a test.
 */
struct param_case {
	const char *desc;
	const struct iopmem_choice *choice;
	const char *name;		/* the parameter */
	const char *values[4];		/* in enum order */
	int count;
};

static const struct param_case param_cases[] = {
	{ "cache", &iopmem_default_cache, "cache", { "wc", "uc" }, 2 },
	{ "mode", &iopmem_default_mode, "mode",
	  { "fsdax", "devdax", "p2pdma", "iopfs" }, 4 },
	{ "memmap", &iopmem_default_memmap, "memmap", { "ram", "dev" }, 2 },
};

KUNIT_ARRAY_PARAM_DESC(param, param_cases, desc);

static void param_set_get_test(struct kunit *test)
{
	const struct param_case *c = test->param_value;
	struct iopmem_choice choice = *c->choice;
	struct kernel_param kp = {
		.name	= c->name,
		.ops	= &iopmem_choice_ops,
		.arg	= &choice,
	};
	char with_newline[16];
	char *buf;
	int i;

	/* sysfs_emit() wants a page, as the parameter's sysfs file has. */
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED((unsigned long)buf, PAGE_SIZE));

	KUNIT_EXPECT_STREQ(test, choice.name, c->name);
	KUNIT_EXPECT_EQ(test, choice.count, c->count);
	for (i = 0; i < c->count; i++) {
		/* Each value, as modprobe passes it and as echo writes it. */
		choice.value = !i;
		KUNIT_EXPECT_EQ(test, iopmem_choice_ops.set(c->values[i], &kp), 0);
		KUNIT_EXPECT_EQ(test, choice.value, i);
		choice.value = !i;
		snprintf(with_newline, sizeof(with_newline), "%s\n",
			 c->values[i]);
		KUNIT_EXPECT_EQ(test, iopmem_choice_ops.set(with_newline, &kp), 0);
		KUNIT_EXPECT_EQ(test, choice.value, i);

		KUNIT_EXPECT_EQ(test, iopmem_choice_ops.get(buf, &kp),
				(int)strlen(with_newline));
		KUNIT_EXPECT_STREQ(test, buf, with_newline);
	}

	/* A refused value leaves the setting as it was. */
	choice.value = 1;
	KUNIT_EXPECT_EQ(test, iopmem_choice_ops.set("bogus\n", &kp), -EINVAL);
	KUNIT_EXPECT_EQ(test, choice.value, 1);
	KUNIT_EXPECT_EQ(test, iopmem_choice_ops.set("", &kp), -EINVAL);
	KUNIT_EXPECT_EQ(test, choice.value, 1);
}

/* --- copies to, from and zeroing of device memory ----------------------- */

/*
 * The helpers work on any memory; here they run on RAM.  Each copy lands
 * in a buffer of guard bytes, and every byte of the buffer is checked:
 * the copied ones hold what the source held at their offset, all others
 * still hold the guard.  Offsets 0..15 put every alignment on both sides
 * of the 8-byte loads, lengths 0..80 every head, middle and tail up to
 * ten words; 4099 bytes cross a page (iopmem_zero_dev() works in pages).
 */
#define COPY_GUARD	0xa5
#define COPY_MAX_OFF	16
#define COPY_MAX_SHORT	80
#define COPY_LONG	(SZ_4K + 3)
#define COPY_BUF	(COPY_MAX_OFF + COPY_LONG + COPY_MAX_OFF)

/* Source bytes: never 0 (zeroing) nor the guard, and each tells its offset. */
static u8 copy_pattern(size_t i)
{
	return 1 + i % 163;
}

/*
 * The first wrong byte of @buf (@size bytes) after a copy of @len bytes to
 * offset @off from offset @src_off of the pattern (or of zeros when
 * @zero), or @size if none.
 */
static size_t copy_first_wrong(const u8 *buf, size_t size, size_t off,
			       size_t len, size_t src_off, bool zero)
{
	size_t i;
	u8 want;

	for (i = 0; i < size; i++) {
		if (i < off || i >= off + len)
			want = COPY_GUARD;
		else
			want = zero ? 0 : copy_pattern(src_off + i - off);
		if (buf[i] != want)
			return i;
	}
	return size;
}

struct copy_bufs {
	u8 *src;	/* the pattern */
	u8 *dst;	/* 16-byte aligned, COPY_BUF bytes */
};

static void copy_bufs_init(struct kunit *test, struct copy_bufs *b)
{
	size_t i;

	b->src = kunit_kmalloc(test, COPY_BUF + 16, GFP_KERNEL);
	b->dst = kunit_kmalloc(test, COPY_BUF + 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b->src);
	KUNIT_ASSERT_NOT_NULL(test, b->dst);
	b->src = PTR_ALIGN(b->src, 16);
	b->dst = PTR_ALIGN(b->dst, 16);
	for (i = 0; i < COPY_BUF; i++)
		b->src[i] = copy_pattern(i);
}

typedef void (*copy_fn)(void *dst, const void *src, size_t len);

/*
 * Copy @len bytes from source offset @src_off to @dst_off with @copy
 * (zero it with iopmem_zero_dev() if @copy is NULL) and check all of the
 * first @size bytes of the destination.  False, logged, if one is wrong.
 */
static bool copy_one(struct kunit *test, struct copy_bufs *b, copy_fn copy,
		     size_t src_off, size_t dst_off, size_t len, size_t size)
{
	size_t bad;

	memset(b->dst, COPY_GUARD, size);
	if (copy)
		copy(b->dst + dst_off, b->src + src_off, len);
	else
		iopmem_zero_dev(b->dst + dst_off, len);
	bad = copy_first_wrong(b->dst, size, dst_off, len, src_off, !copy);
	if (bad == size)
		return true;
	KUNIT_FAIL(test, "%zu bytes from offset %zu to offset %zu: byte %zu is %#x",
		   len, src_off, dst_off, bad, b->dst[bad]);
	return false;
}

/* Every alignment and short length, then the long copy; stops at the first error. */
static void copy_all(struct kunit *test, copy_fn copy)
{
	struct copy_bufs b;
	size_t src_off, dst_off, len, n = 0;

	copy_bufs_init(test, &b);
	for (src_off = 0; src_off < COPY_MAX_OFF; src_off++) {
		for (dst_off = 0; dst_off < COPY_MAX_OFF; dst_off++) {
			for (len = 0; len <= COPY_MAX_SHORT; len++, n++)
				if (!copy_one(test, &b, copy, src_off, dst_off,
					      len, 2 * COPY_MAX_OFF + COPY_MAX_SHORT))
					return;
			if (!copy_one(test, &b, copy, src_off, dst_off,
				      COPY_LONG, COPY_BUF))
				return;
			n++;
		}
		/* Zeroing has no source: its offsets are done once. */
		if (!copy)
			break;
	}
	kunit_info(test, "%zu copies checked", n);
}

struct dev_copy_case {
	const char *desc;
	copy_fn copy;
};

static const struct dev_copy_case dev_copy_cases[] = {
	{ "iopmem_copy_from_dev", iopmem_copy_from_dev },
	{ "iopmem_copy_to_dev", iopmem_copy_to_dev },
};

KUNIT_ARRAY_PARAM_DESC(dev_copy, dev_copy_cases, desc);

static void dev_copy_test(struct kunit *test)
{
	const struct dev_copy_case *c = test->param_value;

	copy_all(test, c->copy);
}

static void dev_zero_test(struct kunit *test)
{
	copy_all(test, NULL);
}

/*
 * The check above on copies broken on purpose, so that it cannot pass a
 * helper that copies a byte too few or too many, or from the wrong place.
 */
static void dev_copy_check_catches_errors(struct kunit *test)
{
	const size_t size = 2 * COPY_MAX_OFF + COPY_MAX_SHORT;
	struct copy_bufs b;

	copy_bufs_init(test, &b);
	memset(b.dst, COPY_GUARD, size);
	memcpy(b.dst + 3, b.src + 5, 40);
	KUNIT_EXPECT_EQ(test, copy_first_wrong(b.dst, size, 3, 40, 5, false),
			size);
	/* one byte short */
	KUNIT_EXPECT_EQ(test, copy_first_wrong(b.dst, size, 3, 41, 5, false),
			43);
	/* one byte too many */
	KUNIT_EXPECT_EQ(test, copy_first_wrong(b.dst, size, 3, 39, 5, false),
			42);
	/* one byte early */
	KUNIT_EXPECT_EQ(test, copy_first_wrong(b.dst, size, 4, 40, 6, false),
			3);
	/* from the wrong source offset */
	KUNIT_EXPECT_EQ(test, copy_first_wrong(b.dst, size, 3, 40, 4, false),
			3);
	/* zeros expected, the pattern found */
	KUNIT_EXPECT_EQ(test, copy_first_wrong(b.dst, size, 3, 40, 5, true),
			3);
}

/* --- the control --------------------------------------------------------- */

/*
 * Fails on purpose when the module is loaded with control=1: a wrong
 * expectation about a real driver function, so that the rig can show
 * that a failing KUnit check reaches it as "not ok".
 */
static void control_fails_on_request(struct kunit *test)
{
	struct range range = { SZ_4G, SZ_4G + SZ_128M - 1 };

	if (!control)
		kunit_skip(test, "load with control=1 to make this case fail");
	KUNIT_EXPECT_EQ_MSG(test, iopmem_memmap_size(&range), (u64)SZ_2M,
			    "control=1: this expectation is wrong on purpose (the reservation of 128 MiB is 4 MiB)");
}

static struct kunit_case iopmem_test_cases[] = {
	KUNIT_CASE_PARAM(range_validate_test, range_validate_gen_params),
	KUNIT_CASE_PARAM(range_aligned_part_test, aligned_part_gen_params),
	KUNIT_CASE_PARAM(ranges_overlap_test, ranges_overlap_gen_params),
	KUNIT_CASE_PARAM(memmap_size_test, memmap_size_gen_params),
	KUNIT_CASE_PARAM(memmap_size_bounds_test, memmap_size_gen_params),
	KUNIT_CASE(altmap_need_test),
	KUNIT_CASE(info_fill_test),
	KUNIT_CASE(info_damage_test),
	KUNIT_CASE(info_other_range_test),
	KUNIT_CASE(fs_signature_test),
	KUNIT_CASE_PARAM(parse_cache_test, parse_cache_gen_params),
	KUNIT_CASE_PARAM(parse_mode_test, parse_mode_gen_params),
	KUNIT_CASE_PARAM(parse_memmap_test, parse_memmap_gen_params),
	KUNIT_CASE_PARAM(param_set_get_test, param_gen_params),
	KUNIT_CASE_PARAM(dev_copy_test, dev_copy_gen_params),
	KUNIT_CASE(dev_zero_test),
	KUNIT_CASE(dev_copy_check_catches_errors),
	KUNIT_CASE(control_fails_on_request),
	{}
};

static struct kunit_suite iopmem_test_suite = {
	.name		= "iopmem",
	.test_cases	= iopmem_test_cases,
};

kunit_test_suite(iopmem_test_suite);

/*
 * MODULE_IMPORT_NS() took a bare identifier before 6.13 and takes a
 * string since; the modinfo tag it expands to is the same on both.
 */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("KUnit tests of iopmem's range, memmap, parser and copy logic");
MODULE_LICENSE("GPL");
