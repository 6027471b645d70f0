#include "engine/ratio_estimate.hpp"

#include "engine/rng.hpp"

#include <doctest/doctest.h>

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>
#include <numbers>
#include <utility>
#include <vector>

using fairmc::jackknife_ratio;
using fairmc::RatioGroups;
using fairmc::RatioSums;

namespace {
double normal(fairmc::Rng& rng) {  // Box-Muller
  const double u = rng.uniform_open01(), v = rng.uniform01();
  return std::sqrt(-2 * std::log(u)) * std::cos(2 * std::numbers::pi * v);
}
}  // namespace

TEST_CASE("ratio jackknife agrees with the delta method on a correlated normal pair") {
  // X = 3 + Z1, Y = 2 + (Z1 + Z2)/2: Var X = 1, Var Y = 1/2, Cov = 1/2, R = 3/2.
  // Delta method: Var(Xbar/Ybar) = (Var X - 2 R Cov + R^2 Var Y) / (n mu_y^2) = 0.15625 / n.
  constexpr int blocks = 1000, per = 50;
  RatioGroups one_per_block(blocks), grouped;
  fairmc::Rng rng(11, 0, 0u);
  for (int b = 0; b < blocks; ++b) {
    RatioSums s;
    for (int i = 0; i < per; ++i) {
      const double z1 = normal(rng), z2 = normal(rng);
      s.add(3 + z1, 2 + (z1 + z2) / 2);
    }
    one_per_block.add(b, s);
    grouped.add(b, s);
  }
  const double n = blocks * per;
  const double delta_se = std::sqrt(0.15625 / n);
  const auto r = one_per_block.estimate();
  CHECK(r.n == n);
  CHECK(r.groups == blocks);
  CHECK(std::fabs(r.estimate - 1.5) <= 4 * delta_se);
  // The jackknife variance from g pseudo-values of a nearly linear statistic has relative sd
  // ~ sqrt(2/(g-1)); its square root ~ 1/sqrt(2(g-1)): 2.2% at g = 1000, 4.4% at g = 256.
  CHECK(std::fabs(r.sem / delta_se - 1) <= 4 / std::sqrt(2.0 * (blocks - 1)));
  const auto g = grouped.estimate();
  CHECK(g.groups == 256);
  CHECK(g.estimate == doctest::Approx(r.estimate).epsilon(1e-12));
  CHECK(std::fabs(g.sem / delta_se - 1) <= 4 / std::sqrt(2.0 * 255));
  // Bias correction is O(1/n): far inside the standard error.
  CHECK(std::fabs(r.bias_corrected - r.estimate) < 0.05 * r.sem);
  CHECK(r.ci_lo < r.bias_corrected);
  CHECK(r.ci_hi > r.bias_corrected);
}

TEST_CASE("with a constant denominator the jackknife is the batch-means standard error") {
  // Unequal groups (sizes 3..12): the weighted jackknife of a mean reduces exactly to
  // var = (1/g) sum_j m_j (xbar_j - xbar)^2 / (n - m_j).
  fairmc::Rng rng(12, 0, 0u);
  std::vector<RatioSums> groups;
  std::vector<std::vector<double>> xs;
  double total = 0, n = 0;
  for (int j = 0; j < 20; ++j) {
    RatioSums s;
    xs.emplace_back();
    for (int i = 0; i < 3 + j % 10; ++i) {
      const double x = std::exp(rng.uniform01());
      s.add(x, 2.0);
      xs.back().push_back(x);
      total += x;
      n += 1;
    }
    groups.push_back(s);
  }
  const double mean = total / n;
  double var = 0;
  for (const auto& g : xs) {
    double gm = 0;
    for (const double x : g) gm += x;
    gm /= g.size();
    var += g.size() * (gm - mean) * (gm - mean) / (n - g.size());
  }
  var /= xs.size();
  const auto r = jackknife_ratio(groups);
  CHECK(r.estimate == doctest::Approx(mean / 2).epsilon(1e-14));
  CHECK(r.bias_corrected == doctest::Approx(mean / 2).epsilon(1e-12));
  CHECK(r.sem == doctest::Approx(std::sqrt(var) / 2).epsilon(1e-10));
}

TEST_CASE("a draw counts for a ratio only where both sides are finite") {
  RatioSums s;
  s.add(1, 2);
  s.add(std::nan(""), 5);
  s.add(7, std::nan(""));
  s.add(3, std::numeric_limits<double>::infinity());
  s.add(3, 4);
  CHECK(s.n == 2);
  CHECK(s.num == 4);
  CHECK(s.den == 6);
  CHECK(std::isnan(jackknife_ratio(std::vector<RatioSums>{}).estimate));
  const auto one = jackknife_ratio(std::vector<RatioSums>{s});
  CHECK(one.estimate == doctest::Approx(4.0 / 6));
  CHECK(std::isnan(one.sem));  // one group: no error bar
}

