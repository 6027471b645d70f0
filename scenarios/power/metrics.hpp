// The power scenario's per-draw metrics, one table per mechanism: kEqualPowerMetrics (Definition
// 2.1 measured on a sample, with the bounds of Lemma 3.3 and Appendices B-D beside what they bound)
// and kIterationMetrics plus the family kIterationCheckpointMetrics (Section 1.2's iterations).
// These tables are the only lists of the metrics: names, units, help and values all come from
// them (engine/metric.hpp).
//
// Units: lambda ratios, fractions and flags are dimensionless, "1"; positions, movements and
// welfare are in the model's own (abstract) units of the issue space and utility, also written
// "1" (engine/metric.hpp); iteration counts are "count".
#pragma once

#include "engine/metric.hpp"
#include "scenarios/power/bounds.hpp"
#include "scenarios/power/outcome_metrics.hpp"

#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>

namespace fairmc::power {

// What one equal-power draw with a certified construction computed, plus the point's settings.
struct EqualPowerDraw {
  const OutcomeMetrics& r;
  const AppendixBounds& b;  // fixed point only: NaN bounds otherwise
  std::string_view construction;
  double gamma;
  std::size_t n;
  double residual;   // the construction's residual (Equilibrium::residual)
  int iterations;    // Newton iterations of the fixed-point solve
  double net_bound;  // Appendix D's bound on net_movement (NaN unless fixed point)
};

// Lemma 3.3: normal agents have |1 - lambda_i sqrt(q gamma)| <= sqrt(gamma/q) n^(1/4) (median
// construction only).
inline double lemma33_bound(const EqualPowerDraw& d) {
  return d.construction == "median"
             ? std::sqrt(d.gamma / d.r.q_mean) * std::pow(static_cast<double>(d.n), 0.25)
             : kUndefined;
}

inline double if_fixed_point(const EqualPowerDraw& d, double v) {
  return d.construction == "fixed_point" ? v : kUndefined;
}

using EP = EqualPowerDraw;

// A draw without a certified fixed point writes construction_failed = 1 alone (every other metric
// stays NaN, not counted); the table's value is that of a draw that gets to evaluate.
inline constexpr Metric<EqualPowerDraw> kEqualPowerMetrics[] = {
    {"lambda_dev_mean", "1",
     "mean_i |1 - lambda_i/lambda*|, lambda* = 1/sqrt(q gamma) or 1/sqrt(gamma)",
     [](const EP& d) { return d.r.lambda_dev_mean; }},
    {"lambda_dev_max", "1", "max_i |1 - lambda_i/lambda*|",
     [](const EP& d) { return d.r.lambda_dev_max; }},
    {"lambda_dev_max_normal", "1", "the same over the paper's normal agents N-hat",
     [](const EP& d) { return d.r.lambda_dev_max_normal; }},
    {"lambda_ratio_max", "1", "max_i lambda_i/lambda* (the paper's bound: <= 1)",
     [](const EP& d) { return d.r.lambda_ratio_max; }},
    {"frac_within_eps", "1", "fraction with (1-eps) lambda* <= lambda_i <= lambda* (Def. 2.1)",
     [](const EP& d) { return d.r.frac_within_eps; }},
    {"frac_outside_eps", "1", "1 - frac_within_eps",
     [](const EP& d) { return 1.0 - d.r.frac_within_eps; }},
    {"frac_within_eps_best", "1", "Def. 2.1 fraction with the best lambda for the sample",
     [](const EP& d) { return d.r.frac_within_eps_best; }},
    {"frac_outside_eps_best", "1", "1 - frac_within_eps_best",
     [](const EP& d) { return 1.0 - d.r.frac_within_eps_best; }},
    {"lambda_cv", "1", "sd/mean of lambda_i over agents who exhaust their power",
     [](const EP& d) { return d.r.lambda_cv; }},
    {"frac_exhausting", "1", "fraction of agents whose power constraint is tight",
     [](const EP& d) { return d.r.frac_exhausting; }},
    {"frac_normal", "1", "fraction of agents in N-hat",
     [](const EP& d) { return d.r.frac_normal; }},
    {"net_movement", "1", "||sum_i delta_i||_2", [](const EP& d) { return d.r.net_movement; }},
    {"net_movement_rel", "1", "||sum_i delta_i|| / sum_i ||delta_i||",
     [](const EP& d) { return d.r.net_movement_rel; }},
    {"welfare_gradient", "1", "||grad U(x)||_2 (Lemma 3.1 / B.1: 0)",
     [](const EP& d) { return d.r.welfare_gradient; }},
    {"welfare_gradient_rel", "1", "||sum grad u_i|| / sum ||grad u_i||",
     [](const EP& d) { return d.r.welfare_gradient_rel; }},
    {"power_error", "1", "max over exhausting agents |U(x)-U(x+delta_i) - gamma|/gamma",
     [](const EP& d) { return d.r.power_error; }},
    {"construction_residual", "1", "fixed point: max_i |g(c)_i - c_i|/c_i; median: |sum sgn|/n",
     [](const EP& d) { return d.residual; }},
    {"fixed_point_iterations", "count", "Newton iterations of the fixed-point solve",
     [](const EP& d) { return if_fixed_point(d, static_cast<double>(d.iterations)); }},
    {"lemma33_bound", "1", "Lemma 3.3 bound sqrt(gamma/q) n^(1/4) on lambda_dev_max_normal",
     [](const EP& d) { return lemma33_bound(d); }},
    {"q_mean", "1", "mean_j q_j, q_j = sum_k c_k w_kj", [](const EP& d) { return d.r.q_mean; }},
    {"construction_failed", "1",
     "1 if no certified fixed point was found (its other metrics are then NaN), else 0",
     [](const EP&) { return 0.0; }},
    // Lemmas C.5 / C.6 bound lambda_dev_max_normal; Lemmas B.3 / B.4 say these ratios >= 1.
    {"lemma_c5_bound", "1",
     "fixed point: Lemma C.5's bound 1 - (1 + sqrt(gamma)/eta)^(-1/2) on lambda_dev_max_normal "
     "(sample w_min, w_max, d_max; NaN while vacuous, eta <= 0)",
     [](const EP& d) { return d.b.c5_dev; }},
    {"lemma_c6_bound", "1",
     "fixed point: Lemma C.6's bound 1 - sqrt(eta/(eta+1)) (NaN while vacuous)",
     [](const EP& d) { return d.b.c6_dev; }},
    {"lemma_b3_ratio", "1",
     "fixed point: min_j (q_j/n) / (n w_min^2/(4 w_max^2 d_max^2)); B.3: >= 1",
     [](const EP& d) { return d.b.b3_ratio; }},
    {"lemma_b4_ratio", "1",
     "fixed point: min_ij (q_j/n) / (beta sqrt(n) alpha c_i w_ij); B.4: >= 1",
     [](const EP& d) { return d.b.b4_ratio; }},
    {"frac_capped", "1",
     "1 - frac_normal: agents outside N-hat (Lemma B.2: O(alpha^(m/2) n^(m/4)))",
     [](const EP& d) { return 1.0 - d.r.frac_normal; }},
    {"theorem41_net_bound", "1",
     "fixed point: Appendix D's bound on net_movement (D.1-D.3 on N-hat, the rest measured; NaN "
     "while eta <= 0)",
     [](const EP& d) { return d.net_bound; }},
    // Measured over bound, one number per draw (<= 1 where the lemma holds), so that a check can
    // count the draws that violate a bound computed on the same sample.
    {"lemma33_ratio", "1", "median: lambda_dev_max_normal / lemma33_bound (Lemma 3.3: <= 1)",
     [](const EP& d) { return d.r.lambda_dev_max_normal / lemma33_bound(d); }},
    {"lemma_c5_eta", "1",
     "fixed point: Lemma C.5's eta on the sample (C.5, C.6, D.2, D.3 are vacuous while <= 0)",
     [](const EP& d) { return if_fixed_point(d, d.b.eta); }},
    {"lemma_c5_ratio", "1", "fixed point: lambda_dev_max_normal / lemma_c5_bound (C.5: <= 1)",
     [](const EP& d) { return d.r.lambda_dev_max_normal / d.b.c5_dev; }},
    {"theorem41_net_ratio", "1", "fixed point: net_movement / theorem41_net_bound (<= 1)",
     [](const EP& d) { return d.r.net_movement / d.net_bound; }},
};
static_assert(well_formed(kEqualPowerMetrics));
inline constexpr std::size_t kConstructionFailed =
    index_of(kEqualPowerMetrics, "construction_failed");
static_assert(kConstructionFailed < std::size(kEqualPowerMetrics));

// Euclidean distance of two outcomes.
inline double outcome_distance(std::span<const double> a, std::span<const double> b) {
  double s = 0.0;
  for (std::size_t j = 0; j < a.size(); ++j) s += (a[j] - b[j]) * (a[j] - b[j]);
  return std::sqrt(s);
}

// What one draw of the iterations computed. Outcomes of the rescaled population are mapped back
// to the original units; distances are divided by the population's spread sigma.
struct IterationDraw {
  std::span<const double> final_x;       // x_T of this budget's iteration
  std::span<const double> own, other;    // the limits of this budget and of the other one
  std::span<const double> ep_limit;      // equal power's limit
  std::span<const double> hz_scaled;     // HZ's limit of the rescaled population
  std::span<const double> final_scaled;  // x_T of the rescaled run
  std::span<const double> own_scaled;    // this budget's limit of the rescaled population
  double own_scaled_residual;
  bool failed;  // some limit could not be certified (its distances are NaN)
  double sigma;
  std::span<const double> checkpoint;  // x_k, for kIterationCheckpointMetrics
};

using ID = IterationDraw;

inline constexpr Metric<IterationDraw> kIterationMetrics[] = {
    {"final_to_limit", "1", "iteration: ||x_T - own limit|| / spread",
     [](const ID& d) { return outcome_distance(d.final_x, d.own) / d.sigma; }},
    {"final_to_other_limit", "1", "iteration: ||x_T - the other budget's limit|| / spread",
     [](const ID& d) { return outcome_distance(d.final_x, d.other) / d.sigma; }},
    {"limit_gap", "1", "iteration: ||equal-power limit - HZ limit (rescaled units)|| / spread",
     [](const ID& d) { return outcome_distance(d.ep_limit, d.hz_scaled) / d.sigma; }},
    {"rescale_shift", "1", "iteration: ||x_T(rescaled, mapped back) - x_T|| / spread",
     [](const ID& d) { return outcome_distance(d.final_scaled, d.final_x) / d.sigma; }},
    {"limit_rescale_shift", "1", "iteration: the same for the theoretical limit",
     [](const ID& d) { return outcome_distance(d.own_scaled, d.own) / d.sigma; }},
    {"limit_residual", "1",
     "iteration: the rescaled limit's certificate, net push in units of one agent's push",
     [](const ID& d) { return d.own_scaled_residual; }},
    // When this is not small, rescale_shift is a finite-horizon value (transient), not the limit's
    // unit dependence.
    {"scaled_final_to_limit", "1",
     "iteration: ||x_T(rescaled) - its own limit|| / spread (is rescale_shift a transient?)",
     [](const ID& d) { return outcome_distance(d.final_scaled, d.own_scaled) / d.sigma; }},
    {"limit_failed", "1", "iteration: 1 if a limit could not be certified (distances NaN), else 0",
     [](const ID& d) { return d.failed ? 1.0 : 0.0; }},
};
static_assert(well_formed(kIterationMetrics));

// One member per checkpoint k = 1, 2, 4, ..., T (IterationDraw::checkpoint = x_k).
inline constexpr Metric<IterationDraw> kIterationCheckpointMetrics[] = {
    {"to_limit_t<k>", "1", "iteration: ||x_k - own limit|| / spread at k = 1, 2, 4, ...",
     [](const ID& d) { return outcome_distance(d.checkpoint, d.own) / d.sigma; }},
};
static_assert(well_formed(kIterationCheckpointMetrics));

}  // namespace fairmc::power
