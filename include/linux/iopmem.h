/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iopmem provider API: publish a range of device memory (a PCIe BAR or a
 * part of one) as an iopmem device with ZONE_DEVICE pages, a block device
 * and DAX.
 *
 * The built-in PCI driver is one provider.  A driver that owns a device
 * (an NVMe CMB, an accelerator) can publish a sub-range of its BAR without
 * giving up the device.
 */
#ifndef _LINUX_IOPMEM_H
#define _LINUX_IOPMEM_H

#include <linux/mm_types.h>
#include <linux/range.h>

struct block_device;
struct device;
struct iopmem_device;
struct vm_area_struct;
struct vm_fault;

/**
 * struct iopmem_range_desc - a range of device memory offered to iopmem
 * @owner: the device whose memory this is; becomes the parent of iopmemN
 * @range: CPU physical address range; start and size must be 2 MiB aligned
 * @bar: the PCI BAR the range lies in, or -1 when it is not a PCI BAR
 * @nid: NUMA node of the memory, or NUMA_NO_NODE
 * @uc_only: reads of the memory may have side effects (a non-prefetchable
 *	     BAR), so it must not be write-combined: cache is uc, wc refused
 */
struct iopmem_range_desc {
	struct device *owner;
	struct range range;
	int bar;
	int nid;
	bool uc_only;
};

struct iopmem_device *iopmem_add(const struct iopmem_range_desc *desc);
void iopmem_remove(struct iopmem_device *idev);
struct iopmem_device *devm_iopmem_add(const struct iopmem_range_desc *desc);
void iopmem_offline(struct iopmem_device *idev, const char *why);

/**
 * struct iopmem_fs_ops - what iopmem tells the file system on its device
 * @offline: the device is going away (removal, a fatal PCIe error, a
 *	     reset): no fault inserts a page any more from before the call
 *	     on; the file system must stop using the memory and unmap every
 *	     mapping of it.  Called in process context; it must not call
 *	     iopmem_fs_put().
 */
struct iopmem_fs_ops {
	void (*offline)(void *holder);
};

/**
 * struct iopmem_fs - the memory of a device in mode iopfs, as a file
 *		      system sees it
 * @size: bytes, the size of the block device
 * @virt: kernel mapping of the memory, with the device's memory type (WC
 *	  or UC): CPU stores through it need iopmem_fs_drain() to be durable
 * @dev: iopmemN, for messages
 *
 * Offsets count from the start of the block device.  The pages are
 * MEMORY_DEVICE_GENERIC: mappings of them can be pinned long-term.
 */
struct iopmem_fs {
	u64 size;
	void *virt;
	struct device *dev;
};

struct iopmem_fs *iopmem_fs_get(struct block_device *bdev,
				const struct iopmem_fs_ops *ops, void *holder);
void iopmem_fs_put(struct iopmem_fs *fs);
void iopmem_fs_vma_init(struct iopmem_fs *fs, struct vm_area_struct *vma);
vm_fault_t iopmem_fs_insert(struct iopmem_fs *fs, struct vm_fault *vmf,
			    u64 offset, bool pmd);
bool iopmem_fs_held(struct iopmem_fs *fs, u64 offset, u64 len);
void iopmem_fs_drain(struct iopmem_fs *fs, bool all_cpus);

#endif /* _LINUX_IOPMEM_H */
