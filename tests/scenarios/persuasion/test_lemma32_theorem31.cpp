// Lemma 3.2 (utility polytope of one scenario is B(g)), Theorem 3.1 (the full-revelation class
// has a 1-majorized point, found as the min-norm base) and Proposition 2.3, against LPs.
#include "engine/rng.hpp"
#include "lp.hpp"
#include "scenarios/persuasion/majorization.hpp"
#include "scenarios/persuasion/min_norm.hpp"
#include "scenarios/persuasion/saturation.hpp"
#include "scenarios/persuasion/utility_oracle.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <numeric>

using namespace fairmc;
using namespace fairmc::persuasion;
using fairmc::persuasion::test::add_polymatroid_rows;
using fairmc::persuasion::test::goel_meyerson;
using fairmc::persuasion::test::kInf;
using fairmc::persuasion::test::Lp;

namespace {

std::vector<double> rank_table(const Polymatroid& f) {
  const int n = f.size();
  std::vector<double> t(std::size_t{1} << n);
  for (std::size_t mask = 0; mask < t.size(); ++mask) {
    std::vector<int> s;
    for (int i = 0; i < n; ++i)
      if (mask >> i & 1U) s.push_back(i);
    t[mask] = f.rank(s);
  }
  return t;
}

DiscretePrior random_prior(Rng& rng, const std::vector<double>& grid, int support) {
  std::vector<double> v, p;
  for (int s = 0; s < support; ++s) {
    v.push_back(grid[static_cast<std::size_t>(rng() % grid.size())]);
    p.push_back(0.2 + rng.uniform01());
  }
  return DiscretePrior::make(v, p);
}

VertexOracle make_oracle(const UtilityOracle& o, const Mapping& m) {
  return [&o, &m](std::span<const int> pr) {
    Expected e = o.evaluate(m, pr);
    return Vertex{std::vector<int>(pr.begin(), pr.end()), std::move(e.fake), std::move(e.value)};
  };
}

}  // namespace

TEST_CASE("persuasion: Lemma 3.2 closed form g(S) equals the LP over the optimal face") {
  Rng rng(7, 0, 0);
  for (int trial = 0; trial < 6; ++trial) {
    const int n = 5;
    std::vector<double> demand;
    for (int i = 0; i < n; ++i) demand.push_back(0.3 + 0.7 * rng.uniform01());
    const BudgetedCaps f({0, 0, 1, 1, 2}, {0.9, 1.1, 0.8}, demand, 1.8 + 0.5 * rng.uniform01());
    const std::vector<double> F = rank_table(f);
    std::vector<double> v;
    for (int i = 0; i < n; ++i) v.push_back(1.0 + static_cast<double>(rng() % 3));  // ties
    // W_max, then max Σ_{i∈S} v_i x_i on the face v·x = W_max.
    Lp w(true);
    std::vector<int> xc;
    for (int i = 0; i < n; ++i) xc.push_back(w.col(0.0, kInf, v[static_cast<std::size_t>(i)]));
    add_polymatroid_rows(w, xc, F, false);
    const double wmax = w.solve();
    std::vector<double> g(std::size_t{1} << n);
    for (std::size_t mask = 0; mask < g.size(); ++mask) {
      std::vector<int> s;
      for (int i = 0; i < n; ++i)
        if (mask >> i & 1U) s.push_back(i);
      g[mask] = saturation(f, v, v, s);
      Lp lp(true);
      std::vector<int> c;
      std::vector<std::pair<int, double>> welfare;
      for (int i = 0; i < n; ++i) {
        c.push_back(lp.col(0.0, kInf, (mask >> i & 1U) ? v[static_cast<std::size_t>(i)] : 0.0));
        welfare.emplace_back(c.back(), v[static_cast<std::size_t>(i)]);
      }
      add_polymatroid_rows(lp, c, F, false);
      lp.row(welfare, wmax - 1e-9, kInf);
      CHECK(g[mask] == doctest::Approx(lp.solve()).epsilon(1e-6));
    }
    // g is monotone submodular (a valid rank table) ...
    CHECK_NOTHROW(RankTable(n, g));
    // ... and every vertex of B(g) is the receiver's utility for some tie-break (B(g) ⊆ U).
    Layer layer;
    for (int i = 0; i < n; ++i)
      layer.agents.push_back(
          {SignalClass{1.0, v[static_cast<std::size_t>(i)], v[static_cast<std::size_t>(i)],
                       v[static_cast<std::size_t>(i)]}});
    const Mapping m{layer};
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    const RankTable gt(n, g);
    auto shared = std::make_shared<BudgetedCaps>(f);
    const EnumerationOracle oracle(shared);
    for (int rep = 0; rep < 5; ++rep) {
      std::shuffle(order.begin(), order.end(), rng);
      std::vector<double> marg(static_cast<std::size_t>(n));
      gt.marginals(order, marg);
      std::vector<int> priority(static_cast<std::size_t>(n));
      for (int t = 0; t < n; ++t)
        priority[static_cast<std::size_t>(order[static_cast<std::size_t>(t)])] = t;
      const Expected e = oracle.evaluate(m, priority);
      for (int t = 0; t < n; ++t)
        CHECK(e.value[static_cast<std::size_t>(order[static_cast<std::size_t>(t)])] ==
              doctest::Approx(marg[static_cast<std::size_t>(t)]).epsilon(1e-9));
    }
  }
}

