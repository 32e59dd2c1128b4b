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

#include <linux/range.h>

struct device;
struct iopmem_device;

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

#endif /* _LINUX_IOPMEM_H */
