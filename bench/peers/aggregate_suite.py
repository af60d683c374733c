#!/usr/bin/python3
"""Reads the lines suite.sh collects from stdin

    RESULT <engine> <workload> <threads> <seconds per call>
    SKIP <engine> <workload> [<threads>] <reason...>
    WARNING <engine> <workload> ...      (output check failed)

and prints a markdown table: per workload and thread count the median and
best seconds per call of each engine over the rounds, and the ratios
peer ÷ hlogate of the medians (and of the bests): > 1 means hlogate is
faster. Workloads are listed in suite.json's order.

    aggregate_suite.py [--testdata DIR] [--engines hlogate,numpy,gomlx] <results
"""
import argparse
import collections
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def fmt_time(s):
    if s is None:
        return "–"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--testdata", default=os.path.join(HERE, "..", "..", "internal", "benchsuite", "testdata"))
    ap.add_argument("--engines", default="hlogate,numpy,gomlx")
    args = ap.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    peers = [e for e in engines if e != "hlogate"]

    runs = collections.defaultdict(list)
    notes = collections.OrderedDict()
    checks = collections.defaultdict(set)
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        if f[0] == "RESULT" and len(f) == 5:
            try:
                runs[(f[1], f[2], int(f[3]))].append(float(f[4]))
            except ValueError:
                pass
        elif f[0] in ("SKIP", "WARNING") and len(f) >= 3:
            notes.setdefault(" ".join(f), None)
        if f[0] in ("CHECK", "WARNING") and len(f) >= 3:
            checks[f[1]].add(f[2].rstrip(":"))

    order = []
    try:
        with open(os.path.join(args.testdata, "suite.json")) as fh:
            order = [w["name"] for w in json.load(fh)["workloads"]]
    except OSError:
        pass
    seen = {w for (_, w, _) in runs}
    order = [w for w in order if w in seen] + sorted(seen - set(order))
    threads = sorted({t for (_, _, t) in runs})

    def stats(e, w, t):
        v = runs.get((e, w, t))
        if not v:
            return None
        return statistics.median(v), min(v), len(v)

    def cell(s):
        return "–" if s is None else f"{fmt_time(s[0])} ({fmt_time(s[1])})"

    def ratio(p, h):
        if p is None or h is None or h[0] <= 0 or h[1] <= 0:
            return "–"
        return f"{p[0] / h[0]:.3g} ({p[1] / h[1]:.3g})"

    print("Seconds per call: median (best) over the rounds. Ratios: peer ÷ hlogate, "
          "median ÷ median (best ÷ best); > 1 means hlogate is faster.\n")
    head = ["workload", "threads", "rounds"] + engines + [f"{p} ÷ hlogate" for p in peers]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for w in order:
        for t in threads:
            s = {e: stats(e, w, t) for e in engines}
            if not any(s.values()):
                continue
            rounds = max((x[2] for x in s.values() if x), default=0)
            row = [w, str(t), str(rounds)] + [cell(s[e]) for e in engines]
            row += [ratio(s[p], s.get("hlogate")) for p in peers]
            print("| " + " | ".join(row) + " |")
    if checks:
        print()
        print("Outputs checked against the expected .npy files: " + "; ".join(
            f"{e} {len(checks[e])} workloads" for e in sorted(checks)) +
            (" (WARNING lines below)" if any(n.startswith("WARNING") for n in notes) else ", all within tolerance") + ".")
    if notes:
        print()
        for n in notes:
            print(f"- `{n}`")


if __name__ == "__main__":
    sys.exit(main())
