// Divisible resource allocation (Section IV-A and Appendix A, generalised): a supply X of a
// divisible good is shared, x_i >= 0, sum_i x_i <= X, among agents with cost
//   J_i(x_i) = alpha_i - q_i x_i + h_i x_i^2 / 2,   q_i > 0, h_i >= 0, x_i <= q_i / h_i,
// where alpha_i = J_i(x0) is the upfront cost at the reference x0 (no allocation), q_i the
// marginal benefit and h_i >= 0 the curvature (h_i = 0: the paper's linear water costs). Every
// SCF is minimised exactly through its KKT conditions: one monotone scalar equation in a
// multiplier or cost level (solved with Boost's TOMS 748 to machine precision) or, for the CFC
// sum + gamma max, a convex 1-D minimisation over the epigraph level t (Brent plus every kink).
#pragma once

#include "scenarios/scf/social_cost.hpp"

#include <cstddef>
#include <vector>

namespace fairmc::scf {

struct Claimant {
  double upfront = 0.0;    // alpha_i = J_i(x0)
  double benefit = 1.0;    // q_i > 0
  double curvature = 0.0;  // h_i >= 0
  double cost(double x) const { return upfront - benefit * x + 0.5 * curvature * x * x; }
  // Largest useful amount q/h (infinite for linear costs).
  double satiation() const;
  // Lowest reachable cost alpha - q^2 / (2h) (-inf for linear costs).
  double floor_cost() const;
};

struct DivisibleProblem {
  std::vector<Claimant> agents;
  double supply = 1.0;  // X
};

struct Allocation {
  std::vector<double> x;
  std::vector<double> cost;
  bool feasible = true;  // false when the SCF's domain is empty (nash_negative, eq. (2))
};

bool divisible_supports(Kind kind);

// The minimiser of `scf` (weights c_i from scf.weights; gamma from scf.gamma). Rawls' max has a
// set of minimisers when a satiated agent's floor cost is the maximum; the leximin one (which is
// also Pareto efficient) is returned for both. nash_reference uses x0 = no allocation
// (Appendix A); nash_negative is eq. (2), infeasible unless every agent can reach J_i < 0.
Allocation solve(const DivisibleProblem& problem, const SocialCost& scf);

// Closed forms of Section IV-A for linear costs (h_i = 0), with rights c_i:
// Appendix A: x_i = c_i / sum_j c_j * X (independent of q and alpha).
std::vector<double> proportional_allocation(const std::vector<double>& rights, double supply);
// Eq. (2) with upfront costs: x_i = alpha_i/q_i + c_i/sum_j c_j * (X - sum_j alpha_j/q_j).
std::vector<double> nash_negative_linear(const DivisibleProblem& problem,
                                         const std::vector<double>& rights);

}  // namespace fairmc::scf
