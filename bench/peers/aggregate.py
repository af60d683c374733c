#!/usr/bin/python3
"""Reads RESULT lines (peer n threads GFLOP/s) from stdin and prints a
markdown table of best and median GFLOP/s per peer and hlogate's ratios."""
import collections
import statistics
import sys

PEERS = ["hlogate", "openblas", "gonum", "gomlx"]

runs = collections.defaultdict(list)
for line in sys.stdin:
    f = line.split()
    if len(f) == 5 and f[0] == "RESULT":
        runs[(f[1], int(f[2]), int(f[3]))].append(float(f[4]))

keys = sorted({(n, t) for (_, n, t) in runs})


def stats(p, n, t):
    v = runs.get((p, n, t))
    if not v:
        return None
    return max(v), statistics.median(v), len(v)


def cell(s):
    return "–" if s is None else f"{s[0]:.1f} / {s[1]:.1f}"


def ratio(h, p):
    if h is None or p is None or p[0] == 0 or p[1] == 0:
        return "–"
    return f"{h[0] / p[0]:.2f} / {h[1] / p[1]:.2f}"


print("GFLOP/s as best / median of the rounds; ratios are hlogate ÷ peer (best ÷ best / median ÷ median).\n")
print("| n | threads | rounds | " + " | ".join(PEERS) + " | ÷ OpenBLAS | ÷ gonum | ÷ GoMLX |")
print("|---|---|---|" + "---|" * (len(PEERS) + 3))
for n, t in keys:
    s = {p: stats(p, n, t) for p in PEERS}
    rounds = max((x[2] for x in s.values() if x), default=0)
    row = [str(n), str(t), str(rounds)] + [cell(s[p]) for p in PEERS]
    row += [ratio(s["hlogate"], s[p]) for p in ("openblas", "gonum", "gomlx")]
    print("| " + " | ".join(row) + " |")
