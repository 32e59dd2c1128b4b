// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI provider: binds a device named by driver_override or new_id
 * (iopmem claims no PCI IDs of its own) and publishes one memory BAR, or
 * splits it: the last p2pdma=SIZE bytes become P2PDMA memory, a second
 * iopmem device in p2pdma mode beside the DAX one.
 */
#include <linux/iommu.h>
#include <linux/iopmem.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "iopmem-private.h"

static int iopmem_bar = -1;

/* A BAR number or -1, the refusal logged with @where (see core.c). */
static int iopmem_parse_bar(const char *val, int *bar, const char *where)
{
	int rc = kstrtoint(val, 0, bar);

	if (rc || *bar < -1 || *bar >= PCI_STD_NUM_BARS) {
		pr_err("iopmem: %sbar=%.*s is not a BAR number; use 0 to %d, or -1 for the largest 64-bit memory BAR\n",
		       where, (int)strcspn(val, "\n"), val,
		       PCI_STD_NUM_BARS - 1);
		return -EINVAL;
	}
	return 0;
}

static int iopmem_bar_param_set(const char *val, const struct kernel_param *kp)
{
	int bar;

	if (iopmem_parse_bar(val, &bar, ""))
		return -EINVAL;
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

/**
 * struct iopmem_pci_pending - settings written to bind_settings for a device
 * @node: entry in iopmem_pci_pending_list
 * @name: the device, as pci_name() spells it
 * @bar: the BAR to publish, -1 for the largest 64-bit one, or
 *	 IOPMEM_BAR_UNSET for the module parameter
 * @set: cache, mode and memmap
 * @p2pdma_size: bytes at the BAR's end to publish as P2PDMA memory, or 0
 *
 * One per device at most; its next probe takes it, whatever the outcome.
 */
struct iopmem_pci_pending {
	struct list_head node;
	char name[IOPMEM_NAME_LEN];
	int bar;
	struct iopmem_settings set;
	u64 p2pdma_size;
};

/**
 * struct iopmem_pci_data - what iopmem published for a PCI device
 * @idev: the BAR, or its first part when split
 * @p2pdma: the P2PDMA part of a split BAR, or NULL
 */
struct iopmem_pci_data {
	struct iopmem_device *idev;
	struct iopmem_device *p2pdma;
};

#define IOPMEM_BAR_UNSET	INT_MIN

static LIST_HEAD(iopmem_pci_pending_list);
static DEFINE_MUTEX(iopmem_pci_pending_lock);

static struct iopmem_pci_pending *iopmem_pci_pending_find(const char *name)
{
	struct iopmem_pci_pending *p;

	lockdep_assert_held(&iopmem_pci_pending_lock);
	list_for_each_entry(p, &iopmem_pci_pending_list, node)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/* Take the settings written for @pdev: the caller frees them. */
static struct iopmem_pci_pending *iopmem_pci_pending_take(struct pci_dev *pdev)
{
	struct iopmem_pci_pending *p;

	mutex_lock(&iopmem_pci_pending_lock);
	p = iopmem_pci_pending_find(pci_name(pdev));
	if (p)
		list_del(&p->node);
	mutex_unlock(&iopmem_pci_pending_lock);
	return p;
}

static void iopmem_pci_pending_free_all(void)
{
	struct iopmem_pci_pending *p, *next;

	mutex_lock(&iopmem_pci_pending_lock);
	list_for_each_entry_safe(p, next, &iopmem_pci_pending_list, node) {
		list_del(&p->node);
		kfree(p);
	}
	mutex_unlock(&iopmem_pci_pending_lock);
}

static ssize_t bind_settings_show(struct device_driver *drv, char *buf)
{
	struct iopmem_pci_pending *p;
	ssize_t len = 0;

	mutex_lock(&iopmem_pci_pending_lock);
	list_for_each_entry(p, &iopmem_pci_pending_list, node) {
		/* A line is under 80 bytes; PCI devices are a few hundred. */
		if (len > PAGE_SIZE - 80)
			break;
		len += sysfs_emit_at(buf, len, "%s", p->name);
		if (p->bar != IOPMEM_BAR_UNSET)
			len += sysfs_emit_at(buf, len, " bar=%d", p->bar);
		if (p->set.cache >= 0)
			len += sysfs_emit_at(buf, len, " cache=%s",
					     iopmem_cache_names[p->set.cache]);
		if (p->set.mode >= 0)
			len += sysfs_emit_at(buf, len, " mode=%s",
					     iopmem_mode_names[p->set.mode]);
		if (p->set.memmap >= 0)
			len += sysfs_emit_at(buf, len, " memmap=%s",
					     iopmem_memmap_names[p->set.memmap]);
		if (p->p2pdma_size)
			len += sysfs_emit_at(buf, len, " p2pdma=%lluM",
					     p->p2pdma_size >> 20);
		len += sysfs_emit_at(buf, len, "\n");
	}
	mutex_unlock(&iopmem_pci_pending_lock);
	return len;
}

/* A P2PDMA part's size: whole 2 MiB units, the refusal logged. */
static int iopmem_parse_p2pdma_size(const char *val, u64 *size,
				    const char *where)
{
	char *end;

	*size = memparse(val, &end);
	if (end == val || (*end && *end != '\n') || !*size ||
	    !IS_ALIGNED(*size, IOPMEM_ALIGN)) {
		pr_err("iopmem: %sp2pdma=%.*s is not a size in whole 2 MiB units; use e.g. p2pdma=128M\n",
		       where, (int)strcspn(val, "\n"), val);
		return -EINVAL;
	}
	return 0;
}

/*
 * Parse "DDDD:BB:SS.F [bar=N] [cache=C] [mode=M] [memmap=P] [p2pdma=SIZE]"
 * into @p,
 * with the name canonical; every refusal is logged.
 */
static int iopmem_pci_pending_parse(char *args, struct iopmem_pci_pending *p)
{
	unsigned int domain, bus, slot, func;
	char *tok, *val, where[IOPMEM_NAME_LEN + 24];
	struct pci_dev *pdev;
	int rc, n = 0;

	tok = strsep(&args, " \t\n");
	if (!tok || sscanf(tok, "%x:%x:%x.%x%n", &domain, &bus, &slot, &func,
			   &n) != 4 || tok[n] || bus > 0xff || slot > 0x1f ||
	    func > 7) {
		pr_err("iopmem: bind_settings: '%.32s' is not a PCI address; write DDDD:BB:SS.F as 'lspci -D' shows it, then the settings\n",
		       tok ? tok : "");
		return -EINVAL;
	}
	snprintf(p->name, sizeof(p->name), "%04x:%02x:%02x.%d", domain, bus,
		 slot, func);
	pdev = pci_get_domain_bus_and_slot(domain, bus, PCI_DEVFN(slot, func));
	if (!pdev) {
		pr_err("iopmem: bind_settings: no PCI device %s; 'lspci -D' lists them\n",
		       p->name);
		return -ENODEV;
	}
	pci_dev_put(pdev);
	snprintf(where, sizeof(where), "bind_settings %s: ", p->name);

	while ((tok = strsep(&args, " \t\n"))) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (val)
			*val++ = '\0';
		if (val && !strcmp(tok, "bar")) {
			rc = iopmem_parse_bar(val, &p->bar, where);
		} else if (val && !strcmp(tok, "p2pdma")) {
			rc = iopmem_parse_p2pdma_size(val, &p->p2pdma_size,
						      where);
		} else {
			rc = val ? iopmem_parse_setting(tok, val, &p->set, where)
				 : -ENOENT;
		}
		if (rc == -ENOENT)
			pr_err("iopmem: %s'%.32s' is not a setting; use bar=N, cache=wc|uc, mode=fsdax|devdax|p2pdma|iopfs, memmap=ram|dev or p2pdma=SIZE\n",
			       where, tok);
		if (rc)
			return -EINVAL;
	}
	return 0;
}

/*
 * Settings for the next probe of one device, so that binding it does not
 * change the module parameters every other bind reads.  Writing the
 * address alone forgets what was written for it.
 */
static ssize_t bind_settings_store(struct device_driver *drv, const char *buf,
				   size_t count)
{
	struct iopmem_pci_pending *p, *old;
	char *args;
	int rc;

	args = kstrndup(buf, count, GFP_KERNEL);
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	rc = -ENOMEM;
	if (!args || !p)
		goto out;
	p->bar = IOPMEM_BAR_UNSET;
	p->set = (struct iopmem_settings){ -1, -1, -1 };
	rc = iopmem_pci_pending_parse(args, p);
	if (rc)
		goto out;

	mutex_lock(&iopmem_pci_pending_lock);
	old = iopmem_pci_pending_find(p->name);
	if (old) {
		list_del(&old->node);
		kfree(old);
	}
	if (p->bar != IOPMEM_BAR_UNSET || p->set.cache >= 0 ||
	    p->set.mode >= 0 || p->set.memmap >= 0 || p->p2pdma_size) {
		list_add_tail(&p->node, &iopmem_pci_pending_list);
		p = NULL;
	}
	mutex_unlock(&iopmem_pci_pending_lock);
	rc = count;
out:
	kfree(p);
	kfree(args);
	return rc;
}
static DRIVER_ATTR_RW(bind_settings);

static struct attribute *iopmem_pci_drv_attrs[] = {
	&driver_attr_bind_settings.attr,
	NULL,
};
ATTRIBUTE_GROUPS(iopmem_pci_drv);

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

static int iopmem_pci_pick_bar(struct pci_dev *pdev, int bar)
{
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

/*
 * p2pdma=SIZE: the last SIZE bytes of the BAR go to P2PDMA, the rest to
 * the DAX mode of @set.  Checked before anything is published.
 */
static int iopmem_pci_check_split(struct pci_dev *pdev, int bar, u64 size,
				  const struct iopmem_settings *set)
{
	u64 len = pci_resource_len(pdev, bar);

	if (!size)
		return 0;
	if (set->mode == IOPMEM_MODE_P2PDMA) {
		dev_err(&pdev->dev, "p2pdma=%lluM splits BAR%d between a DAX mode and P2PDMA, but mode is p2pdma; bind with mode fsdax or devdax, or leave p2pdma=SIZE out to give P2PDMA all of it\n",
			size >> 20, bar);
		return -EINVAL;
	}
	if (size >= len) {
		dev_err(&pdev->dev, "p2pdma=%lluM leaves nothing of BAR%d (%llu MiB) for mode %s; give P2PDMA less, or bind with mode p2pdma for all of it\n",
			size >> 20, bar, len >> 20, iopmem_mode_names[set->mode]);
		return -EINVAL;
	}
	return 0;
}

static int iopmem_pci_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	struct iopmem_settings set = { -1, -1, -1 };
	struct iopmem_pci_pending *pending;
	struct iopmem_range_desc desc;
	struct iopmem_pci_data *data;
	u64 p2pdma_size = 0;
	int bar, rc;

	bar = READ_ONCE(iopmem_bar);
	pending = iopmem_pci_pending_take(pdev);
	if (pending) {
		if (pending->bar != IOPMEM_BAR_UNSET)
			bar = pending->bar;
		set = pending->set;
		p2pdma_size = pending->p2pdma_size;
		kfree(pending);
	}
	/* Read the module parameter once, for the check and the bind. */
	set.mode = iopmem_settings_mode(&set);
	bar = iopmem_pci_pick_bar(pdev, bar);
	if (bar < 0)
		return bar;

	/* The core checks alignment; a BAR of 2 MiB or more is aligned. */
	if (pci_resource_len(pdev, bar) < IOPMEM_ALIGN) {
		dev_err(&pdev->dev, "BAR%d %pR is smaller than 2 MiB (the smallest ZONE_DEVICE unit); choose a larger BAR with bar=N\n",
			bar, &pdev->resource[bar]);
		return -EINVAL;
	}
	rc = iopmem_pci_check_split(pdev, bar, p2pdma_size, &set);
	if (rc)
		return rc;

	data = devm_kzalloc(&pdev->dev, sizeof(*data), GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	rc = pcim_enable_device(pdev);
	if (rc) {
		dev_err(&pdev->dev, "cannot enable the device (%d)\n", rc);
		return rc;
	}

	desc.owner = &pdev->dev;
	desc.range.start = pci_resource_start(pdev, bar);
	desc.range.end = pci_resource_end(pdev, bar) - p2pdma_size;
	desc.bar = bar;
	desc.nid = dev_to_node(&pdev->dev);
	/* Write-combining may merge or repeat reads: a prefetchable BAR only. */
	desc.uc_only = !(pci_resource_flags(pdev, bar) & IORESOURCE_PREFETCH);
	data->idev = devm_iopmem_add_with(&desc, &set);
	if (IS_ERR(data->idev))
		return PTR_ERR(data->idev);
	if (p2pdma_size) {
		struct iopmem_settings p2pdma_set = {
			set.cache, IOPMEM_MODE_P2PDMA, -1
		};

		/* Added last, so withdrawn and removed first. */
		desc.range.start = desc.range.end + 1;
		desc.range.end = pci_resource_end(pdev, bar);
		data->p2pdma = devm_iopmem_add_with(&desc, &p2pdma_set);
		if (IS_ERR(data->p2pdma))
			return PTR_ERR(data->p2pdma);
	}
	pci_set_drvdata(pdev, data);
	/* slot_reset() restores this after a link reset. */
	pci_save_state(pdev);
	iopmem_pci_warn_iommu(pdev, data->idev);
	return 0;
}

/*
 * Removes the devices before the PCI core unwinds the probe's devres: a
 * P2PDMA group started by a mode change lies behind iopmem's removal
 * action there and would be released first, under a device still in
 * mode p2pdma (see p2pdma.c).  Reverse order of the probe.
 */
static void iopmem_pci_remove(struct pci_dev *pdev)
{
	struct iopmem_pci_data *data = pci_get_drvdata(pdev);

	if (data->p2pdma)
		devm_iopmem_remove(&pdev->dev, data->p2pdma);
	devm_iopmem_remove(&pdev->dev, data->idev);
}

/* Take what iopmem published for @pdev offline (see iopmem_offline()). */
static void iopmem_pci_offline(struct pci_dev *pdev, const char *why)
{
	struct iopmem_pci_data *data = pci_get_drvdata(pdev);

	iopmem_offline(data->idev, why);
	if (data->p2pdma)
		iopmem_offline(data->p2pdma, why);
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
	switch (state) {
	case pci_channel_io_normal:
		dev_warn(&pdev->dev, "non-fatal PCIe error: the link is up, I/O goes on\n");
		return PCI_ERS_RESULT_CAN_RECOVER;
	case pci_channel_io_frozen:
		iopmem_pci_offline(pdev, "fatal PCIe error, the link is being reset");
		return PCI_ERS_RESULT_NEED_RESET;
	default:
		iopmem_pci_offline(pdev, "the device failed permanently");
		return PCI_ERS_RESULT_DISCONNECT;
	}
}

static pci_ers_result_t iopmem_pci_slot_reset(struct pci_dev *pdev)
{
	pci_restore_state(pdev);
	pci_save_state(pdev);
	return PCI_ERS_RESULT_RECOVERED;
}

/* After a link or function reset: say so if a device went offline. */
static void iopmem_pci_report_offline(struct pci_dev *pdev, const char *what)
{
	struct iopmem_pci_data *data = pci_get_drvdata(pdev);
	struct iopmem_device *idevs[] = { data->idev, data->p2pdma };
	int i;

	for (i = 0; i < ARRAY_SIZE(idevs); i++)
		if (idevs[i] && !iopmem_online(idevs[i]))
			dev_info(&pdev->dev, "%s; %s stays offline until %s\n",
				 what, dev_name(&idevs[i]->dev),
				 "its mode is written again");
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
	iopmem_pci_offline(pdev,
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
	.remove		= iopmem_pci_remove,
	.groups		= iopmem_pci_drv_groups,
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

/**
 * iopmem_pci_hotplug_slot() - whether a range's owner may vanish at once
 * @dev: the device that provided a range
 *
 * Return: true for a PCI device in a hot-plug slot (a hot-plug bridge
 * above it, or a slot a hot-plug driver registered): it can be pulled or
 * lose its link while its BAR is in use.
 */
bool iopmem_pci_hotplug_slot(struct device *dev)
{
	struct pci_dev *pdev, *bridge;

	if (!dev_is_pci(dev))
		return false;
	pdev = to_pci_dev(dev);
	if (pdev->slot && pdev->slot->hotplug)
		return true;
	bridge = pci_upstream_bridge(pdev);
	return bridge && bridge->is_hotplug_bridge;
}

int iopmem_pci_init(void)
{
	return pci_register_driver(&iopmem_pci_driver);
}

void iopmem_pci_exit(void)
{
	pci_unregister_driver(&iopmem_pci_driver);
	/* Settings for devices that never probed. */
	iopmem_pci_pending_free_all();
}
