// Theorem 1.2 / Section 3.2: the multiplicative-weights mixture approaches the exact majorized
// prefix sums, with an additive error that shrinks as the iterations grow.
#include "engine/rng.hpp"
#include "scenarios/persuasion/majorization.hpp"
#include "scenarios/persuasion/multiplicative_weights.hpp"
#include "scenarios/persuasion/utility_oracle.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <numeric>

using namespace fairmc;
using namespace fairmc::persuasion;

TEST_CASE("persuasion: capped-simplex projection") {
  std::vector<double> w = {10.0, 1.0, 1.0, 1.0};
  project_capped_simplex(w, 0.5);
  CHECK(w[0] == doctest::Approx(0.5));
  CHECK(w[1] == doctest::Approx(0.5 / 3));
  CHECK(std::accumulate(w.begin(), w.end(), 0.0) == doctest::Approx(1.0));
}

TEST_CASE("persuasion: MW mixture reaches the majorized prefix sums (Theorem 1.2)") {
  Rng rng(31, 0, 0);
  const int n = 6;
  std::vector<DiscretePrior> priors;
  for (int i = 0; i < n; ++i)
    priors.push_back(DiscretePrior::make({1.0, 1.0 + 7.0 * rng.uniform01(), 8.0},
                                         {0.3 + rng.uniform01(), 0.3, 0.2 * rng.uniform01()}));
  const Buckets b(8.0, 1.0);
  const Mapping dmax = single_mean_maximal(priors, b);
  const MatroidDpOracle dp(2);
  const VertexOracle oracle = [&](std::span<const int> pr) {
    Expected e = dp.evaluate(dmax, pr);
    return Vertex{std::vector<int>(pr.begin(), pr.end()), std::move(e.fake), std::move(e.value)};
  };
  const MinNormResult exact = min_norm_base(n, oracle);
  const std::vector<double> opt = prefix_smallest(exact.x);
  double previous = 1e300;
  for (const int T : {50, 400, 3200}) {
    const MwResult mw = mw_majorize(n, oracle, opt, T);
    const std::vector<double> q = prefix_smallest(mw.fake);
    double gap = 0.0;
    for (int k = 0; k < n; ++k) {
      gap = std::max(gap, opt[static_cast<std::size_t>(k)] - q[static_cast<std::size_t>(k)]);
      CHECK(q[static_cast<std::size_t>(k)] <=
            opt[static_cast<std::size_t>(k)] + 1e-9);  // opt is optimal
    }
    // Regret bound: gap <= W · c · sqrt(log n / T) with W the total; c = 4 is generous.
    CHECK(gap <= 4.0 * opt.back() * std::sqrt(std::log(n) / T));
    CHECK(gap <= previous + 1e-12);
    previous = gap;
  }
  // Phase one (game value) recovers OPT_j from below within the same kind of bound.
  for (const int j : {1, 3, n}) {
    const double v = mw_prefix_value(n, oracle, j, 2000);
    CHECK(v <= opt[static_cast<std::size_t>(j - 1)] + 1e-9);
    CHECK(v >=
          opt[static_cast<std::size_t>(j - 1)] - 4.0 * opt.back() * std::sqrt(std::log(n) / 2000));
  }
}

TEST_CASE("persuasion: MW best responses do not depend on the targets (issue 14 #11)") {
  // Why mechanism.mw.targets was removed: exact targets, MW phase-one targets and zeros give
  // bit-identical mixtures, because the order of the dual weights never depends on them.
  Rng rng(7, 0, 0);
  const int n = 7;
  std::vector<DiscretePrior> priors;
  for (int i = 0; i < n; ++i)
    priors.push_back(DiscretePrior::make({1.0, 1.0 + 7.0 * rng.uniform01(), 8.0},
                                         {0.3 + rng.uniform01(), 0.3, 0.2 * rng.uniform01()}));
  const Mapping dmax = single_mean_maximal(priors, Buckets(8.0, 0.5));
  const MatroidDpOracle dp(3);
  const VertexOracle oracle = [&](std::span<const int> pr) {
    Expected e = dp.evaluate(dmax, pr);
    return Vertex{std::vector<int>(pr.begin(), pr.end()), std::move(e.fake), std::move(e.value)};
  };
  const std::vector<double> opt = prefix_smallest(min_norm_base(n, oracle).x);
  std::vector<double> game;
  for (int j = 1; j <= n; ++j) game.push_back(mw_prefix_value(n, oracle, j, 60));
  const MwResult a = mw_majorize(n, oracle, opt, 120);
  const MwResult b = mw_majorize(n, oracle, game, 120);
  const MwResult c = mw_majorize(n, oracle, std::vector<double>(n, 0.0), 120);
  CHECK(a.fake == b.fake);
  CHECK(a.fake == c.fake);
  CHECK(a.value == c.value);
}
