#include "engine/diagnostics.hpp"

#include "engine/block_fold.hpp"
#include "engine/rng.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>

using fairmc::BlockAccumulator;
using fairmc::BlockFold;
using fairmc::Diagnostics;
using fairmc::QuantileSketch;
using fairmc::SketchBuilder;

namespace {
// Runs `draw` in 100 blocks of 200 and diagnoses the result the way the runner does.
Diagnostics diagnose_draws(std::uint64_t seed, const std::function<double(fairmc::Rng&)>& draw) {
  BlockFold fold;
  QuantileSketch sketch;
  for (int b = 0; b < 100; ++b) {
    fairmc::Rng rng(seed, static_cast<std::uint64_t>(b), 0u);
    BlockAccumulator acc;
    SketchBuilder sb;
    for (int i = 0; i < 200; ++i) {
      const double x = draw(rng);
      acc.add(x);
      sb.add(x);
    }
    fold.add(b, {acc.summary()});
    sketch.merge(sb.sketch());
  }
  const auto [first, second] = fold.halves(0);
  CHECK(first.n == 32 * 200);  // 100 blocks: [0, 32) and [32, 100)
  CHECK(second.n == 68 * 200);
  return fairmc::diagnose(fold.merged()[0], first, second, sketch);
}
}  // namespace

TEST_CASE("a Pareto draw with infinite variance makes the normal interval unreliable") {
  // Pareto(1.5): finite mean 3, infinite variance.
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    const auto d =
        diagnose_draws(seed, [](fairmc::Rng& r) { return std::pow(r.uniform_open01(), -1 / 1.5); });
    INFO("seed " << seed << " top share " << d.top_share << " half variance " << d.half_variance);
    CHECK(d.unreliable);
    CHECK(d.warning.find("half of the variance") != std::string::npos);
    CHECK(d.top_share > 0.02);
  }
}

TEST_CASE("light-tailed draws are not flagged") {
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    for (const auto& f : std::vector<std::function<double(fairmc::Rng&)>>{
             [](fairmc::Rng& r) { return r.uniform01(); },
             [](fairmc::Rng& r) { return -std::log(r.uniform_open01()); },
             [](fairmc::Rng& r) { return r.uniform01() < 0.5 ? 0.0 : 1.0; },
             // Rare events, 200 expected: the top 0.1% hold 10% of the sum, yet the mean is normal.
             [](fairmc::Rng& r) { return r.uniform01() < 0.01 ? 1.0 : 0.0; },
             [](fairmc::Rng& r) {
               return std::exp(std::sqrt(-2 * std::log(r.uniform_open01())) *
                               std::cos(6.283185307179586 * r.uniform01()));
             }}) {
      const auto d = diagnose_draws(seed, f);
      INFO("seed " << seed << " " << d.warning);
      CHECK_FALSE(d.unreliable);
      CHECK(std::fabs(d.drift_z) < 5);
    }
  }
}

namespace {
// `blocks` blocks of 1000 draws, diagnosed as the runner does.
Diagnostics diagnose_many(std::uint64_t seed, int blocks,
                          const std::function<double(fairmc::Rng&)>& draw) {
  BlockFold fold;
  QuantileSketch sketch;
  for (int b = 0; b < blocks; ++b) {
    fairmc::Rng rng(seed, static_cast<std::uint64_t>(b), 0u);
    BlockAccumulator acc;
    SketchBuilder sb;
    for (int i = 0; i < 1000; ++i) {
      const double x = draw(rng);
      acc.add(x);
      sb.add(x);
    }
    fold.add(b, {acc.summary()});
    sketch.merge(sb.sketch());
  }
  const auto [first, second] = fold.halves(0);
  return fairmc::diagnose(fold.merged()[0], first, second, sketch);
}
double normal(fairmc::Rng& r) {
  return std::sqrt(-2 * std::log(r.uniform_open01())) * std::cos(6.283185307179586 * r.uniform01());
}
}  // namespace

TEST_CASE("Pareto tails of index 1.8 to 2 (infinite variance) are flagged, light tails are not") {
  // Half of the variance sits in 5..60 draws at 1e5 draws for these indices: above the "few
  // draws" rule's 20, so before the tail index rule 2 to 7 of 20 seeds went unflagged at index 2.
  for (const int blocks : {20, 100}) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      for (const double a : {1.8, 1.9, 2.0}) {
        for (const double sign : {1.0, -1.0}) {
          const auto d = diagnose_many(seed, blocks, [&](fairmc::Rng& r) {
            return sign * std::pow(r.uniform_open01(), -1 / a);
          });
          INFO("index " << a << " sign " << sign << " seed " << seed << " draws " << blocks * 1000
                        << " half variance " << d.half_variance << " tail " << d.tail_index);
          CHECK(d.unreliable);
        }
      }
      for (const auto& f : std::vector<std::function<double(fairmc::Rng&)>>{
               [](fairmc::Rng& r) { return r.uniform01(); },
               [](fairmc::Rng& r) { return -std::log(r.uniform_open01()); },
               [](fairmc::Rng& r) { return -std::log(r.uniform_open01()) - 4; },
               [](fairmc::Rng& r) { return normal(r); },
               [](fairmc::Rng& r) { return std::exp(normal(r)); },
               [](fairmc::Rng& r) { return r.uniform01() < 0.01 ? 1.0 : 0.0; },
               [](fairmc::Rng& r) { return std::floor(-3 * std::log(r.uniform_open01())); },
               // Mostly 0, an exponential tail otherwise (a loss, a violation size).
               [](fairmc::Rng& r) {
                 return r.uniform01() < 0.95 ? 0.0 : -std::log(r.uniform_open01());
               }}) {
        const auto d = diagnose_many(seed, blocks, f);
        INFO("seed " << seed << " draws " << blocks * 1000 << " " << d.warning << " half variance "
                     << d.half_variance << " tail " << d.tail_index);
        CHECK_FALSE(d.unreliable);
      }
    }
  }
}

