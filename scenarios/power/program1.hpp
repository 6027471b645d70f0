// Program 1 of paper 000 for one agent: maximise u_i(x + delta) subject to the equal-power
// constraint U(x) - U(x + delta) <= gamma, solved exactly.
//
// For quadratic utilities (Lemma C.1) U(x) - U(x + delta) = sum_j q_j delta_j^2 - g . delta, with
// q_j = sum_k c_k w_kj (half the Hessian diagonal of the sample welfare) and g = grad U(x); g = 0
// when x maximises U (Lemma B.1), giving the paper's sum_j q_j delta_j^2 <= gamma. The same
// solver serves the iterations of Section 1.2 with q_j = 1 (Hylland-Zeckhauser) and g = 0.
//
// KKT stationarity gives delta_ij = c_i w_ij (y_ij - x_j) / (c_i w_ij + lambda_i q_j)
// (Lemma C.2; Lemma 3.2 in one dimension). An agent whose ideal point is within reach moves onto
// it and has lambda_i = 0 (she does not exhaust her power); otherwise lambda_i > 0 is the unique
// root of the scalar equation "constraint tight", solved by safeguarded Newton to machine
// precision (closed form when one issue is active: Lemma 3.3).
#pragma once

#include <span>

namespace fairmc::power {

struct Program1Result {
  double lambda = 0.0;     // Lagrange multiplier: marginal utility of additional power
  bool exhausted = false;  // constraint tight (lambda > 0)
};

// a_j = c_i w_ij (>= 0), e_j = y_ij - x_j, q_j > 0, g_j = dU/dx_j (empty span = all zero).
// Writes the optimal shift into `delta` (size m).
Program1Result solve_program1(std::span<const double> a, std::span<const double> e,
                              std::span<const double> q, std::span<const double> g, double gamma,
                              std::span<double> delta);

// U(x) - U(x + delta) = sum_j q_j delta_j^2 - g . delta (the power an agent spends).
double power_used(std::span<const double> delta, std::span<const double> q,
                  std::span<const double> g);

}  // namespace fairmc::power
