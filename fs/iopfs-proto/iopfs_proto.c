// SPDX-License-Identifier: GPL-2.0
/*
 * SPIKE for issue #12 -- a throwaway prototype, not iopfs.
 *
 * Question: can a file system hand out the pages of a regular file, taken
 * from device memory with MEMORY_DEVICE_GENERIC struct pages (what
 * device-dax uses), in MAP_SHARED mappings that GUP pins with
 * FOLL_LONGTERM (ibv_reg_mr), and still tell after munmap that a page is
 * pinned?
 *
 * What it does: takes a physical range (module parameters phys, size: the
 * BAR of a device no driver owns), reserves it write-combining, gives it
 * MEMORY_DEVICE_GENERIC struct pages with memremap_pages(), and registers
 * file system "iopfs_proto".  A mount has one regular file, "data", whose
 * only extent starts IOPFS_PROTO_DATA_OFF bytes into the range.  Its inode
 * has no S_DAX (vma_is_fsdax() must be false or GUP refuses long-term
 * pins).  Faults insert the pages the way drivers/dax/device.c does on the
 * running kernel; 2 MiB-aligned parts of the file get PMD mappings.
 *
 * /sys/kernel/debug/iopfs_proto/state reports fault counts and how many
 * pages of the file are held beyond the file system's own reference.
 */
#include <linux/backing-dev.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/huge_mm.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#ifdef IOPFS_HAVE_PFN_T
#include <linux/pfn_t.h>
#endif

#define IOPFS_PROTO_MAGIC	0x69706670	/* "ipfp" */
/* The file's extent: 2 MiB aligned, and not at 0, so offsets are checked. */
#define IOPFS_PROTO_DATA_OFF	SZ_4M

static unsigned long long phys;
module_param(phys, ullong, 0444);
MODULE_PARM_DESC(phys, "physical start of the range (2 MiB aligned)");
static unsigned long long size;
module_param(size, ullong, 0444);
MODULE_PARM_DESC(size, "size of the range in bytes (2 MiB multiple)");
static bool sdax_control;
module_param(sdax_control, bool, 0644);
MODULE_PARM_DESC(sdax_control, "control: mounts from now on mark the file S_DAX, which GUP must refuse to pin long-term");
static bool wb_bdi_control;
module_param(wb_bdi_control, bool, 0644);
MODULE_PARM_DESC(wb_bdi_control, "experiment: mounts from now on get a writeback-capable bdi, as a mount on a block device has");

static struct dev_pagemap proto_pgmap;
static struct dentry *proto_debugfs;
static atomic_long_t proto_pte_faults;
static atomic_long_t proto_pmd_faults;
static atomic_long_t proto_pmd_fallbacks;
static atomic_long_t proto_huge_fault_calls;

static unsigned long proto_data_pfn(void)
{
	return PHYS_PFN(phys + IOPFS_PROTO_DATA_OFF);
}

static pgoff_t proto_data_pages(void)
{
	return PHYS_PFN(size - IOPFS_PROTO_DATA_OFF);
}

/*
 * Version differences of this spike, in one place.  6.1 and 6.12 insert a
 * pfn_t with PFN_DEV|PFN_MAP: a "devmap" entry that holds no page
 * reference; GUP takes a dev_pagemap reference and then the page.  The
 * VMA must be VM_MIXEDMAP there: a PMD of a non-DAX file VMA that is not
 * (vma_is_special_huge()) would be split or zapped as if it held a page
 * reference (put_page of a reference never taken).  7.x inserts the
 * folio: a normal entry that holds a reference and an rmap count; like
 * device-dax, no VM_MIXEDMAP; a PMD needs a PMD-order folio
 * (vmemmap_shift).
 */
#ifdef IOPFS_HAVE_PFN_T
#define IOPFS_VM_FLAGS		(VM_MIXEDMAP | VM_HUGEPAGE)
#define IOPFS_VMEMMAP_SHIFT	0

static vm_fault_t proto_insert_pte(struct vm_fault *vmf, unsigned long pfn)
{
	return vmf_insert_mixed(vmf->vma, vmf->address,
				phys_to_pfn_t(PFN_PHYS(pfn), PFN_DEV | PFN_MAP));
}

static vm_fault_t proto_insert_pmd(struct vm_fault *vmf, unsigned long pfn)
{
	return vmf_insert_pfn_pmd(vmf, phys_to_pfn_t(PFN_PHYS(pfn),
						     PFN_DEV | PFN_MAP),
				  vmf->flags & FAULT_FLAG_WRITE);
}
#else
#define IOPFS_VM_FLAGS		VM_HUGEPAGE
#define IOPFS_VMEMMAP_SHIFT	PMD_ORDER

static vm_fault_t proto_insert_pte(struct vm_fault *vmf, unsigned long pfn)
{
	return vmf_insert_page_mkwrite(vmf, pfn_to_page(pfn),
				       vmf->flags & FAULT_FLAG_WRITE);
}

