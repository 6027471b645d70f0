// Edge cases of the per-metric statistics (engine/stats.*): constant metrics, one draw, non-finite
// draws, quantiles at the ends.
#include "engine/point_report.hpp"
#include "engine/quantile_sketch.hpp"
#include "engine/results.hpp"
#include "engine/stats.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

using fairmc::BlockAccumulator;
using fairmc::Summary;

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();

// Adds one metric's draws to `block` as the runner does: its moments and its quantile sketch.
void add_metric(fairmc::BlockRecord& block, std::initializer_list<double> draws) {
  BlockAccumulator acc;
  fairmc::SketchBuilder sb;
  for (const double x : draws) {
    acc.add(x);
    sb.add(x);
  }
  block.metrics.push_back(acc.summary());
  block.sketches.push_back(sb.sketch());
}
}  // namespace

TEST_CASE("1e7 draws of a constant give exactly the constant and sd 0") {
  // 100 blocks of 1e5 draws, merged in block order as the runner does. A sum-based block mean
  // gave 0.10000000000018848 and sd 9.6e-14 for 0.1.
  for (const double c : {0.1, -0.7, 1.0 / 3, 1e300, 5e-324}) {
    std::vector<Summary> parts;
    for (int b = 0; b < 100; ++b) {
      BlockAccumulator acc;
      for (int i = 0; i < 100000; ++i) acc.add(c);
      parts.push_back(acc.summary());
    }
    const Summary s = Summary::merge_all(parts);
    INFO("constant " << c);
    CHECK(s.n == 1e7);
    CHECK(s.mean == c);
    CHECK(s.m2 == 0);
    CHECK(s.sd() == 0);
    CHECK(s.sem() == 0);
    CHECK(s.ci95_half_width() == 0);
    CHECK(s.min == c);
    CHECK(s.max == c);
  }
}

TEST_CASE("one draw: a mean, no spread, no interval") {
  BlockAccumulator acc;
  acc.add(2.5);
  const Summary s = acc.summary();
  CHECK(s.n == 1);
  CHECK(s.mean_or_nan() == 2.5);
  CHECK(std::isnan(s.sd()));
  CHECK(std::isnan(s.sem()));
  CHECK(std::isnan(s.ci95_half_width()));
  // No finite draw at all: nothing is defined.
  BlockAccumulator none;
  none.add(std::nan(""));
  none.add(inf);
  none.add(-inf);
  CHECK(none.summary().n == 0);
  CHECK(std::isnan(none.summary().mean_or_nan()));
  CHECK(std::isnan(none.summary().ci95_half_width()));
}

TEST_CASE("quantiles with infinite draws: the ends are the infinities, never NaN") {
  // Exact (kept draws) and sketch quantiles alike; type 7 with h = (n - 1) p. The plain formula
  // a + frac (b - a) gave NaN for each of these (inf - inf, 0 * inf).
  struct Case {
    std::vector<double> draws;
    double p, expected;
  };
  const std::vector<Case> cases{
      {{-inf, 1.0}, 0.5, -inf},        // between -inf and 1: -inf
      {{-inf, -inf}, 0.0, -inf},       // ties at -inf
      {{-inf, -inf}, 0.5, -inf},       //
      {{inf, inf}, 0.5, inf},          // ties at +inf
      {{1.0, inf}, 1.0, inf},          // the largest draw
      {{1.0, inf}, 0.5, inf},          // between 1 and +inf: +inf
      {{-inf, 1.0, 2.0}, 0.25, -inf},  //
      {{-inf, 1.0, 2.0}, 0.75, 1.5},   // finite neighbours interpolate as usual
      {{-inf, 2.0, 2.0, inf}, 0.5, 2.0},
      {{3.0}, 0.0, 3.0},  // one draw: every quantile is it
      {{3.0}, 1.0, 3.0},
      {{2.0, 2.0, 2.0}, 0.3, 2.0},  // ties
  };
  for (const auto& c : cases) {
    fairmc::QuantileSketch sketch;
    for (const double x : c.draws) sketch.add(x);
    INFO("p " << c.p << " of " << c.draws.size() << " draws, first " << c.draws.front());
    CHECK(fairmc::quantile(c.draws, c.p) == c.expected);
    CHECK(sketch.quantile(c.p) == c.expected);
  }
  // Only between -inf and +inf is the interpolation undefined.
  CHECK(std::isnan(fairmc::quantile({-inf, inf}, 0.5)));
  fairmc::QuantileSketch both;
  both.add(-inf);
  both.add(inf);
  CHECK(std::isnan(both.quantile(0.5)));
  CHECK(both.quantile(0) == -inf);
  CHECK(both.quantile(1) == inf);
  // No non-NaN draw: undefined.
  CHECK(std::isnan(fairmc::quantile({std::nan("")}, 0.5)));
  CHECK(std::isnan(fairmc::QuantileSketch{}.quantile(0.5)));
}

