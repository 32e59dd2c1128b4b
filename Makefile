# SPDX-License-Identifier: GPL-2.0
#
# make              build iopmem.ko against KDIR (default: the running kernel)
# make demo         boot a QEMU guest on an emulated BAR and show iopmem at work
# make check        run every test group in QEMU (TESTS="group ..." KERNEL=6.1|6.12)

KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

demo:
	tests/vm/demo.sh

check:
	TESTS="$(TESTS)" KERNEL="$(KERNEL)" tests/vm/check.sh

.PHONY: all modules clean demo check
