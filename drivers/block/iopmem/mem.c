// SPDX-License-Identifier: GPL-2.0
/*
 * Device memory as ZONE_DEVICE pages with a chosen memory type.
 *
 * dev_pagemap has no caching attribute: memremap_pages() asks for write-back
 * and then adopts whatever PAT reservation already covers the range.  So
 * the memory type is reserved first (write-combining through
 * arch_io_reserve_memtype_wc(), uncached through a held ioremap_uc()),
 * read back (an older overlapping reservation wins silently) and released
 * only after the pages are gone.  No kernel change is needed.
 *
 * The struct pages themselves live in system RAM (memmap=ram) or, as
 * pmem's "--map=dev", in the first part of the range (memmap=dev): a
 * vmem_altmap hands that part to the kernel's vmemmap, which maps it
 * write-back, and the data follows.  Only the data part is ever accessed
 * through the WC or UC mapping.
 */
#include <kunit/visibility.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/jiffies.h>
#include <linux/memory.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uuid.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <asm/memtype.h>

#include "compat.h"
#include "iopmem-private.h"

/* Ranges that have (or are about to have) struct pages, live or orphaned. */
static LIST_HEAD(iopmem_busy_ranges);
static DEFINE_SPINLOCK(iopmem_busy_lock);
static DECLARE_WAIT_QUEUE_HEAD(iopmem_busy_wait);

static struct iopmem_mapping *
iopmem_find_busy_locked(const struct range *range)
{
	struct iopmem_mapping *map;

	lockdep_assert_held(&iopmem_busy_lock);
	list_for_each_entry(map, &iopmem_busy_ranges, busy_node)
		if (iopmem_ranges_overlap(&map->range, range))
			return map;
	return NULL;
}

/* Log who maps @range, if anyone; -EBUSY then. */
static int iopmem_check_busy(struct device *dev, const struct range *range)
{
	struct resource res = DEFINE_RES_MEM(range->start, range_len(range));
	struct iopmem_mapping *map;
	char name[sizeof(map->name)];
	bool orphaned;

	spin_lock(&iopmem_busy_lock);
	map = iopmem_find_busy_locked(range);
	if (map) {
		strscpy(name, map->name, sizeof(name));
		orphaned = map->orphaned;
	}
	spin_unlock(&iopmem_busy_lock);
	if (!map)
		return 0;

	if (orphaned)
		dev_err(dev, "%pR is still mapped by %s, which was removed while in use; unmount or close /dev/%s\n",
			&res, name, name);
	else
		dev_err(dev, "%pR overlaps %s, which is already published; unbind its owner first\n",
			&res, name);
	return -EBUSY;
}

static bool iopmem_range_busy(const struct range *range)
{
	bool busy;

	spin_lock(&iopmem_busy_lock);
	busy = iopmem_find_busy_locked(range);
	spin_unlock(&iopmem_busy_lock);
	return busy;
}

static bool iopmem_no_range_busy(void)
{
	bool empty;

	spin_lock(&iopmem_busy_lock);
	empty = list_empty(&iopmem_busy_ranges);
	spin_unlock(&iopmem_busy_lock);
	return empty;
}

/* memremap_pages() WARNs on an overlap, so look for other pgmaps first. */
static bool iopmem_range_has_pgmap(const struct range *range)
{
	struct dev_pagemap *pgmap;
	u64 addr;

	for (addr = range->start; addr < range->end; addr += IOPMEM_ALIGN) {
		pgmap = iopmem_get_dev_pagemap(PHYS_PFN(addr));
		if (pgmap) {
			put_dev_pagemap(pgmap);
			return true;
		}
	}
	return false;
}

/**
 * iopmem_check_range() - tell whether a range can become ZONE_DEVICE memory
 * @dev: device to report problems against
 * @range: the physical range
 *
 * Every refusal is logged with its cause and the fix.
 *
 * Return: 0, -EINVAL for a range that can never work, -EBUSY for one that
 * is in use now.
 */