TEST_CASE("persuasion: Theorem 3.1 min-norm point is 1-majorized (Goel–Meyerson LP, all k)") {
  Rng rng(11, 0, 0);
  const std::vector<double> grid = {1.0, 2.0, 3.0, 5.0};
  for (int trial = 0; trial < 4; ++trial) {
    const int n = 5;
    std::shared_ptr<const Polymatroid> f;
    if (trial % 2 == 0)
      f = std::make_shared<UniformMatroid>(n, 2);
    else
      f = std::make_shared<BudgetedCaps>(std::vector<int>{0, 0, 1, 1, 1},
                                         std::vector<double>{1.0, 1.2},
                                         std::vector<double>{0.5, 0.9, 0.4, 0.8, 0.6}, 1.7);
    std::vector<DiscretePrior> priors;
    for (int i = 0; i < n; ++i) priors.push_back(random_prior(rng, grid, 2));
    const Buckets b(5.0, 0.5);
    const Mapping full = full_revelation(priors, Receiver::exact, b);
    const EnumerationOracle oracle(f);
    const MinNormResult mn = min_norm_base(n, make_oracle(oracle, full));
    CHECK(mn.converged);
    const std::vector<double> G = expected_saturation_table(*f, full);
    CHECK_NOTHROW(RankTable(n, G));  // E[g] is submodular (polymatroid (1))
    // x* ∈ B(G)
    for (std::size_t mask = 1; mask < G.size(); ++mask) {
      double s = 0.0;
      for (int i = 0; i < n; ++i)
        if (mask >> i & 1U) s += mn.x[static_cast<std::size_t>(i)];
      CHECK(s <= G[mask] + 1e-9);
    }
    CHECK(welfare_sum(mn.x) == doctest::Approx(G.back()).epsilon(1e-9));
    // The realising mixture of tie-break orders has exactly these utilities.
    for (int i = 0; i < n; ++i)
      CHECK(mn.value[static_cast<std::size_t>(i)] ==
            doctest::Approx(mn.x[static_cast<std::size_t>(i)]).epsilon(1e-9));
    const std::vector<double> q = prefix_smallest(mn.x);
    std::vector<double> opt;
    for (int k = 1; k <= n; ++k) {
      opt.push_back(goel_meyerson(G, n, k));
      CHECK(q[static_cast<std::size_t>(k - 1)] == doctest::Approx(opt.back()).epsilon(1e-7));
    }
    CHECK(majorization_ratio(opt, mn.x) == doctest::Approx(1.0).epsilon(1e-7));

    // Proposition 2.3: a 1-majorized point maximises every symmetric monotone concave welfare;
    // an α-majorized one gets at least 1/α of each. Compare against random points of B(G).
    std::vector<int> by_index(static_cast<std::size_t>(n));
    std::iota(by_index.begin(), by_index.end(), 0);
    const std::vector<double> fixed = oracle.evaluate(full, by_index).value;
    const double alpha = majorization_ratio(opt, fixed);
    CHECK(alpha >= 1.0);
    for (int rep = 0; rep < 20; ++rep) {
      std::vector<double> y(static_cast<std::size_t>(n), 0.0);
      double wsum = 0.0;
      for (int t = 0; t < 3; ++t) {
        std::vector<int> pr = by_index;
        std::shuffle(pr.begin(), pr.end(), rng);
        const double w = rng.uniform01();
        wsum += w;
        const std::vector<double> vert = oracle.evaluate(full, pr).fake;
        for (int i = 0; i < n; ++i)
          y[static_cast<std::size_t>(i)] += w * vert[static_cast<std::size_t>(i)];
      }
      for (double& yi : y) yi /= wsum;
      CHECK(welfare_sum(mn.x) >= welfare_sum(y) - 1e-9);
      CHECK(welfare_min(mn.x) >= welfare_min(y) - 1e-9);
      CHECK(welfare_nash(mn.x) >= welfare_nash(y) - 1e-9);
      CHECK(welfare_min(fixed) >= welfare_min(y) / alpha - 1e-9);
      CHECK(welfare_nash(fixed) >= welfare_nash(y) / alpha - 1e-9);
      CHECK(welfare_sum(fixed) >= welfare_sum(y) / alpha - 1e-9);
    }
  }
}