TEST_CASE("the run's notes name every metric with undefined draws and their count") {
  // Metric a is NaN in every draw, b in one of two, c never: a mean over fewer draws than were
  // made is said, not left to a bare n.
  fairmc::RunRecord run;
  run.points.resize(1);
  fairmc::PointRecord r;
  r.metrics = {"a", "b", "c"};
  r.block = 2;
  fairmc::BlockRecord block;
  block.length = 2;
  add_metric(block, {std::nan(""), std::nan("")});
  add_metric(block, {1.0, std::nan("")});
  add_metric(block, {1.0, 2.0});
  r.add(0, block);
  run.results.push_back(r);
  const auto notes = fairmc::run_notes(run);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("undefined (NaN)") != std::string::npos);
  CHECK(notes[0].find("a 2/2 (no finite draw)") != std::string::npos);
  CHECK(notes[0].find("b 1/2") != std::string::npos);
  CHECK(notes[0].find(" c ") == std::string::npos);
}

TEST_CASE("notes of undefined draws never crowd out a warning") {
  // 30 points, each with an undefined metric and an infinite draw: 20 warnings (the budget), then
  // 5 notes and a line saying how many more.
  fairmc::RunRecord run;
  run.points.resize(30);
  for (int p = 0; p < 30; ++p) {
    fairmc::PointRecord r;
    r.metrics = {"a"};
    r.block = 2;
    fairmc::BlockRecord block;
    block.length = 3;
    add_metric(block, {std::nan(""), inf, 1.0});
    r.add(0, block);
    run.results.push_back(r);
  }
  const auto lines = fairmc::run_notes(run);
  std::size_t warnings = 0, notes = 0;
  for (const auto& l : lines) {
    warnings += l.rfind("warning:", 0) == 0;
    notes += l.rfind("note:", 0) == 0;
  }
  CHECK(warnings == 20);
  CHECK(notes == 5);
  CHECK(lines.back().find("25 more points with undefined draws") != std::string::npos);
}

TEST_CASE("a ratio whose estimate is not a number is said to be undefined, not given an interval") {
  // 0/0 (num and den 0 in every draw: objective's gain/loss at α = β = 0) printed
  // "-nan +- -nan (95%, ...)", a value with an interval.
  const fairmc::RatioSpec spec{"gain_over_loss", "gain", "loss"};
  fairmc::RatioEstimate nan_est;
  nan_est.n = 4;
  const std::string text = fairmc::ratio_text(spec, nan_est);
  CHECK(text.find("undefined") == 0);
  CHECK(text.find("E[gain]/E[loss]") != std::string::npos);
  CHECK(text.find("nan") == std::string::npos);
  CHECK(text.find("+-") == std::string::npos);
  // A bounded and an unbounded estimate keep their forms.
  fairmc::RatioEstimate ok;
  ok.n = 10;
  ok.estimate = 2.0;
  ok.bias_corrected = 2.0;
  ok.ci_lo = 1.5;
  ok.ci_hi = 2.5;
  CHECK(fairmc::ratio_text(spec, ok).find("2 +- 0.5 (95%, jackknife") == 0);
  ok.ci_lo = -inf;
  ok.ci_hi = inf;
  CHECK(fairmc::ratio_text(spec, ok).find("no bounded 95% interval") != std::string::npos);
}
