// SPDX-License-Identifier: GPL-2.0
/*
 * iopmem core: device lifecycle, configuration versus live state, and the
 * provider API through which PCI (and other drivers) hand in device memory.
 */
#include <kunit/visibility.h>
#include <linux/idr.h>
#include <linux/iopmem.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "iopmem-private.h"

const char *const iopmem_cache_names[] = {
	[IOPMEM_CACHE_WC] = "wc",
	[IOPMEM_CACHE_UC] = "uc",
};

const char *const iopmem_mode_names[] = {
	[IOPMEM_MODE_FSDAX] = "fsdax",
	[IOPMEM_MODE_DEVDAX] = "devdax",
	[IOPMEM_MODE_P2PDMA] = "p2pdma",
	[IOPMEM_MODE_IOPFS] = "iopfs",
};

const char *const iopmem_memmap_names[] = {
	[IOPMEM_MEMMAP_RAM] = "ram",
	[IOPMEM_MEMMAP_DEV] = "dev",
};

static DEFINE_IDA(iopmem_ida);

/**
 * iopmem_parse_cache() - parse a memory type name
 * @buf: "wc" or "uc", with or without a trailing newline
 *
 * Return: the enum iopmem_cache value, or -EINVAL.
 */
int iopmem_parse_cache(const char *buf)
{
	return sysfs_match_string(iopmem_cache_names, buf);
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_parse_cache);

/**
 * iopmem_parse_mode() - parse a mode name
 * @buf: "fsdax", "devdax", "p2pdma" or "iopfs", with or without a trailing
 *	 newline
 *
 * Return: the enum iopmem_mode value, or -EINVAL.
 */
int iopmem_parse_mode(const char *buf)
{
	return sysfs_match_string(iopmem_mode_names, buf);
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_parse_mode);

/**
 * iopmem_parse_memmap() - parse a memmap place
 * @buf: "ram" or "dev", with or without a trailing newline
 *
 * Return: the enum iopmem_memmap value, or -EINVAL.
 */
int iopmem_parse_memmap(const char *buf)
{
	return sysfs_match_string(iopmem_memmap_names, buf);
}
EXPORT_SYMBOL_IF_KUNIT(iopmem_parse_memmap);

/*
 * Parse @val as one of @choice's names; a refusal is logged with @where
 * ("" for the module parameter) so the user sees which write it was.
 */
static int iopmem_choice_parse(const struct iopmem_choice *choice,
			       const char *val, const char *where)
{
	int i = __sysfs_match_string(choice->names, choice->count, val);

	if (i < 0)
		pr_err("iopmem: %s%s=%.*s is not %s; use %s\n", where,
		       choice->name, (int)strcspn(val, "\n"), val,
		       choice->what, choice->hint);
	return i;
}

static int iopmem_choice_set(const char *val, const struct kernel_param *kp)
{
	struct iopmem_choice *choice = kp->arg;
	int i = iopmem_choice_parse(choice, val, "");

	if (i < 0)
		return -EINVAL;
	choice->value = i;
	return 0;
}

static int iopmem_choice_get(char *buf, const struct kernel_param *kp)
{
	const struct iopmem_choice *choice = kp->arg;

	return sysfs_emit(buf, "%s\n", choice->names[choice->value]);
}

VISIBLE_IF_KUNIT const struct kernel_param_ops iopmem_choice_ops = {
	.set = iopmem_choice_set,
	.get = iopmem_choice_get,
};
EXPORT_SYMBOL_IF_KUNIT(iopmem_choice_ops);

VISIBLE_IF_KUNIT struct iopmem_choice iopmem_default_cache = {
	.value	= IOPMEM_CACHE_WC,
	.name	= "cache",
	.names	= iopmem_cache_names,
	.count	= ARRAY_SIZE(iopmem_cache_names),
	.what	= "a memory type",
	.hint	= "cache=wc (write-combining) or cache=uc (uncached)",
};
EXPORT_SYMBOL_IF_KUNIT(iopmem_default_cache);
module_param_cb(cache, &iopmem_choice_ops, &iopmem_default_cache, 0644);
MODULE_PARM_DESC(cache,
		 "Memory type of devices bound from now on: wc (write-combining, default) or uc (uncached). Change one device with /sys/class/iopmem/iopmemN/cache.");

