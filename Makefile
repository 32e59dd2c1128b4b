# SPDX-License-Identifier: GPL-2.0
#
# make              build iopmem.ko against KDIR (default: the running kernel)
# make demo         boot a QEMU guest on an emulated BAR and show iopmem at work
# make check        run every test group in QEMU (TESTS="group ..." KERNEL=6.1|6.12|7.2)
# make selftest     the rig fails what is broken: its fixtures (KERNEL=6.1|7.2)
# make bench        iopmem against pmem, brd and memcpy in one QEMU guest,
#                   then probe time and RAM cost of 256 MiB-4 GiB BARs with
#                   memmap=ram|dev in a second, then iopfs against devdax
#                   and XFS -o dax on one device in a third
#                   (KERNEL=6.1|6.12 BENCH_RUNS=5); tables, bench/results/
# make install      iopmem.ko and iopfs.ko into DESTDIR/lib/modules/KVER/
#                   updates (then depmod, -b DESTDIR when set; DEPMOD=true
#                   skips it),
#                   iopmemctl and its man pages (DESTDIR, PREFIX=/usr/local),
#                   mkfs.iopfs, fsck.iopfs and their man pages (PREFIX/sbin),
#                   the udev rule (DESTDIR/lib/udev/rules.d; it runs
#                   PREFIX/bin/iopmemctl at boot)
# make uninstall    removes what install put there

KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools/iopmemctl
	$(MAKE) -C tools/iopfs

# The modules go where DESTDIR says, as everything else does; without
# either, into the live /lib/modules.  modules_install keeps their paths
# in the tree: updates/drivers/block/iopmem/iopmem.ko and
# updates/fs/iopfs/iopfs.ko.  Kbuild's own depmod step skips kernels whose
# headers lack System.map (all distribution headers), so depmod runs here;
# it records that iopfs needs iopmem.  KVER: the release of KDIR, as
# modules_install uses it.
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR ?= updates
DEPMOD ?= depmod
KVER ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
		$(KDIR)/include/generated/utsrelease.h)
mod_root = $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)
# What IOPMEM_TESTS=n builds (Kbuild), as paths below mod_root.
installed_modules = drivers/block/iopmem/iopmem fs/iopfs/iopfs
depmod = $(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

install:
	test -n "$(KVER)"
	$(MAKE) -C $(KDIR) M=$(CURDIR) IOPMEM_TESTS=n modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) IOPMEM_TESTS=n \
		INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	$(depmod)
	$(MAKE) -C tools/iopmemctl install PREFIX=$(PREFIX)
	$(MAKE) -C tools/iopfs install PREFIX=$(PREFIX)
	install -d $(DESTDIR)/lib/udev/rules.d
	sed 's|/usr/bin/iopmemctl|$(PREFIX)/bin/iopmemctl|' udev/60-iopmem.rules \
		>$(DESTDIR)/lib/udev/rules.d/60-iopmem.rules

uninstall:
	test -n "$(KVER)"
	rm -f $(foreach m,$(installed_modules),$(mod_root)/$(m).ko*)
	for d in $(foreach m,$(installed_modules),$(mod_root)/$(dir $(m))); do \
		rmdir -p --ignore-fail-on-non-empty $$d 2>/dev/null || true; \
	done
	$(depmod)
	$(MAKE) -C tools/iopmemctl uninstall PREFIX=$(PREFIX)
	$(MAKE) -C tools/iopfs uninstall PREFIX=$(PREFIX)
	rm -f $(DESTDIR)/lib/udev/rules.d/60-iopmem.rules

# DKMS runs clean in /usr/src/iopmem-VERSION, which has no tools/.
clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(if $(wildcard tools/iopmemctl/Makefile),$(MAKE) -C tools/iopmemctl clean)
	$(if $(wildcard tools/iopfs/Makefile),$(MAKE) -C tools/iopfs clean)

demo:
	tests/vm/demo.sh

check:
	TESTS="$(TESTS)" KERNEL="$(KERNEL)" tests/vm/check.sh

selftest:
	KERNEL="$(or $(KERNEL),6.1)" tests/vm/selftest.sh

bench:
	KERNEL="$(KERNEL)" BENCH_RUNS="$(or $(BENCH_RUNS),5)" bench/run.sh

.PHONY: all modules tools install uninstall clean demo check selftest bench
