#include "engine/block_fold.hpp"

#include "engine/rng.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

using fairmc::BlockFold;
using fairmc::Summary;

namespace {

bool same_bits(const Summary& a, const Summary& b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Block summaries of two metrics over draws of very different scales, so that merge order shows
// in the last bits of mean and m2.
std::vector<std::vector<Summary>> blocks(int count) {
  fairmc::Rng rng(3, 0, 0u);
  std::vector<std::vector<Summary>> out;
  for (int b = 0; b < count; ++b) {
    std::vector<Summary> parts;
    for (const double scale : {1.0, 1e6}) {
      fairmc::BlockAccumulator acc;
      for (int i = 0; i < 7 + b % 5; ++i) acc.add(scale * std::exp(4 * rng.uniform01()));
      parts.push_back(acc.summary());
    }
    out.push_back(parts);
  }
  return out;
}

}  // namespace

TEST_CASE("a block fold equals merge_all in block order, bit for bit, whatever the arrival order") {
  const auto parts = blocks(40);
  std::vector<Summary> expected;
  for (std::size_t m = 0; m < 2; ++m) {
    std::vector<Summary> column;
    for (const auto& p : parts) column.push_back(p[m]);
    expected.push_back(Summary::merge_all(column));
  }
  std::vector<std::int64_t> order(parts.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 shuffle(17);
  bool some_order_differs = false;
  for (int trial = 0; trial < 20; ++trial) {
    std::shuffle(order.begin(), order.end(), shuffle);
    BlockFold fold;
    for (const auto b : order) fold.add(b, parts[static_cast<std::size_t>(b)]);
    CHECK(fold.count() == 40);
    CHECK(fold.frontier() == 40);
    CHECK(fold.waiting() == 0);
    const auto merged = fold.merged();
    REQUIRE(merged.size() == 2);
    CHECK(same_bits(merged[0], expected[0]));
    CHECK(same_bits(merged[1], expected[1]));
    // The naive fold in arrival order is not bit-identical in general: the test can tell.
    Summary arrival;
    for (const auto b : order)
      arrival = Summary::merge(arrival, parts[static_cast<std::size_t>(b)][1]);
    some_order_differs = some_order_differs || !same_bits(arrival, expected[1]);
  }
  CHECK(some_order_differs);
}

TEST_CASE("blocks past a gap wait, and merged() folds them in order across the gap") {
  const auto parts = blocks(6);
  BlockFold fold;
  for (const std::int64_t b : {0, 1, 3, 5}) fold.add(b, parts[static_cast<std::size_t>(b)]);
  CHECK(fold.frontier() == 2);
  CHECK(fold.waiting() == 2);
  CHECK(fold.count() == 4);
  CHECK(fold.contains(3));
  CHECK_FALSE(fold.contains(2));
  CHECK_FALSE(fold.contains(4));
  // With holes, the merge is still over the present blocks in block order.
  Summary expected;
  for (const std::size_t b : {0, 1, 3, 5}) expected = Summary::merge(expected, parts[b][0]);
  CHECK(same_bits(fold.merged()[0], expected));
  fold.add(2, parts[2]);
  CHECK(fold.frontier() == 4);
  CHECK(fold.waiting() == 1);
  CHECK_THROWS_AS(fold.add(3, parts[3]), std::logic_error);
  CHECK_THROWS_AS(fold.add(-1, parts[0]), std::logic_error);
}

TEST_CASE("an empty fold merges to nothing") {
  BlockFold fold;
  CHECK(fold.count() == 0);
  CHECK(fold.merged().empty());
}
