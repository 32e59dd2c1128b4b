#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise BENCH lines (BENCH workload device run value unit) of
`make bench`: print the throughput table, the scale table (probe time
and RAM cost of a bind per BAR size and memmap) and the iopfs tables
(iopfs against device-dax and XFS -o dax on the same device; mount time
and kernel memory of many files), write JSON.  Each table only when its
lines are there.

usage: report.py RESULTS.txt OUT.json KERNEL ELAPSED_S RUNS RUNTIME_S
"""
import json
import math
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


# iopfs: (workload, peer device, goal ratio iopfs/peer); the peer runs on
# the same device in another mode, in the same guest.
IOPFS_ROWS = [
    ("mmap-read", "devdax", 0.95),
    ("mmap-write", "devdax", 0.95),
    ("pwrite-4k", "xfs-dax", 1.0),
    ("create-fsync", "xfs-dax", 1.0),
    ("unlink", "xfs-dax", 1.0),
]
# iopfs mount part: absolute numbers (TCG), no goal.
IOPFS_ABS = ["mount-ms", "log-mib", "slab-mib", "ram-mib"]


# Scale targets: memmap=dev costs under this much RAM per GiB of BAR, and
# probe time grows no faster than BAR size ** SCALE_MAX_EXPONENT.
SCALE_DEV_MIB_PER_GIB = 1.0
SCALE_MAX_EXPONENT = 1.15


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


def scale_rows(data):
    """Rows of the scale table from scale-probe / scale-ram results, whose
    device is "<MiB>M-<memmap>"; run 0 is a warm-up and left out."""
    rows = []
    keys = {d for (w, d) in data if w in ("scale-probe", "scale-ram")}
    def order(d):
        mib, memmap = d.split("M-", 1)
        return (memmap != "ram", int(mib))
    for d in sorted(keys, key=order):
        mib, memmap = d.split("M-", 1)
        gib = int(mib) / 1024
        probe = stats([v for r, v in data.get(("scale-probe", d), []) if r > 0])
        ram = stats([v for r, v in data.get(("scale-ram", d), []) if r > 0])
        per_gib = ram["median"] / gib if ram else None
        target = SCALE_DEV_MIB_PER_GIB if memmap == "dev" else None
        rows.append({
            "bar_mib": int(mib), "memmap": memmap, "probe_ms": probe, "ram_mib": ram,
            "ram_mib_per_gib": round(per_gib, 3) if per_gib is not None else None,
            "probe_ms_per_gib": round(probe["median"] / gib, 1) if probe else None,
            "target_ram_mib_per_gib": target,
            "met": None if target is None or per_gib is None else per_gib < target,
        })
    return rows


def scale_linearity(rows):
    """Per memmap: exponent k of probe time ~ size**k between the smallest
    and the largest BAR (1 = linear)."""
    out = {}
    for memmap in ("ram", "dev"):
        pts = [(r["bar_mib"], r["probe_ms"]["median"]) for r in rows
               if r["memmap"] == memmap and r["probe_ms"] and r["probe_ms"]["median"] > 0]
        if len(pts) < 2:
            continue
        (s0, t0), (s1, t1) = min(pts), max(pts)
        k = math.log(t1 / t0) / math.log(s1 / s0)
        out[memmap] = {"from_mib": s0, "to_mib": s1, "exponent": round(k, 2),
                       "target_max": SCALE_MAX_EXPONENT, "met": k <= SCALE_MAX_EXPONENT}
    return out


def print_table(hdr, table):
    table = [hdr] + table
    w = [max(len(row[i]) for row in table) for i in range(len(hdr))]
    for i, row in enumerate(table):
        print("  ".join(c.ljust(w[j]) for j, c in enumerate(row)).rstrip())
        if i == 0:
            print("  ".join("-" * x for x in w))


def fmt3(s):
    """Like fmt, for small values that need two decimals."""
    if s is None:
        return "-"
    return "%.2f [%.2f-%.2f]" % (s["median"], s["min"], s["max"])


def iopfs_rows(data, units):
    rows = []
    for w, peer, goal in IOPFS_ROWS:
        a, p = stats(data.get((w, "iopfs"), [])), stats(data.get((w, peer), []))
        if not a and not p:
            continue
        ratio = a["median"] / p["median"] if a and p and p["median"] > 0 else None
        rows.append({"workload": w, "unit": units.get(w, ""), "peer": peer,
                     "iopfs": a, "peer_value": p,
                     "ratio": round(ratio, 3) if ratio is not None else None,
                     "goal": goal, "met": None if ratio is None else ratio >= goal})
    return rows


def iopfs_abs_rows(data, units):
    rows = []
    for (w, d) in sorted(k for k in data if k[0] in IOPFS_ABS):
        rows.append({"measure": w, "device": d, "unit": units.get(w, ""),
                     "value": stats(data[(w, d)])})
    return rows


def main():
    src, out, kernel, elapsed, runs, runtime = sys.argv[1:7]
    data, units, scale = {}, {}, {}
    for line in open(src):
        f = line.split()
        if len(f) != 6 or f[0] != "BENCH":
            continue
        try:
            v = float(f[4])
            run = int(f[3])
        except ValueError:
            continue
        if f[1].startswith("scale-"):
            scale.setdefault((f[1], f[2]), []).append((run, v))
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
    srows = scale_rows(scale)
    if srows:
        doc["scale"] = {
            "note": "bind of an idle BAR: probe ms from kernel log timestamps around the "
                    "drivers_probe write, RAM = drop of MemFree + per-CPU free lists; "
                    "median [min-max] over runs 1..N (run 0 is a warm-up)",
            "rows": srows, "probe_linearity": scale_linearity(srows)}
    irows, iabs = iopfs_rows(data, units), iopfs_abs_rows(data, units)
    if irows or iabs:
        doc["iopfs"] = {
            "note": "iopfs and its peer on the same iopmem device (cache wc) switched between "
                    "modes in one guest; ratio = median iopfs / median peer",
            "rows": irows, "mount": iabs}
    with open(out, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    if rows and any(r["iopmem_wc"] for r in rows):
        hdr = ("workload", "unit", "iopmem (wc)", "iopmem (uc)", "peer", "peer value", "ratio", "target")
        table = []
        for r in rows:
            t = "-" if r["target"] is None else ">= %.2f %s" % (r["target"], "met" if r["met"] else "MISSED")
            table.append((r["workload"], r["unit"], fmt(r["iopmem_wc"]), fmt(r["iopmem_uc"]),
                          r["peer"], fmt(r["peer_value"]),
                          "-" if r["ratio"] is None else "%.2f" % r["ratio"], t))
        print("iopmem bench: kernel %s, TCG, %s runs, median [min-max], ratio = iopmem(wc)/peer"
              % (kernel, runs))
        print_table(hdr, table)
    if srows:
        print()
        print("iopmem scale: kernel %s, TCG, %s runs, median [min-max]; RAM = free RAM lost at bind"
              % (kernel, runs))
        hdr = ("BAR size", "memmap", "probe ms", "ms per GiB", "RAM MiB", "RAM MiB per GiB", "target")
        table = []
        for r in srows:
            t = "-" if r["met"] is None else "< %.1f %s" % (r["target_ram_mib_per_gib"],
                                                            "met" if r["met"] else "MISSED")
            size = "%d GiB" % (r["bar_mib"] // 1024) if r["bar_mib"] >= 1024 else "%d MiB" % r["bar_mib"]
            table.append((size, r["memmap"], fmt(r["probe_ms"]),
                          "-" if r["probe_ms_per_gib"] is None else "%.0f" % r["probe_ms_per_gib"],
                          fmt3(r["ram_mib"]),
                          "-" if r["ram_mib_per_gib"] is None else "%.2f" % r["ram_mib_per_gib"], t))
        print_table(hdr, table)
        for memmap, lin in doc["scale"]["probe_linearity"].items():
            print("probe time, memmap=%s: ~ size^%.2f from %d MiB to %d MiB (target <= %.2f: %s)"
                  % (memmap, lin["exponent"], lin["from_mib"], lin["to_mib"], lin["target_max"],
                     "met" if lin["met"] else "MISSED"))

    if irows:
        print()
        print("iopfs bench: kernel %s, TCG, median [min-max], ratio = iopfs/peer, same device"
              % kernel)
        hdr = ("workload", "unit", "iopfs", "peer", "peer value", "ratio", "goal")
        table = []
        for r in irows:
            g = ">= %.2f %s" % (r["goal"], "-" if r["met"] is None else
                                "met" if r["met"] else "MISSED")
            table.append((r["workload"], r["unit"], fmt(r["iopfs"]), r["peer"],
                          fmt(r["peer_value"]),
                          "-" if r["ratio"] is None else "%.2f" % r["ratio"], g))
        print_table(hdr, table)
    if iabs:
        print()
        print("iopfs mount: kernel %s, TCG (absolute numbers, emulated CPU), median [min-max]"
              % kernel)
        print_table(("measure", "files", "unit", "value"),
                    [(r["measure"], r["device"].replace("iopfs-", ""), r["unit"],
                      fmt3(r["value"]) if r["value"]["median"] < 100 else fmt(r["value"]))
                     for r in iabs])


if __name__ == "__main__":
    main()