TEST_CASE("persuasion: Lemma 3.4 scenario LP equals the LP over B(E[g]) (Minkowski sum)") {
  // Three agents, two values each: 8 scenarios, each with u_v ∈ B(g(.; v)), U = Σ P(v) u_v.
  const int n = 3;
  const std::vector<DiscretePrior> priors = {DiscretePrior::make({1, 3}, {0.5, 0.5}),
                                             DiscretePrior::make({1, 2}, {0.3, 0.7}),
                                             DiscretePrior::make({2, 3}, {0.6, 0.4})};
  const UniformMatroid f(n, 1);
  const Buckets b(3.0, 0.5);
  const Mapping full = full_revelation(priors, Receiver::exact, b);
  const std::vector<double> G = expected_saturation_table(f, full);
  for (int k = 1; k <= n; ++k) {
    Lp lp(true);
    std::vector<int> up;
    for (int i = 0; i < n; ++i) up.push_back(lp.col(0.0, 0.0, 1.0, true));
    const int M = lp.col(0.0, 0.0, -(n - k), true);
    std::vector<std::vector<std::pair<int, double>>> u_of(n);
    for (int s = 0; s < 8; ++s) {
      std::vector<double> v(n);
      double p = 1.0;
      for (int i = 0; i < n; ++i) {
        const auto c = static_cast<std::size_t>(s >> i & 1);
        v[static_cast<std::size_t>(i)] = priors[static_cast<std::size_t>(i)].values[c];
        p *= priors[static_cast<std::size_t>(i)].probs[c];
      }
      std::vector<double> g(8);
      for (std::size_t mask = 0; mask < 8; ++mask) {
        std::vector<int> set;
        for (int i = 0; i < n; ++i)
          if (mask >> i & 1U) set.push_back(i);
        g[mask] = saturation(f, v, v, set);
      }
      std::vector<int> cols;
      for (int i = 0; i < n; ++i) {
        cols.push_back(lp.col(0.0, kInf, 0.0));
        u_of[static_cast<std::size_t>(i)].emplace_back(cols.back(), p);
      }
      add_polymatroid_rows(lp, cols, g, true);
    }
    for (int i = 0; i < n; ++i) {
      auto terms = u_of[static_cast<std::size_t>(i)];
      for (auto& t : terms) t.second = -t.second;
      terms.emplace_back(up[static_cast<std::size_t>(i)], 1.0);
      lp.row(terms, -kInf, 0.0);
      lp.row({{up[static_cast<std::size_t>(i)], 1.0}, {M, -1.0}}, -kInf, 0.0);
    }
    CHECK(lp.solve() == doctest::Approx(goel_meyerson(G, n, k)).epsilon(1e-7));
  }
}
