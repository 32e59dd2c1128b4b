#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one QMP command to a QEMU and print the reply.

usage: qmp.py SOCKET 'JSON-COMMAND'
The rig calls it when a guest prints "IOPMEM-RIG: QMP <json>" (device_del,
device_add for hot-plug tests, human-monitor-command for AER injection).
Exits 1 when QEMU refused the command: a QMP "error" reply, or a
human-monitor-command whose text reads as an error. HMP reports failures
only as text in "return" ("Error: Device 'x' not found", "invalid error
status value", "unknown command: ..."), so the text is matched.
"""
import json
import re
import socket
import sys

# Every HMP failure text seen from QEMU 7.2 (hmp_handle_error's "Error:",
# the monitor's parser, pcie_aer_inject_error's own messages).
HMP_ERROR = re.compile(
    r'^(Error: |unknown command: )|\binvalid\b|\bnot found\b|\bfailed\b'
    r'|string expected|Try "help',
    re.IGNORECASE | re.MULTILINE)


def refused(command, reply):
    """Whether QEMU refused the command."""
    if "error" in reply:
        return True
    if command.get("execute") == "human-monitor-command":
        text = reply.get("return")
        return isinstance(text, str) and HMP_ERROR.search(text) is not None
    return False


def main():
    command = json.loads(sys.argv[2])
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(sys.argv[1])
    f = sock.makefile("rw")
    json.loads(f.readline())  # the greeting

    def cmd(c):
        f.write(json.dumps(c) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "return" in r or "error" in r:
                return r

    cmd({"execute": "qmp_capabilities"})
    reply = cmd(command)
    print(json.dumps(reply))
    return 1 if refused(command, reply) else 0


if __name__ == "__main__":
    sys.exit(main())
