// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: a module broken on purpose, for the rig's selftest
 * (tests/vm/selftest/). On load it reads an object it has just freed, a
 * use-after-free that KASAN reports; with leak=1 it loses the only pointers
 * to a few allocations instead, leaks that kmemleak reports. The rig must
 * fail any scenario that loads it. Built only with the test modules
 * (IOPMEM_TESTS=n leaves it out).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak allocations instead of reading freed memory");

/*
 * Several objects each way. Leaks: a stale copy of the last pointer may
 * survive on a stack, the earlier ones cannot. Use-after-free: KFENCE may
 * sample one allocation (it then reports instead of KASAN), never two in a
 * row.
 */
#define OBJECTS 3

static int __init iopmem_test_kasan_init(void)
{
	char *p;
	char c;
	int i;

	for (i = 0; i < OBJECTS; i++) {
		p = kmalloc(64, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		memset(p, 0x5a, 64);
		if (leak)
			continue;
		kfree(p);
		/* Hide the use-after-free from the compiler, not from KASAN. */
		OPTIMIZER_HIDE_VAR(p);
		c = READ_ONCE(p[8]);
		pr_info("read %#x from a freed object\n", c);
	}
	if (leak)
		pr_info("leaked %d objects of 64 bytes\n", OBJECTS);
	return 0;
}

static void __exit iopmem_test_kasan_exit(void)
{
}

module_init(iopmem_test_kasan_init);
module_exit(iopmem_test_kasan_exit);
MODULE_DESCRIPTION("iopmem rig selftest: a use-after-free or leaks on purpose");
MODULE_LICENSE("GPL");
