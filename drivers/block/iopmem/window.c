// SPDX-License-Identifier: GPL-2.0
/*
 * The window of a removed device whose pages are still in use.
 *
 * When the device under a mapping goes away while something still holds
 * its pages (a mounted file system, a pinned page), the struct pages and
 * the memory type stay until the last user lets go.  The address window
 * must stay taken as well: otherwise the PCI core gives it to the next
 * device plugged in, whose BAR the old users' stale mappings then write.
 * So iopmem puts a busy resource over the range into the iomem tree.
 *
 * The resource goes right above the BAR, under the window of the bridge
 * above the device: higher up, it would swallow a bridge window of the
 * same size and the BAR would be allocated inside it again.  Removing
 * that bridge would release its windows together with our
 * resource, which would then point into a freed struct pci_dev.  Before
 * that happens (the bus notifier sees the bridge leave), the claim moves
 * one level up: it takes over the departing window's range, so that it
 * becomes that window's parent and outlives it, and shrinks back to its
 * own range once the window has gone.
 *
 * What the removed device's users still hold in the tree hangs below its
 * BAR: device-dax instances keep their busy regions until their pages
 * are free.  The PCI core releases a departing device's resources with
 * their subtrees, which would unlink those regions while their owners
 * still hold them: their release would not find them ("Trying to free
 * nonexistent resource") and leak them.  So a resource of a departing
 * device that sits right below the claim leaves the tree alone, and the
 * claim takes over its children.
 */
#include <linux/ioport.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "iopmem-private.h"

/**
 * struct iopmem_window - a claim on a removed device's window
 * @res: the busy resource in the iomem tree
 * @range: the range it claims once it is back to its own size
 * @node: entry in iopmem_windows
 * @name: what /proc/iomem shows
 */
struct iopmem_window {
	struct resource res;
	struct range range;
	struct list_head node;
	char name[48];
};

static LIST_HEAD(iopmem_windows);
static DEFINE_MUTEX(iopmem_windows_lock);

static void iopmem_window_shrink_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(iopmem_window_shrink, iopmem_window_shrink_fn);

static bool iopmem_window_grown(const struct iopmem_window *win)
{
	return win->res.parent && (win->res.start != win->range.start ||
				   win->res.end != win->range.end);
}

/*
 * Back to its own range once the window it took over has been released.
 * adjust_resource() alone is not enough: the claim of another removed
 * device below the same bridge may have moved into this one (it took over
 * a window that this claim had taken over before) and lies outside this
 * claim's own range.  Taken out of the tree and put back, the claim
 * leaves such resources to its parent; the PCI core allocates nothing in
 * between (the caller holds the rescan lock).  While the window is still
 * there, insert_resource() would put the claim back inside it: then the
 * claim goes back to how it was, to try again later.
 */
static bool iopmem_window_shrink_one(struct iopmem_window *win)
{
	struct resource *parent = win->res.parent;
	resource_size_t start = win->res.start, end = win->res.end;

	if (!adjust_resource(&win->res, win->range.start,
			     range_len(&win->range)))
		return true;

	remove_resource(&win->res);
	win->res.start = win->range.start;
	win->res.end = win->range.end;
	if (!insert_resource(parent, &win->res)) {
		if (win->res.parent == parent)
			return true;
		remove_resource(&win->res);
	}
	win->res.start = start;
	win->res.end = end;
	if (insert_resource(parent, &win->res))
		pr_warn("iopmem: lost the claim %pR of %s; a device plugged in now may be given that range: plug none in below that bridge until its users let go\n",
			&win->res, win->name);
	return false;
}

static void iopmem_window_shrink_fn(struct work_struct *work)
{
	struct iopmem_window *win;
	bool again = false;

	pci_lock_rescan_remove();
	mutex_lock(&iopmem_windows_lock);
	list_for_each_entry(win, &iopmem_windows, node)
		if (iopmem_window_grown(win) && !iopmem_window_shrink_one(win))
			again = true;
	mutex_unlock(&iopmem_windows_lock);
	pci_unlock_rescan_remove();
	if (again)
		schedule_delayed_work(&iopmem_window_shrink, HZ / 10);
}

/* Where to insert: the parent of the owner's BAR that holds the range. */
static struct resource *iopmem_window_parent(struct device *owner,
					     const struct range *range)
{
	struct pci_dev *pdev;
	struct resource *bar;
	int i;

	if (!owner || !dev_is_pci(owner))
		return &iomem_resource;
	pdev = to_pci_dev(owner);
	for (i = 0; i < PCI_NUM_RESOURCES; i++) {
		bar = &pdev->resource[i];
		if (bar->parent && resource_type(bar) == IORESOURCE_MEM &&
		    bar->start <= range->start && range->end <= bar->end)
			return bar->parent;
	}
	return &iomem_resource;
}

