// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: hold P2PDMA memory the way a kernel user such as the NVMe-oF
 * target does (pci_alloc_p2pmem()), to see what removing its provider
 * does meanwhile.  nvmet on the rig cannot: it allocates only for an RDMA
 * client with a PCI device, and soft-RoCE has none.
 *
 *   echo "0000:03:00.0 SIZE" > /sys/kernel/debug/iopmem_test_p2palloc
 *
 * allocates SIZE bytes of that PCI device's P2PDMA memory and keeps them;
 * "free" frees them.  One allocation at a time.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/uaccess.h>

static struct dentry *file;
static DEFINE_MUTEX(held_lock);	/* held_pdev, held_addr, held_size */
static struct pci_dev *held_pdev;
static void *held_addr;
static size_t held_size;

static void p2palloc_free(void)
{
	lockdep_assert_held(&held_lock);
	if (!held_pdev)
		return;
	pci_free_p2pmem(held_pdev, held_addr, held_size);
	pci_dev_put(held_pdev);
	held_pdev = NULL;
}

static int p2palloc_hold(const char *name, size_t size)
{
	unsigned int domain, bus, slot, func;
	struct pci_dev *pdev;
	void *addr;

	if (sscanf(name, "%x:%x:%x.%x", &domain, &bus, &slot, &func) != 4)
		return -EINVAL;
	lockdep_assert_held(&held_lock);
	if (held_pdev)
		return -EBUSY;
	pdev = pci_get_domain_bus_and_slot(domain, bus,
					   PCI_DEVFN(slot, func));
	if (!pdev)
		return -ENODEV;
	addr = pci_alloc_p2pmem(pdev, size);
	if (!addr) {
		pci_dev_put(pdev);
		return -ENOMEM;
	}
	held_pdev = pdev;
	held_addr = addr;
	held_size = size;
	return 0;
}

static ssize_t p2palloc_write(struct file *f, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	char kbuf[64], name[32];
	size_t size;
	int rc = 0;

	if (len >= sizeof(kbuf))
		return -EINVAL;
	if (copy_from_user(kbuf, ubuf, len))
		return -EFAULT;
	kbuf[len] = '\0';
	mutex_lock(&held_lock);
	if (!strncmp(kbuf, "free", 4))
		p2palloc_free();
	else if (sscanf(kbuf, "%31s %zu", name, &size) == 2 && size)
		rc = p2palloc_hold(name, size);
	else
		rc = -EINVAL;
	mutex_unlock(&held_lock);
	return rc ? rc : len;
}

static const struct file_operations p2palloc_fops = {
	.owner	= THIS_MODULE,
	.write	= p2palloc_write,
};

static int __init p2palloc_init(void)
{
	file = debugfs_create_file("iopmem_test_p2palloc", 0200, NULL, NULL,
				   &p2palloc_fops);
	return IS_ERR(file) ? PTR_ERR(file) : 0;
}

static void __exit p2palloc_exit(void)
{
	debugfs_remove(file);
	mutex_lock(&held_lock);
	p2palloc_free();
	mutex_unlock(&held_lock);
}

module_init(p2palloc_init);
module_exit(p2palloc_exit);

MODULE_DESCRIPTION("Test-only: hold P2PDMA memory as a kernel user does");
MODULE_LICENSE("GPL");
