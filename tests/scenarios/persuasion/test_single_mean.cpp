// Section 4: maximal mappings (Definition 4.6), the Structure Lemma 4.7 and Theorem 1.1's
// guarantee against random independent signaling policies.
#include "engine/rng.hpp"
#include "lp.hpp"
#include "scenarios/persuasion/majorization.hpp"
#include "scenarios/persuasion/min_norm.hpp"
#include "scenarios/persuasion/saturation.hpp"
#include "scenarios/persuasion/utility_oracle.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

using namespace fairmc;
using namespace fairmc::persuasion;
using fairmc::persuasion::test::goel_meyerson;
using fairmc::persuasion::test::kInf;
using fairmc::persuasion::test::Lp;

namespace {

DiscretePrior random_prior(Rng& rng, double V, int support) {
  std::vector<double> v, p;
  for (int s = 0; s < support; ++s) {
    v.push_back(1.0 + (V - 1.0) * rng.uniform01());
    p.push_back(0.1 + rng.uniform01());
  }
  return DiscretePrior::make(v, p);
}

// A random independent mapping for one agent: `signals` random splits of the prior (each value's
// mass is divided among the signals with random proportions); Bayes plausible by construction.
std::vector<std::pair<double, double>> random_split(Rng& rng, const DiscretePrior& p, int signals) {
  std::vector<double> mass(static_cast<std::size_t>(signals), 0.0),
      sum(static_cast<std::size_t>(signals), 0.0);
  for (std::size_t j = 0; j < p.values.size(); ++j) {
    std::vector<double> w(static_cast<std::size_t>(signals));
    double tot = 0.0;
    for (double& x : w) tot += (x = std::pow(rng.uniform01(), 3.0) + 1e-3);
    for (std::size_t s = 0; s < w.size(); ++s) {
      mass[s] += p.probs[j] * w[s] / tot;
      sum[s] += p.probs[j] * w[s] / tot * p.values[j];
    }
  }
  std::vector<std::pair<double, double>> out;
  for (std::size_t s = 0; s < mass.size(); ++s) out.emplace_back(mass[s], sum[s] / mass[s]);
  return out;
}

}  // namespace

TEST_CASE("persuasion: maximal mapping is Bayes plausible and maximal (LP of Definition 4.6)") {
  Rng rng(21, 0, 0);
  const Buckets b(20.0, 0.5);
  for (int trial = 0; trial < 30; ++trial) {
    const DiscretePrior p = random_prior(rng, 20.0, 4);
    for (int k = 0; k < b.count(); ++k) {
      const double lo = b.lower(k), hi = b.upper(k);
      const bool closed = k == b.count() - 1;
      const MaximalSplit s = maximal_mapping(p, lo, hi, closed);
      CHECK(s.p_in >= 0.0);
      CHECK(s.p_in <= 1.0);
      if (s.p_in > 0.0) {
        CHECK(s.mu_in >= lo - 1e-12);
        CHECK(s.mu_in <= hi + 1e-12);
      }
      if (s.p_in == 0.0) CHECK(s.mu_out == doctest::Approx(p.mean()));
      if (s.p_in > 0.0 && s.p_in < 1.0)  // Bayes plausibility: E[posterior mean] = prior mean
        CHECK(s.p_in * s.mu_in + (1 - s.p_in) * s.mu_out ==
              doctest::Approx(p.mean()).epsilon(1e-9));
      // LP: largest mass t <= p whose mean lies in [lo, hi].
      Lp lp(true);
      std::vector<std::pair<int, double>> above, below;
      for (std::size_t j = 0; j < p.values.size(); ++j) {
        const int c = lp.col(0.0, p.probs[j], 1.0);
        above.emplace_back(c, p.values[j] - lo);
        below.emplace_back(c, p.values[j] - hi);
      }
      lp.row(above, 0.0, kInf);
      lp.row(below, -kInf, 0.0);
      CHECK(s.p_in == doctest::Approx(lp.solve()).epsilon(1e-6));
    }
  }
}

