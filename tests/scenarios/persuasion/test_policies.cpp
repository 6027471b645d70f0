// The policies added for issue 15: Appendix A's HIGH/LOW signal (policies.hpp).
#include "scenarios/persuasion/evaluator.hpp"
#include "scenarios/persuasion/majorization.hpp"
#include "scenarios/persuasion/policies.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <memory>

using namespace fairmc::persuasion;

TEST_CASE("persuasion policies: HIGH/LOW reproduces Appendix A, min utility Θ(1/√n)") {
  // Appendix A with n = 100 (q = 1/10): HIGH w.p. p = 1/(nq) when v = 1/q, so P(HIGH) = 1/n and
  // E[v | LOW] = (2 - q - p)/(1 - pq) < 2 - q. Agent 0 wins iff every signal is LOW:
  // U_0 = (2 - q)(1 - 1/n)^n; the others share the HIGH events: U_i = √n (1 - (1 - 1/n)^n) / n,
  // i.e. (1 - 1/e)/√n — Θ(1/√n), not the Θ(1/n) the appendix's text states.
  const int n = 100;
  const double q = 1.0 / std::sqrt(n), rn = std::sqrt(n);
  std::vector<DiscretePrior> priors{DiscretePrior::point(2.0 - q)};
  for (int i = 0; i < n; ++i) priors.push_back(DiscretePrior::make({1.0, rn}, {1.0 - q, q}));
  const Buckets b(rn, 0.5);
  const Mapping m = high_low(priors, Receiver::exact, b);
  const double p = 1.0 / (n * q);
  REQUIRE(m[0].agents[1].size() == 2);
  CHECK(m[0].agents[1][0].value == doctest::Approx((2.0 - q - p) / (1.0 - p * q)).epsilon(1e-12));
  CHECK(m[0].agents[1][1].prob == doctest::Approx(1.0 / n).epsilon(1e-12));
  Evaluator ev({priors, std::make_shared<UniformMatroid>(n + 1, 1)}, {},
               [](std::size_t) { return std::vector<double>{}; });
  const PolicyResult r = ev.majorized(m);  // the sender's fair tie-break among HIGH agents
  const double none_high = std::pow(1.0 - 1.0 / n, n);
  CHECK(r.utility[0] == doctest::Approx((2.0 - q) * none_high).epsilon(1e-9));
  CHECK(r.utility[1] == doctest::Approx(rn * (1.0 - none_high) / n).epsilon(1e-6));
  CHECK(welfare_min(r.utility) * rn == doctest::Approx(1.0 - none_high).epsilon(1e-6));
  // canonical_values: the same mapping with value = key.
  const Mapping c = canonical_values(high_low(priors, Receiver::bucketed, b));
  for (const auto& cls : c[0].agents)
    for (const SignalClass& s : cls) CHECK(s.value == s.key);
}

#include "scenarios/persuasion/appendices.hpp"

TEST_CASE("persuasion appendices: B and C (1) best factors, as in the appendices") {
  // Appendix B: β >= n/(1 + n²/M) (the paper), β <= n (uniform p gives Q_j >= M^j/n); with
  // M = n³ the best lottery is within a factor 1 + 1/n of n.
  for (const int n : {4, 8, 32}) {
    const double M = std::pow(n, 3), beta = appendix_b_best_beta(n, M);
    CHECK(beta >= n / (1.0 + n * n / M) - 1e-9);
    CHECK(beta <= n + 1e-9);
  }
  // n = 1: one allocation, β = 1.
  CHECK(appendix_b_best_beta(1, 10.0) == doctest::Approx(1.0));
  // Appendix C (1): pinned values (n = 3: 2.41198, n = 4: 3.47943; test_appendices.cpp checks
  // n = 2 against a grid search over the lotteries), and the paper's bound α >= (n-1)/(1 + 2/n)
  // up to n = 5.
  CHECK(appendix_c_best_alpha(3) == doctest::Approx(2.41198).epsilon(1e-5));
  CHECK(appendix_c_best_alpha(4) == doctest::Approx(3.47943).epsilon(1e-5));
  for (const int n : {2, 5}) CHECK(appendix_c_best_alpha(n) >= (n - 1.0) / (1.0 + 2.0 / n));
}
