#include "scenarios/scf/invariance.hpp"

#include <algorithm>
#include <cmath>

namespace fairmc::scf {

namespace {

constexpr double strict_tol = 1e-7;
constexpr double keep_tol = 1e-10;

}  // namespace

std::vector<Score> outcome_scores(const SocialCost& scf, const CostProfile& p) {
  SocialCost s = scf;
  if (s.kind == Kind::nash_reference) {
    const auto ref = p.outcome(0);
    s.reference.assign(ref.begin(), ref.end());
  }
  std::vector<Score> out;
  out.reserve(p.outcomes());
  for (std::size_t x = 0; x < p.outcomes(); ++x) out.push_back(s.score(p.outcome(x)));
  return out;
}

namespace {

std::size_t argbest(const SocialCost& scf, const std::vector<Score>& s) {
  std::size_t best = 0;
  for (std::size_t x = 1; x < s.size(); ++x) {
    if (scf.compare(s[x], s[best], 0.0) < 0) best = x;
  }
  return best;
}

}  // namespace

CostProfile CostProfile::sample(std::size_t agents, std::size_t outcomes, double lo, double hi,
                                Rng& rng) {
  CostProfile p(agents, outcomes);
  for (std::size_t x = 1; x < outcomes; ++x) {
    for (std::size_t i = 0; i < agents; ++i) p.at(x, i) = -(lo + (hi - lo) * rng.uniform01());
  }
  for (std::size_t i = 0; i < agents; ++i) {
    double worst = -hi;
    for (std::size_t x = 1; x < outcomes; ++x) worst = std::max(worst, p.at(x, i));
    // Strictly between the agent's worst other outcome and 0.
    p.at(0, i) = worst * (0.1 + 0.8 * rng.uniform01());
  }
  return p;
}

CostProfile CostProfile::transformed(const Transform& t) const {
  CostProfile out(agents_, outcomes_);
  for (std::size_t x = 0; x < outcomes_; ++x) {
    for (std::size_t i = 0; i < agents_; ++i) out.at(x, i) = t.apply(i, at(x, i));
  }
  return out;
}

InvarianceOutcome check_invariance(const SocialCost& scf, const CostProfile& original,
                                   const CostProfile& transformed) {
  return compare_rankings(scf, outcome_scores(scf, original), outcome_scores(scf, transformed));
}

InvarianceOutcome compare_rankings(const SocialCost& scf, const std::vector<Score>& a,
                                   const std::vector<Score>& b) {
  InvarianceOutcome r;
  r.choice_changed = argbest(scf, a) != argbest(scf, b);
  for (std::size_t x = 0; x < a.size() && !r.ranking_changed; ++x) {
    for (std::size_t y = x + 1; y < a.size(); ++y) {
      const int before = scf.compare(a[x], a[y], strict_tol);
      if (before == 0) continue;
      if (scf.compare(b[x], b[y], keep_tol) != before) {
        r.ranking_changed = true;
        break;
      }
    }
  }
  return r;
}

std::size_t best_outcome(const SocialCost& scf, const CostProfile& profile) {
  return argbest(scf, outcome_scores(scf, profile));
}

}  // namespace fairmc::scf