static vm_fault_t proto_insert_pmd(struct vm_fault *vmf, unsigned long pfn)
{
	return vmf_insert_folio_pmd(vmf, page_folio(pfn_to_page(pfn)),
				    vmf->flags & FAULT_FLAG_WRITE);
}
#endif

#ifdef IOPFS_HAVE_VM_FLAGS_SET
#define proto_vm_flags_set(vma, flags)	vm_flags_set(vma, flags)
#else
#define proto_vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#endif

/* A PMD for the 2 MiB around the fault, if file and VMA allow one. */
static vm_fault_t proto_pmd_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long haddr = vmf->address & PMD_MASK;
	pgoff_t pgoff = linear_page_index(vma, haddr);
	vm_fault_t ret;

	if (haddr < vma->vm_start || haddr + PMD_SIZE > vma->vm_end ||
	    !IS_ALIGNED(pgoff, PTRS_PER_PMD) ||
	    pgoff + PTRS_PER_PMD > proto_data_pages())
		return VM_FAULT_FALLBACK;
	ret = proto_insert_pmd(vmf, proto_data_pfn() + pgoff);
	if (ret & VM_FAULT_NOPAGE)
		atomic_long_inc(&proto_pmd_faults);
	return ret;
}

/*
 * 6.1 offers ->huge_fault only to DAX VMAs (hugepage_vma_check()): there
 * the PMD is inserted from ->fault, which runs before the PTE table is
 * allocated (__do_fault() only preallocates it).
 */
static vm_fault_t proto_fault(struct vm_fault *vmf)
{
	vm_fault_t ret;

	if (vmf->pgoff >= proto_data_pages())
		return VM_FAULT_SIGBUS;
	if (pmd_none(*vmf->pmd)) {
		ret = proto_pmd_fault(vmf);
		if (ret != VM_FAULT_FALLBACK)
			return ret;
		atomic_long_inc(&proto_pmd_fallbacks);
	}
	atomic_long_inc(&proto_pte_faults);
	return proto_insert_pte(vmf, proto_data_pfn() + vmf->pgoff);
}

#ifdef IOPFS_HUGE_FAULT_PE_SIZE
static vm_fault_t proto_huge_fault(struct vm_fault *vmf,
				   enum page_entry_size pe_size)
{
	atomic_long_inc(&proto_huge_fault_calls);
	return pe_size == PE_SIZE_PMD ? proto_pmd_fault(vmf) : VM_FAULT_FALLBACK;
}
#else
static vm_fault_t proto_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	atomic_long_inc(&proto_huge_fault_calls);
	return order == PMD_ORDER ? proto_pmd_fault(vmf) : VM_FAULT_FALLBACK;
}
#endif

static const struct vm_operations_struct proto_vm_ops = {
	.fault		= proto_fault,
	.huge_fault	= proto_huge_fault,
};

static int proto_mmap(struct file *file, struct vm_area_struct *vma)
{
	/*
	 * A private copy of device memory is not what this is for.  (A
	 * read-only MAP_SHARED mapping has VM_MAYSHARE but not VM_SHARED.)
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	file_accessed(file);
	vma->vm_ops = &proto_vm_ops;
	proto_vm_flags_set(vma, IOPFS_VM_FLAGS);
	/* 7.x inserts with vm_page_prot as it is: ask for WC explicitly. */
	vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	return 0;
}

static const struct file_operations proto_file_ops = {
	.owner			= THIS_MODULE,
	.open			= generic_file_open,
	.mmap			= proto_mmap,
	.llseek			= generic_file_llseek,
	.get_unmapped_area	= thp_get_unmapped_area,
};

static const struct tree_descr proto_root_files[] = { {""} };

static int proto_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct inode *inode;
	struct dentry *dentry;
	int rc;

	rc = simple_fill_super(sb, IOPFS_PROTO_MAGIC, proto_root_files);
	if (rc)
		return rc;
	/*
	 * GUP refuses FOLL_LONGTERM|FOLL_WRITE on shared file mappings that
	 * need dirty tracking (6.5+: writable_file_mapping_allowed()), which
	 * a writeback-capable bdi implies.  Without this, the noop bdi.
	 */
	if (wb_bdi_control) {
		rc = super_setup_bdi(sb);
		if (rc)
			return rc;
	}
	dentry = d_alloc_name(sb->s_root, "data");
	if (!dentry)
		return -ENOMEM;
	inode = new_inode(sb);
	if (!inode) {
		dput(dentry);
		return -ENOMEM;
	}
	inode->i_ino = 2;
	inode->i_mode = S_IFREG | 0600;
	inode->i_fop = &proto_file_ops;
	if (sdax_control)
		inode->i_flags |= S_DAX;
	i_size_write(inode, size - IOPFS_PROTO_DATA_OFF);
#ifdef IOPFS_HAVE_D_MAKE_PERSISTENT
	d_make_persistent(dentry, inode);
	dput(dentry);
