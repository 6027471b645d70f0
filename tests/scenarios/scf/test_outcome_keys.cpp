// The shared-statistics path of the invariance check (issue 19): keys bit-identical to
// SocialCost::key, and the key-based ranking check identical to the score-based one, including
// leximin ties broken beyond the worst-off cost.
#include "engine/rng.hpp"
#include "scenarios/scf/invariance.hpp"
#include "scenarios/scf/outcome_keys.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <vector>

using namespace fairmc;
using namespace fairmc::scf;

namespace {

std::vector<SocialCost> every_scf(std::size_t agents, const std::vector<double>& w, std::size_t k) {
  std::vector<SocialCost> out;
  for (const KindInfo& info : catalogue()) {
    SocialCost s;
    s.kind = info.kind;
    s.gamma = info.kind == Kind::sum_plus_gamma_max    ? static_cast<double>(agents)
              : info.kind == Kind::mean_plus_gamma_max ? 0.5
                                                       : 0.25;
    s.k = k;
    s.dictator = agents / 2;
    if (info.weighted) s.weights = w;
    out.push_back(s);
  }
  return out;
}

// Costs rounded to a coarse grid, so outcomes tie on their worst-off cost (and further).
CostProfile coarse(const CostProfile& p, double step) {
  CostProfile out(p.agents(), p.outcomes());
  for (std::size_t x = 0; x < p.outcomes(); ++x)
    for (std::size_t i = 0; i < p.agents(); ++i)
      out.at(x, i) = std::min(-step, std::round(p.at(x, i) / step) * step);
  return out;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

TEST_CASE("scf: OutcomeKeys gives SocialCost::key bit for bit; key-based check = score-based") {
  Rng rng(2026, 0, 0);
  int leximin_ties = 0;
  for (int rep = 0; rep < 300; ++rep) {
    const std::size_t agents = 1 + rep % 37;
    const std::size_t outcomes = 2 + rep % 9;
    CostProfile p = CostProfile::sample(agents, outcomes, 0.1, 1.0, rng);
    if (rep % 3 == 0) p = coarse(p, 0.25);
    std::vector<double> w(agents);
    for (double& c : w) c = 0.5 + rng.uniform01();
    const std::vector<SocialCost> scfs = every_scf(agents, w, 1 + rep % 4);
    const OutcomeKeys keys(scfs);
    std::vector<double> k;
    keys.compute(p, k);
    const Level level = all_levels[static_cast<std::size_t>(rep) % all_levels.size()];
    const CostProfile t = p.transformed(Transform::sample(level, agents, rng, 1.0));
    const CostProfile tt = rep % 3 == 0 ? coarse(t, 0.25) : t;
    std::vector<double> kt;
    keys.compute(tt, kt);
    WorstFirst sorted_p(p), sorted_t(tt);
    for (std::size_t s = 0; s < scfs.size(); ++s) {
      CAPTURE(rep);
      CAPTURE(s);
      const std::vector<Score> before = outcome_scores(scfs[s], p);
      const std::vector<Score> after = outcome_scores(scfs[s], tt);
      for (std::size_t x = 0; x < outcomes; ++x) {
        CHECK(same_bits(k[s * outcomes + x], before[x].key));
        CHECK(same_bits(kt[s * outcomes + x], after[x].key));
      }
      const std::span<const double> a(k.data() + s * outcomes, outcomes);
      const std::span<const double> b(kt.data() + s * outcomes, outcomes);
      const InvarianceOutcome old = compare_rankings(scfs[s], before, after);
      const InvarianceOutcome now =
          compare_rankings(scfs[s], rank_before(scfs[s], a, sorted_p), b, sorted_t);
      CHECK(old.choice_changed == now.choice_changed);
      CHECK(old.ranking_changed == now.ranking_changed);
      if (scfs[s].kind == Kind::leximin) {
        for (std::size_t x = 1; x < outcomes; ++x) leximin_ties += a[x] == a[0];
      }
    }
  }
  CHECK(leximin_ties > 50);
}

TEST_CASE("scf: WorstFirst sorts lazily and gives the sorted costs") {
  Rng rng(5, 0, 0);
  const CostProfile p = CostProfile::sample(50, 3, 0.1, 1.0, rng);
  WorstFirst w(p);
  for (std::size_t x = 0; x < 3; ++x) {
    std::vector<double> c(p.outcome(x).begin(), p.outcome(x).end());
    std::sort(c.begin(), c.end(), std::greater<>());
    for (const std::size_t r : {std::size_t{2}, std::size_t{0}, std::size_t{49}, std::size_t{7}})
      CHECK(w.at(x, r) == c[r]);
  }
}

// The statistics advance several outcomes at a time (groups of 4 and a tail of 1-3): every count
// of outcomes up to 13, and Nash domains with holes (outcomes where some gain is not > 0 sit
// between outcomes in the domain, so the batch of logarithms skips rows).
TEST_CASE("scf: OutcomeKeys bit for bit for any number of outcomes and Nash domain holes") {
  Rng rng(2027, 0, 0);
  int holes = 0;
  for (int rep = 0; rep < 240; ++rep) {
    const std::size_t agents = 1 + rep % 23;
    const std::size_t outcomes = 1 + rep % 13;
    CostProfile p = CostProfile::sample(agents, std::max<std::size_t>(outcomes, 2), 0.1, 1.0, rng);
    if (outcomes == 1) p = CostProfile(agents, 1);
    for (std::size_t x = 0; x < outcomes; ++x)
      for (std::size_t i = 0; i < agents; ++i) {
        if (outcomes == 1) p.at(x, i) = -0.1 - rng.uniform01();
        // Now and then a non-negative cost (outside nash_negative's domain) or one above the
        // reference's (outside nash_reference's).
        const double u = rng.uniform01();
        if (x > 0 && u < 0.02) p.at(x, i) = u < 0.01 ? 0.0 : 0.5 * u;
        if (x > 0 && u > 0.98) p.at(x, i) = p.at(0, i) + 0.1;
      }
    std::vector<double> w(agents);
    for (double& c : w) c = 0.5 + rng.uniform01();
    std::vector<SocialCost> scfs = every_scf(agents, w, 1 + rep % 5);
    if (rep % 2 == 1)
      for (SocialCost& s : scfs) s.weights.clear();  // unit weights everywhere
    const OutcomeKeys keys(scfs);
    std::vector<double> k;
    keys.compute(p, k);
    REQUIRE(k.size() == scfs.size() * outcomes);
    for (std::size_t s = 0; s < scfs.size(); ++s) {
      CAPTURE(rep);
      CAPTURE(s);
      const std::vector<Score> expect = outcome_scores(scfs[s], p);
      for (std::size_t x = 0; x < outcomes; ++x) {
        CHECK(same_bits(k[s * outcomes + x], expect[x].key));
        if (x > 0 && x + 1 < outcomes && scfs[s].kind == Kind::nash_negative)
          holes += std::isinf(expect[x].key) && !std::isinf(expect[x + 1].key);
      }
    }
  }
  CHECK(holes > 10);
}
