// Replays the results-file fuzz corpus through the fuzz target under doctest, so that every build
// checks it: the seed file is read as written, and every single-byte change of it (every 97th
// byte) is described or refused with std::runtime_error, never a crash. scripts/fuzz.sh explores
// beyond them.
#include "engine/results_file.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

TEST_CASE("the results-file fuzz corpus is read, and damaged copies are refused without a crash") {
  const std::filesystem::path dir =
      std::filesystem::path(FAIRMC_SOURCE_DIR) / "tests/fuzz/results_corpus";
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    CAPTURE(entry.path().string());
    CHECK_NOTHROW(fairmc::describe_results(entry.path()));
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (std::size_t at = 0; at < bytes.size(); at += 97) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
      CHECK(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(damaged.data()),
                                   damaged.size()) == 0);
    }
    ++replayed;
  }
  CHECK(replayed >= 1);
}
