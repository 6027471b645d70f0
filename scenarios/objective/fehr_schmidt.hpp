// Fehr–Schmidt values and the participatory objective Σ_i v_i (Eqs. 9–11).
//
// Σ_i v_i(x) = Σ_i u_i − P(u), where P(u) = Σ_i α_i I_i^+ + β_i I_i^- is the Lovász extension of a
// directed cut function: for each pair with u_i > u_k it charges (β_i + α_k)(u_i − u_k)/(n−1).
// For a fixed descending order π of the agents P is linear, P_π(u) = <g_π, u>, and
// P(u) = max_π <g_π, u>; the LP solver uses the g_π as cutting planes.
#pragma once

#include "scenarios/objective/instance.hpp"

#include <vector>

namespace fairmc::objective {

// u_i(x) = Σ_j a_ij x_ij (Eq. 1).
Eigen::VectorXd utilities(const Eigen::MatrixXd& a, const Eigen::MatrixXd& x);

// I_i^+ (Eq. 10) and I_i^- (Eq. 11).
Eigen::VectorXd disadvantageous_inequality(const Eigen::VectorXd& u);
Eigen::VectorXd advantageous_inequality(const Eigen::VectorXd& u);

// v_i = u_i − α_i I_i^+ − β_i I_i^- (Eq. 9).
Eigen::VectorXd fehr_schmidt_values(const Eigen::VectorXd& u, const Aversion& av);

// P(u) = Σ_i u_i − Σ_i v_i, computed pairwise in O(n^2).
double inequality_penalty(const Eigen::VectorXd& u, const Aversion& av);

// Agents sorted by decreasing utility (ties by index).
std::vector<int> descending_order(const Eigen::VectorXd& u);

// Gradient g_π of P on the cone where the agents are ordered as `order` (descending):
// g_i = (|below| β_i + α(below) − β(above) − |above| α_i)/(n−1).
Eigen::VectorXd ordering_gradient(const std::vector<int>& order, const Aversion& av);

}  // namespace fairmc::objective