TEST_CASE("persuasion: Lemma 4.7 maximal mappings dominate E[ĝ_k(S)] for every S") {
  Rng rng(23, 0, 0);
  const int n = 4;
  const double V = 8.0;
  const Buckets b(V, 1.0);  // buckets [1,2) [2,4) [4,8]
  const auto f =
      std::make_shared<BudgetedCaps>(std::vector<int>{0, 0, 1, 1}, std::vector<double>{1.0, 0.8},
                                     std::vector<double>{0.7, 0.5, 0.6, 0.9}, 1.5);
  for (int trial = 0; trial < 8; ++trial) {
    std::vector<DiscretePrior> priors;
    for (int i = 0; i < n; ++i) priors.push_back(random_prior(rng, V, 3));
    const Mapping dmax = single_mean_maximal(priors, b);
    for (int k = 0; k < b.count(); ++k) {
      Layer maxl = dmax[static_cast<std::size_t>(k)];
      maxl.weight = 1.0;
      const std::vector<double> gmax = expected_saturation_table(*f, {maxl});
      for (int rep = 0; rep < 4; ++rep) {
        Layer other;
        for (int i = 0; i < n; ++i) {
          std::vector<SignalClass> cls;
          for (const auto& [mass, mu] : random_split(rng, priors[static_cast<std::size_t>(i)], 3)) {
            const int bk = b.index(mu);
            cls.push_back({mass, b.canonical(bk), mu, bk == k ? b.canonical(k) : 0.0});
          }
          other.agents.push_back(cls);
        }
        const std::vector<double> g = expected_saturation_table(*f, {other});
        for (std::size_t mask = 0; mask < g.size(); ++mask) CHECK(gmax[mask] >= g[mask] - 1e-9);
      }
    }
  }
}

TEST_CASE("persuasion: Theorem 1.1 the paper's policy is ηK-majorized over random policies") {
  Rng rng(29, 0, 0);
  const int n = 5;
  const double V = 16.0;
  const Buckets b(V, 1.0);  // K = 4
  const double factor = b.eta() * b.count();
  for (int trial = 0; trial < 4; ++trial) {
    std::shared_ptr<const Polymatroid> f;
    if (trial % 2 == 0)
      f = std::make_shared<UniformMatroid>(n, 2);
    else
      f = std::make_shared<BudgetedCaps>(std::vector<int>{0, 0, 1, 1, 1},
                                         std::vector<double>{1.0, 1.1},
                                         std::vector<double>{0.6, 0.5, 0.7, 0.9, 0.4}, 1.6);
    std::vector<DiscretePrior> priors;
    for (int i = 0; i < n; ++i) priors.push_back(random_prior(rng, V, 3));
    const Mapping dmax = single_mean_maximal(priors, b);
    const EnumerationOracle oracle(f);
    const MinNormResult maj = min_norm_base(n, [&](std::span<const int> pr) {
      Expected e = oracle.evaluate(dmax, pr);
      return Vertex{std::vector<int>(pr.begin(), pr.end()), std::move(e.fake), std::move(e.value)};
    });
    // The comparison class C_max of Theorem 1.1: fake utilities fill B(Ĝ) (Corollary 4.5) and the
    // min-norm point attains the Goel–Meyerson LP optimum of every prefix over it.
    const std::vector<double> Ghat = expected_saturation_table(*f, dmax);
    CHECK_NOTHROW(RankTable(n, Ghat));
    const std::vector<double> qhat = prefix_smallest(maj.x);
    for (int k = 1; k <= n; ++k)
      CHECK(qhat[static_cast<std::size_t>(k - 1)] ==
            doctest::Approx(goel_meyerson(Ghat, n, k)).epsilon(1e-7));
    // True utilities dominate fake ones coordinatewise, so Q_k(U_paper) >= Q_k(x*_fake).
    for (int i = 0; i < n; ++i)
      CHECK(maj.value[static_cast<std::size_t>(i)] >= maj.x[static_cast<std::size_t>(i)] - 1e-12);
    std::vector<double> upper = prefix_smallest(maj.x);
    for (double& u : upper) u *= factor;
    CHECK(majorization_ratio(upper, maj.value) <= factor + 1e-9);
    // Any independent policy with the bucketed receiver: Q_k(U) <= ηK Q_k(x*_fake).
    for (int rep = 0; rep < 10; ++rep) {
      Layer other;
      for (int i = 0; i < n; ++i) {
        std::vector<SignalClass> cls;
        for (const auto& [mass, mu] :
             random_split(rng, priors[static_cast<std::size_t>(i)], 1 + rep % 3)) {
          const double key = b.canonical(b.index(mu));
          cls.push_back({mass, key, mu, key});
        }
        other.agents.push_back(cls);
      }
      const Mapping m{other};
      std::vector<int> pr(n);
      std::iota(pr.begin(), pr.end(), 0);
      std::shuffle(pr.begin(), pr.end(), rng);
      const std::vector<double> u = oracle.evaluate(m, pr).value;
      const std::vector<double> q = prefix_smallest(u);
      for (int k = 0; k < n; ++k)
        CHECK(q[static_cast<std::size_t>(k)] <= upper[static_cast<std::size_t>(k)] + 1e-9);
      CHECK(majorization_ratio(q, maj.value) <= factor + 1e-9);
    }
  }
}
