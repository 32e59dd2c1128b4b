// SPDX-License-Identifier: GPL-2.0
/*
 * Layout of a range of device memory: which ranges can become ZONE_DEVICE
 * memory, how much of a range memmap=dev sets aside (its info block and
 * struct pages), that info block, and the file system signatures that
 * memmap=dev must not write over.  No hardware and no locks here, so
 * that tests/kunit can check every rule on its own.
 */
#include <kunit/visibility.h>
#include <linux/align.h>
#include <linux/build_bug.h>
#include <linux/crc32.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/mm_types.h>
#include <linux/pfn.h>
#include <linux/range.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "iopmem-private.h"

/*
 * Room for one struct page in memmap=dev, as pmem's MAX_STRUCT_PAGE_SIZE:
 * fixed, so that where the data starts (and with it the file system on
 * the device) does not move with a kernel's struct page layout.
 */
#define IOPMEM_MEMMAP_PAGE_SIZE	64

/**
 * iopmem_range_validate() - check the shape of a range for ZONE_DEVICE
 * @range: the physical range
 *
 * memremap_pages() maps whole 2 MiB subsections, so start and size must
 * be multiples of 2 MiB.  A range must also end below the last byte of
 * the 64-bit address space: its size and the address after it are
 * computed everywhere, and would wrap.  Whether the range is System RAM
 * or already mapped is for iopmem_check_range() to find out.
 *
 * Return: IOPMEM_RANGE_OK, or what is wrong with @range.
 */
enum iopmem_range_error iopmem_range_validate(const struct range *range)
{
	u64 len = range_len(range);

	if (range->end < range->start || range->end == U64_MAX)
		return IOPMEM_RANGE_INVALID;
	if (len < IOPMEM_ALIGN)
		return IOPMEM_RANGE_SMALL;
	if (!IS_ALIGNED(range->start, IOPMEM_ALIGN) ||
	    !IS_ALIGNED(len, IOPMEM_ALIGN))
		return IOPMEM_RANGE_UNALIGNED;
	return IOPMEM_RANGE_OK;
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_range_validate);

/**
 * iopmem_range_aligned_part() - the 2 MiB aligned part of a range
 * @range: the physical range
 * @part: set to the largest range inside @range whose start and size are
 *	  multiples of 2 MiB, if there is one
 *
 * What a provider could publish instead of an unaligned range, so it
 * passes iopmem_range_validate(): the top 2 MiB of the 64-bit address
 * space is never part of it.
 *
 * Return: true if @range holds at least one such 2 MiB.
 */
bool iopmem_range_aligned_part(const struct range *range, struct range *part)
{
	u64 end = min(range->end, U64_MAX - 1);
	/* Counted in 2 MiB blocks, so that nothing wraps at the top. */
	u64 first = range->start / IOPMEM_ALIGN +
		    !IS_ALIGNED(range->start, IOPMEM_ALIGN);
	u64 last = end / IOPMEM_ALIGN +	/* exclusive */
		   IS_ALIGNED(end + 1, IOPMEM_ALIGN);

	if (range->end < range->start || last <= first)
		return false;
	part->start = first * IOPMEM_ALIGN;
	part->end = (last - 1) * IOPMEM_ALIGN + IOPMEM_ALIGN - 1;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_range_aligned_part);

/**
 * iopmem_ranges_overlap() - tell whether two ranges share a byte
 * @a: a physical range
 * @b: another one
 *
 * Return: true if they do; ranges that only touch do not overlap.
 */
bool iopmem_ranges_overlap(const struct range *a, const struct range *b)
{
	return a->start <= b->end && b->start <= a->end;
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_ranges_overlap);

/**
 * iopmem_memmap_size() - bytes that memmap=dev sets aside at the start of a range
 * @range: physical range
 *
 * IOPMEM_INFO_AREA for the info block, then 64 bytes per page, rounded
 * up to 2 MiB: the data after them stays aligned for PMD mappings, and
 * vmemmap_populate() takes whole 2 MiB blocks from the altmap for every
 * full memory section of the range (the memmap of a partial section comes
 * from RAM, using less than reserved).
 *
 * Return: the size of the memmap=dev reservation at the start of @range.
 */