VISIBLE_IF_KUNIT struct iopmem_choice iopmem_default_mode = {
	.value	= IOPMEM_MODE_FSDAX,
	.name	= "mode",
	.names	= iopmem_mode_names,
	.count	= ARRAY_SIZE(iopmem_mode_names),
	.what	= "a mode",
	.hint	=
		"mode=fsdax (block device), mode=devdax (device-dax region), mode=p2pdma (PCI P2PDMA memory) or mode=iopfs (block device for mount -t iopfs)",
};
EXPORT_SYMBOL_IF_KUNIT(iopmem_default_mode);
module_param_cb(mode, &iopmem_choice_ops, &iopmem_default_mode, 0644);
MODULE_PARM_DESC(mode,
		 "Mode of devices bound from now on: fsdax (default; /dev/iopmemN for file systems with -o dax), devdax (a device-dax region for daxctl), p2pdma (PCI P2PDMA memory) or iopfs (/dev/iopmemN for mount -t iopfs, pages that RDMA can pin). Change one device with /sys/class/iopmem/iopmemN/mode.");

VISIBLE_IF_KUNIT struct iopmem_choice iopmem_default_memmap = {
	.value	= IOPMEM_MEMMAP_RAM,
	.name	= "memmap",
	.names	= iopmem_memmap_names,
	.count	= ARRAY_SIZE(iopmem_memmap_names),
	.what	= "a place for struct pages",
	.hint	=
		"memmap=ram (system RAM) or memmap=dev (device memory)",
};
EXPORT_SYMBOL_IF_KUNIT(iopmem_default_memmap);
module_param_cb(memmap, &iopmem_choice_ops, &iopmem_default_memmap, 0644);
MODULE_PARM_DESC(memmap,
		 "Where devices bound from now on keep their struct pages in fsdax mode: ram (default; 64 bytes of system RAM per 4 KiB page, 16 MiB per GiB) or dev (the first ~1.6% of the device memory, which /dev/iopmemN then leaves out; for large BARs the CPU reaches coherently). Change one device with /sys/class/iopmem/iopmemN/memmap.");

/**
 * iopmem_parse_setting() - parse one "key=value" of a per-device setting
 * @key: "cache", "mode" or "memmap"
 * @val: its value, as the module parameter of that name takes it
 * @set: the settings to fill in
 * @where: what was written, for the log ("bind_settings ADDR: ")
 *
 * The values and messages are those of the module parameters.
 *
 * Return: 0, -ENOENT for an unknown key (not logged), or -EINVAL (logged).
 */
int iopmem_parse_setting(const char *key, const char *val,
			 struct iopmem_settings *set, const char *where)
{
	static struct iopmem_choice *const choices[] = {
		&iopmem_default_cache, &iopmem_default_mode,
		&iopmem_default_memmap,
	};
	int *fields[] = { &set->cache, &set->mode, &set->memmap };
	int i, v;

	for (i = 0; i < ARRAY_SIZE(choices); i++) {
		if (strcmp(key, choices[i]->name))
			continue;
		v = iopmem_choice_parse(choices[i], val, where);
		if (v < 0)
			return -EINVAL;
		*fields[i] = v;
		return 0;
	}
	return -ENOENT;
}

static struct class iopmem_class = {
	.name		= "iopmem",
	.dev_groups	= iopmem_attr_groups,
};

static void iopmem_device_release(struct device *dev)
{
	struct iopmem_device *idev = to_iopmem_device(dev);

	ida_free(&iopmem_ida, idev->id);
	kfree(idev);
}

static int iopmem_live_start(struct iopmem_device *idev, bool new_memmap)
{
	switch (idev->mode) {
	case IOPMEM_MODE_FSDAX:
	case IOPMEM_MODE_IOPFS:
		return iopmem_fsdax_start(idev, new_memmap);
	case IOPMEM_MODE_DEVDAX:
		return iopmem_devdax_start(idev);
	case IOPMEM_MODE_P2PDMA:
		return iopmem_p2pdma_start(idev);
	}
	return -EINVAL;
}

static void iopmem_live_stop(struct iopmem_device *idev)
{
	if (idev->fsdax)
		iopmem_fsdax_stop(idev);
	/*
	 * Waiting for held pages may be given up by a killed task, except
	 * on module exit: the region's driver would free them right after.
	 */
	if (idev->devdax)
		iopmem_devdax_stop(idev, module_is_live(THIS_MODULE));
	if (idev->p2pdma)
		iopmem_p2pdma_stop(idev);
}

