#!/usr/bin/env bash
# Builds the test suite with sanitizers and runs it (CI runs both jobs):
#   scripts/sanitize.sh address,undefined    AddressSanitizer + UndefinedBehaviorSanitizer
#   scripts/sanitize.sh thread               ThreadSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-address,undefined}
dir="build-san-${kind//,/-}"
# No -Werror here: GCC's sanitizer instrumentation raises false maybe-uninitialized warnings
# inside libstdc++ (std::regex); the normal build checks warnings.
# -O1 -g1 (line tables): stack traces keep file:line, and the build takes ~40% less time than
# -O2 -g, which matters with two sanitizer jobs in CI.
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DFAIRMC_SANITIZE="$kind" -DFAIRMC_MPI=OFF -DFAIRMC_WERROR=OFF >/dev/null
targets=$(cmake --build "$dir" --target help | sed -n 's/^\.\.\. \(test_[a-z_]*\).*/\1/p')
cmake --build "$dir" -j "$(nproc)" --target fairmc $targets
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# TBB's worker pool and libstdc++'s atomics are understood by TSan; report every race.
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
cd "$dir" && ctest --output-on-failure -j "$(nproc)" -E 'e2e'
