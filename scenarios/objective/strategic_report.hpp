// Appendix C (Proposition C.1, Figure 3): best responses of a strategic agent to the modified
// second-price rule, computed by search instead of the proof's per-item "optimistic" bounds.
//
// Two agents, β = α (Appendix C's single deviation from standard mechanism design). Agent 1 knows
// her true (a_1, α_1) and believes agent 2 reports (a'_2, α'_2) with α'_2 <= α_m. She reports
// (a'_1, α'_1) with α'_1 ∈ [0, α_m]; the mechanism allocates x = x^θ(a', α') — Lemma 3.1 on the
// reports, `two_agent_allocation` — and charges, per item,
//   p_1j = a'_2j · 1{a'_1j >= r(α') a'_2j},   r(α') = (1 − α'_1 − α'_2)/(1 + α'_1 + α'_2).
// Her payoff is v_1 − p_1 with v_1 = u_1 − α_1 |u_1 − u_2| (Eq. 9 with n = 2 and β_1 = α_1), u_1
// measured with her true a_1 and u_2 with the belief a'_2.
//
// The search deviates on one item j at a time, a'_1j = ρ a_1j with the other items truthful, over a
// log grid of ρ plus the points where the payoff can jump (Lemma 3.1's thresholds ρ_j = ±Δ, the
// payment threshold, the utilitarian switch a'_1j = a'_2j), and α'_1 over a grid of [0, α_m] that
// contains α_1. Between those points the allocation, hence the payoff, is continuous in a'_1j, so
// the maxima are found up to the grid's resolution (and exactly where they sit at a jump,
// approached from the side that attains them).
#pragma once

#include <Eigen/Dense>

#include <vector>

namespace fairmc::objective {

struct StrategicSetting {
  Eigen::VectorXd a1;   // agent 1's true coefficients a_1
  double alpha1 = 0.0;  // her true aversion α_1 (= β_1)
  Eigen::VectorXd a2;   // her belief about agent 2's report a'_2
  double alpha2 = 0.0;  // and about α'_2 <= α_m
  double cap = 0.0;     // α_m: nobody may report more aversion than this
};

// r(α') = (1 − s)/(1 + s) of Proposition C.1 for reported aversions summing to s = α'_1 + α'_2.
double report_ratio(double alpha_sum);

// p_1 = Σ_j a'_2j 1{a'_1j >= r a'_2j} (Proposition C.1's payment, summed over items).
double strategic_payment(const Eigen::VectorXd& report1, const Eigen::VectorXd& a2, double r);

// Agent 1's payoff v_1 − p_1 for the report (report1, alpha1_report).
double strategic_payoff(const StrategicSetting& s, const Eigen::VectorXd& report1,
                        double alpha1_report);

// Absolute tolerance for "no better than": a payoff is a sum of O(m) products of coefficients, so
// rounding moves it by about m · 2^-53 · (||a_1||_1 + ||a'_2||_1); the one-sided probes of the jump
// points sit a relative 1e-11 from the jump. 1e-9 of the scale covers both for m up to 10^6 and
// is still far below any economically meaningful gain.
double strategic_tolerance(const StrategicSetting& s);

struct StrategicGrid {
  double rho_min = 1e-2;  // ρ = a'_1j / a_1j searched over [rho_min, rho_max] ...
  double rho_max = 1e2;
  int rho_points = 401;  // ... on this many log-spaced points, plus the jump points
  int alpha_points = 5;  // α'_1 ∈ linspace(0, α_m, alpha_points) ∪ {α_1}
};

// The α'_1 values searched: linspace(0, α_m, points) and the truthful α_1, ascending.
std::vector<double> alpha_report_grid(const StrategicSetting& s, int points);

// The two bands of worthwhile reports, as multipliers of a_1j: Proposition C.1's statement
// [r^2 a_1j, a_1j / r^2] and the end of its proof [r a_1j, a_1j / r], with r = r(α_1, α_m).
struct ReportBand {
  double lo = 1.0;
  double hi = 1.0;
  bool contains(double rho) const { return rho >= lo && rho <= hi; }
};
ReportBand statement_band(double alpha1, double cap);
ReportBand proof_band(double alpha1, double cap);

// Agent 1's best responses on item j (others truthful).
struct ItemResponse {
  std::vector<double> rho;         // multipliers a'_1j / a_1j searched, ascending
  std::vector<double> value;       // payoff at each ρ, maximised over α'_1
  std::vector<double> alpha;       // the maximising α'_1 (the smallest one on ties)
  double truthful = 0.0;           // payoff of the truthful report (ρ = 1, α'_1 = α_1)
  double best = 0.0;               // max over everything searched
  double best_inside = 0.0;        // max over ρ inside the statement band (r^2)
  double best_outside = 0.0;       // max over ρ outside it (−∞ if the grid has none)
  double best_inside_proof = 0.0;  // the same for the proof's band (r)
  double best_outside_proof = 0.0;
  double br_lo = 0.0, br_hi = 0.0;  // hull of the best-responding ρ (value >= best − tol)
  double br_nearest = 1.0;          // the best-responding ρ closest to 1 (in |log ρ|)
  bool truthful_best = false;       // ρ = 1 (with some α'_1) is a best response
};
ItemResponse item_best_response(const StrategicSetting& s, int j, const StrategicGrid& g);

// The per-item results combined over all items with a_1j > 0.
struct StrategicSummary {
  double truthful = 0.0;            // payoff of reporting the truth on every item
  double best = 0.0;                // best single-item deviation (or the truth)
  double best_alpha = 0.0;          // α'_1 of that best deviation
  double gain_outside = 0.0;        // max_j (best_outside_j − best_inside_j), statement band
  double gain_outside_proof = 0.0;  // the same for the proof's band
  // max_j best_outside_j − max_j best_inside_j: the best single-item deviation overall lies outside
  // the band (statement band) although a deviation inside it on any item was available.
  double gain_outside_global = 0.0;
  int items = 0;            // items searched (a_1j > 0)
  int violating_items = 0;  // items with gain_outside_j > tolerance
  int violating_items_proof = 0;
  double deviation_max = 1.0;  // max_j max(ρ*_j, 1/ρ*_j) with ρ*_j = br_nearest of item j
  double tolerance = 0.0;
};
StrategicSummary strategic_best_responses(const StrategicSetting& s, const StrategicGrid& g,
                                          std::vector<ItemResponse>* per_item = nullptr);

// Joint deviations: every item's report on the product of the per-item grids (cost grows as the
// grid size to the power m, so meant for m <= 2). Proposition C.1 read as "some best report has
// every a'_1j inside the band": best_outside (some item outside) minus best_inside (all inside).
struct JointResponse {
  double best_inside = 0.0, best_outside = 0.0;              // statement band (r^2)
  double best_inside_proof = 0.0, best_outside_proof = 0.0;  // proof's band (r)
};
JointResponse joint_best_response(const StrategicSetting& s, const StrategicGrid& g);

}  // namespace fairmc::objective