TEST_CASE("ratio interval coverage over 400 seeds is 95% within the binomial band") {
  // X = E1 + E2 (Gamma(2)), Y = E1 + 1, so E[X]/E[Y] = 2/2 = 1; skewed and correlated.
  // 40 blocks of 25 draws per seed. Coverage ~ Binomial(400, 0.95): sd 4.36, band +-4 sd.
  constexpr int seeds = 400;
  int covered = 0;
  for (int seed = 0; seed < seeds; ++seed) {
    fairmc::Rng rng(1000 + seed, 0, 0u);
    RatioGroups groups;
    for (int b = 0; b < 40; ++b) {
      RatioSums s;
      for (int i = 0; i < 25; ++i) {
        const double e1 = -std::log(rng.uniform_open01()), e2 = -std::log(rng.uniform_open01());
        s.add(e1 + e2, e1 + 1);
      }
      groups.add(b, s);
    }
    const auto r = groups.estimate();
    covered += r.ci_lo <= 1.0 && 1.0 <= r.ci_hi;
  }
  const double sd = std::sqrt(seeds * 0.95 * 0.05);
  CHECK(covered >= seeds * 0.95 - 4 * sd);
  CHECK(covered <= seeds * 0.95 + 4 * sd);
}

TEST_CASE("a denominator whose mean may be 0 gives no bounded interval (Fieller)") {
  // Group den sums +-10 (+ 0.01) over 100 draws each: the mean den 1e-4 is far inside its sem
  // ~0.03; the ratio's jackknife interval used to be [103869, 105145] around 104507, a precision
  // of 0.6% on a quantity whose 95% confidence set is the whole line.
  std::vector<RatioSums> sign_change(10);
  for (int i = 0; i < 10; ++i) sign_change[i] = {100, 100.0 + i, (i % 2 ? 1.0 : -1.0) * 10 + 0.01};
  auto r = jackknife_ratio(sign_change);
  CHECK(r.estimate == doctest::Approx(1045 / 0.1));
  CHECK(std::isfinite(r.sem));  // the jackknife's own number is still reported
  CHECK(r.ci_lo == -std::numeric_limits<double>::infinity());
  CHECK(r.ci_hi == std::numeric_limits<double>::infinity());
  CHECK(std::isinf(r.ci_hi));
  CHECK(std::isinf(r.half_width()));
  // Every denominator 0: the estimate is +inf (sum num > 0), nothing else is defined.
  std::vector<RatioSums> zero(10);
  for (int i = 0; i < 10; ++i) zero[i] = {100, 100.0 + i, 0.0};
  r = jackknife_ratio(zero);
  CHECK(r.estimate == std::numeric_limits<double>::infinity());
  CHECK(std::isinf(r.ci_hi));
  // A denominator mean 5 sems from 0 keeps its jackknife interval; at 1 sem it does not.
  // Group means of den: 1 +- d (alternating), n = 1 per group, g = 20: sem of the mean d/sqrt(20)
  // (sample sd of +-d over 20 groups is d sqrt(20/19)), so |mean| / sem = sqrt(19)/d.
  for (const auto& [d, bounded] :
       {std::pair{std::sqrt(19.0) / 5, true}, {std::sqrt(19.0), false}}) {
    std::vector<RatioSums> groups(20);
    for (int i = 0; i < 20; ++i) groups[i] = {1, 2.0 + (i % 3), 1 + (i % 2 ? d : -d)};
    r = jackknife_ratio(groups);
    INFO("d " << d);
    CHECK(std::isinf(r.ci_hi) == !bounded);
    CHECK(std::isfinite(r.estimate));
  }
  // A constant denominator is as far from 0 as can be: bounded, the batch-means interval.
  std::vector<RatioSums> constant(10);
  for (int i = 0; i < 10; ++i) constant[i] = {100, 100.0 + i, 50.0};
  CHECK(std::isfinite(jackknife_ratio(constant).ci_hi));
}

TEST_CASE("1e7 paired draws of constants: the ratio is exact to an ulp or two, not to 1e-11") {
  // 100 blocks of 1e5 draws of (0.3, 0.1). Plain running sums gave 2.9999999999894063 with a
  // jackknife interval [2.99999999998945, 2.99999999998950] that missed 0.3/0.1 by 1e-11.
  RatioGroups g;
  for (int b = 0; b < 100; ++b) {
    fairmc::RatioAccumulator acc;
    for (int i = 0; i < 100000; ++i) acc.add(0.3, 0.1);
    acc.add(std::nan(""), 0.1);  // unpaired: left out of both sums
    const RatioSums s = acc.sums();
    CHECK(s.n == 100000);
    CHECK(std::fabs(s.num - 30000) <= 1e-11);  // the compensated sum of 1e5 doubles 0.3
    g.add(b, s);
  }
  const auto r = g.estimate();
  const double exact = 0.3 / 0.1;
  CHECK(std::fabs(r.estimate - exact) <= 4 * std::numeric_limits<double>::epsilon() * exact);
  CHECK(std::fabs(r.bias_corrected - exact) <= 4 * std::numeric_limits<double>::epsilon() * exact);
  CHECK(r.sem <= 4 * std::numeric_limits<double>::epsilon() * exact);
}
