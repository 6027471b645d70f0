// The exact best prefix sums Q_k* over all independent signaling policies (canonical accounting of
// Section 4) and the exact α: hand-solved instances, an independent primal LP, and the bracket
// alpha_known <= alpha_exact <= alpha_bound on random instances.
#include "lp.hpp"
#include "scenarios/persuasion/evaluator.hpp"
#include "scenarios/persuasion/exact_alpha.hpp"
#include "scenarios/persuasion/majorization.hpp"
#include "scenarios/persuasion/policies.hpp"
#include "scenarios/persuasion/saturation.hpp"

#include "engine/rng.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <numeric>

using namespace fairmc::persuasion;
using fairmc::persuasion::test::kInf;
using fairmc::persuasion::test::Lp;

namespace {

std::vector<double> no_random(std::size_t) {
  return {};
}

// V = 8, ε = 1: buckets [1,2), [2,4), [4,8], canonical values 1, 2, 4.
// Agent 0 knows its value 2 (bucket 1); agent 1 is 8 w.p. 1/7, else 1 (mean 2).
std::vector<DiscretePrior> two_agents() {
  return {DiscretePrior::point(2.0), DiscretePrior::make({1.0, 8.0}, {6.0, 1.0})};
}

// Primal LP over conv ∪_v B(G_v) for every vertex profile v (n <= 3): max Q_k(Σ_v y_v) with
// y_v ∈ w_v·B(G_v), Σ w_v = 1 — the same set as the cutting planes, optimised the other way.
double primal_best(const std::vector<DiscretePrior>& priors, const Polymatroid& f, const Buckets& b,
                   int k) {
  const auto n = static_cast<int>(priors.size());
  std::vector<std::vector<std::vector<double>>> verts;
  for (const auto& p : priors) verts.push_back(*bucket_polytope_vertices(p, b));
  Lp lp(true);
  std::vector<int> U;
  for (int i = 0; i < n; ++i) U.push_back(lp.col(0.0, 0.0, 0.0, true));
  std::vector<std::vector<std::pair<int, double>>> sum_rows(static_cast<std::size_t>(n));
  std::vector<std::pair<int, double>> weights;
  std::vector<std::size_t> pick(static_cast<std::size_t>(n), 0);
  while (true) {
    Mapping m(1);
    for (int i = 0; i < n; ++i) {
      std::vector<SignalClass> cls;
      const auto& p = verts[static_cast<std::size_t>(i)][pick[static_cast<std::size_t>(i)]];
      for (std::size_t kk = 0; kk < p.size(); ++kk)
        if (p[kk] > 0.0) {
          const double mk = b.canonical(static_cast<int>(kk));
          cls.push_back({p[kk], mk, mk, mk});
        }
      m[0].agents.push_back(cls);
    }
    const std::vector<double> G = expected_saturation_table(f, m);
    const int w = lp.col(0.0, 1.0, 0.0);
    weights.emplace_back(w, 1.0);
    std::vector<int> y;
    for (int i = 0; i < n; ++i) {
      y.push_back(lp.col(0.0, kInf, 0.0));
      sum_rows[static_cast<std::size_t>(i)].emplace_back(y.back(), 1.0);
    }
    for (std::size_t mask = 1; mask < (std::size_t{1} << n); ++mask) {
      std::vector<std::pair<int, double>> row{{w, -G[mask]}};
      for (int i = 0; i < n; ++i)
        if (mask >> i & 1U) row.emplace_back(y[static_cast<std::size_t>(i)], 1.0);
      const bool all = mask == (std::size_t{1} << n) - 1;
      lp.row(row, all ? 0.0 : -kInf, 0.0);
    }
    std::size_t i = 0;
    while (i < pick.size() && ++pick[i] == verts[i].size()) pick[i++] = 0;
    if (i == pick.size()) break;
  }
  lp.row(weights, 1.0, 1.0);
  for (int i = 0; i < n; ++i) {
    auto row = sum_rows[static_cast<std::size_t>(i)];
    row.emplace_back(U[static_cast<std::size_t>(i)], -1.0);
    lp.row(row, 0.0, 0.0);
  }
  // Q_k(U) = max_M kM - Σ (M - U_i)^+.
  const int M = lp.col(0.0, 0.0, static_cast<double>(k), true);
  for (int i = 0; i < n; ++i) {
    const int s = lp.col(0.0, kInf, -1.0);
    lp.row({{s, 1.0}, {M, -1.0}, {U[static_cast<std::size_t>(i)], 1.0}}, 0.0, kInf);
  }
  return lp.solve();
}

}  // namespace

