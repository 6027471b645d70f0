// Per-draw metrics: loss (Eq. 4), gain (Eq. 5), price of fairness (Eqs. 6–7), individual tradeoffs
// (Eq. 8), and every bound that must hold draw by draw, stored beside the simulated value with a
// `bound_violated` flag (1 if any applicable bound fails beyond a 1e-7 relative tolerance).
#pragma once

#include "scenarios/objective/instance.hpp"

#include <array>
#include <span>
#include <string_view>

namespace fairmc::objective {

enum class Solver { cutting_plane, pairwise, closed_form };

enum Metric : int {
  kSwStar,
  kSwTheta,
  kVStar,
  kVTheta,
  kLoss,
  kGain,
  kGainToLoss,
  kPofBertsimas,
  kPofCaragiannis,
  kIndividualTradeoff,
  kTradeoffInfinite,
  kLossBound,
  kItBound,
  kLpCuts,
  kLpColumns,
  kDelta,
  kClosedFormGap,
  kLossBoundItems,
  kLossBoundWorst,
  kLossBoundSimilar,
  kLossBoundSymmetric,
  kGainBound,
  kRatioBound,
  kDissimilarity,
  kLossBoundDissimilar,
  kProbeA1,
  kProbeRatio,
  kProbeLoss,
  kProbeGain,
  kBoundViolated,
  kMetricCount
};

inline constexpr std::array<std::string_view, kMetricCount> kMetricNames = {"sw_star",
                                                                            "sw_theta",
                                                                            "v_star",
                                                                            "v_theta",
                                                                            "loss",
                                                                            "gain",
                                                                            "gain_to_loss",
                                                                            "pof_bertsimas",
                                                                            "pof_caragiannis",
                                                                            "individual_tradeoff",
                                                                            "tradeoff_infinite",
                                                                            "loss_bound",
                                                                            "it_bound",
                                                                            "lp_cuts",
                                                                            "lp_columns",
                                                                            "delta",
                                                                            "closed_form_gap",
                                                                            "loss_bound_items",
                                                                            "loss_bound_worst",
                                                                            "loss_bound_similar",
                                                                            "loss_bound_symmetric",
                                                                            "gain_bound",
                                                                            "ratio_bound",
                                                                            "dissimilarity",
                                                                            "loss_bound_dissimilar",
                                                                            "probe_a1",
                                                                            "probe_ratio",
                                                                            "probe_loss",
                                                                            "probe_gain",
                                                                            "bound_violated"};

struct EvalOptions {
  Solver solver = Solver::cutting_plane;
  double tau = 0.5;  // Theorem D.1's free exponent
};

// Fills `out` (kMetricCount entries, pre-set to NaN); metrics that do not apply stay NaN.
void evaluate(const Instance& inst, const EvalOptions& opt, std::span<double> out);

}  // namespace fairmc::objective
