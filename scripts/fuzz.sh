#!/usr/bin/env bash
# Fuzzes with libFuzzer (clang + ASan/UBSan) for a bounded time, shared between three targets:
# the experiment-file parser, the command-line override grammar, and reading results files
# (`fairmc show` / --resume on mutated files).
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
mkdir -p "$out" "$out/corpus" "$out/corpus_overrides" "$out/results_corpus"
sanitizers=address,undefined
flags=(-std=c++20 -O1 -g -fno-sanitize-recover=undefined -I. -I/usr/include)
# The parser, validation and the demo scenario, with no HDF5/TBB parts, compiled once for two
# targets: experiment files, and command-line overrides applied to a valid experiment.
sources=(engine/params.cpp engine/config.cpp engine/config_input.cpp engine/config_sweep.cpp
         engine/config_text.cpp engine/check_spec.cpp engine/prepare.cpp
         scenarios/demo/demo.cpp
         tests/fuzz/catalog_demo.cpp)
objects=()
for src in "${sources[@]}"; do
  obj="$out/$(basename "${src%.cpp}").o"
  clang++ "${flags[@]}" -fsanitize=fuzzer-no-link,$sanitizers -c "$src" -o "$obj"
  objects+=("$obj")
done
for target in fuzz_config overrides/fuzz_overrides; do
  clang++ "${flags[@]}" -fsanitize=fuzzer,$sanitizers "tests/fuzz/$target.cpp" "${objects[@]}" \
    -lyaml-cpp -o "$out/$(basename "$target")"
done
# Reading results files: the layout, the HDF5 primitives and the file seal.
results_sources=()
for f in results_file h5io file_seal results stats block_fold quantile_sketch ratio_estimate \
         diagnostics precision point_report stats_layout history_file provenance cf_attributes \
         config config_defaults config_input config_sweep config_text params check_spec checks \
         checks_file sweep_fit; do
  results_sources+=("engine/$f.cpp")
done
clang++ "${flags[@]}" -fsanitize=fuzzer,$sanitizers -I/usr/include/hdf5/serial \
  tests/fuzz/results_file/fuzz_results.cpp "${results_sources[@]}" \
  -lhdf5_serial -lhdf5_serial_hl -lyaml-cpp -ltbb -o "$out/fuzz_results"
cp -n tests/fuzz/corpus/*.yaml "$out/corpus/" 2>/dev/null || true
cp -n tests/fuzz/overrides/corpus/* "$out/corpus_overrides/" 2>/dev/null || true
cp -n tests/fuzz/results_corpus/* "$out/results_corpus/" 2>/dev/null || true
third=$(( seconds / 3 > 0 ? seconds / 3 : 1 ))
"$out/fuzz_config" -max_total_time="$third" -max_len=4096 -timeout=10 -print_final_stats=1 \
  "$out/corpus" 2>&1 | tail -n 15
"$out/fuzz_overrides" -max_total_time="$third" -max_len=1024 -timeout=10 -print_final_stats=1 \
  "$out/corpus_overrides" 2>&1 | tail -n 15
LSAN_OPTIONS=suppressions=tests/fuzz/results_file/lsan.supp "$out/fuzz_results" -max_total_time="$(( seconds - 2 * third > 0 ? seconds - 2 * third : 1 ))" \
  -max_len=32768 -timeout=10 -print_final_stats=1 "$out/results_corpus" 2>&1 | tail -n 8
echo "fuzz: no crash in ${seconds}s"