TEST_CASE("persuasion exact α: bucket polytope of a two-point prior") {
  const Buckets b(8.0, 1.0);
  // Agent 1 of two_agents(): l = (1, 2, 4), h = (2, 4, 8), c = 2. Π = simplex ∩ {p0 + 2p1 + 4p2
  // <= 2} (the other side always holds); the largest p2 is 1/3 (pool 4/21 of the 1s with the 8s:
  // posterior exactly 4), which must be a vertex.
  const auto v = bucket_polytope_vertices(two_agents()[1], b);
  REQUIRE(v);
  bool found = false;
  for (const auto& p : *v) {
    CHECK(p[0] + 2 * p[1] + 4 * p[2] <= 2.0 + 1e-12);
    if (std::abs(p[2] - 1.0 / 3.0) < 1e-12 && std::abs(p[0] - 2.0 / 3.0) < 1e-12) found = true;
  }
  CHECK(found);
  // Completeness: the bucket law of any Bayes-plausible signal (here: mixtures of random
  // two-point splits w1 < c < w2 of the prior) lies in the hull of the vertices, so no linear
  // functional exceeds its maximum over them.
  fairmc::Rng rng(7, 0, 0u);
  for (const DiscretePrior& prior : {two_agents()[1], DiscretePrior::make({1.5, 7.0}, {0.7, 0.3}),
                                     DiscretePrior::make({3.0, 5.0}, {0.5, 0.5})}) {
    for (const double eps : {1.0, 0.3}) {
      const Buckets bb(8.0, eps);
      const auto verts = *bucket_polytope_vertices(prior, bb);
      const double a = prior.values[0], c = prior.mean(), z = prior.values[1];
      for (int trial = 0; trial < 200; ++trial) {
        std::vector<double> p(static_cast<std::size_t>(bb.count()), 0.0);
        for (int part = 0; part < 2; ++part) {
          const double w1 = a + (c - a) * rng.uniform01(), w2 = c + (z - c) * rng.uniform01();
          const double t = w2 > w1 ? (w2 - c) / (w2 - w1) : 1.0;
          p[static_cast<std::size_t>(bb.index(w1))] += 0.5 * t;
          p[static_cast<std::size_t>(bb.index(w2))] += 0.5 * (1.0 - t);
        }
        std::vector<double> d(p.size());
        for (double& x : d) x = rng.uniform01() - 0.5;
        double at_p = 0.0, best = -1e300;
        for (std::size_t k = 0; k < p.size(); ++k) at_p += d[k] * p[k];
        for (const auto& v : verts) {
          double s = 0.0;
          for (std::size_t k = 0; k < p.size(); ++k) s += d[k] * v[k];
          best = std::max(best, s);
        }
        CHECK(at_p <= best + 1e-12);
      }
    }
  }
  CHECK_FALSE(bucket_polytope_vertices(DiscretePrior::make({1, 2, 4}, {1, 1, 1}), b));
}

TEST_CASE("persuasion exact α: 1-uniform matroid, two agents, by hand") {
  // One item. Agent 1 in bucket 2 (m = 4) wins; in bucket 1 it ties with agent 0 (m = 2, any
  // split x); in bucket 0 agent 0 wins. U0 = 2p0 + 2p1x, U1 = 4p2 + 2p1(1-x).
  // Q_2* = max 2 + 2p2 s.t. p ∈ Π: p2 <= 1/3, so 8/3. Q_1*: p = (2/3, 0, 1/3) gives
  // U = (4/3, 4/3), and Q_1 <= Q_2/2, so Q_1* = 4/3.
  const Buckets b(8.0, 1.0);
  const auto priors = two_agents();
  const auto f = std::make_shared<UniformMatroid>(2, 1);
  const ExactPrefix r = exact_best_prefix(priors, f, b);
  REQUIRE(r.ok);
  CHECK(r.best[0] == doctest::Approx(4.0 / 3.0).epsilon(1e-9));
  CHECK(r.best[1] == doctest::Approx(8.0 / 3.0).epsilon(1e-9));
  // No information: both in bucket 1, fair split U = (1, 1): α = max(4/3, (8/3)/2) = 4/3.
  // Full revelation: U1 = 4/7, U0 = 12/7: α = max((4/3)/(4/7), (8/3)/(16/7)) = 7/3.
  Evaluator ev({priors, f}, {}, no_random);
  const auto none = ev.majorized(no_information(priors, Receiver::bucketed, b)).fake;
  CHECK(majorization_ratio(r.best, none) == doctest::Approx(4.0 / 3.0).epsilon(1e-9));
  const auto full = ev.majorized(full_revelation(priors, Receiver::bucketed, b)).fake;
  CHECK(majorization_ratio(r.best, full) == doctest::Approx(7.0 / 3.0).epsilon(1e-9));
}

