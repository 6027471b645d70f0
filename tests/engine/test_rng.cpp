#include "engine/rng.hpp"

#include <doctest/doctest.h>

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include <cmath>
#include <vector>

using fairmc::Rng;
using fairmc::Substream;

namespace {
std::vector<std::uint32_t> first(Rng rng, int n) {
  std::vector<std::uint32_t> v;
  for (int i = 0; i < n; ++i) v.push_back(rng());
  return v;
}
}  // namespace

TEST_CASE("the same (key, draw, substream) reproduces the same stream") {
  CHECK(first(Rng(42, 7, Substream::population), 64) ==
        first(Rng(42, 7, Substream::population), 64));
}

TEST_CASE("streams of different draws, substreams and points differ") {
  const auto base = first(Rng(42, 7, Substream::population), 16);
  CHECK(base != first(Rng(42, 8, Substream::population), 16));
  CHECK(base != first(Rng(42, 7, Substream::mechanism), 16));
  CHECK(base != first(Rng(43, 7, Substream::population), 16));
  // Draw indices above 2^32 use the high counter word: must not alias draw 7.
  CHECK(base != first(Rng(42, (std::uint64_t{1} << 32) + 7, Substream::population), 16));
  CHECK(fairmc::point_key(1, "{a: 1}") != fairmc::point_key(2, "{a: 1}"));
  CHECK(fairmc::point_key(1, "{a: 1}") != fairmc::point_key(1, "{a: 2}"));
}

TEST_CASE("Philox4x32-10 matches the Random123 known-answer vector") {
  // Random123's kat_vectors: philox4x32 10 rounds, ctr = 0, key = 0.
  Rng rng(0, 0, 0u);
  CHECK(rng() == 0x6627e8d5u);
  CHECK(rng() == 0xe169c58du);
  CHECK(rng() == 0xbc57ac4cu);
  CHECK(rng() == 0x9b00dbd8u);
}

TEST_CASE("uniform01 passes a chi-square test of uniformity") {
  // 100 equiprobable bins, 200000 draws: the statistic is chi-square with 99 degrees of freedom
  // (mean 99, sd 14.1); 99 + 6 sd = 184 is exceeded with probability < 1e-6 by a uniform source.
  constexpr int bins = 100, n = 200000;
  std::vector<int> count(bins, 0);
  Rng rng(20261125, 3, Substream::mechanism);
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform01();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    ++count[static_cast<int>(u * bins)];
  }
  double chi2 = 0;
  const double expected = static_cast<double>(n) / bins;
  for (const int c : count) chi2 += (c - expected) * (c - expected) / expected;
  CHECK(chi2 < 184.0);
  CHECK(chi2 > 40.0);  // far too even is also wrong (lower tail, p < 1e-6)
}

TEST_CASE("Boost.Random distributions run on Rng") {
  Rng rng(5, 0, Substream::population);
  boost::random::normal_distribution<double> normal(2.0, 3.0);
  constexpr int n = 100000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = normal(rng);
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n;
  const double var = sum2 / n - mean * mean;
  CHECK(std::fabs(mean - 2.0) <= 4 * 3.0 / std::sqrt(n));
  // Var of the sample variance of a normal is 2 sigma^4 / n.
  CHECK(std::fabs(var - 9.0) <= 4 * std::sqrt(2.0 * 81.0 / n));
  boost::random::uniform_int_distribution<int> die(1, 6);
  for (int i = 0; i < 1000; ++i) {
    const int d = die(rng);
    CHECK((d >= 1 && d <= 6));
  }
}
