#!/usr/bin/env bash
# Runs hlogate's benchmark suite (internal/benchsuite/testdata: matmuls, MLP,
# CNN, transformer, elementwise, reductions, while loop) on hlogate
# (`hlogate bench`), numpy + OpenBLAS (numpy_suite.py) and GoMLX simplego
# (the peers binary, -suite) in interleaved rounds: every round runs each
# engine once over all selected workloads at every thread count, so load from
# other processes falls on all of them alike. Then aggregate_suite.py prints
# median and best seconds per call and the ratios peer ÷ hlogate.
#
#   ROUNDS=5 MINTIME=0.5 bash bench/peers/suite.sh
#   SUITE=mlp,chain PEERS=numpy,gomlx ROUNDS=1 MINTIME=0.2 bash bench/peers/suite.sh
#
# Environment:
#   ROUNDS   rounds (default 5)           MINTIME  seconds per measurement (0.5)
#   THREADS  thread counts (1,2)          SUITE    workloads (default: all)
#   PEERS    engines, any of hlogate,numpy,gomlx (default: all three)
#   MAXCALL  an engine's workload whose warm-up call takes longer than this
#            many seconds is reported as SKIP and not run in later rounds (20)
#   HLOGATE  a prebuilt hlogate binary to use instead of building ./cmd/hlogate
#   PY       python with numpy (default /usr/bin/python3)
#   RAW      if set, a file to copy the raw RESULT lines to
#
# Needs: go; Debian's python3-numpy, libopenblas0-pthread, python3-threadpoolctl.
set -euo pipefail
ROUNDS=${ROUNDS:-5}
MINTIME=${MINTIME:-0.5}
THREADS=${THREADS:-1,2}
SUITE=${SUITE:-}
PEERS=${PEERS:-hlogate,numpy,gomlx}
MAXCALL=${MAXCALL:-20}
PY=${PY:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
testdata="$root/internal/benchsuite/testdata"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

want() { case ",$PEERS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
engines=""
add_engine() { engines="${engines:+$engines,}$1"; }

# The OpenBLAS variables this machine's environment sets (a Haswell kernel,
# a 512 KiB L2) are unset so that OpenBLAS picks its kernel from the CPU.
pyenv() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$@"; }

if want hlogate; then
	if [ -n "${HLOGATE:-}" ]; then
		cp "$HLOGATE" "$tmp/hlogate"
		add_engine hlogate
	elif (cd "$root" && go build -o "$tmp/hlogate" ./cmd/hlogate); then
		add_engine hlogate
	else
		echo "WARNING: could not build hlogate; continuing without it" >&2
	fi
fi
if want numpy; then
	if pyenv "$PY" -c 'import numpy' 2>/dev/null; then
		add_engine numpy
	else
		echo "WARNING: $PY has no numpy; continuing without it" >&2
	fi
fi
if want gomlx; then
	if (cd "$here" && go build -o "$tmp/peers" .); then
		add_engine gomlx
	else
		echo "WARNING: could not build the GoMLX peer; continuing without it" >&2
	fi
fi
has() { case ",$engines," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

all=$("$PY" -c 'import json, sys; print(",".join(w["name"] for w in json.load(open(sys.argv[1]))["workloads"]))' "$testdata/suite.json")
suite=${SUITE:-$all}

echo "# $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(go version); hlogate $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?') (working tree)"
echo "# engines: $engines; rounds $ROUNDS, mintime ${MINTIME}s, threads $THREADS"
echo "# workloads: $suite"
if has numpy; then
	pyenv "$PY" "$here/numpy_suite.py" --info | sed 's/^/# /'
fi
if has gomlx; then
	echo "# GoMLX $(awk '$1 == "github.com/gomlx/gomlx" {print $2}' "$here/go.mod"), backend simplego"
fi

# skipped <engine>: workloads an earlier round skipped as too slow (MAXCALL).
skipped() { awk -v e="$1" '$1 == "SKIP" && $2 == e && /warm-up call took/ {print $3}' "$tmp/results" 2>/dev/null | sort -u; }
minus() { # minus LIST SKIPPED: LIST without the SKIPPED names, comma-separated
	local out="" n
	for n in $(echo "$1" | tr ',' ' '); do
		if ! grep -qx "$n" <<<"$2"; then out="${out:+$out,}$n"; fi
	done
	echo "$out"
}

touch "$tmp/results"
for r in $(seq "$ROUNDS"); do
	echo "# round $r, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
	check=""
	[ "$r" -gt 1 ] && check=1
	if has hlogate; then
		# One workload per call, so that one failing workload costs only itself.
		for w in $(minus "$suite" "$(skipped hlogate)" | tr ',' ' '); do
			if ! "$tmp/hlogate" bench --format results --threads "$THREADS" --mintime "${MINTIME}s" --suite "$w" \
				>"$tmp/hlogate.out" 2>"$tmp/hlogate.err"; then
				echo "SKIP hlogate $w failed: $(tail -1 "$tmp/hlogate.err" | tr -s '\n' ' ')" | tee -a "$tmp/results" >&2
			fi
			grep -E '^(RESULT|SKIP|WARNING) ' "$tmp/hlogate.out" >>"$tmp/results" || true
		done
	fi
	if has numpy; then
		s=$(minus "$suite" "$(skipped numpy)")
		if [ -n "$s" ]; then
			pyenv "$PY" "$here/numpy_suite.py" --suite "$s" --threads "$THREADS" --mintime "$MINTIME" \
				--maxcall "$MAXCALL" ${check:+--nocheck} | tee -a "$tmp/results" | grep -E '^(CHECK|WARNING)' >&2 || true
		fi
	fi
	if has gomlx; then
		s=$(minus "$suite" "$(skipped gomlx)")
		if [ -n "$s" ]; then
			"$tmp/peers" -suite "$s" -testdata "$testdata" -threads "$THREADS" -mintime "${MINTIME}s" \
				-maxcall "${MAXCALL}s" ${check:+-nocheck} 2>>"$tmp/gomlx.err" | grep -E '^(RESULT|SKIP|WARNING|CHECK) ' |
				tee -a "$tmp/results" | grep -E '^(CHECK|WARNING)' >&2 || true
		fi
	fi
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$PY" "$here/aggregate_suite.py" --testdata "$testdata" --engines "$engines" <"$tmp/results"
if [ -n "${RAW:-}" ]; then cp "$tmp/results" "$RAW"; fi