TEST_CASE("persuasion exact α: partition matroid, three agents, by hand") {
  // Groups {0, 1} (quota 1, the instance above) and {2} (quota 1, a point at 1, U2 = 1 always).
  // Q_1* = min(1, 4/3) = 1; Q_2* <= 1 + min(U0, U1) <= 1 + 4/3 and (4/3, 4/3, 1) attains it;
  // Q_3* = 8/3 + 1.
  const Buckets b(8.0, 1.0);
  auto priors = two_agents();
  priors.push_back(DiscretePrior::point(1.0));
  const auto f =
      std::make_shared<PartitionMatroid>(std::vector<int>{0, 0, 1}, std::vector<int>{1, 1});
  const ExactPrefix r = exact_best_prefix(priors, f, b);
  REQUIRE(r.ok);
  CHECK(r.best[0] == doctest::Approx(1.0).epsilon(1e-9));
  CHECK(r.best[1] == doctest::Approx(7.0 / 3.0).epsilon(1e-9));
  CHECK(r.best[2] == doctest::Approx(11.0 / 3.0).epsilon(1e-9));
}

TEST_CASE("persuasion exact α: budgeted caps, two agents, by hand") {
  // f(S) = min(1.5, min(1.5, d(S))), d = (1, 1): f({i}) = 1, f({0, 1}) = 1.5.
  // Agent 1 in bucket 2 (first): x1 = 1, x0 = 0.5 → U += (1, 4). Bucket 1 (tie, m = 2): x0 ∈
  // [0.5, 1], U0 = 2x0, U1 = 2(1.5 - x0). Bucket 0: x0 = 1, x1 = 0.5 → U += (2, 0.5).
  // Total 5p2 + 3p1 + 2.5p0 = 2.5 + 0.5p1 + 2.5p2 under p1 + 3p2 <= 1: p2 = 1/3, Q_2* = 10/3.
  // There U = (1/3 + 4/3, 4/3 + 1/3) = (5/3, 5/3), so Q_1* = 5/3.
  const Buckets b(8.0, 1.0);
  const auto priors = two_agents();
  const auto f = std::make_shared<BudgetedCaps>(std::vector<int>{0, 0}, std::vector<double>{1.5},
                                                std::vector<double>{1.0, 1.0}, 1.5);
  const ExactPrefix r = exact_best_prefix(priors, f, b);
  REQUIRE(r.ok);
  CHECK(r.best[0] == doctest::Approx(5.0 / 3.0).epsilon(1e-9));
  CHECK(r.best[1] == doctest::Approx(10.0 / 3.0).epsilon(1e-9));
}

TEST_CASE("persuasion exact α: the class-symmetric problem equals the full one") {
  // i.i.d. two-point priors under a 2-uniform matroid (one class of 3), and a partition matroid
  // with two identical agents per group plus a point-mass agent: λ constant on classes and
  // multisets of profiles give the same Q_k* as every agent on its own.
  const Buckets b(8.0, 0.6);
  const DiscretePrior two = DiscretePrior::make({1.0, 8.0}, {0.8, 0.2});
  const std::vector<DiscretePrior> iid(3, two);
  std::vector<DiscretePrior> mixed{two, two, DiscretePrior::point(3.0), two, two};
  const std::vector<std::pair<std::vector<DiscretePrior>, std::shared_ptr<const Polymatroid>>>
      cases{
          {iid, std::make_shared<UniformMatroid>(3, 2)},
          {mixed, std::make_shared<PartitionMatroid>(std::vector<int>{0, 0, 0, 1, 1},
                                                     std::vector<int>{1, 1})},
          {iid, std::make_shared<BudgetedCaps>(std::vector<int>{0, 0, 0}, std::vector<double>{1.5},
                                               std::vector<double>{1.0, 1.0, 1.0}, 1.5)}};
  for (const auto& [priors, f] : cases) {
    ExactSettings full;
    full.symmetry = false;
    const ExactPrefix sym = exact_best_prefix(priors, f, b);
    const ExactPrefix all = exact_best_prefix(priors, f, b, full);
    REQUIRE(sym.ok);
    REQUIRE(all.ok);
    CHECK(sym.profiles < all.profiles);
    for (std::size_t k = 0; k < priors.size(); ++k)
      CHECK(sym.best[k] == doctest::Approx(all.best[k]).epsilon(1e-8));
  }
}

