#include "engine/quantile_sketch.hpp"

#include "engine/rng.hpp"
#include "engine/stats.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

using fairmc::QuantileSketch;
using fairmc::SketchBuilder;

namespace {
QuantileSketch sketch_in_blocks(const std::vector<double>& xs, std::size_t block, bool reverse) {
  std::vector<QuantileSketch> parts;
  for (std::size_t b = 0; b < xs.size(); b += block) {
    SketchBuilder sb;
    for (std::size_t i = b; i < std::min(xs.size(), b + block); ++i) sb.add(xs[i]);
    parts.push_back(sb.sketch());
  }
  if (reverse) std::reverse(parts.begin(), parts.end());
  QuantileSketch all;
  for (const auto& p : parts) all.merge(p);
  return all;
}
}  // namespace

TEST_CASE("sketch quantiles are within the stated relative accuracy of the exact ones") {
  fairmc::Rng rng(3, 0, 0u);
  std::vector<double> xs;
  for (int i = 0; i < 20000; ++i) {
    const double u = rng.uniform01();
    // Lognormal-ish positives over many octaves, some negatives, exact zeros.
    if (u < 0.1)
      xs.push_back(0.0);
    else if (u < 0.3)
      xs.push_back(-std::exp(8 * rng.uniform01() - 4));
    else
      xs.push_back(std::exp(20 * rng.uniform01() - 10));
  }
  const QuantileSketch s = sketch_in_blocks(xs, 97, false);
  std::vector<double> sorted = xs;
  std::sort(sorted.begin(), sorted.end());
  for (const double p : {0.0, 0.001, 0.05, 0.1, 0.15, 0.25, 0.5, 0.75, 0.95, 0.999, 1.0}) {
    const double h = (sorted.size() - 1) * p;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const auto hi = std::min(lo + 1, sorted.size() - 1);
    const double exact = fairmc::quantile(xs, p);
    // Both order statistics are within 2^-8 relative; the interpolation keeps that bound.
    const double bound =
        QuantileSketch::kRelativeAccuracy * std::max(std::fabs(sorted[lo]), std::fabs(sorted[hi]));
    INFO("p = " << p);
    CHECK(std::fabs(s.quantile(p) - exact) <= bound);
  }
  CHECK(s.count() == xs.size());
  CHECK(s.min() == sorted.front());
  CHECK(s.max() == sorted.back());
}

TEST_CASE("merging sketches is order-free and bit-identical") {
  fairmc::Rng rng(4, 0, 0u);
  std::vector<double> xs;
  for (int i = 0; i < 5000; ++i) xs.push_back(std::exp(30 * rng.uniform01() - 15));
  const QuantileSketch a = sketch_in_blocks(xs, 100, false);
  const QuantileSketch b = sketch_in_blocks(xs, 100, true);
  const QuantileSketch c = sketch_in_blocks(xs, 7, false);
  CHECK(a == b);
  CHECK(a == c);
  CHECK(std::bit_cast<std::uint64_t>(a.quantile(0.5)) ==
        std::bit_cast<std::uint64_t>(c.quantile(0.5)));
}

TEST_CASE("sketch: constants, indicators, infinities and NaN") {
  SketchBuilder ones;
  for (int i = 0; i < 10; ++i) ones.add(1.0);
  CHECK(ones.sketch().quantile(0.5) == 1.0);  // clamped to the observed min/max
  SketchBuilder ind;
  for (int i = 0; i < 10; ++i) ind.add(i < 7 ? 0.0 : 1.0);
  const auto s = ind.sketch();
  CHECK(s.quantile(0.5) == 0.0);
  CHECK(s.quantile(0.95) == 1.0);
  CHECK(s.zeros() == 7);
  SketchBuilder odd;
  for (const double x :
       {1.0, 2.0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
        std::numeric_limits<double>::quiet_NaN(), 3.0})
    odd.add(x);
  const auto o = odd.sketch();
  CHECK(o.nan() == 1);
  CHECK(o.pos_inf() == 1);
  CHECK(o.neg_inf() == 1);
  CHECK(o.count() == 5);
  CHECK(o.finite() == 3);
  CHECK(o.quantile(0.0) == -std::numeric_limits<double>::infinity());
  CHECK(o.quantile(1.0) == std::numeric_limits<double>::infinity());
  CHECK(o.quantile(0.5) == doctest::Approx(2.0).epsilon(QuantileSketch::kRelativeAccuracy));
  CHECK(std::isnan(SketchBuilder().sketch().quantile(0.5)));
  // Extreme magnitudes: the largest double and subnormals have buckets too.
  SketchBuilder ext;
  ext.add(std::numeric_limits<double>::max());
  ext.add(std::numeric_limits<double>::denorm_min());
  CHECK(ext.sketch().quantile(1.0) == std::numeric_limits<double>::max());
  CHECK(ext.sketch().quantile(0.0) == std::numeric_limits<double>::denorm_min());
}

TEST_CASE("top share: the largest 0.1% of draws") {
  SketchBuilder b;
  for (int i = 0; i < 999; ++i) b.add(1.0);
  b.add(1001.0);  // one draw of 1000 holds half of the sum
  CHECK(b.sketch().top_share(0.001) == doctest::Approx(0.5).epsilon(0.01));
  SketchBuilder u;
  fairmc::Rng rng(5, 0, 0u);
  for (int i = 0; i < 100000; ++i) u.add(rng.uniform01());
  // Uniform(0,1): the top 0.1% average ~1, the mean 1/2: share ~0.2%.
  CHECK(u.sketch().top_share(0.001) == doctest::Approx(0.002).epsilon(0.05));
}
