// x* (Eq. 2): the utilitarian allocation under the share cap b_j = 1/winners. It is separable by
// item: each item goes in equal shares b_j to the `winners` agents valuing it most (ties to the
// lower index), which is exactly how Theorem 3.4 defines top_j.
#pragma once

#include "scenarios/objective/instance.hpp"

#include <vector>

namespace fairmc::objective {

Eigen::MatrixXd utilitarian_allocation(const Eigen::MatrixXd& a, int winners);

// top_j: the `winners` agents with the highest a_ij, best first (ties to the lower index).
std::vector<int> top_agents(const Eigen::MatrixXd& a, int item, int winners);

}  // namespace fairmc::objective
