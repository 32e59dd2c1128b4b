// SPDX-License-Identifier: GPL-2.0
/*
 * Layout arithmetic of a range of device memory: which ranges can become
 * ZONE_DEVICE memory, and how much of a range memmap=dev sets aside for
 * its struct pages.  No hardware and no locks here, so that
 * tests/kunit can check every rule on its own.
 */
#include <kunit/visibility.h>
#include <linux/align.h>
#include <linux/build_bug.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/mm_types.h>
#include <linux/pfn.h>
#include <linux/range.h>
#include <linux/sizes.h>

#include "iopmem.h"

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
 * iopmem_memmap_size() - bytes that hold the struct pages of a range
 * @range: physical range
 *
 * 64 bytes per page, rounded up to 2 MiB: the data after them stays
 * aligned for PMD mappings, and vmemmap_populate() takes whole 2 MiB
 * blocks from the altmap for every full memory section of the range (the
 * memmap of a partial section comes from RAM, using less than reserved).
 *
 * Return: the size of the memmap=dev reservation at the start of @range.
 */
u64 iopmem_memmap_size(const struct range *range)
{
	BUILD_BUG_ON(sizeof(struct page) > IOPMEM_MEMMAP_PAGE_SIZE);
	return ALIGN(PHYS_PFN(range_len(range)) * IOPMEM_MEMMAP_PAGE_SIZE,
		     IOPMEM_ALIGN);
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_memmap_size);