static bool iopmem_live(struct iopmem_device *idev)
{
	return idev->fsdax || idev->devdax || idev->p2pdma;
}

static int iopmem_live_stop_idle(struct iopmem_device *idev, const char *what)
{
	if (idev->fsdax)
		return iopmem_fsdax_stop_idle(idev, what);
	if (idev->devdax)
		return iopmem_devdax_stop_idle(idev, what);
	if (idev->p2pdma)
		return iopmem_p2pdma_stop_idle(idev, what);
	return 0;
}

/*
 * Rebuild the live state with a new cache, mode and/or memmap (a negative
 * value keeps the current one: read under the lock, so concurrent changes
 * of another setting are not undone); refused while in use.  If the new
 * configuration cannot be built, the old one is restored.  memmap matters
 * in fsdax mode only: in devdax mode a change of it alone is just stored.
 */
static int iopmem_reconfigure(struct iopmem_device *idev, int new_cache,
			      int new_mode, int new_memmap, const char *what)
{
	enum iopmem_memmap old_memmap, memmap;
	enum iopmem_cache old_cache, cache;
	enum iopmem_mode old_mode, mode;
	bool was_online;
	int rc;

	mutex_lock(&idev->lock);
	old_cache = idev->cache;
	old_mode = idev->mode;
	old_memmap = idev->memmap;
	cache = new_cache < 0 ? old_cache : new_cache;
	mode = new_mode < 0 ? old_mode : new_mode;
	memmap = new_memmap < 0 ? old_memmap : new_memmap;
	rc = -ENODEV;
	if (idev->removed)
		goto out;
	rc = 0;
	if (cache == old_cache && mode == old_mode &&
	    (memmap == old_memmap || mode == IOPMEM_MODE_DEVDAX) &&
	    iopmem_live(idev)) {
		if (memmap != old_memmap)
			dev_info(&idev->dev, "memmap %s is kept for fsdax mode; devdax keeps its struct pages in RAM\n",
				 iopmem_memmap_names[memmap]);
		idev->memmap = memmap;
		goto out;
	}

	was_online = iopmem_live(idev);
	rc = iopmem_live_stop_idle(idev, what);
	if (rc)
		goto out;
	idev->cache = cache;
	idev->mode = mode;
	idev->memmap = memmap;
	rc = iopmem_live_start(idev, memmap != old_memmap);
	if (rc) {
		idev->cache = old_cache;
		idev->mode = old_mode;
		idev->memmap = old_memmap;
		/* Nothing to restore when an offline device stays offline. */
		if (cache == old_cache && mode == old_mode &&
		    memmap == old_memmap)
			goto out;
		if (iopmem_live_start(idev, memmap != old_memmap))
			dev_err(&idev->dev, "cannot restore cache %s, mode %s, memmap %s either; offline until set again or rebound\n",
				iopmem_cache_names[old_cache],
				iopmem_mode_names[old_mode],
				iopmem_memmap_names[old_memmap]);
		goto out;
	}
	if (was_online)
		dev_info(&idev->dev, "now cache %s, mode %s, memmap %s (was cache %s, mode %s, memmap %s)\n",
			 iopmem_cache_names[cache], iopmem_mode_names[mode],
			 iopmem_memmap_names[memmap],
			 iopmem_cache_names[old_cache],
			 iopmem_mode_names[old_mode],
			 iopmem_memmap_names[old_memmap]);
	else
		dev_info(&idev->dev, "online again: cache %s, mode %s, memmap %s\n",
			 iopmem_cache_names[cache], iopmem_mode_names[mode],
			 iopmem_memmap_names[memmap]);
	if (idev->fsdax && memmap != old_memmap)
		dev_warn(&idev->dev, "/dev/%s now starts at byte %llu of the range (memmap %s), not where memmap %s put it; recreate the file system\n",
			 dev_name(&idev->dev), idev->fsdax->map.reserved,
			 iopmem_memmap_names[memmap],
			 iopmem_memmap_names[old_memmap]);
out:
	mutex_unlock(&idev->lock);
	return rc;
}