u64 iopmem_memmap_size(const struct range *range)
{
	BUILD_BUG_ON(sizeof(struct page) > IOPMEM_MEMMAP_PAGE_SIZE);
	return IOPMEM_INFO_AREA +
	       ALIGN(PHYS_PFN(range_len(range)) * IOPMEM_MEMMAP_PAGE_SIZE,
		     IOPMEM_ALIGN);
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_memmap_size);

static u32 iopmem_info_checksum(const struct iopmem_info_block *info)
{
	struct iopmem_info_block copy = *info;

	copy.checksum = 0;
	return crc32_le(~0, (const u8 *)&copy, sizeof(copy));
}

/**
 * iopmem_info_fill() - the info block of a new memmap=dev layout
 * @info: filled in, ready to be written at the start of @range
 * @range: physical range the layout is for
 * @uuid: 16 bytes naming the layout
 */
void iopmem_info_fill(struct iopmem_info_block *info, const struct range *range,
		      const u8 *uuid)
{
	BUILD_BUG_ON(sizeof(*info) != 72);
	BUILD_BUG_ON(sizeof(IOPMEM_INFO_MAGIC) != sizeof(info->magic));
	memset(info, 0, sizeof(*info));
	memcpy(info->magic, IOPMEM_INFO_MAGIC, sizeof(info->magic));
	info->version = cpu_to_le32(IOPMEM_INFO_VERSION);
	info->header_size = cpu_to_le32(sizeof(*info));
	info->range_size = cpu_to_le64(range_len(range));
	info->data_offset = cpu_to_le64(iopmem_memmap_size(range));
	info->page_size = cpu_to_le32(PAGE_SIZE);
	info->page_room = cpu_to_le32(IOPMEM_MEMMAP_PAGE_SIZE);
	memcpy(info->uuid, uuid, sizeof(info->uuid));
	info->checksum = cpu_to_le32(iopmem_info_checksum(info));
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_info_fill);

/**
 * iopmem_info_check() - what the start of a range says about its layout
 * @info: the first bytes of the range, as read from it
 * @range: the range now
 *
 * Return: IOPMEM_INFO_NONE without the magic, IOPMEM_INFO_DAMAGED if the
 * block is of another version or fails its checksum, IOPMEM_INFO_OTHER if
 * it describes another range size or layout, else IOPMEM_INFO_MATCH.
 */
enum iopmem_info_state iopmem_info_check(const struct iopmem_info_block *info,
					 const struct range *range)
{
	if (memcmp(info->magic, IOPMEM_INFO_MAGIC, sizeof(info->magic)))
		return IOPMEM_INFO_NONE;
	if (le32_to_cpu(info->version) != IOPMEM_INFO_VERSION ||
	    le32_to_cpu(info->header_size) != sizeof(*info) ||
	    le32_to_cpu(info->checksum) != iopmem_info_checksum(info))
		return IOPMEM_INFO_DAMAGED;
	if (le64_to_cpu(info->range_size) != range_len(range) ||
	    le64_to_cpu(info->data_offset) != iopmem_memmap_size(range) ||
	    le32_to_cpu(info->page_size) != PAGE_SIZE ||
	    le32_to_cpu(info->page_room) != IOPMEM_MEMMAP_PAGE_SIZE)
		return IOPMEM_INFO_OTHER;
	return IOPMEM_INFO_MATCH;
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_info_check);

/**
 * iopmem_fs_signature() - the file system that starts at @start, if known
 * @start: the first bytes of a range
 * @len: how many, at least 4 KiB
 *
 * The file systems that mount -o dax on iopmem: XFS ("XFSB" at 0) and
 * ext2/3/4 (0xef53 at 1080).
 *
 * Return: its name, or NULL.
 */
const char *iopmem_fs_signature(const void *start, size_t len)
{
	const u8 *p = start;

	if (len < SZ_4K)
		return NULL;
	if (!memcmp(p, "XFSB", 4))
		return "xfs";
	if (p[1080] == 0x53 && p[1081] == 0xef)
		return "ext4";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_fs_signature);
