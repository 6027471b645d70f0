// Two-agent closed forms of Sections 3.1 and 4.1 and Appendices D–E.
//
// Notation: agent h ("1" in the paper) is the better-off agent under x*, l the other one;
// D := β_h + α_l is the marginal inequality cost of the gap u_h − u_l (Eq. 12).
#pragma once

#include "scenarios/objective/instance.hpp"

namespace fairmc::objective {

struct TwoAgentSolution {
  Eigen::MatrixXd x;       // x^{α,β}, 2 x m
  int better = 0;          // h: argmax_i u_i(x*), ties to agent 0
  double delta = 0.0;      // Δ_h of Lemma 3.1, in [0, D]
  bool equalized = false;  // true when the solution ends with u_h = u_l
};

// Lemma 3.1 made constructive: items held by h with ρ_j = (a_hj − a_lj)/(a_hj + a_lj) < D move to l
// in increasing ρ_j (best welfare per unit of gap first) until all have moved (Δ_h = D) or the
// utilities meet, the last item being split (Δ_h = ρ_j of that item).
TwoAgentSolution two_agent_allocation(const Eigen::MatrixXd& a, const Aversion& av);

// r_i(α, β) = (1 − β_i − α_{−i})/(1 + β_i + α_{−i}) and c_i = 1 − r_i (Theorem 3.2, Eq. 15).
double two_agent_r(const Aversion& av, int i);
double two_agent_c(const Aversion& av, int i);
// c̃_i = 2(β_i + α_{−i}) (Eq. 24).
double two_agent_c_tilde(const Aversion& av, int i);
// r_1(Δ) = (1 − Δ)/(1 + Δ) (Prop. 4.1).
double ratio_of_slack(double delta);

// loss_j of Eq. (14) for a_1j > a_2j: (a_1j − a_2j)·1{a_2j >= r a_1j}; 0 otherwise.
double item_loss_bound(double a1, double a2, double r);
// gain_j of Eq. (23): [(1 + D) a_2j − (1 − D) a_1j]·1{a_2j > r_1(Δ) a_1j} for a_1j > a_2j.
double item_gain_bound(double a1, double a2, double d, double delta);
// The quadratic majorant of loss_j in a_2j =: x (Eq. 40, Figure 4).
double quadratic_item_loss_bound(double x, double a1, double r);
// Theorem D.1's per-item terms (Eqs. 37–38, Figure 5); `norm1` = ||a_1||_1. Their sum over items
// bounds the loss of two γ-dissimilar agents with coefficients in [0, 1].
double dissimilar_item_bound(double a1, double norm1, double gamma, double tau, double r);
// Corollary D.2 as its proof's Eq. (67) gives it at τ = 2/3: E[loss] <= m c (3 + 2/r)(γ m)^{4/3}
// for a_1j ~ U(0,1), γ <= 1/m (Eq. 68 prints 2 m c (1 + 1/r)(γ m)^{4/3}, which does not follow).
// Equals m E[Eq. 67's integrand] whenever γm + (γm)^{2/3} <= 1.
double dissimilar_expected_bound(int m, double gamma, double r);
// Corollary E.2: for a_1j, a_2j i.i.d. Beta(s, 1), the exact E[1{min >= r max}(max − min)] per item
// (Eq. 77) and its bound s^3 c^2/((s + 1/2)(s + 1)) (Eq. 78), with c = c_m.
double beta_expected_item_loss(double s, double c);
double beta_item_loss_bound(double s, double c);

}  // namespace fairmc::objective
