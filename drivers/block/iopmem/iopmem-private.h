/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iopmem internals: an iopmem device is a range of device memory plus its
 * configuration (struct iopmem_device) and, while it serves I/O, its live
 * state (struct iopmem_fsdax).  The two are kept apart because the live
 * state can outlive the device: a file system mounted on the block device
 * keeps the struct pages in use after the owner has gone away.
 */
#ifndef _IOPMEM_PRIVATE_H
#define _IOPMEM_PRIVATE_H

#include <linux/device.h>
#include <linux/iopmem.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/memremap.h>
#include <linux/mutex.h>
#include <linux/range.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

struct dax_device;
struct gendisk;
struct platform_device;

#define IOPMEM_ALIGN	SZ_2M	/* ZONE_DEVICE subsection size */
#define IOPMEM_NAME_LEN	32	/* device names in messages */

enum iopmem_cache {
	IOPMEM_CACHE_WC,
	IOPMEM_CACHE_UC,
};

enum iopmem_mode {
	IOPMEM_MODE_FSDAX,
	IOPMEM_MODE_DEVDAX,
	IOPMEM_MODE_P2PDMA,
	IOPMEM_MODE_IOPFS,
};

/* Where the struct pages of the range live (fsdax mode). */
enum iopmem_memmap {
	IOPMEM_MEMMAP_RAM,
	IOPMEM_MEMMAP_DEV,
};

/**
 * struct iopmem_mapping - device memory adopted as ZONE_DEVICE pages
 * @range: physical range mapped
 * @cache: memory type the range was reserved with
 * @reserved: bytes at the start of @range that hold the struct pages of
 *	      the whole range (memmap=dev), or 0; data follows them
 * @pgmap: the ZONE_DEVICE page map
 * @uc_hold: the ioremap_uc() mapping that keeps a UC reservation alive
 * @virt: kernel address of @range, with the memory type of @cache
 * @busy_node: entry in the list of ranges that still have struct pages
 * @name: the device that mapped it, for messages about overlaps
 * @orphaned: the device was removed while the mapping was in use
 * @window: the claim that keeps the range taken meanwhile (window.c)
 * @deferred: entry in the list of mappings whose teardown waits for their
 *	      held pages (iopmem_defer())
 * @next_log: when to log the held page again, while deferred
 * @held: finds a held page, while deferred
 * @holders: what may hold a page, for the log
 * @release: finishes the teardown once no page is held
 */
struct iopmem_mapping {
	struct range range;
	enum iopmem_cache cache;
	u64 reserved;
	struct dev_pagemap pgmap;
	void __iomem *uc_hold;
	void *virt;
	struct list_head busy_node;
	char name[16];
	bool orphaned;
	struct iopmem_window *window;
	struct list_head deferred;
	unsigned long next_log;
	bool (*held)(const struct iopmem_mapping *map, phys_addr_t *where);
	const char *holders;
	void (*release)(struct iopmem_mapping *map);
};

/* A mapping's range as a resource, for %pR: %pra needs 6.10 or later. */
static inline struct resource iopmem_map_res(const struct iopmem_mapping *map)
{
	/* Up to 6.1 DEFINE_RES_MEM() is an initializer, later a literal. */
	struct resource res = DEFINE_RES_MEM(map->range.start,
					     range_len(&map->range));

	return res;
}

/* The data part of a mapping: all of it, or what follows the struct pages. */
static inline u64 iopmem_data_size(const struct iopmem_mapping *map)
{
	return range_len(&map->range) - map->reserved;
}

static inline void *iopmem_data_virt(const struct iopmem_mapping *map)
{
	return map->virt + map->reserved;
}

static inline phys_addr_t iopmem_data_phys(const struct iopmem_mapping *map)
{
	return map->range.start + map->reserved;
}

/**
 * struct iopmem_fsdax - live state of a device in fsdax mode
 * @idev: the device; a reference is held until this state is freed
 * @map: the memory, mapped until the gendisk is freed
 * @disk: /dev/iopmemN
 * @dax_dev_lock: orders memory failure reports (readers) against the
 *		  setting and clearing of @dax_dev
 * @dax_dev: the DAX host that file systems use for direct access; NULL
 *	     before it is created and once it is destroyed
 * @lock: protects @openers and @dying
 * @openers: opens of the block device (a mount counts as one)
 * @dying: set once teardown started; refuses new opens
 * @closed: woken when @openers drops to zero
 * @fs: what a file system on the device sees (mode iopfs)
 * @fs_lock: orders faults (readers) against going offline
 * @fs_holder_lock: orders the file system's arrival and departure against
 *		    its offline callback
 * @fs_ops: the file system's callbacks, while one holds @fs
 * @fs_holder: argument of @fs_ops
 * @fs_offline: set once the device is going away; faults fail from then
 *
 * In mode iopfs the pages are MEMORY_DEVICE_GENERIC and there is no DAX
 * host: a file system (fs/iopfs) maps them itself through iopmem_fs_*().
 *
 * Freed from the gendisk's free_disk() callback, when the last opener
 * (typically a mounted file system) is gone, even if the device was
 * removed long before.
 */
