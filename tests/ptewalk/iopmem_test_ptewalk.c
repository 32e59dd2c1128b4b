// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: report the memory type a user page table entry gives an
 * address, so tests can prove that a DAX mapping of iopmem memory is really
 * write-combining or uncached (pat_memtype_list shows reservations, not the
 * entries user faults installed; Debian kernels lack PTDUMP_DEBUGFS).
 *
 *   echo "PID ADDR" > /sys/kernel/debug/iopmem_test_ptewalk
 *   cat /sys/kernel/debug/iopmem_test_ptewalk   ->   "pmd write-combining"
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <asm/msr.h>

/* 6.16 renamed rdmsrl() to rdmsrq(). */
#ifndef rdmsrq
#define rdmsrq rdmsrl
#endif

static DEFINE_MUTEX(result_lock);
static char result[64] = "none\n";
static struct dentry *file;

/* Memory type encodings of the PAT MSR (SDM vol. 3, table 11-10). */
static const char *pat_type_name(u8 type)
{
	switch (type) {
	case 0: return "uncached";
	case 1: return "write-combining";
	case 4: return "write-through";
	case 5: return "write-protected";
	case 6: return "write-back";
	case 7: return "uncached-minus";
	}
	return "reserved";
}

/* PAT index = PAT:PCD:PWT; the PAT bit of a 2 MiB entry is bit 12. */
static const char *entry_type(u64 val, bool large)
{
	unsigned int idx = 0;
	u64 pat;

	if (val & _PAGE_PWT)
		idx |= 1;
	if (val & _PAGE_PCD)
		idx |= 2;
	if (val & (large ? _PAGE_PAT_LARGE : _PAGE_PAT))
		idx |= 4;
	rdmsrq(MSR_IA32_CR_PAT, pat);
	return pat_type_name((pat >> (idx * 8)) & 7);
}

static int walk(struct mm_struct *mm, unsigned long addr, char *buf,
		size_t len)
{
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd, pmdval;
	pte_t *pte, pteval;

	pgd = pgd_offset(mm, addr);
	if (pgd_none(*pgd))
		return -ENOENT;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d))
		return -ENOENT;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud))
		return -ENOENT;
	if (pud_val(*pud) & _PAGE_PSE) {
		snprintf(buf, len, "pud %s\n", entry_type(pud_val(*pud), true));
		return 0;
	}
	pmd = pmd_offset(pud, addr);
	pmdval = READ_ONCE(*pmd);
	if (pmd_none(pmdval))
		return -ENOENT;
	if (pmd_val(pmdval) & _PAGE_PSE) {
		snprintf(buf, len, "pmd %s\n",
			 entry_type(pmd_val(pmdval), true));
		return 0;
	}
	pte = pte_offset_kernel(pmd, addr);
	pteval = READ_ONCE(*pte);
	if (!pte_present(pteval))
		return -ENOENT;
	snprintf(buf, len, "pte %s\n", entry_type(pte_val(pteval), false));
	return 0;
}

static ssize_t ptewalk_write(struct file *f, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char kbuf[64], out[sizeof(result)];
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned long addr;
	int pid, rc;

	if (len >= sizeof(kbuf))
		return -EINVAL;
	if (copy_from_user(kbuf, ubuf, len))
		return -EFAULT;
	kbuf[len] = '\0';
	if (sscanf(kbuf, "%d %lx", &pid, &addr) != 2)
		return -EINVAL;

	task = get_pid_task(find_vpid(pid), PIDTYPE_PID);
	if (!task)
		return -ESRCH;
	mm = get_task_mm(task);
	put_task_struct(task);
	if (!mm)
		return -ESRCH;
	mmap_read_lock(mm);
	rc = walk(mm, addr, out, sizeof(out));
	mmap_read_unlock(mm);
	mmput(mm);
	if (rc)
		return rc;

	mutex_lock(&result_lock);
	strscpy(result, out, sizeof(result));
	mutex_unlock(&result_lock);
	return len;
}

static ssize_t ptewalk_read(struct file *f, char __user *ubuf, size_t len,
			    loff_t *ppos)
{
	ssize_t rc;

	mutex_lock(&result_lock);
	rc = simple_read_from_buffer(ubuf, len, ppos, result, strlen(result));
	mutex_unlock(&result_lock);
	return rc;
}

static const struct file_operations ptewalk_fops = {
	.owner	= THIS_MODULE,
	.read	= ptewalk_read,
	.write	= ptewalk_write,
	.llseek	= default_llseek,
};

static int __init ptewalk_init(void)
{
	file = debugfs_create_file("iopmem_test_ptewalk", 0600, NULL, NULL,
				   &ptewalk_fops);
	return 0;
}

static void __exit ptewalk_exit(void)
{
	debugfs_remove(file);
}

module_init(ptewalk_init);
module_exit(ptewalk_exit);

MODULE_DESCRIPTION("Test-only: memory type of a user page table entry");
MODULE_LICENSE("GPL");
