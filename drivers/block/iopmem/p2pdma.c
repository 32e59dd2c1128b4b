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
 * which it releases itself when the mode changes, on a fatal PCIe error
 * and, through the PCI driver's remove(), before the PCI core unwinds the
 * rest.  A group started after the bind lies behind iopmem's own removal
 * action in the PCI device's devres list, so it must never be left to
 * that unwinding, which would release it first, under a device still in
 * mode p2pdma.
 *
 * A PCI device has one P2PDMA part at a time: the core's per-device
 * state is set up by the first pci_p2pdma_add_resource() and released
 * with that call's group.  iopmem_p2pdma_lock serialises the parts of a
 * split BAR, whose modes are written under their own locks.
 */
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/slab.h>

#include "compat.h"
#include "iopmem-private.h"

/* Around P2PDMA setup and teardown: in a device's lock, or alone on removal. */
static DEFINE_MUTEX(iopmem_p2pdma_lock);

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

	/* Its remove() withdraws the group before devres unwinding. */
	if (!owner || !iopmem_pci_owns(owner) || idev->bar < 0)
		return NULL;
	return to_pci_dev(owner);
}

/* The part of iopmem_p2pdma_start() under iopmem_p2pdma_lock. */
static int iopmem_p2pdma_add(struct iopmem_device *idev, struct pci_dev *pdev)
{
	resource_size_t offset;
	struct iopmem_p2pdma *p2p;
	int rc;

	if (iopmem_pci_has_p2pdma(pdev)) {
		dev_err(&idev->dev, "%s already has P2PDMA memory (its p2pmem/), and a PCI device has one P2PDMA part; use fsdax or devdax here, or give the other part another mode first\n",
			pci_name(pdev));
		return -EBUSY;
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
 * iopmem_p2pdma_start() - publish the range as P2PDMA memory
 * @idev: the device, with @idev->lock held and no live state
 *
 * Return: 0, -EOPNOTSUPP where the kernel or the provider cannot (logged),
 * -EBUSY when the PCI device has P2PDMA memory already (logged), or
 * another negative errno; on error nothing is left behind.
 */
int iopmem_p2pdma_start(struct iopmem_device *idev)
{
	struct pci_dev *pdev = iopmem_p2pdma_pci(idev);
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

	mutex_lock(&iopmem_p2pdma_lock);
	rc = iopmem_p2pdma_add(idev, pdev);
	mutex_unlock(&iopmem_p2pdma_lock);
	return rc;
}

/**
 * iopmem_p2pdma_detach() - unpublish the pool and take it from the device
 * @idev: the device, with @idev->lock held
 *
 * Return: the live state, for iopmem_p2pdma_release_group(), or NULL if
 * @idev has none.
 */
struct iopmem_p2pdma *iopmem_p2pdma_detach(struct iopmem_device *idev)
{
	struct iopmem_p2pdma *p2p = idev->p2pdma;

	lockdep_assert_held(&idev->lock);

	if (p2p) {
		idev->p2pdma = NULL;
		pci_p2pmem_publish(p2p->pdev, false);
	}
	return p2p;
}

/**
 * iopmem_p2pdma_release_group() - withdraw a detached pool, then free it
 * @p2p: what iopmem_p2pdma_detach() returned
 *
 * The P2PDMA core unmaps p2pmem/allocate from every process, then waits
 * (uninterruptibly) until kernel users have freed what they allocated.
 * The group must still be in the PCI device's devres list: see the top
 * of this file.
 */
void iopmem_p2pdma_release_group(struct iopmem_p2pdma *p2p)
{
	/* Another part's start must not meet half of the core's state. */
	mutex_lock(&iopmem_p2pdma_lock);
	/* Frees @p2p: the group's first action is iopmem_p2pdma_release(). */
	devres_release_group(&p2p->pdev->dev, p2p->group);
	mutex_unlock(&iopmem_p2pdma_lock);
}

/**
 * iopmem_p2pdma_stop() - withdraw the range from P2PDMA
 * @idev: the device, with @idev->lock held and p2pdma live state
 */
void iopmem_p2pdma_stop(struct iopmem_device *idev)
{
	iopmem_p2pdma_release_group(iopmem_p2pdma_detach(idev));
}

/**
 * iopmem_p2pdma_stop_idle() - withdraw the range unless its pool is in use
 * @idev: the device, with @idev->lock held and p2pdma live state
 * @what: the setting being changed, for the log
 *
 * The P2PDMA core has no count of its pool's users, and would wait for
 * them without end.  Taking the whole pool at once succeeds only when
 * nothing of it is allocated (by a kernel user such as nvmet, or by a
 * process mapping p2pmem/allocate), and keeps new users out until the
 * pool is unpublished.
 *
 * Return: 0 once withdrawn, or -EBUSY (logged) with nothing changed.
 */
int iopmem_p2pdma_stop_idle(struct iopmem_device *idev, const char *what)
{
	struct pci_dev *pdev = idev->p2pdma->pdev;
	size_t len = range_len(&idev->range);
	struct iopmem_p2pdma *p2p;
	void *whole;

	lockdep_assert_held(&idev->lock);

	whole = pci_alloc_p2pmem(pdev, len);
	if (!whole) {
		dev_err(&idev->dev, "cannot change %s: P2PDMA memory of %s is in use (p2pmem/available is less than p2pmem/size); unmap p2pmem/allocate and stop its kernel users (such as an nvmet namespace with p2pmem set) first\n",
			what, pci_name(pdev));
		return -EBUSY;
	}
	p2p = iopmem_p2pdma_detach(idev);
	/*
	 * A kernel user that kept the PCI device (nvmet does) may allocate
	 * once this is back; the P2PDMA core then waits for it.
	 */
	pci_free_p2pmem(pdev, whole, len);
	iopmem_p2pdma_release_group(p2p);
	return 0;
}
