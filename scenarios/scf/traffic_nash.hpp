// The Nash product of gains over the Wardrop equilibrium (Theorem 1 with (PI), Figure 5(d)) on
// the two affine links of the traffic example, solved in closed form.
//
// Every group's gain J_k^eq - J_k does not depend on its detour, and the total gain is a concave
// quadratic in the fast flow, so the routings that improve every group can form a very thin set
// (fast 1 x, slow 1 x + S: fast flows in (40, 40 + S/2) for 80 commuters). No grid is used: the
// problem is concave in (gains, flow) and its KKT conditions are solved exactly (traffic_nash.cpp
// derives them).
#pragma once

#include "scenarios/scf/traffic.hpp"

#include <optional>
#include <vector>

namespace fairmc::scf {

// kappa of the derivation: some routing makes every non-empty group strictly better off than the
// Wardrop equilibrium iff kappa > 0. With b_F the lower link offset (the link that is faster
// around the equilibrium), a_F its slope and N the commuters,
//   kappa = min(|b_s - b_f|, 2 N a_F - |b_s - b_f|).
double nash_improvement_margin(const RoutingProblem& problem);

// Fast-link shares maximising sum_k n_k c_k log(J_k^eq - J_k) over all routings (empty groups:
// share 0, they have no members), or nullopt when no routing improves every non-empty group.
std::optional<std::vector<double>> nash_reference_shares(const RoutingProblem& problem);

}  // namespace fairmc::scf
