// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/class/iopmem/iopmemN attributes; see
 * Documentation/ABI/testing/sysfs-class-iopmem.
 */
#include <linux/device.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "iopmem-private.h"

static ssize_t range_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct iopmem_device *idev = to_iopmem_device(dev);

	return sysfs_emit(buf, "%#llx-%#llx\n", idev->range.start,
			  idev->range.end);
}
static DEVICE_ATTR_RO(range);

/* The first address alone, so tools need not parse range. */
static ssize_t start_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%#llx\n", to_iopmem_device(dev)->range.start);
}
static DEVICE_ATTR_RO(start);

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
		dev_err(dev, "mode: '%.*s' is not a mode; write fsdax (block device), devdax (device-dax region), p2pdma (PCI P2PDMA memory) or iopfs (block device for mount -t iopfs)\n",
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

/* offline: no live state, after a fatal error or a failed change. */
static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", iopmem_online(to_iopmem_device(dev)) ?
			  "online" : "offline");
}
static DEVICE_ATTR_RO(state);

static ssize_t memmap_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  iopmem_memmap_names[to_iopmem_device(dev)->memmap]);
}

static ssize_t memmap_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t len)
{
	int memmap = iopmem_parse_memmap(buf);
	int rc;

	if (memmap < 0) {
		dev_err(dev, "memmap: '%.*s' is not a place for struct pages; write ram (system RAM) or dev (device memory)\n",
			(int)strcspn(buf, "\n"), buf);
		return -EINVAL;
	}
	rc = iopmem_set_memmap(to_iopmem_device(dev), memmap);
	return rc ? rc : len;
}
static DEVICE_ATTR_RW(memmap);

static ssize_t memmap_reserved_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  iopmem_memmap_reserved(to_iopmem_device(dev)));
}
static DEVICE_ATTR_RO(memmap_reserved);

static ssize_t data_size_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct iopmem_device *idev = to_iopmem_device(dev);

	return sysfs_emit(buf, "%llu\n", range_len(&idev->range) -
			  iopmem_memmap_reserved(idev));
}
static DEVICE_ATTR_RO(data_size);

static struct attribute *iopmem_attrs[] = {
	&dev_attr_range.attr,
	&dev_attr_start.attr,
	&dev_attr_size.attr,
	&dev_attr_bar.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_mode.attr,
	&dev_attr_cache.attr,
	&dev_attr_state.attr,
	&dev_attr_memmap.attr,
	&dev_attr_memmap_reserved.attr,
	&dev_attr_data_size.attr,
	NULL,
};

static const struct attribute_group iopmem_attr_group = {
	.attrs = iopmem_attrs,
};

/*
 * stats/: one counter per file; writing 0 resets it (anything else is
 * EINVAL), so a user can zero the counters, run a job, and see which
 * path it took.
 */
struct iopmem_stat_attr {
	struct device_attribute attr;
	size_t offset;		/* of the counter in struct iopmem_stats */
};

static atomic64_t *iopmem_stat(struct device *dev,
			       struct device_attribute *attr)
{
	struct iopmem_stat_attr *sa =
		container_of(attr, struct iopmem_stat_attr, attr);

	return (void *)&to_iopmem_device(dev)->stats + sa->offset;
}

static ssize_t iopmem_stat_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(iopmem_stat(dev, attr)));
}

static ssize_t iopmem_stat_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t len)
{
	u64 val;

	if (kstrtou64(buf, 0, &val) || val) {
		dev_err(dev, "stats/%s: only 0 can be written, to reset the counter\n",
			attr->attr.name);
		return -EINVAL;
	}
	atomic64_set(iopmem_stat(dev, attr), 0);
	return len;
}

static struct iopmem_stat_attr iopmem_stats[] = {
	{ __ATTR(flushes, 0644, iopmem_stat_show, iopmem_stat_store),
	  offsetof(struct iopmem_stats, flushes) },
	{ __ATTR(dax_calls, 0644, iopmem_stat_show, iopmem_stat_store),
	  offsetof(struct iopmem_stats, dax_calls) },
	{ __ATTR(dax_pages, 0644, iopmem_stat_show, iopmem_stat_store),
	  offsetof(struct iopmem_stats, dax_pages) },
	{ __ATTR(errors, 0644, iopmem_stat_show, iopmem_stat_store),
	  offsetof(struct iopmem_stats, errors) },
};

static struct attribute *iopmem_stat_attrs[] = {
	&iopmem_stats[0].attr.attr,
	&iopmem_stats[1].attr.attr,
	&iopmem_stats[2].attr.attr,
	&iopmem_stats[3].attr.attr,
	NULL,
};

static const struct attribute_group iopmem_stat_group = {
	.name	= "stats",
	.attrs	= iopmem_stat_attrs,
};

const struct attribute_group *iopmem_attr_groups[] = {
	&iopmem_attr_group,
	&iopmem_stat_group,
	NULL,
};