TEST_CASE("Hill's tail index from the sketch") {
  // Exact Pareto quantiles x_i = (i / n)^(-1/a): the top k log-spacings average 1/a.
  for (const double a : {1.0, 2.0, 4.0}) {
    QuantileSketch s;
    SketchBuilder b;
    const int n = 100000;
    for (int i = 1; i <= n; ++i) b.add(std::pow((i - 0.5) / n, -1 / a));
    s = b.sketch();
    CHECK(s.tail_index(0, 316, true) == doctest::Approx(a).epsilon(0.03));
    CHECK(s.tail_index(0, 316, false) != s.tail_index(0, 316, false));  // nothing below 0: NaN
  }
  // Ties at the top: an index of +inf; no draws: NaN.
  QuantileSketch ties;
  for (int i = 0; i < 20; ++i) ties.add(i < 10 ? 1.0 : 0.0);
  CHECK(ties.tail_index(0, 5, true) == std::numeric_limits<double>::infinity());
  CHECK(std::isnan(QuantileSketch{}.tail_index(0, 5, true)));
}

TEST_CASE("infinite draws and overflowing variances are counted and warned about") {
  BlockAccumulator acc;
  SketchBuilder sb;
  for (const double x : {1.0, std::numeric_limits<double>::infinity(), 2.0,
                         std::numeric_limits<double>::quiet_NaN()}) {
    acc.add(x);
    sb.add(x);
  }
  const auto s = acc.summary();
  CHECK(s.n == 2);  // the infinity is not averaged
  CHECK(s.mean == 1.5);
  auto d = fairmc::diagnose(s, {}, {}, sb.sketch());
  CHECK(d.pos_inf == 1);
  CHECK(d.undefined == 1);
  CHECK(d.unreliable);
  CHECK(d.warning.find("inf") != std::string::npos);
  // power with gamma = eps = 1e-300: power_error ~ 1.7e258, its square overflows.
  BlockAccumulator big;
  SketchBuilder bs;
  for (const double x : {1.7e258, 1.0, 3e250}) {
    big.add(x);
    bs.add(x);
  }
  d = fairmc::diagnose(big.summary(), {}, {}, bs.sketch());
  CHECK(d.unreliable);
  CHECK(d.warning.find("overflows") != std::string::npos);
  // Only NaN (undefined) draws: counted, not a warning.
  SketchBuilder nb;
  BlockAccumulator na;
  for (const double x : {1.0, 2.0, std::nan("")}) {
    nb.add(x);
    na.add(x);
  }
  CHECK_FALSE(fairmc::diagnose(na.summary(), {}, {}, nb.sketch()).unreliable);
}

TEST_CASE("a handful of rare events is flagged") {
  BlockAccumulator acc;
  SketchBuilder sb;
  for (int i = 0; i < 10000; ++i) {
    const double x = i % 1000 == 0 ? 1.0 : 0.0;  // 10 events in 10^4 draws
    acc.add(x);
    sb.add(x);
  }
  const auto d = fairmc::diagnose(acc.summary(), {}, {}, sb.sketch());
  // Ones hold 9.98 of 9.99 (mean 0.001): five of them 4.99, just short of half.
  CHECK(d.half_variance == 6);
  CHECK(d.unreliable);
}

TEST_CASE("a drift between the halves of the blocks is flagged") {
  BlockFold fold;
  QuantileSketch sketch;
  for (int b = 0; b < 16; ++b) {
    BlockAccumulator acc;
    SketchBuilder sb;
    fairmc::Rng rng(7, static_cast<std::uint64_t>(b), 0u);
    for (int i = 0; i < 100; ++i) {
      const double x = rng.uniform01() + (b >= 8 ? 0.2 : 0.0);  // shifts half-way
      acc.add(x);
      sb.add(x);
    }
    fold.add(b, {acc.summary()});
    sketch.merge(sb.sketch());
  }
  const auto [first, second] = fold.halves(0);
  const auto d = fairmc::diagnose(fold.merged()[0], first, second, sketch);
  CHECK(d.drift_z > 5);
  CHECK(d.warning.find("halves") != std::string::npos);
}
