// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI provider: binds a device named by driver_override or new_id
 * (iopmem claims no PCI IDs of its own) and publishes one memory BAR.
 */
#include <linux/iommu.h>
#include <linux/iopmem.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "iopmem-private.h"

static int iopmem_bar = -1;

static int iopmem_bar_param_set(const char *val, const struct kernel_param *kp)
{
	int bar, rc;

	rc = kstrtoint(val, 0, &bar);
	if (rc || bar < -1 || bar >= PCI_STD_NUM_BARS) {
		pr_err("iopmem: bar=%.*s is not a BAR number; use 0 to %d, or -1 for the largest 64-bit memory BAR\n",
		       (int)strcspn(val, "\n"), val, PCI_STD_NUM_BARS - 1);
		return -EINVAL;
	}
	*(int *)kp->arg = bar;
	return 0;
}

static const struct kernel_param_ops iopmem_bar_param_ops = {
	.set = iopmem_bar_param_set,
	.get = param_get_int,
};

module_param_cb(bar, &iopmem_bar_param_ops, &iopmem_bar, 0644);
MODULE_PARM_DESC(bar,
		 "BAR that devices bound from now on publish: 0-5, or -1 (default) for the largest 64-bit memory BAR");

static int iopmem_pci_largest_bar(struct pci_dev *pdev)
{
	int i, best = -1;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		unsigned long flags = pci_resource_flags(pdev, i);

		if (!(flags & IORESOURCE_MEM) || !(flags & IORESOURCE_MEM_64))
			continue;
		if (best < 0 ||
		    pci_resource_len(pdev, i) > pci_resource_len(pdev, best))
			best = i;
	}
	return best;
}

static int iopmem_pci_pick_bar(struct pci_dev *pdev)
{
	int bar = READ_ONCE(iopmem_bar);
	unsigned long flags;

	if (bar < 0) {
		bar = iopmem_pci_largest_bar(pdev);
		if (bar < 0) {
			dev_err(&pdev->dev, "no 64-bit memory BAR; choose a memory BAR with bar=N\n");
			return -ENODEV;
		}
		return bar;
	}

	flags = pci_resource_flags(pdev, bar);
	if (!pci_resource_len(pdev, bar)) {
		dev_err(&pdev->dev, "BAR%d is not implemented; choose a memory BAR with bar=N\n",
			bar);
		return -ENODEV;
	}
	if (flags & IORESOURCE_IO) {
		dev_err(&pdev->dev, "BAR%d is an I/O port BAR; choose a memory BAR with bar=N\n",
			bar);
		return -EINVAL;
	}
	if (!(flags & IORESOURCE_MEM)) {
		dev_err(&pdev->dev, "BAR%d is not a memory BAR; choose one with bar=N\n",
			bar);
		return -EINVAL;
	}
	return bar;
}

/*
 * In the DAX modes a peer DMA-maps iopmem's pages as if they were RAM: with
 * IOMMU translation it gets an I/O virtual address, which no PCIe switch
 * can route to the BAR, so the transfer goes up to the root complex and
 * works only where that routes peer-to-peer traffic.  This device's own
 * domain stands for the platform's default; iopmemctl check tells per
 * peer.  P2PDMA mode needs no warning: the kernel checks each path.
 */
static void iopmem_pci_warn_iommu(struct pci_dev *pdev,
				  struct iopmem_device *idev)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(&pdev->dev);

	if (!domain || !iommu_is_dma_domain(domain) ||
	    READ_ONCE(idev->mode) == IOPMEM_MODE_P2PDMA)
		return;
	dev_warn(&pdev->dev, "the IOMMU translates DMA: peers reach this BAR only through the root complex; 'iopmemctl check' tells per peer, iommu=pt avoids it\n");
}