int iopmem_check_range(struct device *dev, const struct range *range)
{
	u64 len = range_len(range);
	struct resource res = DEFINE_RES_MEM(range->start, len);
	struct range part;

	switch (iopmem_range_validate(range)) {
	case IOPMEM_RANGE_OK:
		break;
	case IOPMEM_RANGE_INVALID:
		dev_err(dev, "[mem %#llx-%#llx] is empty or ends at the top of the address space; publish a valid range\n",
			range->start, range->end);
		return -EINVAL;
	case IOPMEM_RANGE_SMALL:
		dev_err(dev, "%pR is smaller than 2 MiB (the smallest ZONE_DEVICE unit); publish a larger range\n",
			&res);
		return -EINVAL;
	case IOPMEM_RANGE_UNALIGNED:
		if (!iopmem_range_aligned_part(range, &part)) {
			dev_err(dev, "%pR is not 2 MiB aligned in start and size and holds no aligned 2 MiB; publish a larger range\n",
				&res);
			return -EINVAL;
		}
		dev_err(dev, "%pR is not 2 MiB aligned in start and size; publish the aligned part [mem %#llx-%#llx]\n",
			&res, part.start, part.end);
		return -EINVAL;
	}
	if (region_intersects(range->start, len, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		dev_err(dev, "%pR overlaps System RAM; publish device memory only\n",
			&res);
		return -EINVAL;
	}
	if (iopmem_check_busy(dev, range))
		return -EBUSY;
	if (iopmem_range_has_pgmap(range)) {
		dev_err(dev, "%pR already has struct pages from another driver (pmem, device-dax?); release it there first\n",
			&res);
		return -EBUSY;
	}
	return 0;
}

static void iopmem_release_memtype(struct iopmem_mapping *map)
{
	switch (map->cache) {
	case IOPMEM_CACHE_WC:
		arch_io_free_memtype_wc(map->range.start,
					range_len(&map->range));
		break;
	case IOPMEM_CACHE_UC:
		iounmap(map->uc_hold);
		map->uc_hold = NULL;
		break;
	}
}

static const char *const iopmem_cachemode_names[] = {
	[_PAGE_CACHE_MODE_WB]		= "write-back",
	[_PAGE_CACHE_MODE_WC]		= "write-combining",
	[_PAGE_CACHE_MODE_UC_MINUS]	= "uncached-minus",
	[_PAGE_CACHE_MODE_UC]		= "uncached",
	[_PAGE_CACHE_MODE_WT]		= "write-through",
	[_PAGE_CACHE_MODE_WP]		= "write-protected",
};

static enum page_cache_mode iopmem_cachemode(enum iopmem_cache cache)
{
	return cache == IOPMEM_CACHE_WC ? _PAGE_CACHE_MODE_WC :
					  _PAGE_CACHE_MODE_UC;
}

/*
 * The memory type the kernel page table gives @addr, as pat_memtype_list
 * names it; NULL if @addr is not mapped.  Large pages keep their PAT bit
 * elsewhere, and a type the PAT lacks may share its bits with another:
 * the first match is the one the CPU uses.
 */
static const char *iopmem_mapped_type(unsigned long addr)
{
	unsigned int level;
	pgprot_t prot;
	pte_t *pte;
	int pcm;

	pte = lookup_address(addr, &level);
	if (!pte || !pte_present(*pte))
		return NULL;
	prot = pte_pgprot(*pte);
	if (level != PG_LEVEL_4K)
		prot = pgprot_large_2_4k(prot);
	for (pcm = 0; pcm < ARRAY_SIZE(iopmem_cachemode_names); pcm++)
		if ((pgprot_val(prot) & _PAGE_CACHE_MASK) ==
		    cachemode2protval(pcm))
			return iopmem_cachemode_names[pcm];
	return "unknown";
}

/* The type @map's cache mode asks for, as iopmem_mapped_type() names it. */
static const char *iopmem_wanted_type(const struct iopmem_mapping *map)
{
	return iopmem_cachemode_names[iopmem_cachemode(map->cache)];
}

static void __iomem *iopmem_ioremap(const struct iopmem_mapping *map,
				    resource_size_t len)
{
	if (map->cache == IOPMEM_CACHE_WC)
		return ioremap_wc(map->range.start, len);
	return ioremap_uc(map->range.start, len);
}

/*
 * A reservation silently adopts the type of an older one that overlaps
 * (another driver's ioremap(), a process mapping sysfs resourceN): WC
 * can become uncached-minus, UC write-combining.  Every later mapping
 * inherits it, so map one page as the cache mode says and read its type
 * back from the page table.
 */
static int iopmem_verify_memtype(struct iopmem_mapping *map,
				 struct device *dev)
{
	struct resource res = iopmem_map_res(map);
	const char *wanted = iopmem_wanted_type(map);
	void __iomem *probe;
	const char *got;

	probe = iopmem_ioremap(map, PAGE_SIZE);
	if (!probe) {
		dev_err(dev, "cannot map %pR %s to check its memory type; look for a conflict in /sys/kernel/debug/x86/pat_memtype_list\n",
			&res, wanted);
		return -ENOMEM;
	}
	got = iopmem_mapped_type((unsigned long)probe);
	iounmap(probe);
	if (got && !strcmp(got, wanted))
		return 0;
	dev_err(dev, "%pR would be %s, not %s: another mapping of it has that type; end it or use cache %s (see /sys/kernel/debug/x86/pat_memtype_list)\n",
		&res, got ?: "unmapped", wanted,
		map->cache == IOPMEM_CACHE_WC ? "uc" : "wc");
	return -EBUSY;
}

static int iopmem_reserve_memtype(struct iopmem_mapping *map, struct device *dev)
{
	u64 len = range_len(&map->range);
	int rc;

	/* Without PAT, ioremap_wc() is uncached and the ZONE_DEVICE map WB. */
	if (!pat_enabled()) {
		dev_err(dev, "PAT is off (nopat?), cannot set the memory type; boot without nopat\n");
		return -EOPNOTSUPP;
	}

	switch (map->cache) {
	case IOPMEM_CACHE_WC:
		rc = arch_io_reserve_memtype_wc(map->range.start, len);
		if (rc) {
			dev_err(dev, "cannot reserve memory type wc (%d): another mapping has a different type; see /sys/kernel/debug/x86/pat_memtype_list\n",
				rc);
			return rc;
		}
		break;
	case IOPMEM_CACHE_UC:
		/* The mapping itself is unused: it holds the UC reservation. */
		map->uc_hold = iopmem_ioremap(map, len);
		if (!map->uc_hold) {
			dev_err(dev, "cannot reserve memory type uc: another mapping has a different type; see /sys/kernel/debug/x86/pat_memtype_list\n");
			return -EBUSY;
		}
		break;
	default:
		return -EINVAL;
	}

	rc = iopmem_verify_memtype(map, dev);
	if (rc)
		iopmem_release_memtype(map);
	return rc;
}

static void iopmem_busy_del(struct iopmem_mapping *map)
{
	spin_lock(&iopmem_busy_lock);
	list_del_init(&map->busy_node);
	spin_unlock(&iopmem_busy_lock);
	wake_up_all(&iopmem_busy_wait);
}

/**
 * iopmem_claim() - claim a range and reserve its memory type
 * @map: mapping to fill in; no struct pages yet
 * @dev: device to report problems against, and to name the claim after
 * @range: physical range, already checked by iopmem_check_range()
 * @cache: memory type that every later mapping of the range adopts
 *
 * Device-dax maps the range itself; fsdax goes on with iopmem_map().
 *
 * Return: 0 or a negative errno; on error nothing is left behind.
 */
int iopmem_claim(struct iopmem_mapping *map, struct device *dev,
		 const struct range *range, enum iopmem_cache cache)
{
	int rc;

	map->range = *range;
	map->cache = cache;
	map->orphaned = false;
	map->window = NULL;
	strscpy(map->name, dev_name(dev), sizeof(map->name));

	spin_lock(&iopmem_busy_lock);
	if (iopmem_find_busy_locked(range)) {
		spin_unlock(&iopmem_busy_lock);
		return iopmem_check_busy(dev, range) ?: -EBUSY;
	}
	list_add_tail(&map->busy_node, &iopmem_busy_ranges);
	spin_unlock(&iopmem_busy_lock);

	rc = iopmem_reserve_memtype(map, dev);
	if (rc)
		iopmem_busy_del(map);
	return rc;
}

/**
 * iopmem_unclaim() - undo iopmem_claim()
 * @map: the mapping, with no struct pages left over the range
 */
void iopmem_unclaim(struct iopmem_mapping *map)
{
	iopmem_window_put(map);
	iopmem_release_memtype(map);
	iopmem_busy_del(map);
}

/*
 * memmap=dev: the first @map->reserved bytes become the altmap from which
 * memremap_pages() allocates the memmap, after IOPMEM_INFO_AREA that it
 * leaves to the info block; struct pages of the data part start right
 * after it (vmem_altmap_offset()).
 */
static int iopmem_setup_altmap(struct iopmem_mapping *map, struct device *dev)
{
	struct resource res = DEFINE_RES_MEM(map->range.start,
					     range_len(&map->range));
	u64 reserved = iopmem_memmap_size(&map->range);
	struct vmem_altmap altmap = {
		.base_pfn	= PHYS_PFN(map->range.start),
		.end_pfn	= PHYS_PFN(map->range.end),
		.reserve	= PHYS_PFN(IOPMEM_INFO_AREA),
		.free		= PHYS_PFN(reserved - IOPMEM_INFO_AREA),
	};

	if (reserved >= range_len(&map->range)) {
		dev_err(dev, "%pR is too small for memmap=dev (its struct pages need %llu MiB); use memmap=ram\n",
			&res, reserved >> 20);
		return -EINVAL;
	}
	/* end_pfn and reserve are const members: copy, as pmem does. */
	memcpy(&map->pgmap.altmap, &altmap, sizeof(altmap));
	map->pgmap.flags |= PGMAP_ALTMAP_VALID;
	map->reserved = reserved;
	return 0;
}

static int iopmem_write_info(struct iopmem_mapping *map, struct device *dev,
			     void __iomem *start)
{
	struct iopmem_info_block info;
	uuid_t uuid;

	uuid_gen(&uuid);
	iopmem_info_fill(&info, &map->range, uuid.b);
	memcpy_toio(start, &info, sizeof(info));
	/* Posted writes: fence, then read back to see that they landed. */
	mb();
	memcpy_fromio(&info, start, sizeof(info));
	if (iopmem_info_check(&info, &map->range) != IOPMEM_INFO_MATCH) {
		dev_err(dev, "memmap=dev info block does not read back: the range does not keep data; use memmap=ram\n");
		return -EIO;
	}
	dev_info(dev, "new memmap=dev layout %pUb: struct pages in the first %llu MiB, data after them\n",
		 &uuid, iopmem_memmap_size(&map->range) >> 20);
	return 0;
}

/*
 * Where the data of a device starts depends on memmap: the info block at
 * the start of the range records a memmap=dev layout.  A setting that
 * disagrees with it is refused, unless the user just asked for this one
 * (@replace): then the old layout goes.  memmap=dev never writes its
 * struct pages over a file system that memmap=ram left.
 */
static int iopmem_check_layout(struct iopmem_mapping *map, struct device *dev,
			       enum iopmem_memmap memmap, bool replace)
{
	const u64 data_mib = iopmem_memmap_size(&map->range) >> 20;
	enum iopmem_info_state state;
	void __iomem *start;
	const char *fs;
	void *head;
	int rc = 0;

	head = kmalloc(SZ_4K, GFP_KERNEL);
	if (!head)
		return -ENOMEM;
	start = iopmem_ioremap(map, SZ_4K);
	if (!start) {
		dev_err(dev, "cannot map the range's start to read its memmap=dev layout; look for a conflict in /sys/kernel/debug/x86/pat_memtype_list\n");
		kfree(head);
		return -ENOMEM;
	}
	memcpy_fromio(head, start, SZ_4K);
	state = iopmem_info_check(head, &map->range);

	if (state == IOPMEM_INFO_NONE && memmap == IOPMEM_MEMMAP_DEV) {
		fs = iopmem_fs_signature(head, SZ_4K);
		if (fs) {
			dev_err(dev, "holds an %s file system and no memmap=dev layout; memmap=dev would overwrite it: keep memmap=ram or wipefs -a\n",
				fs);
			rc = -EEXIST;
		} else {
			rc = iopmem_write_info(map, dev, start);
		}
	} else if (state != IOPMEM_INFO_NONE && replace) {
		if (memmap == IOPMEM_MEMMAP_DEV) {
			rc = iopmem_write_info(map, dev, start);
		} else {
			memset_io(start, 0, sizeof(struct iopmem_info_block));
			mb();	/* gone before anything reuses the range */
			dev_info(dev, "memmap=dev layout erased\n");
		}
	} else if (state == IOPMEM_INFO_MATCH && memmap == IOPMEM_MEMMAP_RAM) {
		dev_err(dev, "holds a memmap=dev layout (data from MiB %llu on); bind with memmap=dev, then switch to memmap ram to discard it\n",
			data_mib);
		rc = -EEXIST;
	} else if (state != IOPMEM_INFO_NONE && state != IOPMEM_INFO_MATCH) {
		/* No layout this range can use: only a fresh start helps. */
		if (memmap == IOPMEM_MEMMAP_DEV) {
			dev_err(dev, "has a memmap=dev info block that is %s, data start unknown; bind with memmap=ram, then switch to memmap dev to start over\n",
				state == IOPMEM_INFO_DAMAGED ? "damaged" :
				"for another range size");
			rc = -EINVAL;
		} else {
			dev_warn(dev, "ignoring a memmap=dev info block that is %s\n",
				 state == IOPMEM_INFO_DAMAGED ? "damaged" :
				 "for another range size");
		}
	}
	iounmap(start);
	kfree(head);
	return rc;
}

/**
 * iopmem_map() - claim a range and give it struct pages and a kernel mapping
 * @map: mapping to fill in
 * @dev: device to report problems against
 * @range: physical range, already checked by iopmem_check_range()
 * @cache: memory type for the kernel mapping and for user DAX mappings
 * @memmap: IOPMEM_MEMMAP_DEV to keep the struct pages at the start of
 *	    @range (then only the rest holds data), or IOPMEM_MEMMAP_RAM
 * @replace: the user just chose @memmap: replace a layout that disagrees
 * @nid: NUMA node
 * @type: MEMORY_DEVICE_FS_DAX (fsdax mode) or MEMORY_DEVICE_GENERIC
 *	  (iopfs mode: pages that can be pinned long-term)
 *
 * Return: 0 or a negative errno; on error nothing is left behind.
 */
int iopmem_map(struct iopmem_mapping *map, struct device *dev,
	       const struct range *range, enum iopmem_cache cache,
	       enum iopmem_memmap memmap, bool replace, int nid,
	       enum memory_type type)
{
	const char *got;
	void *addr;
	int rc;

	rc = iopmem_claim(map, dev, range, cache);
	if (rc)
		return rc;

	map->pgmap.range = *range;
	map->pgmap.nr_range = 1;
	map->pgmap.type = type;
	map->pgmap.flags = 0;
	/* Where faults insert folios, a PMD needs a PMD-order folio. */
	map->pgmap.vmemmap_shift = type == MEMORY_DEVICE_GENERIC ?
				   IOPMEM_FS_VMEMMAP_SHIFT : 0;
	map->reserved = 0;
	if (memmap == IOPMEM_MEMMAP_DEV) {
		rc = iopmem_setup_altmap(map, dev);
		if (rc)
			goto out_unclaim;
	}
	rc = iopmem_check_layout(map, dev, memmap, replace);
	if (rc)
		goto out_unclaim;
	addr = memremap_pages(&map->pgmap, nid);
	if (IS_ERR(addr)) {
		rc = PTR_ERR(addr);
		if (memmap == IOPMEM_MEMMAP_DEV)
			dev_err(dev, "cannot create struct pages in the first %llu MiB of the range (%d); use memmap=ram\n",
				map->reserved >> 20, rc);
		else
			dev_err(dev, "cannot create struct pages for the range (%d)\n",
				rc);
		goto out_unclaim;
	}
	/* What memremap_pages() adopted, read back from the kernel mapping. */
	got = iopmem_mapped_type((unsigned long)addr + map->reserved);
	if (!got || strcmp(got, iopmem_wanted_type(map))) {
		struct resource res = iopmem_map_res(map);

		dev_err(dev, "the kernel mapping of %pR is %s, not %s: another mapping of it has that type; end it and bind again (see /sys/kernel/debug/x86/pat_memtype_list)\n",
			&res, got ?: "missing", iopmem_wanted_type(map));
		memunmap_pages(&map->pgmap);
		rc = -EBUSY;
		goto out_unclaim;
	}
	map->virt = addr;
	return 0;

out_unclaim:
	iopmem_unclaim(map);
	return rc;
}

/*
 * The first page of the data part that something still holds after the
 * file system let go (a pipe with a vmsplice'd page, O_DIRECT in flight,
 * in mode iopfs also a long-term pin).  An idle GENERIC page has a count
 * of 1 on every kernel; references count on the folio.
 */
bool iopmem_fsdax_held(const struct iopmem_mapping *map, phys_addr_t *where)
{
	unsigned long pfn = PHYS_PFN(iopmem_data_phys(map));
	unsigned long end = PHYS_PFN(map->range.end + 1);
	int idle = map->pgmap.type == MEMORY_DEVICE_GENERIC ?
		   1 : IOPMEM_FSDAX_IDLE_REFS;

	for (; pfn < end; pfn++) {
		if (folio_ref_count(page_folio(pfn_to_page(pfn))) > idle) {
			*where = PFN_PHYS(pfn);
			return true;
		}
		if (!(pfn & 4095))
			cond_resched();
	}
	return false;
}

/**
 * iopmem_log_held() - say which page keeps a removal waiting
 * @map: the mapping
 * @where: physical address of the held page
 * @holders: what may hold a page
 */
void iopmem_log_held(const struct iopmem_mapping *map, phys_addr_t where,
		     const char *holders)
{
	pr_warn("iopmem %s: removal waits for the page at %pa, still held (%s); release it\n",
		map->name, &where, holders);
}

/**
 * iopmem_wait_unheld() - wait until no page of a mapping is held
 * @map: the mapping, whose name the messages give
 * @held: finds a held page: returns true and its address in @where
 * @holders: what may hold a page, for the message
 * @killable: whether the waiting task may give up
 *
 * memunmap_pages() frees the struct pages whatever their count, so
 * removal waits here, logging the first held page every 10 s.  Module
 * exit may not give up (@killable false): the pages would be freed next.
 *
 * Return: true once no page is held, false if the task was killed first.
 */
bool iopmem_wait_unheld(const struct iopmem_mapping *map,
			bool (*held)(const struct iopmem_mapping *map,
				     phys_addr_t *where),
			const char *holders, bool killable)
{
	unsigned long next_log = jiffies + HZ;
	phys_addr_t where;

	while (held(map, &where)) {
		if (time_after_eq(jiffies, next_log)) {
			iopmem_log_held(map, where, holders);
			next_log = jiffies + 10 * HZ;
		}
		if (!killable) {
			schedule_timeout_uninterruptible(HZ / 10);
			continue;
		}
		schedule_timeout_killable(HZ / 10);
		if (fatal_signal_pending(current))
			return false;
	}
	return true;
}

/**
 * iopmem_unmap() - undo iopmem_map()
 * @map: the mapping
 *
 * Call it once no file system or block device user is left.  It waits
 * for pages held beyond that (iopmem_wait_unheld()), unless the waiting
 * task is killed: then the mapping stays, and the caller hands it to
 * iopmem_defer().
 *
 * Return: true if the mapping is gone, false if it was kept: then @map
 * must stay allocated.
 */
bool iopmem_unmap(struct iopmem_mapping *map)
{
	if (!iopmem_wait_unheld(map, iopmem_fsdax_held, IOPMEM_FSDAX_HOLDERS,
				module_is_live(THIS_MODULE)))
		return false;
	iopmem_unmap_final(map);
	return true;
}

/**
 * iopmem_unmap_final() - undo iopmem_map() without waiting
 * @map: the mapping, whose pages nothing holds any more
 */
void iopmem_unmap_final(struct iopmem_mapping *map)
{
	memunmap_pages(&map->pgmap);
	iopmem_unclaim(map);
}

/*
 * Mappings torn down while something still held their pages: a kernel
 * thread (hot-unplug, error recovery) must not wait for a user, and a
 * killed task stopped waiting.  They go once the pages are released; each
 * holds a reference on the module meanwhile, and module exit waits for
 * this work.
 */
static LIST_HEAD(iopmem_deferred);
static DEFINE_MUTEX(iopmem_deferred_lock);
static void iopmem_reap(struct work_struct *work);
static DECLARE_DELAYED_WORK(iopmem_reaper, iopmem_reap);

static void iopmem_reap(struct work_struct *work)
{
	struct iopmem_mapping *map, *next;
	phys_addr_t where;
	bool again;

	mutex_lock(&iopmem_deferred_lock);
	list_for_each_entry_safe(map, next, &iopmem_deferred, deferred) {
		if (map->held(map, &where)) {
			if (time_after_eq(jiffies, map->next_log)) {
				iopmem_log_held(map, where, map->holders);
				map->next_log = jiffies + 10 * HZ;
			}
			continue;
		}
		list_del(&map->deferred);
		map->release(map);
		/* Module exit cancels this work: it waits for us to return. */
		module_put(THIS_MODULE);
	}
	again = !list_empty(&iopmem_deferred);
	mutex_unlock(&iopmem_deferred_lock);
	if (again)
		schedule_delayed_work(&iopmem_reaper, HZ / 4);
}

/**
 * iopmem_defer() - finish a teardown once nothing holds the pages
 * @map: a torn-down mapping whose pages something still holds
 * @held: finds a held page (as for iopmem_wait_unheld())
 * @holders: what may hold a page, for the log every 10 s
 * @release: frees @map and what contains it; runs in a work item
 *
 * iopmem holds a reference on itself until @release has run.
 */
void iopmem_defer(struct iopmem_mapping *map,
		  bool (*held)(const struct iopmem_mapping *map,
			       phys_addr_t *where),
		  const char *holders,
		  void (*release)(struct iopmem_mapping *map))
{
	__module_get(THIS_MODULE);
	map->held = held;
	map->holders = holders;
	map->release = release;
	map->next_log = jiffies + 10 * HZ;
	mutex_lock(&iopmem_deferred_lock);
	list_add_tail(&map->deferred, &iopmem_deferred);
	mutex_unlock(&iopmem_deferred_lock);
	schedule_delayed_work(&iopmem_reaper, HZ / 4);
}

/**
 * iopmem_defer_exit() - wait for the reaper's last return
 *
 * Nothing is deferred by now: each deferred mapping holds the module.
 */
void iopmem_defer_exit(void)
{
	cancel_delayed_work_sync(&iopmem_reaper);
}

/**
 * iopmem_orphan() - note that the device of a mapping is gone
 * @map: the mapping, which lives on until its last user lets go
 * @owner: the device that provided the range
 *
 * Its window in the iomem tree stays claimed until then.
 */
void iopmem_orphan(struct iopmem_mapping *map, struct device *owner)
{
	spin_lock(&iopmem_busy_lock);
	map->orphaned = true;
	spin_unlock(&iopmem_busy_lock);
	iopmem_window_hold(map, owner);
}

/**
 * iopmem_wait_range_free() - wait until an orphaned mapping of @range is gone
 * @range: physical range
 *
 * Return: 0, or -ERESTARTSYS if the task was killed first.
 */
int iopmem_wait_range_free(const struct range *range)
{
	return wait_event_killable(iopmem_busy_wait, !iopmem_range_busy(range));
}

/**
 * iopmem_wait_all_ranges_free() - wait until no mapping is left at all
 *
 * Module exit uses it: the block layer drops its module reference before
 * the final gendisk release that unmaps the pages.  The wait ends in
 * iopmem_busy_del(), a few instructions before iopmem_free_disk() returns
 * to the block layer; nothing in this module can close that last window,
 * since the block layer holds no reference on the owner across
 * free_disk(), for any driver.
 */
void iopmem_wait_all_ranges_free(void)
{
	wait_event(iopmem_busy_wait, iopmem_no_range_busy());
}

/*
 * Copies and fences.  The kernel mapping of the range is WC or UC, never
 * write-back, so there is no cache to write back; what can hold a store
 * back is a CPU's write-combining buffers (non-temporal stores, and any
 * store to WC memory) and the posted writes on the way to the device.
 * Documentation/ordering.rst says what user stores need.
 */

/**
 * iopmem_copy_to_dev() - copy into device memory with non-temporal stores
 * @dst: kernel address in the range's WC or UC mapping
 * @src: ordinary memory
 * @len: bytes, any alignment
 *
 * memcpy_flushcache() stores with 8-byte movnti, which fill whole WC
 * buffers; fast strings (rep movsb) fall back to single bytes on UC.  No
 * fence: the caller runs one sfence when its last copy is done (once per
 * bio, not per segment), before it completes the request.
 */
void iopmem_copy_to_dev(void *dst, const void *src, size_t len)
{
	memcpy_flushcache(dst, src, len);
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_copy_to_dev);

/**
 * iopmem_copy_from_dev() - copy out of device memory with 8-byte loads
 * @dst: ordinary memory
 * @src: kernel address in the range's WC or UC mapping
 * @len: bytes, any alignment
 *
 * Every load of UC memory, and of WC memory without SSE4.1's movntdqa, is
 * one read on the bus: memcpy()'s rep movsb makes that one per byte.  So
 * load the aligned middle 8 bytes at a time and only the unaligned head
 * and tail byte by byte.  Wider loads need the FPU (kernel_fpu_begin(),
 * preemption off for the whole copy) and no rig can measure them: not
 * worth it until hardware shows it.  READ_ONCE() keeps the compiler from
 * turning the loop back into memcpy().
 */
void iopmem_copy_from_dev(void *dst, const void *src, size_t len)
{
	const u8 *s = src;
	u8 *d = dst;
	u64 v;

	for (; len && !IS_ALIGNED((unsigned long)s, 8); len--)
		*d++ = READ_ONCE(*s++);
	for (; len >= 8; len -= 8, s += 8, d += 8) {
		v = READ_ONCE(*(const u64 *)s);
		memcpy(d, &v, sizeof(v));
	}
	for (; len; len--)
		*d++ = READ_ONCE(*s++);
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_copy_from_dev);

/**
 * iopmem_zero_dev() - zero device memory with non-temporal stores
 * @dst: kernel address in the range's WC or UC mapping
 * @len: bytes, any alignment
 *
 * memset() would store byte by byte on UC memory; copy the zero page with
 * non-temporal stores instead, then fence as iopmem_copy_to_dev() does.
 */
void iopmem_zero_dev(void *dst, size_t len)
{
	const void *zero = page_address(ZERO_PAGE(0));
	size_t chunk;

	for (; len; len -= chunk, dst += chunk) {
		chunk = min_t(size_t, len, PAGE_SIZE);
		memcpy_flushcache(dst, zero, chunk);
	}
	wmb();		/* sfence: out of this CPU's WC buffers */
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_zero_dev);

static void iopmem_sfence(void *unused)
{
	wmb();		/* sfence: out of this CPU's WC buffers */
}

/**
 * iopmem_drain() - make earlier writes to the memory reach the device
 * @map: the mapping
 * @all_cpus: PREFLUSH: writes that completed on any CPU; FUA only needs
 *	      the stores of its own bio, made on this CPU
 *
 * For PREFLUSH, every write that completed before, on any CPU, is on the
 * device when this returns.  write() to a DAX file stores non-temporally
 * on whatever CPU ran it, unfenced; fs/dax.c zeroes partial pages with
 * memset() and user stores through DAX mappings go through WC buffers
 * too.  So first every CPU runs an sfence (the IPI alone already evicts
 * its WC buffers, SDM vol. 3 "Write Combining").  Then this CPU runs an
 * mfence, which sfence is not: it keeps the read below behind the stores.
 * That read cannot pass the posted writes ahead of it on the way to the
 * device, so its completion means they arrived.  It goes through the
 * device's own mapping: PAT allows no UC alias of a WC range (ioremap_uc()
 * of it silently comes out WC).  It reads the data part: the struct pages
 * are only accessed through the vmemmap.
 *
 * Context: process context with interrupts enabled (on_each_cpu() waits).
 */
void iopmem_drain(struct iopmem_mapping *map, bool all_cpus)
{
	if (all_cpus)
		on_each_cpu(iopmem_sfence, NULL, 1);
	mb();		/* mfence: the read below after all stores above */
	(void)READ_ONCE(*(u8 *)iopmem_data_virt(map));
}

/*
 * daxctl reconfigure-device --mode=system-ram hands a device-dax instance
 * to kmem, which hot-adds the range as memory.  Device memory must never
 * become System RAM: it disappears with its device, and it is mapped WC or
 * UC.  Veto onlining any part of a claimed range.
 */
static int iopmem_memory_notify(struct notifier_block *nb,
				unsigned long action, void *arg)
{
	struct memory_notify *mn = arg;
	struct range range = {
		.start	= PFN_PHYS(mn->start_pfn),
		.end	= PFN_PHYS(mn->start_pfn + mn->nr_pages) - 1,
	};
	struct resource res = DEFINE_RES_MEM(range.start, range_len(&range));
	struct iopmem_mapping *map;
	char name[sizeof(map->name)];

	if (action != MEM_GOING_ONLINE)
		return NOTIFY_OK;

	spin_lock(&iopmem_busy_lock);
	map = iopmem_find_busy_locked(&range);
	if (map)
		strscpy(name, map->name, sizeof(name));
	spin_unlock(&iopmem_busy_lock);
	if (!map)
		return NOTIFY_OK;

	pr_err("iopmem %s: refusing to online %pR as System RAM (device memory); keep it devdax: daxctl reconfigure-device --mode=devdax\n",
	       name, &res);
	return notifier_from_errno(-EPERM);
}

static struct notifier_block iopmem_memory_nb = {
	.notifier_call = iopmem_memory_notify,
};

/**
 * iopmem_memory_notifier_register() - start vetoing memory onlining
 *
 * Return: 0 or a negative errno.
 */
int iopmem_memory_notifier_register(void)
{
	return register_memory_notifier(&iopmem_memory_nb);
}

/**
 * iopmem_memory_notifier_unregister() - stop vetoing memory onlining
 */
void iopmem_memory_notifier_unregister(void)
{
	unregister_memory_notifier(&iopmem_memory_nb);
}
