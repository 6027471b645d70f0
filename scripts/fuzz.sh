#!/usr/bin/env bash
# Fuzzes with libFuzzer (clang + ASan/UBSan) for a bounded time, split between two targets: the
# experiment-file parser, and reading results files (`fairmc show` / --resume on mutated files).
#   scripts/fuzz.sh [SECONDS]   (default 60 in all; CI runs it with 30)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz: installing clang and its fuzzer runtime"
  apt-get install -y -qq --no-install-recommends clang libclang-rt-dev >/dev/null 2>&1 ||
    apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev >/dev/null
fi
out=build-fuzz
mkdir -p "$out" "$out/corpus"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I. -I/usr/include)
# The parser, validation and the demo scenario, with no HDF5/TBB parts.
clang++ "${flags[@]}" tests/fuzz/fuzz_config.cpp engine/params.cpp engine/config.cpp engine/prepare.cpp \
  scenarios/demo/demo.cpp tests/fuzz/catalog_demo.cpp -lyaml-cpp -o "$out/fuzz_config"
# Reading results files: the layout, the HDF5 primitives and the file seal.
clang++ "${flags[@]}" -I/usr/include/hdf5/serial tests/fuzz/results/fuzz_results.cpp \
  engine/results_file.cpp engine/h5io.cpp engine/file_seal.cpp engine/results.cpp engine/stats.cpp \
  engine/block_fold.cpp engine/config.cpp engine/params.cpp \
  -lhdf5_serial -lhdf5_serial_hl -lyaml-cpp -o "$out/fuzz_results"
mkdir -p "$out/results_corpus"
cp -n tests/fuzz/results_corpus/* "$out/results_corpus/" 2>/dev/null || true
half=$(( (seconds + 1) / 2 ))
cp -n tests/fuzz/corpus/*.yaml "$out/corpus/" 2>/dev/null || true
"$out/fuzz_config" -max_total_time="$half" -max_len=4096 -timeout=10 -print_final_stats=1 \
  "$out/corpus" 2>&1 | tail -n 15
"$out/fuzz_results" -max_total_time="$(( seconds - half ))" -max_len=32768 -timeout=10 \
  -print_final_stats=1 "$out/results_corpus" 2>&1 | tail -n 8
echo "fuzz: no crash in ${seconds}s"
