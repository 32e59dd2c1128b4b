// SPDX-License-Identifier: GPL-2.0
/*
 * p2pdma mode: the range becomes PCI P2PDMA memory of its PCI device.
 *
 * The kernel's P2PDMA core then owns the struct pages: it publishes the
 * pool in /sys/bus/pci/devices/.../p2pmem/, lets user space map
 * p2pmem/allocate (and do O_DIRECT with it), and hands the memory to
 * kernel users such as the NVMe-oF target, with bus addresses and the
 * PCIe path checked by its distance rules.  iopmem keeps the memory type
 * reservation and the claim on the range, as in the other modes.
 *
 * pci_p2pdma_add_resource() has no inverse: everything it sets up is
 * device-managed on the PCI device.  iopmem wraps it in a devres group,
 * so that a fatal PCIe error can release it while the device stays.  The
 * mode is chosen at bind and fixed while bound: a group added after the
 * bind would be released by the PCI core before iopmem's own removal
 * runs, racing with any change made meanwhile.
 */
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/slab.h>

#include "iopmem-private.h"

/*
 * The first action of the group, so the last one released: the P2PDMA
 * pages are gone by then, and the claim and the memory type can go too.
 */
static void iopmem_p2pdma_release(void *data)
{
	struct iopmem_p2pdma *p2p = data;

	iopmem_unclaim(&p2p->map);
	kfree(p2p);
}

static struct pci_dev *iopmem_p2pdma_pci(struct iopmem_device *idev)
{
	struct device *owner = idev->dev.parent;

	/* Its devres must be released right after iopmem's removal. */
	if (!owner || !iopmem_pci_owns(owner) || idev->bar < 0)
		return NULL;
	return to_pci_dev(owner);
}

/**
 * iopmem_p2pdma_start() - publish the range as P2PDMA memory
 * @idev: the device, with @idev->lock held and no live state
 *
 * Return: 0, -EOPNOTSUPP where the kernel or the provider cannot (logged),
 * or another negative errno; on error nothing is left behind.
 */
int iopmem_p2pdma_start(struct iopmem_device *idev)
{
	struct pci_dev *pdev = iopmem_p2pdma_pci(idev);
	resource_size_t offset;
	struct iopmem_p2pdma *p2p;
	int rc;

	lockdep_assert_held(&idev->lock);

	if (!IS_ENABLED(CONFIG_PCI_P2PDMA)) {
		dev_err(&idev->dev, "mode p2pdma needs a kernel built with CONFIG_PCI_P2PDMA; use fsdax or devdax\n");
		return -EOPNOTSUPP;
	}
	if (!pdev) {
		dev_err(&idev->dev, "mode p2pdma needs a BAR of a PCI device bound to iopmem, and %s is none; use fsdax or devdax\n",
			dev_name(idev->dev.parent));
		return -EOPNOTSUPP;
	}

	p2p = kzalloc(sizeof(*p2p), GFP_KERNEL);
	if (!p2p)
		return -ENOMEM;
	p2p->pdev = pdev;
	rc = iopmem_claim(&p2p->map, &idev->dev, &idev->range, idev->cache);
	if (rc) {
		kfree(p2p);
		return rc;
	}

	p2p->group = devres_open_group(&pdev->dev, NULL, GFP_KERNEL);
	if (!p2p->group) {
		iopmem_p2pdma_release(p2p);
		return -ENOMEM;
	}
	rc = devm_add_action_or_reset(&pdev->dev, iopmem_p2pdma_release, p2p);
	if (rc)
		goto out_group;
	offset = idev->range.start - pci_resource_start(pdev, idev->bar);
	rc = pci_p2pdma_add_resource(pdev, idev->bar, range_len(&idev->range),
				     offset);
	if (rc) {
		dev_err(&idev->dev, "cannot add the range to PCI P2PDMA (%d)\n",
			rc);
		goto out_group;
	}
	devres_close_group(&pdev->dev, p2p->group);
	pci_p2pmem_publish(pdev, true);
	idev->p2pdma = p2p;
	return 0;

out_group:
	/* Frees p2p, through the action, once it was added. */
	devres_release_group(&pdev->dev, p2p->group);
	return rc;
}

/**
 * iopmem_p2pdma_stop() - withdraw the range from P2PDMA
 * @idev: the device, with @idev->lock held and p2pdma live state
 *
 * The P2PDMA core unmaps p2pmem/allocate from every process, then waits
 * until kernel users have freed what they allocated.  On removal the PCI
 * core releases the group itself, right after iopmem's removal.
 */
void iopmem_p2pdma_stop(struct iopmem_device *idev)
{
	struct iopmem_p2pdma *p2p = idev->p2pdma;

	lockdep_assert_held(&idev->lock);

	idev->p2pdma = NULL;
	pci_p2pmem_publish(p2p->pdev, false);
	if (!idev->removed)
		devres_release_group(&p2p->pdev->dev, p2p->group);
}
