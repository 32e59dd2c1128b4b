#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise BENCH lines (BENCH workload device run value unit) of
`make bench`: print one table, write JSON.

usage: report.py RESULTS.txt OUT.json KERNEL ELAPSED_S RUNS RUNTIME_S
"""
import json
import statistics
import sys
import time

FIO = ["randread-4k", "randwrite-4k", "randread-4k-qd32", "read-1m", "write-1m"]
# (workload, peer device, target ratio iopmem-wc/peer or None)
ROWS = [(w, p, 1.0 if p == "pmem" else None) for w in FIO for p in ("pmem", "brd")]
ROWS += [
    ("dax-stream-read", "pmem", None),
    ("dax-stream-read", "memcpy", 0.9),
    ("dax-stream-write", "pmem", None),
    ("dax-stream-write", "memcpy", 0.9),
    ("nvme-read-p2p", "ram", 0.95),
]


def stats(vals):
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals),
            "max": max(vals), "n": len(vals), "values": vals}


def fmt(s):
    if s is None:
        return "-"
    def n(v):
        return "%.0f" % v if v >= 100 else "%.1f" % v
    return "%s [%s-%s]" % (n(s["median"]), n(s["min"]), n(s["max"]))


def main():
    src, out, kernel, elapsed, runs, runtime = sys.argv[1:7]
    data, units = {}, {}
    for line in open(src):
        f = line.split()
        if len(f) != 6 or f[0] != "BENCH":
            continue
        try:
            v = float(f[4])
        except ValueError:
            continue
        data.setdefault((f[1], f[2]), []).append(v)
        units[f[1]] = f[5]
    rows = []
    for w, peer, target in ROWS:
        wc, uc, pv = (stats(data.get((w, d), [])) for d in ("iopmem-wc", "iopmem-uc", peer))
        ratio = wc["median"] / pv["median"] if wc and pv and pv["median"] > 0 else None
        rows.append({
            "workload": w, "unit": units.get(w, ""), "peer": peer,
            "iopmem_wc": wc, "iopmem_uc": uc, "peer_value": pv,
            "ratio": round(ratio, 3) if ratio is not None else None,
            "target": target,
            "met": None if target is None or ratio is None else ratio >= target,
            "label": "%s vs %s" % (w, peer),
        })
    doc = {"kernel": kernel, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "accel": "tcg", "runs": int(runs), "fio_runtime_s": int(runtime),
           "elapsed_s": int(elapsed),
           "note": "median [min-max] over runs; ratio = median iopmem-wc / median peer",
           "rows": rows}
    with open(out, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    hdr = ("workload", "unit", "iopmem (wc)", "iopmem (uc)", "peer", "peer value", "ratio", "target")
    table = [hdr]
    for r in rows:
        t = "-" if r["target"] is None else ">= %.2f %s" % (r["target"], "met" if r["met"] else "MISSED")
        table.append((r["workload"], r["unit"], fmt(r["iopmem_wc"]), fmt(r["iopmem_uc"]),
                      r["peer"], fmt(r["peer_value"]),
                      "-" if r["ratio"] is None else "%.2f" % r["ratio"], t))
    w = [max(len(row[i]) for row in table) for i in range(len(hdr))]
    print("iopmem bench: kernel %s, TCG, %s runs, median [min-max], ratio = iopmem(wc)/peer"
          % (kernel, runs))
    for i, row in enumerate(table):
        print("  ".join(c.ljust(w[j]) for j, c in enumerate(row)).rstrip())
        if i == 0:
            print("  ".join("-" * x for x in w))


if __name__ == "__main__":
    main()
