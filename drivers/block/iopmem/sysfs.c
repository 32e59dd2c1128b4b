// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/class/iopmem/iopmemN attributes; see
 * Documentation/ABI/testing/sysfs-class-iopmem.
 */
#include <linux/device.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "iopmem.h"

static ssize_t range_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct iopmem_device *idev = to_iopmem_device(dev);

	return sysfs_emit(buf, "%#llx-%#llx\n", idev->range.start,
			  idev->range.end);
}
static DEVICE_ATTR_RO(range);

static ssize_t size_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  range_len(&to_iopmem_device(dev)->range));
}
static DEVICE_ATTR_RO(size);

static ssize_t bar_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%d\n", to_iopmem_device(dev)->bar);
}
static DEVICE_ATTR_RO(bar);

static ssize_t numa_node_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", to_iopmem_device(dev)->nid);
}
static DEVICE_ATTR_RO(numa_node);

static ssize_t mode_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  iopmem_mode_names[to_iopmem_device(dev)->mode]);
}

static ssize_t mode_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t len)
{
	int mode = iopmem_parse_mode(buf);
	int rc;

	if (mode < 0) {
		dev_err(dev, "mode: '%.*s' is not a mode; write fsdax (block device for DAX file systems) or devdax (device-dax region for daxctl)\n",
			(int)strcspn(buf, "\n"), buf);
		return -EINVAL;
	}
	rc = iopmem_set_mode(to_iopmem_device(dev), mode);
	return rc ? rc : len;
}
static DEVICE_ATTR_RW(mode);

static ssize_t cache_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  iopmem_cache_names[to_iopmem_device(dev)->cache]);
}

static ssize_t cache_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t len)
{
	struct iopmem_device *idev = to_iopmem_device(dev);
	int cache = iopmem_parse_cache(buf);
	int rc;

	if (cache < 0) {
		dev_err(dev, "cache: '%.*s' is not a memory type; write wc (write-combining) or uc (uncached)\n",
			(int)strcspn(buf, "\n"), buf);
		return -EINVAL;
	}
	rc = iopmem_set_cache(idev, cache);
	return rc ? rc : len;
}
static DEVICE_ATTR_RW(cache);

static struct attribute *iopmem_attrs[] = {
	&dev_attr_range.attr,
	&dev_attr_size.attr,
	&dev_attr_bar.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_mode.attr,
	&dev_attr_cache.attr,
	NULL,
};

static const struct attribute_group iopmem_attr_group = {
	.attrs = iopmem_attrs,
};

const struct attribute_group *iopmem_attr_groups[] = {
	&iopmem_attr_group,
	NULL,
};
