#!/bin/sh
# expect: FAIL kmemleak found
# needs: CONFIG_DEBUG_KMEMLEAK
# results: 1
# The test module loses the only pointers to three allocations
# (tests/kasan, leak=1): the scan at the end of the scenario must find them.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
check "load the module that leaks" modprobe iopmem_test_kasan leak=1
rmmod iopmem_test_kasan