#else
	d_add(dentry, inode);	/* the reference stays: kill_litter_super */
#endif
	return 0;
}

static int proto_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, proto_fill_super);
}

static const struct fs_context_operations proto_context_ops = {
	.get_tree	= proto_get_tree,
};

static int proto_init_fs_context(struct fs_context *fc)
{
	fc->ops = &proto_context_ops;
	return 0;
}

static struct file_system_type proto_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "iopfs_proto",
	.init_fs_context	= proto_init_fs_context,
#ifdef IOPFS_HAVE_D_MAKE_PERSISTENT
	.kill_sb		= kill_anon_super,
#else
	.kill_sb		= kill_litter_super,
#endif
};

/*
 * Pages of the file that something holds beyond the file system's own
 * reference (an idle GENERIC page has a count of 1 on every kernel here):
 * on 6.1/6.12 a mapping holds none, on 7.x each mapping holds one, so an
 * fs must unmap (unmap_mapping_range) before it asks.  With PMD-order
 * folios (7.x) a pin counts on the folio, so a whole 2 MiB extent shows.
 */
static void proto_count_held(unsigned long *held, unsigned long *dma_pinned)
{
	unsigned long pfn = proto_data_pfn();
	pgoff_t i;

	*held = 0;
	*dma_pinned = 0;
	for (i = 0; i < proto_data_pages(); i++) {
		struct folio *folio = page_folio(pfn_to_page(pfn + i));

		if (folio_ref_count(folio) > 1)
			(*held)++;
		if (folio_maybe_dma_pinned(folio))
			(*dma_pinned)++;
		cond_resched();
	}
}

static int proto_state_show(struct seq_file *m, void *unused)
{
	unsigned long held, dma_pinned;

	proto_count_held(&held, &dma_pinned);
	seq_printf(m, "held %lu\ndma_pinned %lu\npte_faults %ld\npmd_faults %ld\npmd_fallbacks %ld\nhuge_fault_calls %ld\n",
		   held, dma_pinned, atomic_long_read(&proto_pte_faults),
		   atomic_long_read(&proto_pmd_faults),
		   atomic_long_read(&proto_pmd_fallbacks),
		   atomic_long_read(&proto_huge_fault_calls));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(proto_state);

static int __init proto_init(void)
{
	void *virt;
	int rc;

	if (!phys || !size || !IS_ALIGNED(phys, SZ_2M) ||
	    !IS_ALIGNED(size, SZ_2M) || size <= IOPFS_PROTO_DATA_OFF) {
		pr_err("iopfs_proto: give phys= and size=, 2 MiB aligned, size > 4 MiB\n");
		return -EINVAL;
	}
	if (!request_mem_region(phys, size, "iopfs_proto"))
		return -EBUSY;
	rc = arch_io_reserve_memtype_wc(phys, size);
	if (rc)
		goto out_region;

	proto_pgmap.type = MEMORY_DEVICE_GENERIC;
	proto_pgmap.range.start = phys;
	proto_pgmap.range.end = phys + size - 1;
	proto_pgmap.nr_range = 1;
	proto_pgmap.vmemmap_shift = IOPFS_VMEMMAP_SHIFT;
	virt = memremap_pages(&proto_pgmap, NUMA_NO_NODE);
	if (IS_ERR(virt)) {
		rc = PTR_ERR(virt);
		goto out_memtype;
	}
	rc = register_filesystem(&proto_fs_type);
	if (rc)
		goto out_pages;
	proto_debugfs = debugfs_create_dir("iopfs_proto", NULL);
	debugfs_create_file("state", 0444, proto_debugfs, NULL,
			    &proto_state_fops);
	pr_info("iopfs_proto: SPIKE: [mem %#llx-%#llx] as MEMORY_DEVICE_GENERIC pages, file extent at +%#x\n",
		phys, phys + size - 1, IOPFS_PROTO_DATA_OFF);
	return 0;

out_pages:
	memunmap_pages(&proto_pgmap);
out_memtype:
	arch_io_free_memtype_wc(phys, size);
out_region:
	release_mem_region(phys, size);
	return rc;
}

static void __exit proto_exit(void)
{
	unsigned long held, dma_pinned;

	debugfs_remove_recursive(proto_debugfs);
	unregister_filesystem(&proto_fs_type);
	/* Mounts hold the module: no mapping is left, only pins could be. */
	proto_count_held(&held, &dma_pinned);
	if (held) {
		/* memunmap_pages() would free struct pages still in use. */
		pr_err("iopfs_proto: %lu pages still held; leaking the range\n",
		       held);
		return;
	}
	memunmap_pages(&proto_pgmap);
	arch_io_free_memtype_wc(phys, size);
	release_mem_region(phys, size);
}

module_init(proto_init);
module_exit(proto_exit);
MODULE_DESCRIPTION("SPIKE: file pages of MEMORY_DEVICE_GENERIC memory, long-term pinnable (issue #12)");
MODULE_LICENSE("GPL");