struct iopmem_fsdax {
	struct iopmem_device *idev;
	struct iopmem_mapping map;
	struct gendisk *disk;
	struct rw_semaphore dax_dev_lock;	/* dax_dev vs memory failures */
	struct dax_device *dax_dev;
	spinlock_t lock;		/* protects openers, dying */
	unsigned int openers;
	bool dying;
	wait_queue_head_t closed;
	struct iopmem_fs fs;
	struct rw_semaphore fs_lock;	/* faults vs offline */
	struct mutex fs_holder_lock;	/* fs_ops, fs_holder */
	const struct iopmem_fs_ops *fs_ops;
	void *fs_holder;
	bool fs_offline;
};

/* What may hold a page of a DAX file after its file system let go. */
#define IOPMEM_FSDAX_HOLDERS "O_DIRECT in flight, a pipe"

/**
 * struct iopmem_devdax - live state of a device in devdax mode
 * @map: the claim on the range and its memory type (no struct pages:
 *	 each device-dax instance maps its part itself)
 * @pdev: iopmem_dax.N, parent of the device-dax region and its instances
 * @region_id: the region's id (daxctl's region N, instances daxN.M), from
 *	       the allocator that pmem, hmem and CXL regions share
 */
struct iopmem_devdax {
	struct iopmem_mapping map;
	struct platform_device *pdev;
	int region_id;
};

/**
 * struct iopmem_p2pdma - live state of a device in p2pdma mode
 * @map: the claim on the range and its memory type (the P2PDMA core
 *	 gives the range its struct pages)
 * @pdev: the PCI device whose P2PDMA memory the range is
 * @group: the devres group of what pci_p2pdma_add_resource() set up
 */
struct iopmem_p2pdma {
	struct iopmem_mapping map;
	struct pci_dev *pdev;
	void *group;
};

/**
 * struct iopmem_stats - what went through iopmem's own code paths
 * @flushes: drains of posted writes (PREFLUSH and FUA)
 * @dax_calls: direct_access calls (DAX faults, read/write on DAX files)
 * @dax_pages: pages those calls handed out
 * @errors: bios and DAX requests that failed
 *
 * Bios the CPU copies are counted by the block layer (/sys/block/iopmemN/
 * stat), which counts neither drains nor DAX.  Peer-to-peer DMA into DAX
 * mappings and device-dax instances does not pass through iopmem: none of
 * these move for it.
 */
struct iopmem_stats {
	atomic64_t flushes;
	atomic64_t dax_calls;
	atomic64_t dax_pages;
	atomic64_t errors;
};

/**
 * struct iopmem_device - one range of device memory and its configuration
 * @dev: iopmemN in class iopmem, child of the owner
 * @id: N in iopmemN
 * @range: the physical range
 * @bar: PCI BAR of @range, or -1
 * @nid: NUMA node of @range
 * @uc_only: @range must not be write-combined (a non-prefetchable BAR)
 * @lock: serialises configuration changes and live state changes
 * @cache: configured memory type
 * @mode: configured mode
 * @memmap: configured place of the struct pages in fsdax mode
 * @fsdax: live state in fsdax mode, or NULL
 * @devdax: live state in devdax mode, or NULL
 * @p2pdma: live state in p2pdma mode, or NULL
 * @removed: the owner withdrew the device; no live state is built again
 * @stats: counters, kept across changes of mode and cache
 */
struct iopmem_device {
	struct device dev;
	int id;
	struct range range;
	int bar;
	int nid;
	bool uc_only;
	struct mutex lock;		/* configuration and live state */
	enum iopmem_cache cache;
	enum iopmem_mode mode;
	enum iopmem_memmap memmap;
	struct iopmem_fsdax *fsdax;
	struct iopmem_devdax *devdax;
	struct iopmem_p2pdma *p2pdma;
	bool removed;
	struct iopmem_stats stats;
};

