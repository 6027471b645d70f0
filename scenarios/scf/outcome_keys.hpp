// Ranking keys of several SCFs for every outcome of a cost profile, from shared statistics.
//
// Every real-valued SCF of the catalogue is a function of a few statistics of an outcome's costs:
// the sum, the maximum, the k-th largest, a weighted sum, a Nash log-sum, the mean absolute
// deviation. They are computed once per outcome and every selected SCF's key is evaluated from
// them. Each statistic is accumulated with the operations and in the order SocialCost::key uses,
// so the keys are bit-identical to it (tested); several outcomes advance together, agent by agent,
// so that their chains of additions overlap instead of waiting on each other (issue 19).
#pragma once

#include "scenarios/scf/invariance.hpp"
#include "scenarios/scf/social_cost.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace fairmc::scf {

class OutcomeKeys {
 public:
  // nash_reference takes its reference costs from outcome 0 of each profile (as outcome_scores).
  explicit OutcomeKeys(std::vector<SocialCost> scfs);

  const std::vector<SocialCost>& scfs() const { return scfs_; }
  // keys[s * outcomes + x] = scfs()[s].key(profile.outcome(x)); leximin's key is the maximum.
  void compute(const CostProfile& profile, std::vector<double>& keys) const;

 private:
  std::vector<SocialCost> scfs_;
  bool need_sum_ = false;
  bool need_max_ = false;
  bool need_mad_ = false;  // mean_plus_gamma_mad: sum_i |c_i - mean|
  std::size_t kth_ = 0;    // largest k among kth_largest SCFs (0: none)
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t weighted_ = kNone;  // the first weighted_sum SCF with weights: in the shared pass
};

}  // namespace fairmc::scf
