#include "engine/stats.hpp"

#include "engine/rng.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <vector>

using fairmc::BlockAccumulator;
using fairmc::Summary;

TEST_CASE("merging block summaries equals accumulating all draws at once") {
  fairmc::Rng rng(9, 0, 0u);
  std::vector<double> xs;
  for (int i = 0; i < 1000; ++i) xs.push_back(std::exp(3 * rng.uniform01()));
  BlockAccumulator all;
  for (const double x : xs) all.add(x);
  std::vector<Summary> parts;
  for (std::size_t b = 0; b < xs.size(); b += 37) {
    BlockAccumulator acc;
    for (std::size_t i = b; i < std::min(xs.size(), b + 37); ++i) acc.add(xs[i]);
    parts.push_back(acc.summary());
  }
  const Summary merged = Summary::merge_all(parts);
  const Summary whole = all.summary();
  CHECK(merged.n == whole.n);
  CHECK(merged.mean == doctest::Approx(whole.mean).epsilon(1e-13));
  CHECK(merged.m2 == doctest::Approx(whole.m2).epsilon(1e-11));
  CHECK(merged.min == whole.min);
  CHECK(merged.max == whole.max);
  // And against the textbook two-pass formulas.
  double mean = 0;
  for (const double x : xs) mean += x;
  mean /= xs.size();
  double m2 = 0;
  for (const double x : xs) m2 += (x - mean) * (x - mean);
  CHECK(merged.mean == doctest::Approx(mean).epsilon(1e-13));
  CHECK(merged.variance() == doctest::Approx(m2 / (xs.size() - 1)).epsilon(1e-11));
}

TEST_CASE("NaN draws are not counted") {
  BlockAccumulator acc;
  acc.add(1.0);
  acc.add(std::nan(""));
  acc.add(3.0);
  const Summary s = acc.summary();
  CHECK(s.n == 2);
  CHECK(s.mean == 2.0);
  CHECK(s.variance() == doctest::Approx(2.0));
}

TEST_CASE("Student-t interval uses the t quantile") {
  Summary s{5, 0.0, 4.0 * 2.0, -1, 1};  // n = 5, sample variance 2
  // t_{0.975, 4} = 2.776445105
  CHECK(s.ci95_half_width() == doctest::Approx(2.776445105 * std::sqrt(2.0 / 5)).epsilon(1e-8));
}

TEST_CASE("type-7 quantiles match numpy") {
  CHECK(fairmc::quantile({1, 2, 3, 4}, 0.5) == doctest::Approx(2.5));
  CHECK(fairmc::quantile({1, 2, 3, 4}, 0.25) == doctest::Approx(1.75));
  CHECK(fairmc::quantile({4, 1, std::nan(""), 3, 2}, 0.95) == doctest::Approx(3.85));
}

TEST_CASE("line fit recovers slope and intercept") {
  const std::vector<double> x{0, 1, 2, 3, 4};
  const std::vector<double> y{1, 3, 5, 7, 9};
  const auto f = fairmc::fit_line(x, y);
  CHECK(f.slope == doctest::Approx(2.0));
  CHECK(f.intercept == doctest::Approx(1.0));
  CHECK(f.slope_sem == doctest::Approx(0.0));
}

TEST_CASE("weighted line fit: known sigmas give the textbook slope error and chi2/dof") {
  // y = 1 + 2x exactly, sigmas 0.1, 0.2, 0.1, 0.2, 0.1: slope sem = 1/sqrt(sum w (x-xbar_w)^2).
  const std::vector<double> x{0, 1, 2, 3, 4}, y{1, 3, 5, 7, 9}, s{0.1, 0.2, 0.1, 0.2, 0.1};
  const auto f = fairmc::fit_line(x, y, s);
  CHECK(f.weighted);
  CHECK(f.slope == doctest::Approx(2.0));
  CHECK(f.intercept == doctest::Approx(1.0));
  double sw = 0, sx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sw += 1 / (s[i] * s[i]), sx += x[i] / (s[i] * s[i]);
  double sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    sxx += (x[i] - sx / sw) * (x[i] - sx / sw) / (s[i] * s[i]);
  CHECK(f.slope_sem == doctest::Approx(1 / std::sqrt(sxx)));
  CHECK(f.chi2_dof == doctest::Approx(0.0));
  // A point off the line by 3 sigma in a 3-point fit: the weights pull the line towards the
  // precise points, so the imprecise outlier hardly moves the slope.
  const std::vector<double> x3{0, 1, 2}, y3{0, 1 + 3 * 1.0, 2}, s3{0.01, 1.0, 0.01};
  const auto g = fairmc::fit_line(x3, y3, s3);
  CHECK(g.slope == doctest::Approx(1.0).epsilon(1e-3));
  CHECK(g.chi2_dof == doctest::Approx(9.0).epsilon(1e-3));
  // A sigma of zero (no spread): ordinary least squares instead.
  const std::vector<double> s0{0.1, 0, 0.1, 0.1, 0.1};
  const auto o = fairmc::fit_line(x, y, s0);
  CHECK_FALSE(o.weighted);
  CHECK(std::isnan(o.chi2_dof));
  CHECK(o.slope == doctest::Approx(2.0));
}

TEST_CASE("unmerge recovers the tail's summary") {
  fairmc::Rng rng(21, 0, 0u);
  BlockAccumulator head, tail, all;
  for (int i = 0; i < 300; ++i) {
    const double x = rng.uniform01();
    (i < 100 ? head : tail).add(x);
    all.add(x);
  }
  const Summary t = Summary::unmerge(all.summary(), head.summary());
  CHECK(t.n == 200);
  CHECK(t.mean == doctest::Approx(tail.summary().mean).epsilon(1e-12));
  CHECK(t.m2 == doctest::Approx(tail.summary().m2).epsilon(1e-10));
}

TEST_CASE("infinite draws are left out of the moments") {
  BlockAccumulator acc;
  acc.add(1.0);
  acc.add(std::numeric_limits<double>::infinity());
  acc.add(-std::numeric_limits<double>::infinity());
  acc.add(3.0);
  CHECK(acc.summary().n == 2);
  CHECK(acc.summary().mean == 2.0);
}
