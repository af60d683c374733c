#!/usr/bin/python3
"""hlogate's benchmark suite in plain numpy (+ OpenBLAS), as RESULT lines.

Each workload of internal/benchsuite/testdata/suite.json is written the way
a competent numpy user would write it (see bench/suite/export_jax.py for the
JAX definitions these mirror):

  matmul_N     a @ b
  mlp          (x @ w + b), np.maximum(., 0), vectorized softmax
  cnn          conv 3x3 SAME as im2col: np.pad + sliding_window_view, reshape
               to (N*H*W, 9*C) and @ the (9*C, O) kernel; maxpool 2x2 as
               reshape + max; flatten; dense; softmax
  transformer  layernorm, qkv projection, batched attention with @ over the
               head axis, softmax, tanh-gelu, residuals
  chain        np.maximum(a * b + c, 0)
  sum          a.sum()              (numpy's pairwise float32 sum)
  rowmax       a.max(axis=1)
  colsum       a.sum(axis=0)
  exp, tanh    np.exp(a), np.tanh(a)
  while        a Python loop of 100000 in-place numpy ops on a 16-element
               array: numpy has no loop construct, so this measures numpy's
               per-call overhead, which is what a numpy user gets.

Inputs follow export_jax.py's formula, so every engine sees bit-identical
inputs. Each workload is checked once against the expected <name>.out0.npy
where it exists (a WARNING line if max|got - want| > 1e-3 * max|want|), then
timed: one warm-up call, then calls until --mintime has passed and at least
--minreps calls were made (just 1 if the warm-up call alone took longer than
--mintime); a workload whose warm-up call takes longer than --maxcall seconds
is reported as SKIP. Threads are limited with threadpoolctl; that limits
OpenBLAS (the matmuls), numpy's elementwise ops and reductions are
single-threaded whatever the limit.

Output:  RESULT numpy <workload> <threads> <seconds per call>

Run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (suite.sh does).
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_info = threadpool_limits = None

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(HERE, "..", "..", "internal", "benchsuite", "testdata")
PHI = 0.6180339887498949
F32 = np.float32


def gen(shape, k, scale):
    n = int(np.prod(shape)) if shape else 1
    x = (np.arange(n, dtype=np.float64) + 1.0) * PHI + 0.1234 * k
    u = x - np.floor(x)
    return ((u - 0.5) * 2.0 * scale).astype(np.float32).reshape(shape)


# ---- workloads -------------------------------------------------------------

def relu(x):
    return np.maximum(x, F32(0))


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def matmul(a, b):
    return a @ b


def mlp(x, w1, b1, w2, b2, w3, b3):
    h = relu(x @ w1 + b1)
    h = relu(h @ w2 + b2)
    return softmax(h @ w3 + b3)


def conv3x3_same(x, w, b):
    # x: NHWC, w: HWIO (3, 3, C, O).
    n, hh, ww, c = x.shape
    o = w.shape[3]
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    win = sliding_window_view(xp, (3, 3), axis=(1, 2))  # (N, H, W, C, 3, 3)
    cols = win.transpose(0, 1, 2, 4, 5, 3).reshape(n * hh * ww, 9 * c)  # im2col (copies)
    y = cols @ w.reshape(9 * c, o)
    return relu(y + b).reshape(n, hh, ww, o)


def maxpool2(x):
    n, hh, ww, c = x.shape
    return x.reshape(n, hh // 2, 2, ww // 2, 2, c).max(axis=(2, 4))


def cnn(x, c1, cb1, c2, cb2, w1, b1, w2, b2):
    h = maxpool2(conv3x3_same(x, c1, cb1))
    h = maxpool2(conv3x3_same(h, c2, cb2))
    h = h.reshape(h.shape[0], -1)
    h = relu(h @ w1 + b1)
    return softmax(h @ w2 + b2)


def layernorm(x, g, b):
    m = x.mean(axis=-1, keepdims=True)
    d = x - m
    v = (d * d).mean(axis=-1, keepdims=True)
    return d / np.sqrt(v + F32(1e-5)) * g + b


GELU_C = F32(math.sqrt(2.0 / math.pi))


def gelu_tanh(x):
    return F32(0.5) * x * (F32(1) + np.tanh(GELU_C * (x + F32(0.044715) * x * x * x)))


def transformer(x, g1, be1, wqkv, bqkv, wo, bo, g2, be2, w1, b1, w2, b2):
    s, d = x.shape
    h = 4
    hd = d // h
    y = layernorm(x, g1, be1)
    qkv = (y @ wqkv + bqkv).reshape(s, 3, h, hd)
    q = qkv[:, 0].transpose(1, 0, 2)  # (h, s, hd)
    k = qkv[:, 1].transpose(1, 2, 0)  # (h, hd, s)
    v = qkv[:, 2].transpose(1, 0, 2)  # (h, s, hd)
    att = softmax((q @ k) / F32(math.sqrt(hd)))  # (h, s, s)
    o = (att @ v).transpose(1, 0, 2).reshape(s, d)
    x = x + (o @ wo + bo)
    y = layernorm(x, g2, be2)
    f = gelu_tanh(y @ w1 + b1)
    return x + (f @ w2 + b2)


def chain(a, b, c):
    return np.maximum(a * b + c, F32(0))


def total(a):
    return a.sum()


def rowmax(a):
    return a.max(axis=1)


def colsum(a):
    return a.sum(axis=0)


def fori(x):
    x = x.copy()
    m, c = F32(0.999), F32(0.001)
    for _ in range(100000):
        np.multiply(x, m, out=x)
        np.add(x, c, out=x)
    return x


WORKLOADS = {
    "matmul_64": matmul, "matmul_256": matmul, "matmul_1024": matmul, "matmul_2048": matmul,
    "mlp": mlp, "cnn": cnn, "transformer": transformer, "chain": chain, "sum": total,
    "rowmax": rowmax, "colsum": colsum, "exp": np.exp, "tanh": np.tanh, "while": fori,
}


# ---- harness ---------------------------------------------------------------

def load_npy(path):
    try:
        return np.load(path)
    except OSError:
        return None


def check(name, spec, got, inputs):
    outs = spec.get("outputs", [])
    if not outs:
        return
    o = outs[0]
    got = np.asarray(got)
    if list(got.shape) != list(o["shape"]):
        print(f"WARNING numpy {name}: shape {list(got.shape)}, want {o['shape']}", flush=True)
        return
    if "file" not in o:
        return
    want = load_npy(os.path.join(TESTDATA, o["file"]))
    if want is None:
        return  # listed but not present: nothing to check against
    err = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))) if want.size else 0.0
    ref = float(np.max(np.abs(want))) if want.size else 0.0
    tol = 1e-3 * max(ref, 1e-30)
    extra = ""
    if name == "sum":
        # The sum (0.2246) is 4e7 times smaller than sum|a| (8.4e6): float32
        # rounding of any summation order dominates it (JAX's reference says
        # 0.2164, numpy's pairwise sum 0.2241, a sequential loop 0.2509,
        # float64 0.2246). Tolerance: 1e-3 * sum|a| / sqrt(n).
        a = inputs[0].astype(np.float64)
        tol = 1e-3 * float(np.abs(a).sum()) / math.sqrt(a.size)
        extra = f", got {float(got):.6g}, want {float(want):.6g}, float64 {float(a.sum()):.6g}"
    status = "WARNING" if not err <= tol else "CHECK"
    print(f"{status} numpy {name} max abs error {err:.3g} (max |want| {ref:.3g}, tolerance {tol:.3g}{extra})", flush=True)


def measure(f, args, mintime, minreps, maxcall):
    t0 = time.perf_counter()
    f(*args)
    warm = time.perf_counter() - t0
    if warm > maxcall:
        return None, warm
    if warm >= mintime:
        minreps = 1
    reps = 0
    start = time.perf_counter()
    while reps < minreps or time.perf_counter() - start < mintime:
        f(*args)
        reps += 1
    return (time.perf_counter() - start) / reps, warm


def info():
    print("INFO numpy", np.__version__)
    if threadpool_info is None:
        print("INFO threadpoolctl not installed")
        return
    for lib in threadpool_info():
        print("INFO", " ".join(f"{k}={lib.get(k)}" for k in
                               ("internal_api", "version", "architecture", "threading_layer", "num_threads")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", default="", help="comma-separated workloads (default: all)")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--mintime", type=float, default=0.5)
    ap.add_argument("--minreps", type=int, default=2)
    ap.add_argument("--maxcall", type=float, default=20.0, help="skip a workload whose warm-up call takes longer")
    ap.add_argument("--testdata", default=None)
    ap.add_argument("--nocheck", action="store_true")
    ap.add_argument("--info", action="store_true")
    args = ap.parse_args()
    if args.info:
        info()
        return
    global TESTDATA
    if args.testdata:
        TESTDATA = args.testdata
    with open(os.path.join(TESTDATA, "suite.json")) as fh:
        specs = {w["name"]: w for w in json.load(fh)["workloads"]}
    names = [n for n in args.suite.split(",") if n] or [n for n in specs if n in WORKLOADS]
    for n in names:
        if n not in specs or n not in WORKLOADS:
            print(f"SKIP numpy {n} unknown workload", flush=True)
    names = [n for n in names if n in specs and n in WORKLOADS]
    threads = [int(x) for x in args.threads.split(",")]
    for name in names:
        spec = specs[name]
        f = WORKLOADS[name]
        inputs = [gen(tuple(a["shape"]), k, a["scale"]) for k, a in enumerate(spec["args"])]
        if not args.nocheck:
            check(name, spec, f(*inputs), inputs)
        for t in threads:
            if threadpool_limits is not None:
                with threadpool_limits(limits=t):
                    sec, warm = measure(f, inputs, args.mintime, args.minreps, args.maxcall)
            else:
                sec, warm = measure(f, inputs, args.mintime, args.minreps, args.maxcall)
            if sec is None:
                print(f"SKIP numpy {name} {t} warm-up call took {warm:.1f}s > --maxcall {args.maxcall:g}s", flush=True)
            else:
                print(f"RESULT numpy {name} {t} {sec:.6g}", flush=True)
        del inputs


if __name__ == "__main__":
    sys.exit(main())