static int iopmem_pci_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	struct iopmem_range_desc desc;
	struct iopmem_device *idev;
	int bar, rc;

	bar = iopmem_pci_pick_bar(pdev);
	if (bar < 0)
		return bar;

	/* The core checks alignment; a BAR of 2 MiB or more is aligned. */
	if (pci_resource_len(pdev, bar) < IOPMEM_ALIGN) {
		dev_err(&pdev->dev, "BAR%d %pR is smaller than 2 MiB (the smallest ZONE_DEVICE unit); choose a larger BAR with bar=N\n",
			bar, &pdev->resource[bar]);
		return -EINVAL;
	}

	rc = pcim_enable_device(pdev);
	if (rc) {
		dev_err(&pdev->dev, "cannot enable the device (%d)\n", rc);
		return rc;
	}

	desc.owner = &pdev->dev;
	desc.range.start = pci_resource_start(pdev, bar);
	desc.range.end = pci_resource_end(pdev, bar);
	desc.bar = bar;
	desc.nid = dev_to_node(&pdev->dev);
	/* Write-combining may merge or repeat reads: a prefetchable BAR only. */
	desc.uc_only = !(pci_resource_flags(pdev, bar) & IORESOURCE_PREFETCH);
	idev = devm_iopmem_add(&desc);
	if (IS_ERR(idev))
		return PTR_ERR(idev);
	pci_set_drvdata(pdev, idev);
	/* slot_reset() restores this after a link reset. */
	pci_save_state(pdev);
	iopmem_pci_warn_iommu(pdev, idev);
	return 0;
}

/*
 * A non-fatal error leaves the link up: I/O goes on.  A fatal one resets
 * the link, and writes posted to the BAR before it may be lost, so the
 * device goes offline and stays so after the reset until the user brings
 * it back (see iopmem_offline()).
 */
static pci_ers_result_t iopmem_pci_error_detected(struct pci_dev *pdev,
						  pci_channel_state_t state)
{
	struct iopmem_device *idev = pci_get_drvdata(pdev);

	switch (state) {
	case pci_channel_io_normal:
		dev_warn(&pdev->dev, "non-fatal PCIe error: the link is up, I/O goes on\n");
		return PCI_ERS_RESULT_CAN_RECOVER;
	case pci_channel_io_frozen:
		iopmem_offline(idev, "fatal PCIe error, the link is being reset");
		return PCI_ERS_RESULT_NEED_RESET;
	default:
		iopmem_offline(idev, "the device failed permanently");
		return PCI_ERS_RESULT_DISCONNECT;
	}
}

static pci_ers_result_t iopmem_pci_slot_reset(struct pci_dev *pdev)
{
	pci_restore_state(pdev);
	pci_save_state(pdev);
	return PCI_ERS_RESULT_RECOVERED;
}

/* After a link or function reset: say so if the device went offline. */
static void iopmem_pci_report_offline(struct pci_dev *pdev, const char *what)
{
	struct iopmem_device *idev = pci_get_drvdata(pdev);

	if (!iopmem_online(idev))
		dev_info(&pdev->dev, "%s; %s stays offline until its mode is written again\n",
			 what, dev_name(&idev->dev));
}

static void iopmem_pci_resume(struct pci_dev *pdev)
{
	/* The AER core resumes after a non-fatal error too: still online. */
	iopmem_pci_report_offline(pdev, "link recovered");
}

/*
 * A function reset (sysfs reset, FLR, a bus reset) turns memory decoding
 * off, and on real hardware may lose what the BAR held: reads would return
 * all-ones as if it were data.  So the device goes offline as after a
 * fatal error.  The PCI core restores the config space itself.
 */
static void iopmem_pci_reset_prepare(struct pci_dev *pdev)
{
	iopmem_offline(pci_get_drvdata(pdev),
		       "function reset (FLR or bus reset), data may be lost");
}

static void iopmem_pci_reset_done(struct pci_dev *pdev)
{
	iopmem_pci_report_offline(pdev, "reset done");
}

static const struct pci_error_handlers iopmem_pci_err_handlers = {
	.error_detected	= iopmem_pci_error_detected,
	.slot_reset	= iopmem_pci_slot_reset,
	.resume		= iopmem_pci_resume,
	.reset_prepare	= iopmem_pci_reset_prepare,
	.reset_done	= iopmem_pci_reset_done,
};

/* No ID table: bind with driver_override or new_id only. */
static struct pci_driver iopmem_pci_driver = {
	.name		= "iopmem",
	.probe		= iopmem_pci_probe,
	.err_handler	= &iopmem_pci_err_handlers,
};

/**
 * iopmem_pci_owns() - whether iopmem's PCI driver is bound to a device
 * @dev: any device
 *
 * Return: true for a PCI device that iopmem itself bound.
 */
bool iopmem_pci_owns(struct device *dev)
{
	return dev_is_pci(dev) && dev->driver == &iopmem_pci_driver.driver;
}

int iopmem_pci_init(void)
{
	return pci_register_driver(&iopmem_pci_driver);
}

void iopmem_pci_exit(void)
{
	pci_unregister_driver(&iopmem_pci_driver);
}
