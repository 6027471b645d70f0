#include "engine/block_fold.hpp"

#include "engine/rng.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
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

TEST_CASE("ratio sums fold in block order whatever the arrival order") {
  std::vector<fairmc::RatioSums> blocks;
  fairmc::Rng rng(31, 0, 0u);
  for (int b = 0; b < 600; ++b) {
    fairmc::RatioSums s;
    for (int i = 0; i < 5; ++i) s.add(rng.uniform01(), 0.5 + rng.uniform01());
    blocks.push_back(s);
  }
  BlockFold in_order, shuffled;
  for (int b = 0; b < 600; ++b) in_order.add(b, {Summary{}}, {blocks[b]});
  for (int b = 599; b >= 0; --b) shuffled.add(b, {Summary{}}, {blocks[b]});
  const auto a = in_order.ratios().at(0).estimate();
  const auto c = shuffled.ratios().at(0).estimate();
  CHECK(std::bit_cast<std::uint64_t>(a.estimate) == std::bit_cast<std::uint64_t>(c.estimate));
  CHECK(std::bit_cast<std::uint64_t>(a.sem) == std::bit_cast<std::uint64_t>(c.sem));
  CHECK(a.groups == 256);
  // Blocks still waiting past a gap count too.
  BlockFold gap;
  gap.add(1, {Summary{}}, {blocks[1]});
  CHECK(gap.ratios().at(0).total().n == 5);
}

TEST_CASE("halves split at the largest power of two not above half the frontier") {
  BlockFold fold;
  std::vector<Summary> parts;
  fairmc::Rng rng(32, 0, 0u);
  for (int b = 0; b < 13; ++b) {
    fairmc::BlockAccumulator acc;
    for (int i = 0; i < 10; ++i) acc.add(rng.uniform01());
    parts.push_back(acc.summary());
  }
  for (int b = 0; b < 3; ++b) fold.add(b, {parts[b]});
  CHECK(fold.halves(0).first.n == 0);
  for (int b = 3; b < 13; ++b) fold.add(b, {parts[b]});
  const auto [first, second] = fold.halves(0);
  // 13 blocks: 13/2 = 6, so blocks [0, 4) and [4, 13).
  Summary head, tail;
  for (int b = 0; b < 4; ++b) head = Summary::merge(head, parts[b]);
  for (int b = 4; b < 13; ++b) tail = Summary::merge(tail, parts[b]);
  CHECK(same_bits(first, head));
  CHECK(second.n == tail.n);
  CHECK(second.mean == doctest::Approx(tail.mean).epsilon(1e-12));
  CHECK(second.m2 == doctest::Approx(tail.m2).epsilon(1e-9));
}
