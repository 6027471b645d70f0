#include "scenarios/scf/invariance.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

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
  transform_into(t, out);
  return out;
}

void CostProfile::transform_into(const Transform& t, CostProfile& out) const {
  out.agents_ = agents_;
  out.outcomes_ = outcomes_;
  out.cost_.resize(cost_.size());
  for (std::size_t x = 0; x < outcomes_; ++x) {
    t.apply(outcome(x), std::span<double>(out.cost_.data() + x * agents_, agents_));
  }
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

double WorstFirst::at(std::size_t x, std::size_t r) {
  const std::size_t n = profile_->agents();
  if (sorted_.empty()) sorted_.resize(profile_->outcomes() * n);
  const auto first = sorted_.begin() + static_cast<std::ptrdiff_t>(x * n);
  std::size_t& ready = ready_[x];
  if (ready == 0) {
    const std::span<const double> c = profile_->outcome(x);
    std::copy(c.begin(), c.end(), first);
  }
  if (r >= ready) {
    // Extend the sorted prefix geometrically: a long tie costs O(n log n) in all.
    const std::size_t want = std::min(n, std::max({r + 1, 2 * ready, std::size_t{4}}));
    std::partial_sort(first + static_cast<std::ptrdiff_t>(ready),
                      first + static_cast<std::ptrdiff_t>(want),
                      first + static_cast<std::ptrdiff_t>(n), std::greater<>());
    ready = want;
  }
  return sorted_[x * n + r];
}

namespace {

// SocialCost::compare on keys: leximin's first criterion is its key (the maximum).
int compare_outcomes(const SocialCost& scf, std::span<const double> key, WorstFirst& sorted,
                     std::size_t x, std::size_t y, double rel_tol) {
  const int s = compare_with_tolerance(key[x], key[y], rel_tol);
  if (s != 0 || scf.kind != Kind::leximin) return s;
  const std::size_t n = sorted.agents();
  for (std::size_t r = 1; r < n; ++r) {
    const int t = compare_with_tolerance(sorted.at(x, r), sorted.at(y, r), rel_tol);
    if (t != 0) return t;
  }
  return 0;
}

std::size_t argbest(const SocialCost& scf, std::span<const double> key, WorstFirst& sorted) {
  std::size_t best = 0;
  for (std::size_t x = 1; x < key.size(); ++x) {
    if (compare_outcomes(scf, key, sorted, x, best, 0.0) < 0) best = x;
  }
  return best;
}

}  // namespace

RankingBefore rank_before(const SocialCost& scf, std::span<const double> keys, WorstFirst& sorted) {
  RankingBefore r;
  r.best = argbest(scf, keys, sorted);
  const std::size_t m = keys.size();
  r.sign.reserve(m * (m - 1) / 2);
  for (std::size_t x = 0; x < m; ++x) {
    for (std::size_t y = x + 1; y < m; ++y) {
      r.sign.push_back(
          static_cast<signed char>(compare_outcomes(scf, keys, sorted, x, y, strict_tol)));
    }
  }
  return r;
}

InvarianceOutcome compare_rankings(const SocialCost& scf, const RankingBefore& before,
                                   std::span<const double> keys, WorstFirst& sorted) {
  InvarianceOutcome r;
  r.choice_changed = before.best != argbest(scf, keys, sorted);
  const std::size_t m = keys.size();
  std::size_t pair = 0;
  for (std::size_t x = 0; x < m && !r.ranking_changed; ++x) {
    for (std::size_t y = x + 1; y < m; ++y, ++pair) {
      const int sign = before.sign[pair];
      if (sign == 0) continue;
      if (compare_outcomes(scf, keys, sorted, x, y, keep_tol) != sign) {
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
