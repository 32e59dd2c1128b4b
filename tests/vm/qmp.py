#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one QMP command to a QEMU and print the reply.

usage: qmp.py SOCKET 'JSON-COMMAND'
The rig calls it when a guest prints "IOPMEM-RIG: QMP <json>" (device_del,
device_add for hot-plug tests).
"""
import json
import socket
import sys


def main():
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
    reply = cmd(json.loads(sys.argv[2]))
    print(json.dumps(reply))
    return 1 if "error" in reply else 0


if __name__ == "__main__":
    sys.exit(main())
