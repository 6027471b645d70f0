#!/usr/bin/env bash
# Profiles one scenario's draw (the mechanism/<scenario> case of build/bench_micro, i.e. its
# reference experiment) with perf, as recorded in docs/performance.md ("Profile").
#   scripts/bench-profile.sh [SCENARIO] [SECONDS] [BUILD_DIR]     (default: objective 5 build)
# Writes results/bench/profile-<scenario>.txt:
#   1. perf (cpu-clock sampling, DWARF call graphs): time by library, then by function
#      (inclusive), so time inside libraries without symbols is still charged to their callers;
#   2. for objective, GLPK's simplex calls, iterations and time per iteration (an LD_PRELOAD
#      shim, bench/profile/glpk_count.c: Debian's libglpk has no symbols for its internals);
#   3. every scenario's draw with glibc's default allocator settings and with the heap kept
#      (GLIBC_TUNABLES trim/mmap thresholds): the cost of returning memory to the kernel after
#      every draw and faulting it back in on the next.
# perf: Debian's linux-perf (apt-get install linux-perf); without it, valgrind --tool=callgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-objective}
seconds=${2:-5}
build=${3:-build}
out=results/bench
mkdir -p "$out"
report="$out/profile-$scenario.txt"
cmake --build "$build" -j "$(nproc)" --target bench_micro
bench=("$build/bench_micro" "--benchmark_filter=^mechanism/$scenario")
tunables="glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=33554432"
{
  echo "# profile of mechanism/$scenario ($(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
  if command -v perf >/dev/null && perf record -q -e cpu-clock -o /dev/null true 2>/dev/null; then
    data=$(mktemp)
    perf record -q -e cpu-clock -F 999 --call-graph dwarf,16384 -o "$data" \
      "${bench[@]}" --benchmark_min_time="$seconds" 2>&1 | grep mechanism
    echo "## time by library (self)"
    perf report -i "$data" --no-children --sort dso --stdio -g none 2>/dev/null |
      grep -v '^#' | grep -v '^$' | head -8
    echo "## functions by inclusive time (user space, >= 1%)"
    perf report -i "$data" --children --sort sym --stdio -g none --percent-limit 1 2>/dev/null |
      grep -v '^#' | grep -v '^$' | grep -v '\[k\]' | grep -v ' 0x0000' | head -40
    echo "## kernel entry points by inclusive time (>= 2%)"
    perf report -i "$data" --children --sort sym --stdio -g none --percent-limit 2 2>/dev/null |
      grep '\[k\]' | head -8
    rm -f "$data"
  else
    echo "## perf unavailable: callgrind (instructions), top functions"
    cg=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$cg" "${bench[@]}" \
      --benchmark_min_time=0.5 2>/dev/null | grep mechanism
    callgrind_annotate --inclusive=yes "$cg" 2>/dev/null | head -40
    rm -f "$cg"
  fi
  if [[ $scenario == objective ]]; then
    echo "## GLPK simplex calls (LD_PRELOAD bench/profile/glpk_count.c)"
    shim=$(mktemp --suffix=.so)
    cc -O2 -Wall -Wextra -shared -fPIC -o "$shim" bench/profile/glpk_count.c -ldl -latomic
    LD_PRELOAD=$shim "${bench[@]}" --benchmark_min_time="$seconds" 2>&1 | grep 'mechanism\|glpk'
    rm -f "$shim"
  fi
  echo "## every scenario's draw (CPU us, best of 3 alternating runs): default allocator vs"
  echo "## GLIBC_TUNABLES=$tunables"
  tmp=$(mktemp -d)
  for i in 1 2 3; do
    "$build/bench_micro" --benchmark_filter='^mechanism/' --benchmark_min_time=0.5 \
      --benchmark_format=json >"$tmp/default-$i.json" 2>/dev/null
    GLIBC_TUNABLES=$tunables "$build/bench_micro" --benchmark_filter='^mechanism/' \
      --benchmark_min_time=0.5 --benchmark_format=json >"$tmp/tuned-$i.json" 2>/dev/null
  done
  /usr/bin/python3 - "$tmp" <<'PY'
import glob, json, sys
best = {}
for kind in ("default", "tuned"):
    for f in glob.glob(f"{sys.argv[1]}/{kind}-*.json"):
        for b in json.load(open(f))["benchmarks"]:
            t = b["cpu_time"] * {"ns": 1e-3, "us": 1.0, "ms": 1e3}[b["time_unit"]]
            key = (b["name"], kind)
            best[key] = min(best.get(key, t), t)
for name in sorted({n for n, _ in best}):
    d, t = best[(name, "default")], best[(name, "tuned")]
    print(f"{name:75s} {d:10.1f} {t:10.1f}  {d / t:5.2f}x")
PY
  rm -rf "$tmp"
} | tee "$report"
echo "wrote $report"
