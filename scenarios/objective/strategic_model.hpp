// Mechanism `strategic` of scenario objective: Appendix C's best-response check (Proposition C.1,
// Figure 3) as a Monte Carlo model. Per draw: agent 1's true a_1 = row 0 and her belief a'_2 = row
// 1 of the population sample, (α_1, α'_2) fixed or drawn from Substream::mechanism, and the
// searches of strategic_report.hpp. The metrics differ from mechanism `participatory`'s
// (kMetricNames).
#pragma once

#include "engine/params.hpp"
#include "engine/scenario.hpp"

#include <array>
#include <memory>
#include <string_view>

namespace fairmc::objective {

enum StrategicMetric : int {
  kSrTruthfulPayoff,
  kSrBestPayoff,
  kSrTruthfulRegret,
  kSrBestAlphaReport,
  kSrGainOutsideBand,
  kSrBandViolated,
  kSrViolatingItemShare,
  kSrGainOutsideBandGlobal,
  kSrGlobalBandViolated,
  kSrGainOutsideProofBand,
  kSrProofBandViolated,
  kSrDeviationMax,
  kSrBandLo,
  kSrBandHi,
  kSrAlpha1,
  kSrAlpha2,
  kSrProbeTrueRatio,
  kSrProbeBrLo,
  kSrProbeBrHi,
  kSrProbeBrNearest,
  kSrProbeTruthfulBest,
  kSrProbeGainOutside,
  kSrJointGainOutsideBand,
  kSrJointBandViolated,
  kSrJointGainOutsideProofBand,
  kSrMetricCount
};

inline constexpr std::array<std::string_view, kSrMetricCount> kStrategicMetricNames = {
    "truthful_payoff",
    "best_payoff",
    "truthful_regret",
    "best_alpha_report",
    "gain_outside_band",
    "band_violated",
    "violating_item_share",
    "gain_outside_band_global",
    "global_band_violated",
    "gain_outside_proof_band",
    "proof_band_violated",
    "deviation_max",
    "band_lo",
    "band_hi",
    "alpha1",
    "alpha2",
    "probe_true_ratio",
    "probe_br_lo",
    "probe_br_hi",
    "probe_br_nearest",
    "probe_truthful_best",
    "probe_gain_outside",
    "joint_gain_outside_band",
    "joint_band_violated",
    "joint_gain_outside_proof_band"};

// One-line help per metric for `fairmc list` (same order as kStrategicMetricNames).
extern const std::array<std::string_view, kSrMetricCount> kStrategicMetricHelp;

// Reads population (agents must be 2) and the `mechanism:` keys of `name: strategic`.
std::unique_ptr<const Model> make_strategic_model(const Params& p);

}  // namespace fairmc::objective