/**
 * iopmem_set_cache() - change the memory type of a device
 * @idev: the device
 * @cache: new memory type
 *
 * Return: 0, -EINVAL for wc on memory that must stay uncached (logged),
 * -EBUSY while the device is in use (logged), -ENODEV once it is being
 * removed, or an errno from rebuilding.
 */
int iopmem_set_cache(struct iopmem_device *idev, enum iopmem_cache cache)
{
	if (idev->uc_only && cache != IOPMEM_CACHE_UC) {
		dev_err(&idev->dev, "cannot use cache %s on a non-prefetchable BAR; use uc\n",
			iopmem_cache_names[cache]);
		return -EINVAL;
	}
	return iopmem_reconfigure(idev, cache, -1, -1, "cache");
}

/**
 * iopmem_set_mode() - switch a device between fsdax and devdax
 * @idev: the device
 * @mode: new mode
 *
 * Return: as iopmem_set_cache().
 */
int iopmem_set_mode(struct iopmem_device *idev, enum iopmem_mode mode)
{
	return iopmem_reconfigure(idev, -1, mode, -1, "mode");
}

/**
 * iopmem_set_memmap() - move the struct pages of a device to RAM or to it
 * @idev: the device
 * @memmap: new place
 *
 * In fsdax mode the block device is rebuilt and its start moves, so the
 * data on it is no longer where a file system expects it.  In devdax mode
 * the value is only stored, for the next switch to fsdax.
 *
 * Return: as iopmem_set_cache().
 */
int iopmem_set_memmap(struct iopmem_device *idev, enum iopmem_memmap memmap)
{
	return iopmem_reconfigure(idev, -1, -1, memmap, "memmap");
}

/**
 * iopmem_online() - whether a device serves I/O
 * @idev: the device
 *
 * Return: true while it has a block device or a device-dax region, false
 * when it is offline (after a fatal error, or a failed reconfiguration).
 */
bool iopmem_online(struct iopmem_device *idev)
{
	bool online;

	mutex_lock(&idev->lock);
	online = iopmem_live(idev);
	mutex_unlock(&idev->lock);
	return online;
}

/**
 * iopmem_memmap_reserved() - bytes of a device's range that hold struct pages
 * @idev: the device
 *
 * Return: the size of the memmap=dev reservation of the live fsdax state,
 * 0 with memmap=ram, in devdax mode, or with no live state.
 */
u64 iopmem_memmap_reserved(struct iopmem_device *idev)
{
	u64 reserved;

	mutex_lock(&idev->lock);
	reserved = idev->fsdax ? idev->fsdax->map.reserved : 0;
	mutex_unlock(&idev->lock);
	return reserved;
}

/**
 * iopmem_settings_mode() - the mode a device bound with some settings gets
 * @set: settings given at bind, or NULL
 *
 * Return: @set's mode, or the module parameter's where @set has none.
 */
enum iopmem_mode iopmem_settings_mode(const struct iopmem_settings *set)
{
	return set && set->mode >= 0 ? set->mode :
	       iopmem_default_mode.value;
}

/**
 * iopmem_add() - publish a range of device memory as an iopmem device
 * @desc: the range and its owner
 *
 * Creates iopmemN under @desc->owner with its block device and DAX host.
 * The range must be 2 MiB aligned, outside System RAM and not mapped by
 * anyone else; every refusal is logged with its cause and fix.
 *
 * Return: the device, or an ERR_PTR with nothing left behind.
 */
struct iopmem_device *iopmem_add(const struct iopmem_range_desc *desc)
{
	return iopmem_add_with(desc, NULL);
}
EXPORT_SYMBOL_GPL(iopmem_add);

/**
 * iopmem_add_with() - iopmem_add() with settings other than the defaults
 * @desc: the range and its owner
 * @set: cache, mode and memmap for this device, a negative one (or a NULL
 *	 @set) meaning the module parameter
 *
 * Return: as iopmem_add(); -EINVAL (logged) for cache wc on a range that
 * must stay uncached.
 */
