// The invariance experiment of Definition 3: does an SCF's choice or ranking over a finite set of
// outcomes survive a random admissible transformation of the agents' costs?
#pragma once

#include "engine/rng.hpp"
#include "scenarios/scf/social_cost.hpp"
#include "scenarios/scf/transforms.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace fairmc::scf {

// Costs J_i(x) of `agents` agents for `outcomes` outcomes, row-major by outcome. Outcome 0 plays
// the reference x0 of Theorem 1 (CNC): it is weakly worse for every agent than any other outcome.
class CostProfile {
 public:
  CostProfile(std::size_t agents, std::size_t outcomes)
      : agents_(agents), outcomes_(outcomes), cost_(agents * outcomes) {}

  // J_i(x) ~ -U(lo, hi) for x >= 1 (0 < lo < hi), and J_i(x0) strictly between max_x J_i(x)
  // and 0, so every profile is strictly negative and x0 is every agent's worst outcome.
  static CostProfile sample(std::size_t agents, std::size_t outcomes, double lo, double hi,
                            Rng& rng);

  std::size_t agents() const { return agents_; }
  std::size_t outcomes() const { return outcomes_; }
  std::span<const double> outcome(std::size_t x) const {
    return {cost_.data() + x * agents_, agents_};
  }
  double& at(std::size_t x, std::size_t i) { return cost_[x * agents_ + i]; }
  double at(std::size_t x, std::size_t i) const { return cost_[x * agents_ + i]; }

  CostProfile transformed(const Transform& t) const;
  // The same into `out` (resized; its storage reused across calls).
  void transform_into(const Transform& t, CostProfile& out) const;

 private:
  std::size_t agents_;
  std::size_t outcomes_;
  std::vector<double> cost_;
};

struct InvarianceOutcome {
  bool choice_changed = false;   // the socially best outcome differs
  bool ranking_changed = false;  // some strictly ranked pair of outcomes is no longer so ranked
};

// Rankings of all outcomes under `scf` (nash_reference takes its reference costs from outcome 0
// of each profile) before and after the transformation. A pair counts as strictly ranked when its
// keys differ by more than 1e-7 relatively; afterwards it must keep its order beyond 1e-10.
InvarianceOutcome check_invariance(const SocialCost& scf, const CostProfile& original,
                                   const CostProfile& transformed);

// The scores of every outcome of `profile` under `scf` (nash_reference: reference = outcome 0).
std::vector<Score> outcome_scores(const SocialCost& scf, const CostProfile& profile);
// The same check from precomputed scores (the original profile's are shared by all levels).
InvarianceOutcome compare_rankings(const SocialCost& scf, const std::vector<Score>& original,
                                   const std::vector<Score>& transformed);

// The costs of each outcome of a profile sorted worst (largest) first, as far as leximin
// comparisons ask: the maximum decides unless two outcomes tie on it, so most outcomes are never
// copied or sorted, and a tie sorts only a growing prefix (partial sorts).
class WorstFirst {
 public:
  explicit WorstFirst(const CostProfile& profile)
      : profile_(&profile), ready_(profile.outcomes(), 0) {}
  std::size_t agents() const { return profile_->agents(); }
  // The (r+1)-th largest cost of outcome x.
  double at(std::size_t x, std::size_t r);

 private:
  const CostProfile* profile_;
  std::vector<double> sorted_;      // outcomes x agents, an outcome copied on first use
  std::vector<std::size_t> ready_;  // per outcome: positions [0, ready) hold the largest, sorted
};

// The original profile's side of the check from keys (OutcomeKeys::compute's layout, one SCF:
// the key of each outcome), computed once for all levels: the best outcome and, for every pair
// x < y in row order, the sign of their comparison beyond 1e-7 (0: not strictly ranked).
// Leximin, whose key is the maximum, breaks ties on the sorted costs.
struct RankingBefore {
  std::size_t best = 0;
  std::vector<signed char> sign;
};
RankingBefore rank_before(const SocialCost& scf, std::span<const double> keys, WorstFirst& sorted);
// The check against a transformed profile's keys; same results as compare_rankings on scores.
InvarianceOutcome compare_rankings(const SocialCost& scf, const RankingBefore& before,
                                   std::span<const double> keys, WorstFirst& sorted);

// The best outcome under `scf` (lowest social cost; first one on ties).
std::size_t best_outcome(const SocialCost& scf, const CostProfile& profile);

}  // namespace fairmc::scf
