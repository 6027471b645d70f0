// libFuzzer target for reading results files: what `fairmc show` and `fairmc run --resume` read.
// Any input must be described or refused with std::runtime_error (one line, e.g. "...: damaged:
// ..."); a crash, hang, sanitizer report or any other exception is a bug. The seed corpus is a
// small results file (tests/fuzz/results_corpus). Built and run by scripts/fuzz.sh.
#include "engine/results_file.hpp"

#include <unistd.h>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("fairmc_fuzz_results_" + std::to_string(::getpid()) + ".h5");
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    fairmc::describe_results(file);
  } catch (const std::runtime_error&) {
  }
  try {
    const auto stored = fairmc::read_results(file);
    for (std::size_t p = 0; p < stored.metrics.size(); ++p)
      fairmc::for_each_stored_block(file, p, [](std::int64_t, const fairmc::BlockRecord&) {});
  } catch (const std::runtime_error&) {
  }
  return 0;
}
