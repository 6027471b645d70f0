// Issue 14, item 10: with the bucketed receiver the baselines use the selection rule that is best
// in true utilities (Nash-optimal over every tie-break, 1-majorized whenever possible), not the
// one majorized in canonical (bucket) utilities, which a tie-break inside a bucket can beat for
// everyone.
#include "engine/rng.hpp"
#include "scenarios/persuasion/evaluator.hpp"
#include "scenarios/persuasion/majorization.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <numeric>

using namespace fairmc;
using namespace fairmc::persuasion;

namespace {

std::vector<double> no_random(std::size_t) {
  return {};
}

// First-order optimality of u for max Σ log u over the rules: for the rule v maximising
// Σ v_i / u_i (signal-dependent ties, evaluate_weighted), Σ (v_i - u_i) / u_i <= 0. Returns that
// gap (computed on one component: the whole constraint).
double nash_gap(const UtilityOracle& o, const Mapping& m, const std::vector<double>& u) {
  std::vector<double> w(u.size(), 0.0);
  for (std::size_t i = 0; i < u.size(); ++i) w[i] = u[i] > 0.0 ? 1.0 / u[i] : 0.0;
  std::vector<int> by_index(u.size());
  std::iota(by_index.begin(), by_index.end(), 0);
  const Expected v = o.evaluate_weighted(m, by_index, w);
  double gap = 0.0;
  for (std::size_t i = 0; i < u.size(); ++i)
    if (u[i] > 0.0) gap += (v.value[i] - u[i]) / u[i];
  return gap;
}

double nash_log(const std::vector<double>& u) {
  double s = 0.0;
  for (const double x : u)
    if (x > 0.0) s += std::log(x);
  return s;
}

}  // namespace

TEST_CASE("persuasion: bucketed full revelation, a tie-break inside a bucket helps everyone") {
  // One slot, buckets [1, 1.5), [1.5, 2.25] (ε = 0.5): agent 0 has 1.6, agent 1 has 1.5 or 2.2;
  // every key is 1.5. Majorized in canonical utilities: each served w.p. 1/2 whatever agent 1's
  // value, U = (0.8, 0.925). Serving agent 1 exactly when it has 2.2 gives (0.8, 1.1).
  Instance inst;
  inst.priors = {DiscretePrior::point(1.6), DiscretePrior::make({1.5, 2.2}, {0.5, 0.5})};
  inst.constraint = std::make_shared<UniformMatroid>(2, 1);
  const Buckets b(2.25, 0.5);
  Evaluator ev(inst, {}, no_random);
  const Mapping full = full_revelation(inst.priors, Receiver::bucketed, b);
  const PolicyResult canon = ev.majorized(full);
  CHECK(canon.utility[0] == doctest::Approx(0.8));
  CHECK(canon.utility[1] == doctest::Approx(0.925));
  const PolicyResult best = ev.true_optimal(full);
  CHECK(best.utility[0] == doctest::Approx(0.8).epsilon(1e-6));
  CHECK(best.utility[1] == doctest::Approx(1.1).epsilon(1e-6));
  const MatroidDpOracle dp(1);
  CHECK(nash_gap(dp, full, best.utility) <= 1e-6);
  CHECK(nash_gap(dp, full, canon.utility) > 0.1);
}

TEST_CASE(
    "persuasion: Appendix A, 5 agents, bucketed baselines are Nash-optimal in true utilities") {
  const double q = 0.5;  // n = 4
  Instance inst;
  inst.priors.push_back(DiscretePrior::point(2.0 - q));
  for (int i = 0; i < 4; ++i)
    inst.priors.push_back(DiscretePrior::make({1.0, 1.0 / q}, {1 - q, q}));
  inst.constraint = std::make_shared<UniformMatroid>(5, 1);
  const Buckets b(1.0 / q, 0.5);
  Evaluator ev(inst, {}, no_random);
  const MatroidDpOracle dp(1);
  for (const Mapping& m : {no_information(inst.priors, Receiver::bucketed, b),
                           full_revelation(inst.priors, Receiver::bucketed, b)}) {
    const PolicyResult r = ev.true_optimal(m);
    CHECK(nash_gap(dp, m, r.utility) <= 1e-6);
    // Full revelation: agent 0 (1.5) competes with the high agents (2) in one bucket; the Nash
    // optimum serves agent 0 w.p. 1/5: U = (0.3, 0.4, 0.4, 0.4, 0.4), no rule beats it for all.
    CHECK(welfare_min(r.utility) == doctest::Approx(0.3).epsilon(1e-6));
  }
}

TEST_CASE("persuasion: random bucketed instances, the true-optimal rule beats the canonical one") {
  Rng rng(5, 0, 0);
  const std::vector<double> grid = {1.0, 1.2, 1.45, 1.6, 2.0, 2.3, 3.0, 3.3};
  const Buckets b(3.375, 0.5);  // [1, 1.5), [1.5, 2.25), [2.25, 3.375]: several values a bucket
  int strictly_better = 0;
  for (int rep = 0; rep < 12; ++rep) {
    const int n = 4 + rep % 3;
    Instance inst;
    for (int i = 0; i < n; ++i) {
      std::vector<double> v, p;
      for (int s = 0; s < 2; ++s) {
        v.push_back(grid[rng() % grid.size()]);
        p.push_back(0.2 + rng.uniform01());
      }
      inst.priors.push_back(DiscretePrior::make(v, p));
    }
    const int k = 1 + rep % 2;
    std::shared_ptr<const Polymatroid> f;
    std::unique_ptr<UtilityOracle> oracle;
    if (rep % 4 == 3) {  // budgeted caps: enumeration oracle
      std::vector<int> group(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) group[static_cast<std::size_t>(i)] = i % 2;
      std::vector<double> demand(static_cast<std::size_t>(n));
      for (double& d : demand) d = 0.4 + 0.6 * rng.uniform01();
      f = std::make_shared<BudgetedCaps>(group, std::vector<double>{1.0, 1.0}, demand, 1.5);
      oracle = std::make_unique<EnumerationOracle>(f);
    } else {
      f = std::make_shared<UniformMatroid>(n, k);
      oracle = std::make_unique<MatroidDpOracle>(k);
    }
    inst.constraint = f;
    Evaluator ev(inst, {}, no_random);
    for (const Mapping& m : {no_information(inst.priors, Receiver::bucketed, b),
                             full_revelation(inst.priors, Receiver::bucketed, b)}) {
      const PolicyResult best = ev.true_optimal(m);
      const PolicyResult canon = ev.majorized(m);
      REQUIRE(best.ok);
      CHECK(nash_gap(*oracle, m, best.utility) <= 1e-6 * n);
      CHECK(nash_log(best.utility) >= nash_log(canon.utility) - 1e-9);
      if (nash_log(best.utility) > nash_log(canon.utility) + 1e-6) ++strictly_better;
    }
  }
  CHECK(strictly_better > 0);  // the canonical rule is not optimal in true utilities
}
