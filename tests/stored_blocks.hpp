// Every block a results file holds, and a bit-for-bit comparison of two files' blocks: how the
// engine tests show that threads, resume, shards and merge change no number.
#pragma once

#include "engine/results_file.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <vector>

namespace fairmc::testing {

using Blocks = std::vector<std::map<std::int64_t, BlockRecord>>;

inline Blocks stored_blocks(const std::filesystem::path& file) {
  const auto stored = read_results(file);
  Blocks out(stored.metrics.size());
  for (std::size_t p = 0; p < out.size(); ++p)
    for_each_stored_block(file, p,
                          [&](std::int64_t b, const BlockRecord& rec) { out[p].emplace(b, rec); });
  return out;
}

inline bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Every stored number (block summaries and raw draws) bit-identical.
inline void require_identical(const Blocks& a, const Blocks& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t p = 0; p < a.size(); ++p) {
    REQUIRE(a[p].size() == b[p].size());
    for (const auto& [i, block] : a[p]) {
      const auto& other = b[p].at(i);
      REQUIRE(block.length == other.length);
      for (std::size_t m = 0; m < block.metrics.size(); ++m) {
        const auto& x = block.metrics[m];
        const auto& y = other.metrics[m];
        CHECK((same_bits(x.n, y.n) && same_bits(x.mean, y.mean) && same_bits(x.m2, y.m2) &&
               same_bits(x.min, y.min) && same_bits(x.max, y.max)));
        REQUIRE(block.draws[m].size() == other.draws[m].size());
        for (std::size_t d = 0; d < block.draws[m].size(); ++d)
          CHECK(same_bits(block.draws[m][d], other.draws[m][d]));
      }
    }
  }
}

}  // namespace fairmc::testing