static inline struct iopmem_device *to_iopmem_device(struct device *dev)
{
	return container_of(dev, struct iopmem_device, dev);
}

/**
 * struct iopmem_choice - a module parameter that names one of a few values
 * @value: index into @names
 * @name: the parameter, for messages
 * @names: the valid values
 * @count: entries in @names
 * @what: what the value is, for "is not <what>"
 * @hint: the valid values, explained
 *
 * The module parameters cache, mode and memmap each take one of a few
 * names and give the setting of devices bound from then on.
 */
struct iopmem_choice {
	int value;
	const char *name;
	const char *const *names;
	unsigned int count;
	const char *what;
	const char *hint;
};

extern const char *const iopmem_cache_names[];
extern const char *const iopmem_mode_names[];
extern const char *const iopmem_memmap_names[];

/**
 * struct iopmem_settings - settings of one device given at bind
 * @cache: enum iopmem_cache, or -1 for the module parameter
 * @mode: enum iopmem_mode, or -1 for the module parameter
 * @memmap: enum iopmem_memmap, or -1 for the module parameter
 */
struct iopmem_settings {
	int cache;
	int mode;
	int memmap;
};

struct iopmem_range_desc;

/* core.c */
int iopmem_parse_setting(const char *key, const char *val,
			 struct iopmem_settings *set, const char *where);
enum iopmem_mode iopmem_settings_mode(const struct iopmem_settings *set);
struct iopmem_device *iopmem_add_with(const struct iopmem_range_desc *desc,
				      const struct iopmem_settings *set);
struct iopmem_device *
devm_iopmem_add_with(const struct iopmem_range_desc *desc,
		     const struct iopmem_settings *set);
void devm_iopmem_remove(struct device *owner, struct iopmem_device *idev);
int iopmem_parse_cache(const char *buf);
int iopmem_parse_mode(const char *buf);
int iopmem_parse_memmap(const char *buf);
int iopmem_set_mode(struct iopmem_device *idev, enum iopmem_mode mode);
int iopmem_set_cache(struct iopmem_device *idev, enum iopmem_cache cache);
int iopmem_set_memmap(struct iopmem_device *idev, enum iopmem_memmap memmap);
bool iopmem_online(struct iopmem_device *idev);
u64 iopmem_memmap_reserved(struct iopmem_device *idev);

/* layout.c */
enum iopmem_range_error {
	IOPMEM_RANGE_OK,
	IOPMEM_RANGE_INVALID,		/* end before start, or at 2^64 - 1 */
	IOPMEM_RANGE_SMALL,		/* less than 2 MiB */
	IOPMEM_RANGE_UNALIGNED,		/* start or size not 2 MiB aligned */
};

enum iopmem_range_error iopmem_range_validate(const struct range *range);
bool iopmem_range_aligned_part(const struct range *range, struct range *part);
bool iopmem_ranges_overlap(const struct range *a, const struct range *b);
/*
 * memmap=dev keeps its first 2 MiB for the info block below (the rest of
 * that 2 MiB keeps the struct pages after it 2 MiB aligned).
 */
#define IOPMEM_INFO_AREA	SZ_2M
#define IOPMEM_INFO_MAGIC	"IOPMEM_MEMMAP\0\0"
#define IOPMEM_INFO_VERSION	1

/**
 * struct iopmem_info_block - what memmap=dev records at the start of a range
 * @magic: IOPMEM_INFO_MAGIC
 * @version: IOPMEM_INFO_VERSION
 * @header_size: sizeof(struct iopmem_info_block)
 * @range_size: size of the range it was written for, in bytes
 * @data_offset: where the data (the block device) starts in the range
 * @page_size: the writer's page size
 * @page_room: bytes set aside per struct page
 * @uuid: names this layout in the kernel log
 * @pad: zero
 * @checksum: crc32 of the block with this field zero
 *
 * Little endian on the device.  Without it, nothing tells where the data
 * of a device starts: binding with another memmap setting would present
 * the struct pages as data, or write struct pages over a file system.
 */
struct iopmem_info_block {
	u8 magic[16];
	__le32 version;
	__le32 header_size;
	__le64 range_size;
	__le64 data_offset;
	__le32 page_size;
	__le32 page_room;
	u8 uuid[16];
	__le32 pad;
	__le32 checksum;
};

enum iopmem_info_state {
	IOPMEM_INFO_NONE,	/* no info block */
	IOPMEM_INFO_DAMAGED,	/* its magic, but not a block this can read */
	IOPMEM_INFO_OTHER,	/* written for another range size or layout */
	IOPMEM_INFO_MATCH,
};

