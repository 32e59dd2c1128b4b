// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: call dax_zero_page_range() on the DAX host of a block device,
 * one page per call as fs/dax.c does.  fs/dax.c calls it for whole pages
 * of written extents only, which XFS and ext4 with 4 KiB blocks never hand
 * it over data (they free whole blocks, zero new ones with bios, and
 * fs/dax.c zeroes partial pages with its own memset()), so a test cannot
 * reach the driver's zero_page_range through a file system.
 *
 *   echo "/dev/iopmem0 PGOFF NR" > /sys/kernel/debug/iopmem_test_daxzero
 *
 * zeroes NR pages from page PGOFF of the block device, or fails with the
 * error of the first call that failed.  PGOFF + NR must lie inside the
 * device: like fs/dax.c, this does not check.
 */
#include <linux/blkdev.h>
#include <linux/dax.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/uaccess.h>

static struct dentry *file;

static int daxzero(const char *path, unsigned long pgoff, unsigned long nr)
{
	struct dax_device *dax_dev;
	struct file *bdev_file;
	unsigned long i;
	u64 start_off;
	int rc = 0, id;

	bdev_file = filp_open(path, O_RDWR, 0);
	if (IS_ERR(bdev_file))
		return PTR_ERR(bdev_file);
	if (!S_ISBLK(file_inode(bdev_file)->i_mode)) {
		rc = -ENOTBLK;
		goto out;
	}
	dax_dev = fs_dax_get_by_bdev(I_BDEV(bdev_file->f_mapping->host),
				     &start_off, NULL, NULL);
	if (!dax_dev) {
		rc = -EOPNOTSUPP;
		goto out;
	}
	pgoff += start_off >> PAGE_SHIFT;
	for (i = 0; i < nr && !rc; i++) {
		id = dax_read_lock();
		rc = dax_zero_page_range(dax_dev, pgoff + i, 1);
		dax_read_unlock(id);
	}
	fs_put_dax(dax_dev, NULL);
out:
	fput(bdev_file);
	return rc;
}

static ssize_t daxzero_write(struct file *f, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char kbuf[128], path[96];
	unsigned long pgoff, nr;
	int rc;

	if (len >= sizeof(kbuf))
		return -EINVAL;
	if (copy_from_user(kbuf, ubuf, len))
		return -EFAULT;
	kbuf[len] = '\0';
	if (sscanf(kbuf, "%95s %lu %lu", path, &pgoff, &nr) != 3)
		return -EINVAL;
	rc = daxzero(path, pgoff, nr);
	return rc ? rc : len;
}

static const struct file_operations daxzero_fops = {
	.owner	= THIS_MODULE,
	.write	= daxzero_write,
};

static int __init daxzero_init(void)
{
	file = debugfs_create_file("iopmem_test_daxzero", 0200, NULL, NULL,
				   &daxzero_fops);
	return IS_ERR(file) ? PTR_ERR(file) : 0;
}

static void __exit daxzero_exit(void)
{
	debugfs_remove(file);
}

module_init(daxzero_init);
module_exit(daxzero_exit);

MODULE_DESCRIPTION("Test-only: dax_zero_page_range() on a block device's DAX host");
MODULE_LICENSE("GPL");
