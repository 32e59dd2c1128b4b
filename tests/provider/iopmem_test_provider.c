// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only iopmem provider: a PCI driver that keeps its device and
 * publishes a sub-range of one BAR through the iopmem provider API, as an
 * NVMe or GPU driver would publish part of its memory.  Bind it with
 * driver_override.  The parameters also let tests offer ranges the core
 * must refuse.
 */
#include <linux/iopmem.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sizes.h>

static int bar = 2;
module_param(bar, int, 0444);
MODULE_PARM_DESC(bar, "BAR to publish a part of (default 2)");

static ulong offset = SZ_64M;
module_param(offset, ulong, 0444);
MODULE_PARM_DESC(offset, "Start of the published part within the BAR, in bytes (default 64 MiB)");

static ulong size = SZ_128M;
module_param(size, ulong, 0444);
MODULE_PARM_DESC(size, "Size of the published part, in bytes (default 128 MiB)");

static unsigned long long phys;
module_param(phys, ullong, 0444);
MODULE_PARM_DESC(phys, "Publish this physical address instead of a BAR part (tests of refusals only)");

static bool twice;
module_param(twice, bool, 0444);
MODULE_PARM_DESC(twice, "Publish the range a second time (tests of refusals only)");

static int iopmem_test_provider_probe(struct pci_dev *pdev,
				      const struct pci_device_id *id)
{
	struct iopmem_range_desc desc = {
		.owner	= &pdev->dev,
		.bar	= bar,
		.nid	= dev_to_node(&pdev->dev),
	};
	struct iopmem_device *idev;
	int rc;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS ||
	    offset + size > pci_resource_len(pdev, bar) || !size) {
		dev_err(&pdev->dev, "offset %#lx size %#lx do not fit in BAR%d\n",
			offset, size, bar);
		return -EINVAL;
	}
	rc = pcim_enable_device(pdev);
	if (rc)
		return rc;

	desc.range.start = phys ? phys : pci_resource_start(pdev, bar) + offset;
	desc.range.end = desc.range.start + size - 1;
	idev = devm_iopmem_add(&desc);
	if (IS_ERR(idev))
		return PTR_ERR(idev);

	if (twice) {
		idev = devm_iopmem_add(&desc);
		dev_info(&pdev->dev, "second publication of the same range: %d\n",
			 PTR_ERR_OR_ZERO(idev));
	}
	return 0;
}

static struct pci_driver iopmem_test_provider_driver = {
	.name	= "iopmem_test_provider",
	.probe	= iopmem_test_provider_probe,
};
module_pci_driver(iopmem_test_provider_driver);

MODULE_DESCRIPTION("Test-only provider of device memory to iopmem");
MODULE_LICENSE("GPL");