TEST_CASE("persuasion exact α: cutting planes = primal LP, and the bracket on random instances") {
  fairmc::Rng rng(20261129, 0, 0u);
  for (int trial = 0; trial < 24; ++trial) {
    const int n = 2 + trial % 2;
    const double V = 8.0, eps = trial % 3 == 0 ? 1.0 : 0.6;
    const Buckets b(V, eps);
    std::vector<DiscretePrior> priors;
    for (int i = 0; i < n; ++i) {
      if (rng.uniform01() < 0.25) {
        priors.push_back(DiscretePrior::point(1.0 + (V - 1.0) * rng.uniform01()));
      } else {
        const double lo = 1.0 + 2.0 * rng.uniform01(), hi = 4.0 + 4.0 * rng.uniform01();
        const double q = 0.05 + 0.6 * rng.uniform01();
        priors.push_back(DiscretePrior::make({lo, hi}, {1.0 - q, q}));
      }
    }
    std::shared_ptr<const Polymatroid> f;
    switch (trial % 4) {
      case 0:
        f = std::make_shared<UniformMatroid>(n, 1);
        break;
      case 1:
        f = std::make_shared<UniformMatroid>(n, 2);
        break;
      case 2:
        f = std::make_shared<PartitionMatroid>(std::vector<int>(static_cast<std::size_t>(n), 0),
                                               std::vector<int>{1});
        break;
      default: {
        std::vector<double> d;
        for (int i = 0; i < n; ++i) d.push_back(0.5 + rng.uniform01());
        f = std::make_shared<BudgetedCaps>(std::vector<int>(static_cast<std::size_t>(n), 0),
                                           std::vector<double>{1.2}, d, 1.0);
      }
    }
    CAPTURE(trial);
    const ExactPrefix r = exact_best_prefix(priors, f, b);
    REQUIRE(r.ok);
    for (int k = 1; k <= n; ++k)
      CHECK(r.best[static_cast<std::size_t>(k - 1)] ==
            doctest::Approx(primal_best(priors, *f, b, k)).epsilon(1e-7));

    // Known policies in canonical utilities, and the certified bound K·Q_k(x̂) (Theorem 1.1:
    // every policy's canonical utility lies in P(K·Ĝ), Ĝ the rank function of R̂(Δmax)).
    Evaluator ev({priors, f}, {}, no_random);
    std::vector<std::vector<double>> known{
        ev.majorized(no_information(priors, Receiver::bucketed, b)).fake,
        ev.majorized(full_revelation(priors, Receiver::bucketed, b)).fake,
        ev.majorized(canonical_values(high_low(priors, Receiver::bucketed, b))).utility,
        ev.majorized(canonical_values(single_mean_maximal(priors, b))).utility};
    const PolicyResult maj = ev.majorized(single_mean_maximal(priors, b));
    std::vector<double> best_known, upper = prefix_smallest(maj.fake);
    for (double& u : upper) u *= b.count();
    for (const auto& u : known) raise_prefix(best_known, prefix_smallest(u));
    for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k) {
      CHECK(best_known[k] <= r.best[k] * (1 + 1e-7) + 1e-12);
      CHECK(r.best[k] <= upper[k] * (1 + 1e-7) + 1e-12);
    }
    for (const auto& u : known) {
      const double lo = majorization_ratio(best_known, u);
      const double ex = majorization_ratio(r.best, u);
      const double hi = majorization_ratio(upper, u);
      CHECK(lo <= ex * (1 + 1e-7));
      CHECK(ex <= hi * (1 + 1e-7));
    }
  }
}

TEST_CASE("persuasion exact α: a prefix that no policy can make positive") {
  // Point priors 1 and 8 (buckets 0 and 2, canonical 1 and 4), one item: agent 1 always wins, so
  // Q_1* = 0 and Q_2* = 4; every policy has α = 1 (the zero prefix is skipped).
  const Buckets b(8.0, 1.0);
  const std::vector<DiscretePrior> priors{DiscretePrior::point(1.0), DiscretePrior::point(8.0)};
  const ExactPrefix r = exact_best_prefix(priors, std::make_shared<UniformMatroid>(2, 1), b);
  REQUIRE(r.ok);
  CHECK(r.best[0] == doctest::Approx(0.0));
  CHECK(r.best[1] == doctest::Approx(4.0));
  CHECK(r.oracle_calls < 20);
  CHECK(majorization_ratio(r.best, std::vector<double>{0.0, 4.0}) == 1.0);
}
