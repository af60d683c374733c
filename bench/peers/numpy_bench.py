#!/usr/bin/python3
"""numpy + OpenBLAS square f32 matmul, printed as RESULT lines for run.sh.

Run it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (run.sh does) so
that OpenBLAS picks its kernel from the CPU; the INFO line says which it
picked (threadpoolctl's "architecture").
"""
import argparse
import time

import numpy as np

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_info = threadpool_limits = None


def measure(n, f, mintime, minreps):
    f()
    reps = 0
    start = time.perf_counter()
    while reps < minreps or time.perf_counter() - start < mintime:
        f()
        reps += 1
    el = time.perf_counter() - start
    return 2.0 * n * n * n * reps / el / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="64,256,1024,2048")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--mintime", type=float, default=0.5)
    ap.add_argument("--minreps", type=int, default=2)
    ap.add_argument("--info", action="store_true")
    args = ap.parse_args()
    if args.info:
        print("INFO numpy", np.__version__)
        if threadpool_info is None:
            print("INFO threadpoolctl not installed")
        else:
            for lib in threadpool_info():
                print("INFO", " ".join(f"{k}={lib.get(k)}" for k in
                                       ("internal_api", "version", "architecture", "threading_layer", "num_threads")))
        return
    for t in (int(x) for x in args.threads.split(",")):
        for n in (int(x) for x in args.sizes.split(",")):
            a = ((np.arange(n * n) % 7) - 3).astype(np.float32).reshape(n, n)
            b = ((np.arange(n * n) % 5) - 2).astype(np.float32).reshape(n, n)
            c = np.empty((n, n), dtype=np.float32)
            f = lambda: np.matmul(a, b, out=c)
            if threadpool_limits is not None:
                with threadpool_limits(limits=t, user_api="blas"):
                    g = measure(n, f, args.mintime, args.minreps)
            else:
                g = measure(n, f, args.mintime, args.minreps)
            print(f"RESULT openblas {n} {t} {g:.2f}", flush=True)


if __name__ == "__main__":
    main()