u64 iopmem_memmap_size(const struct range *range);
void iopmem_info_fill(struct iopmem_info_block *info, const struct range *range,
		      const u8 *uuid);
enum iopmem_info_state iopmem_info_check(const struct iopmem_info_block *info,
					 const struct range *range);
const char *iopmem_fs_signature(const void *start, size_t len);

/* mem.c */
int iopmem_claim(struct iopmem_mapping *map, struct device *dev,
		 const struct range *range, enum iopmem_cache cache);
void iopmem_unclaim(struct iopmem_mapping *map);
int iopmem_map(struct iopmem_mapping *map, struct device *dev,
	       const struct range *range, enum iopmem_cache cache,
	       enum iopmem_memmap memmap, bool replace, int nid,
	       enum memory_type type);
bool iopmem_unmap(struct iopmem_mapping *map);
void iopmem_unmap_final(struct iopmem_mapping *map);
bool iopmem_fsdax_held(const struct iopmem_mapping *map, phys_addr_t *where);
void iopmem_defer(struct iopmem_mapping *map,
		  bool (*held)(const struct iopmem_mapping *map,
			       phys_addr_t *where),
		  const char *holders,
		  void (*release)(struct iopmem_mapping *map));
void iopmem_defer_exit(void);
void iopmem_log_held(const struct iopmem_mapping *map, phys_addr_t where,
		     const char *holders);
bool iopmem_wait_unheld(const struct iopmem_mapping *map,
			bool (*held)(const struct iopmem_mapping *map,
				     phys_addr_t *where),
			const char *holders, bool killable);
void iopmem_orphan(struct iopmem_mapping *map, struct device *owner);
void iopmem_window_hold(struct iopmem_mapping *map, struct device *owner);
void iopmem_window_put(struct iopmem_mapping *map);
int iopmem_window_init(void);
void iopmem_window_exit(void);
int iopmem_check_range(struct device *dev, const struct range *range);
int iopmem_wait_range_free(const struct range *range);
void iopmem_wait_all_ranges_free(void);
void iopmem_copy_to_dev(void *dst, const void *src, size_t len);
void iopmem_copy_from_dev(void *dst, const void *src, size_t len);
void iopmem_zero_dev(void *dst, size_t len);
void iopmem_drain(struct iopmem_mapping *map, bool all_cpus);
int iopmem_memory_notifier_register(void);
void iopmem_memory_notifier_unregister(void);

/* blk.c */
int iopmem_fsdax_start(struct iopmem_device *idev, bool new_memmap);
void iopmem_fsdax_stop(struct iopmem_device *idev);
int iopmem_fsdax_stop_idle(struct iopmem_device *idev, const char *what);

/* devdax.c */
int iopmem_devdax_start(struct iopmem_device *idev);
void iopmem_devdax_stop(struct iopmem_device *idev, bool killable);
int iopmem_devdax_stop_idle(struct iopmem_device *idev, const char *what);
int iopmem_devdax_init(void);
int iopmem_p2pdma_start(struct iopmem_device *idev);
void iopmem_p2pdma_stop(struct iopmem_device *idev);
int iopmem_p2pdma_stop_idle(struct iopmem_device *idev, const char *what);
struct iopmem_p2pdma *iopmem_p2pdma_detach(struct iopmem_device *idev);
void iopmem_p2pdma_release_group(struct iopmem_p2pdma *p2p);
bool iopmem_pci_owns(struct device *dev);
void iopmem_devdax_exit(void);

/* fs.c */
void iopmem_fs_offline(struct iopmem_fsdax *fsdax);
bool iopmem_fs_is_ours(struct block_device *bdev);

/* dax.c */
struct dax_device *iopmem_dax_create(struct iopmem_fsdax *fsdax);
void iopmem_dax_destroy(struct iopmem_fsdax *fsdax);
extern const struct dev_pagemap_ops iopmem_fsdax_pgmap_ops;

/* sysfs.c */
extern const struct attribute_group *iopmem_attr_groups[];

/* pci.c */
bool iopmem_pci_hotplug_slot(struct device *dev);
int iopmem_pci_init(void);
void iopmem_pci_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
/* core.c: static unless KUnit can test them (tests/kunit) */
extern const struct kernel_param_ops iopmem_choice_ops;
extern struct iopmem_choice iopmem_default_cache;
extern struct iopmem_choice iopmem_default_mode;
extern struct iopmem_choice iopmem_default_memmap;
#endif

#endif /* _IOPMEM_PRIVATE_H */