struct iopmem_device *iopmem_add_with(const struct iopmem_range_desc *desc,
				      const struct iopmem_settings *set)
{
	struct resource res = DEFINE_RES_MEM(desc->range.start,
					     range_len(&desc->range));
	struct iopmem_device *idev;
	int rc;

	rc = iopmem_check_range(desc->owner, &desc->range);
	if (rc)
		return ERR_PTR(rc);
	if (set && set->cache >= 0 && desc->uc_only &&
	    set->cache != IOPMEM_CACHE_UC) {
		dev_err(desc->owner, "cannot use cache %s on a non-prefetchable BAR; bind with cache uc\n",
			iopmem_cache_names[set->cache]);
		return ERR_PTR(-EINVAL);
	}

	idev = kzalloc(sizeof(*idev), GFP_KERNEL);
	if (!idev)
		return ERR_PTR(-ENOMEM);
	idev->id = ida_alloc(&iopmem_ida, GFP_KERNEL);
	if (idev->id < 0) {
		rc = idev->id;
		kfree(idev);
		return ERR_PTR(rc);
	}
	mutex_init(&idev->lock);
	idev->range = desc->range;
	idev->bar = desc->bar;
	idev->nid = desc->nid;
	idev->uc_only = desc->uc_only;
	idev->cache = iopmem_default_cache.value;
	if (set && set->cache >= 0)
		idev->cache = set->cache;
	if (idev->uc_only && idev->cache != IOPMEM_CACHE_UC) {
		dev_info(desc->owner, "cache uc, not the default %s: non-prefetchable BAR\n",
			 iopmem_cache_names[idev->cache]);
		idev->cache = IOPMEM_CACHE_UC;
	}
	idev->mode = iopmem_settings_mode(set);
	idev->memmap = set && set->memmap >= 0 ? set->memmap :
		       iopmem_default_memmap.value;

	device_initialize(&idev->dev);
	idev->dev.class = &iopmem_class;
	idev->dev.parent = desc->owner;
	idev->dev.release = iopmem_device_release;
	set_dev_node(&idev->dev, desc->nid);
	rc = dev_set_name(&idev->dev, "iopmem%d", idev->id);
	if (rc)
		goto out_put;
	/*
	 * A udev rule may write cache or mode as soon as device_add() shows
	 * the attributes: holding the lock until the live state is up makes
	 * that writer wait and then change a started device, instead of
	 * starting it first and leaking what this probe then fails to start.
	 */
	mutex_lock(&idev->lock);
	rc = device_add(&idev->dev);
	if (rc) {
		mutex_unlock(&idev->lock);
		goto out_put;
	}
	rc = iopmem_live_start(idev, false);
	if (rc) {
		/* device_del() waits for writers: they must find it gone. */
		idev->removed = true;
		mutex_unlock(&idev->lock);
		goto out_del;
	}
	mutex_unlock(&idev->lock);

	if (idev->bar >= 0)
		dev_info(&idev->dev, "%s BAR%d %pR %llu MiB, cache %s, mode %s, memmap %s\n",
			 dev_name(desc->owner), idev->bar, &res,
			 range_len(&idev->range) >> 20,
			 iopmem_cache_names[idev->cache],
			 iopmem_mode_names[idev->mode],
			 iopmem_memmap_names[idev->memmap]);
	else
		dev_info(&idev->dev, "%s %pR %llu MiB, cache %s, mode %s, memmap %s\n",
			 dev_name(desc->owner), &res,
			 range_len(&idev->range) >> 20,
			 iopmem_cache_names[idev->cache],
			 iopmem_mode_names[idev->mode],
			 iopmem_memmap_names[idev->memmap]);
	return idev;

out_del:
	device_del(&idev->dev);
out_put:
	put_device(&idev->dev);
	return ERR_PTR(rc);
}

/**
 * iopmem_remove() - withdraw a device published with iopmem_add()
 * @idev: the device
 *
 * Cannot fail and does not wait for users: a file system still mounted
 * gets I/O errors, and the memory stays mapped until it is unmounted.  The
 * owner must not let the memory be reused for anything else before then
 * (a hot-unplugged BAR simply reads as all ones).  The exception is mode
 * p2pdma, where the P2PDMA core waits until its kernel users have freed
 * their memory, after the device is gone.
 */
void iopmem_remove(struct iopmem_device *idev)
{
	struct iopmem_p2pdma *p2p;

	mutex_lock(&idev->lock);
	idev->removed = true;
	p2p = iopmem_p2pdma_detach(idev);
	iopmem_live_stop(idev);
	mutex_unlock(&idev->lock);
	dev_info(&idev->dev, "removed\n");
	device_del(&idev->dev);
	/*
	 * The P2PDMA core waits for its users here, with the device gone:
	 * nobody waits on its lock or its files meanwhile.
	 */
	if (p2p)
		iopmem_p2pdma_release_group(p2p);
	put_device(&idev->dev);
}
EXPORT_SYMBOL_GPL(iopmem_remove);

