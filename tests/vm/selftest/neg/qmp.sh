#!/bin/sh
# expect: FAIL QEMU refused a QMP command the guest asked for
# results: 1
# The guest asks the host for an AER injection at a port that does not
# exist: HMP answers with text, which must count as a refusal.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
rig_say 'IOPMEM-RIG: QMP {"execute":"human-monitor-command","arguments":{"command-line":"pcie_aer_inject_error nosuch SDN"}}'
# The host polls the guest's output every 0.2 s.
sleep 3
ok "asked for an injection"