/**
 * iopmem_window_hold() - keep the window of a mapping taken
 * @map: a mapping whose device is gone or going while its pages are in use
 * @owner: the device that provided the range, not yet released
 *
 * Call it before the owner's resources are released.  Idempotent.  If
 * the range cannot be claimed, say so: the mapping lives on regardless.
 */
void iopmem_window_hold(struct iopmem_mapping *map, struct device *owner)
{
	struct iopmem_window *win;
	struct resource res;
	int rc;

	if (map->window)
		return;
	win = kzalloc(sizeof(*win), GFP_KERNEL);
	if (!win) {
		rc = -ENOMEM;
		goto out_lost;
	}
	win->range = map->range;
	snprintf(win->name, sizeof(win->name), "%s (removed, in use)",
		 map->name);
	win->res.name = win->name;
	win->res.start = map->range.start;
	win->res.end = map->range.end;
	win->res.flags = IORESOURCE_MEM | IORESOURCE_BUSY;

	mutex_lock(&iopmem_windows_lock);
	rc = insert_resource(iopmem_window_parent(owner, &map->range),
			     &win->res);
	if (!rc)
		list_add_tail(&win->node, &iopmem_windows);
	mutex_unlock(&iopmem_windows_lock);
	if (rc) {
		kfree(win);
		goto out_lost;
	}
	map->window = win;
	return;

out_lost:
	res = iopmem_map_res(map);
	pr_warn("iopmem %s: cannot keep %pR claimed while in use (%d); a device plugged in now may be given it\n",
		map->name, &res, rc);
}

/**
 * iopmem_window_put() - give the window up, the pages are free
 * @map: the mapping, with no struct pages left
 */
void iopmem_window_put(struct iopmem_mapping *map)
{
	struct iopmem_window *win = map->window;

	if (!win)
		return;
	mutex_lock(&iopmem_windows_lock);
	list_del(&win->node);
	/*
	 * Not release_resource(): a window it took over may still be inside,
	 * and regions it adopted go back to its parent, to be released there.
	 */
	if (win->res.parent)
		remove_resource(&win->res);
	mutex_unlock(&iopmem_windows_lock);
	kfree(win);
	map->window = NULL;
}

static bool iopmem_res_of(const struct pci_dev *pdev,
			  const struct resource *res)
{
	return res >= &pdev->resource[0] &&
	       res < &pdev->resource[PCI_NUM_RESOURCES];
}

/* @pdev is leaving and takes its resources along: move up out of them. */
static void iopmem_window_move_up(struct iopmem_window *win,
				  struct pci_dev *pdev)
{
	struct resource *leaving = win->res.parent;
	struct resource *above = leaving->parent;

	remove_resource(&win->res);
	win->res.start = leaving->start;
	win->res.end = leaving->end;
	if (above && !insert_resource(above, &win->res)) {
		schedule_delayed_work(&iopmem_window_shrink, HZ / 10);
		return;
	}
	win->res.start = win->range.start;
	win->res.end = win->range.end;
	pci_warn(pdev, "removal releases %pR of a removed iopmem device still in use; a device plugged in now may be given it\n",
		 &win->res);
}

/*
 * @pdev is leaving: its resources right below the claim leave the tree
 * before the PCI core releases them, and their children stay, below the
 * claim.  remove_resource() leaves them no parent, so the PCI core skips
 * them.
 */
static void iopmem_window_adopt(struct iopmem_window *win,
				struct pci_dev *pdev)
{
	struct resource *res;
	int i;

	for (i = 0; i < PCI_NUM_RESOURCES; i++) {
		res = &pdev->resource[i];
		if (res->parent == &win->res)
			remove_resource(res);
	}
}

static int iopmem_window_pci_notify(struct notifier_block *nb,
				    unsigned long action, void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);
	struct iopmem_window *win;

	if (action != BUS_NOTIFY_DEL_DEVICE)
		return NOTIFY_DONE;

	mutex_lock(&iopmem_windows_lock);
	list_for_each_entry(win, &iopmem_windows, node) {
		if (win->res.parent && iopmem_res_of(pdev, win->res.parent))
			iopmem_window_move_up(win, pdev);
		iopmem_window_adopt(win, pdev);
	}
	mutex_unlock(&iopmem_windows_lock);
	return NOTIFY_OK;
}

static struct notifier_block iopmem_window_pci_nb = {
	.notifier_call = iopmem_window_pci_notify,
};

int iopmem_window_init(void)
{
	return bus_register_notifier(&pci_bus_type, &iopmem_window_pci_nb);
}

/* Module exit: no mapping, so no window, is left by now. */
void iopmem_window_exit(void)
{
	bus_unregister_notifier(&pci_bus_type, &iopmem_window_pci_nb);
	cancel_delayed_work_sync(&iopmem_window_shrink);
}
