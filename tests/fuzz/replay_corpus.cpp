// Replays the experiment-file fuzz corpus (seeds and inputs that once found bugs) through the fuzz
// target under doctest, so that every build checks them; scripts/fuzz.sh explores beyond them.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

TEST_CASE("the experiment-file fuzz corpus loads or fails with a one-line error") {
  const std::filesystem::path dir = std::filesystem::path(FAIRMC_SOURCE_DIR) / "tests/fuzz/corpus";
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CAPTURE(entry.path().string());
    // The target aborts on a broken property and lets anything but ConfigError escape.
    CHECK(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                 bytes.size()) == 0);
    ++replayed;
  }
  CHECK(replayed > 5);
}
