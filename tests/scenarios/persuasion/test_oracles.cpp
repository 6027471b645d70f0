// The three ways of taking expectations agree: matroid DP = enumeration exactly, Monte Carlo
// within 4 standard errors.
#include "engine/rng.hpp"
#include "scenarios/persuasion/utility_oracle.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include <cmath>
#include <memory>
#include <numeric>

using namespace fairmc;
using namespace fairmc::persuasion;

namespace {

std::vector<DiscretePrior> priors_with_ties(Rng& rng, int n) {
  const std::vector<double> grid = {1.0, 2.0, 4.0, 8.0};
  std::vector<DiscretePrior> out;
  for (int i = 0; i < n; ++i) {
    std::vector<double> v, p;
    for (int s = 0; s < 3; ++s) {
      v.push_back(grid[rng() % grid.size()]);
      p.push_back(0.1 + rng.uniform01());
    }
    out.push_back(DiscretePrior::make(v, p));
  }
  return out;
}

}  // namespace

TEST_CASE("persuasion: matroid DP equals scenario enumeration for every mapping type") {
  Rng rng(3, 0, 0);
  const int n = 6;
  const auto priors = priors_with_ties(rng, n);
  const Buckets b(8.0, 0.6);
  for (const int k : {1, 2, 4}) {
    const auto f = std::make_shared<UniformMatroid>(n, k);
    const EnumerationOracle en(f);
    const MatroidDpOracle dp(k);
    for (const Mapping& m :
         {no_information(priors, Receiver::exact, b), full_revelation(priors, Receiver::exact, b),
          full_revelation(priors, Receiver::bucketed, b), single_mean_maximal(priors, b)}) {
      std::vector<int> pr(n);
      std::iota(pr.begin(), pr.end(), 0);
      for (int rep = 0; rep < 3; ++rep) {
        std::shuffle(pr.begin(), pr.end(), rng);
        const Expected a = en.evaluate(m, pr);
        const Expected c = dp.evaluate(m, pr);
        for (int i = 0; i < n; ++i) {
          CHECK(a.value[static_cast<std::size_t>(i)] ==
                doctest::Approx(c.value[static_cast<std::size_t>(i)]).epsilon(1e-12));
          CHECK(a.fake[static_cast<std::size_t>(i)] ==
                doctest::Approx(c.fake[static_cast<std::size_t>(i)]).epsilon(1e-12));
        }
      }
    }
  }
}

TEST_CASE("persuasion: Monte Carlo utilities agree with exact ones within 4 sem") {
  Rng rng(5, 0, 0);
  const int n = 6;
  const auto priors = priors_with_ties(rng, n);
  const Buckets b(8.0, 0.6);
  const auto f = std::make_shared<BudgetedCaps>(
      std::vector<int>{0, 0, 0, 1, 1, 1}, std::vector<double>{1.2, 0.9},
      std::vector<double>{0.5, 0.7, 0.9, 0.4, 0.6, 0.8}, 1.6);
  const Mapping m = full_revelation(priors, Receiver::exact, b);
  std::vector<int> pr = {2, 0, 5, 1, 4, 3};
  const Expected exact = EnumerationOracle(f).evaluate(m, pr);
  const int reps = 40, samples = 500;
  std::vector<double> sum(n, 0.0), sum2(n, 0.0);
  for (int r = 0; r < reps; ++r) {
    Rng u(99, static_cast<std::uint64_t>(r), 0);
    std::vector<double> uni(static_cast<std::size_t>(samples * n));
    for (double& x : uni) x = u.uniform01();
    const Expected mc = MonteCarloOracle(f, uni, samples).evaluate(m, pr);
    for (int i = 0; i < n; ++i) {
      sum[static_cast<std::size_t>(i)] += mc.value[static_cast<std::size_t>(i)];
      sum2[static_cast<std::size_t>(i)] +=
          mc.value[static_cast<std::size_t>(i)] * mc.value[static_cast<std::size_t>(i)];
    }
  }
  for (int i = 0; i < n; ++i) {
    const double mean = sum[static_cast<std::size_t>(i)] / reps;
    const double var = (sum2[static_cast<std::size_t>(i)] / reps - mean * mean) * reps / (reps - 1);
    const double sem = std::sqrt(var / reps);
    CHECK(sem > 0.0);
    CHECK(std::abs(mean - exact.value[static_cast<std::size_t>(i)]) <= 4.0 * sem);
  }
}

TEST_CASE("persuasion: the prefix/suffix DP agrees with the per-agent scan (issue 19)") {
  // evaluate() multiplies prefix and suffix products per key; evaluate_weighted with all-zero
  // weights runs one Poisson-binomial DP per (agent, signal) over a scan of every signal (zero
  // weights tie, so the order is the priority's). Only the rounding may differ.
  Rng rng(9, 0, 0);
  const Buckets b(8.0, 0.5);
  for (int rep = 0; rep < 40; ++rep) {
    const int n = 1 + rep % 12;
    const auto priors = priors_with_ties(rng, n);
    const int k = 1 + rep % 5;
    const MatroidDpOracle dp(k);
    std::vector<int> pr(static_cast<std::size_t>(n));
    std::iota(pr.begin(), pr.end(), 0);
    std::shuffle(pr.begin(), pr.end(), rng);
    for (int& x : pr) x = 3 * x + 1;  // ranks need not be 0..n-1
    const std::vector<double> zero(static_cast<std::size_t>(n), 0.0);
    for (const Mapping& m :
         {no_information(priors, Receiver::exact, b), full_revelation(priors, Receiver::exact, b),
          full_revelation(priors, Receiver::bucketed, b), single_mean_maximal(priors, b)}) {
      const Expected fast = dp.evaluate(m, pr);
      const Expected scan = dp.evaluate_weighted(m, pr, zero);
      for (std::size_t i = 0; i < fast.value.size(); ++i) {
        CHECK(fast.value[i] == doctest::Approx(scan.value[i]).epsilon(1e-13));
        CHECK(fast.fake[i] == doctest::Approx(scan.fake[i]).epsilon(1e-13));
      }
    }
  }
}