/**
 * iopmem_offline() - stop all I/O to a device whose memory is unreliable
 * @idev: the device
 * @why: what happened, for the log
 *
 * For a provider's error handling (a fatal PCIe error, a link reset).  The
 * live state is torn down as on removal: the block device goes away,
 * mounted file systems get I/O errors and mappings of their files or of
 * device-dax instances get SIGBUS.  The device itself stays, offline,
 * until its mode is written again or it is rebound, because writes in
 * flight may have been lost and only the user can decide that the data
 * is good.
 */
void iopmem_offline(struct iopmem_device *idev, const char *why)
{
	mutex_lock(&idev->lock);
	if (iopmem_live(idev)) {
		iopmem_live_stop(idev);
		dev_err(&idev->dev, "%s: I/O stopped, the device is offline; unmount, check the data, then echo %s > /sys/class/iopmem/%s/mode (see Documentation/errors.rst)\n",
			why, iopmem_mode_names[idev->mode],
			dev_name(&idev->dev));
	}
	mutex_unlock(&idev->lock);
}
EXPORT_SYMBOL_GPL(iopmem_offline);

static void iopmem_remove_action(void *idev)
{
	iopmem_remove(idev);
}

/**
 * devm_iopmem_add() - iopmem_add(), undone when the owner is unbound
 * @desc: the range and its owner
 *
 * Return: the device, or an ERR_PTR with nothing left behind.
 */
struct iopmem_device *devm_iopmem_add(const struct iopmem_range_desc *desc)
{
	return devm_iopmem_add_with(desc, NULL);
}
EXPORT_SYMBOL_GPL(devm_iopmem_add);

/**
 * devm_iopmem_add_with() - iopmem_add_with(), undone when the owner is unbound
 * @desc: the range and its owner
 * @set: as for iopmem_add_with()
 *
 * Return: the device, or an ERR_PTR with nothing left behind.
 */
struct iopmem_device *
devm_iopmem_add_with(const struct iopmem_range_desc *desc,
		     const struct iopmem_settings *set)
{
	struct iopmem_device *idev = iopmem_add_with(desc, set);
	int rc;

	if (IS_ERR(idev))
		return idev;
	rc = devm_add_action_or_reset(desc->owner, iopmem_remove_action, idev);
	return rc ? ERR_PTR(rc) : idev;
}

/**
 * devm_iopmem_remove() - remove a devm_iopmem_add_with() device now
 * @owner: the owner it was added for
 * @idev: the device
 *
 * For an owner whose own removal must run before its devres unwinds.
 */
void devm_iopmem_remove(struct device *owner, struct iopmem_device *idev)
{
	devm_release_action(owner, iopmem_remove_action, idev);
}

static int __init iopmem_init(void)
{
	int rc;

	rc = class_register(&iopmem_class);
	if (rc)
		return rc;
	rc = iopmem_memory_notifier_register();
	if (rc)
		goto out_class;
	rc = iopmem_devdax_init();
	if (rc)
		goto out_notifier;
	rc = iopmem_window_init();
	if (rc)
		goto out_devdax;
	rc = iopmem_pci_init();
	if (rc)
		goto out_window;
	return 0;

out_window:
	iopmem_window_exit();
out_devdax:
	iopmem_devdax_exit();
out_notifier:
	iopmem_memory_notifier_unregister();
out_class:
	class_unregister(&iopmem_class);
	return rc;
}

static void __exit iopmem_exit(void)
{
	iopmem_pci_exit();
	/* The block layer drops its module reference before free_disk(). */
	iopmem_wait_all_ranges_free();
	iopmem_defer_exit();
	iopmem_window_exit();
	iopmem_devdax_exit();
	iopmem_memory_notifier_unregister();
	class_unregister(&iopmem_class);
	ida_destroy(&iopmem_ida);
}

module_init(iopmem_init);
module_exit(iopmem_exit);

MODULE_DESCRIPTION("Block device and DAX on PCIe BAR memory");
MODULE_LICENSE("GPL");
MODULE_VERSION(IOPMEM_VERSION);
