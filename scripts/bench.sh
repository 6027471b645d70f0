#!/usr/bin/env bash
# `make bench`: builds the benchmarks (Release, EXCLUDE_FROM_ALL targets) and runs them; the
# numbers are recorded in docs/performance.md. Run on an otherwise idle machine.
#   scripts/bench.sh [BUILD_DIR] [SECTION ...]
# Sections (default: micro table complexity peers):
#   micro       build/bench_micro: Google Benchmark of the hot kernels (rng, each scenario's
#               draw, block statistics, merge, HDF5 write, engine cost per draw)
#   table       bench/reference_table.py: one reference experiment per scenario through the
#               fairmc binary on 1 and 2 threads: draws/s, scaling, peak RSS, engine share, size
#   complexity  bench/complexity.py: per-draw time against n, fitted exponents, complexity.png
#   drivers     the older plain-timer drivers bench/bench_{engine,power,objective,persuasion,scf}
#   growth      bench/growth.py: per-draw CPU and peak memory of `fairmc run -j1` against n up to
#               the papers' sizes (power 10^6, objective n = m = 200, scf 10^4), fitted exponents
#               (alone: `make bench BENCH=growth`, ~5 min)
#   peers       bench/peers/compare.py: fairmc -j1 against a NumPy/SciPy script per scenario on
#               its bench_reference workload, interleaved, metric means checked within 4 sem
#               (alone: `make bench BENCH=peers`; needs python3-scipy, ~5 min on a quiet core)
# Output: results/bench/ (micro.json, table.md/json, complexity.md/json/png, growth.md/json,
#         peers.md/json).
# Environment: BENCH_MIN_TIME (Google Benchmark seconds per case, default 0.5),
#              BENCH_SCALE (multiplies the table's and the peers' draws, default 1),
#              PEERS_REPS (peers' interleaved repetitions, default 3), JOBS (build jobs).
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
if [[ $# -gt 0 && -d $1 ]]; then
  build=$1
  shift
fi
sections=("$@")
((${#sections[@]})) || sections=(micro table complexity peers)
out=results/bench
mkdir -p "$out"
py=/usr/bin/python3
min_time=${BENCH_MIN_TIME:-0.5}

targets=(fairmc)
for s in "${sections[@]}"; do
  case $s in
    micro) targets+=(bench_micro) ;;
    table) targets+=(bench_split) ;;
    complexity) targets+=(bench_complexity) ;;
    drivers) targets+=(bench_engine bench_power bench_objective bench_persuasion bench_scf) ;;
    peers | growth) ;;
    *)
      echo "bench.sh: unknown section '$s' (micro, table, complexity, drivers, growth, peers)" >&2
      exit 2
      ;;
  esac
done
if [[ " ${targets[*]} " == *" bench_micro "* || " ${targets[*]} " == *" bench_complexity "* ]] &&
  ! grep -q '^benchmark_DIR:PATH=/' "$build/CMakeCache.txt"; then
  echo "bench.sh: Google Benchmark not found by CMake; install libbenchmark-dev" \
    "(scripts/install-deps.sh --bench) and reconfigure" >&2
  exit 1
fi
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "${targets[@]}"

echo "== machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for s in "${sections[@]}"; do
  echo "== $s"
  case $s in
    micro)
      "$build/bench_micro" --benchmark_min_time="$min_time" \
        --benchmark_out="$out/micro.json" --benchmark_out_format=json
      ;;
    table) "$py" bench/reference_table.py --build "$build" --out "$out" --scale "${BENCH_SCALE:-1}" ;;
    complexity) "$py" bench/complexity.py --build "$build" --out "$out" --min-time "$min_time" ;;
    drivers)
      for b in bench_engine bench_power bench_objective bench_persuasion bench_scf; do
        echo "-- $b"
        "$build/$b"
      done
      ;;
    growth) "$py" bench/growth.py --build "$build" --out "$out" ;;
    peers)
      "$py" bench/peers/compare.py --build "$build" --out "$out" --scale "${BENCH_SCALE:-1}" \
        --reps "${PEERS_REPS:-3}"
      ;;
  esac
done
