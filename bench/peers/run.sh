#!/usr/bin/env bash
# Runs hlogate's f32 GEMM benchmark and its peers (numpy+OpenBLAS, gonum,
# GoMLX simplego) in one interleaved run: every round measures everything
# once, at 1 and 2 threads, so that load from other processes falls on all
# of them alike; then prints best and median GFLOP/s per peer and the
# ratios.
#
#   ROUNDS=5 MINTIME=0.5 bash bench/peers/run.sh
#
# Needs: go; for OpenBLAS, Debian's python3-numpy and libopenblas0-pthread
# (and python3-threadpoolctl to report the kernel and limit threads).
set -euo pipefail
ROUNDS=${ROUNDS:-5}
MINTIME=${MINTIME:-0.5}
SIZES=${SIZES:-64,256,1024,2048}
PY=${PY:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$root" && go test -c -o "$tmp/gemm.test" ./internal/kernels/gemm)
have_peers=1
if ! (cd "$here" && go build -o "$tmp/peers" .); then
	echo "WARNING: could not build the Go peers (gonum, GoMLX); continuing without them" >&2
	have_peers=0
fi
have_numpy=1
if ! env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" -c 'import numpy' 2>/dev/null; then
	echo "WARNING: $PY has no numpy; continuing without OpenBLAS" >&2
	have_numpy=0
fi

echo "# $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# hlogate kernel: $(cd "$root/internal/kernels/gemm" && "$tmp/gemm.test" -test.run '^TestKernelName$' -test.v 2>/dev/null | sed -n 's/.*kernel=\([a-z0-9]*\).*/\1/p' | head -1)"
if [ $have_numpy = 1 ]; then
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$here/numpy_bench.py" --info | sed 's/^/# /'
fi

# hlogate's benchmark names: BenchmarkSGEMM/n=64/threads=1-2 ... GFLOP/s
sizes_re=$(echo "$SIZES" | tr ',' '|')
for r in $(seq "$ROUNDS"); do
	echo "# round $r, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
	(cd "$root/internal/kernels/gemm" && "$tmp/gemm.test" -test.run '^$' -test.bench "^BenchmarkSGEMM\$/^n=($sizes_re)\$/" \
		-test.benchtime "${MINTIME}s" -test.count 1) |
		awk '/^BenchmarkSGEMM\//{ split($1, p, "/"); sub("n=", "", p[2]); t = p[3]; sub("threads=", "", t); sub("-.*", "", t);
			for (i = 2; i <= NF; i++) if ($i == "GFLOP/s") g = $(i-1);
			print "RESULT hlogate", p[2], t, g }' >>"$tmp/results"
	if [ $have_numpy = 1 ]; then
		env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$here/numpy_bench.py" --sizes "$SIZES" --mintime "$MINTIME" >>"$tmp/results"
	fi
	if [ $have_peers = 1 ]; then
		"$tmp/peers" -sizes "$SIZES" -mintime "${MINTIME}s" | grep '^RESULT' >>"$tmp/results" || true
	fi
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$PY" "$here/aggregate.py" <"$tmp/results"
if [ -n "${RAW:-}" ]; then cp "$tmp/results" "$RAW"; fi
