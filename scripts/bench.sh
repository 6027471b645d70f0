#!/usr/bin/env bash
# `make bench`: builds the benchmarks (Release) and runs them; numbers are recorded in
# docs/performance.md. Run on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
benches=$(ls bench/*.cpp | xargs -n1 basename | sed 's/\.cpp$//')
cmake --build "$build" -j "$(nproc)" --target $benches
for b in $benches; do
  echo "== $b"
  "$build/$b"
done
