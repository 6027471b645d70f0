// The iterative procedures of Section 1.2. From the current outcome x_t every agent reports the
// shift delta_i that maximises her utility under a quadratic budget, and x_{t+1} = x_t + sum_i
// delta_i:
//   Hylland-Zeckhauser: sum_j delta_ij^2 <= gamma_t          (dimension-symmetric)
//   equal power:        sum_j q_j delta_ij^2 <= gamma_t      (q_j = society's weight on issue j)
// For equal power q is not known in advance; as the paper suggests, it is discovered along the
// way: each step updates q_j <- sum_i c_i w_ij with c_i = (sum_j w_ij^2 (y_ij - x_j)^2 /
// q_j)^(-1/2) at the current x, the scaling of Section 5. A budget gamma_t = gamma_0 (1 +
// t)^(-decay) lets the steps shrink; for small steps each delta_i points along agent i's gradient
// normalised in the budget's metric, so the limits are the points where these normalised gradients
// sum to zero: the Section 5 fixed point for equal power and a (weighted) geometric median for HZ.
#pragma once

#include "scenarios/power/population.hpp"

#include <span>
#include <vector>

namespace fairmc::power {

enum class Budget { hylland_zeckhauser, equal_power };

struct IterationOptions {
  Budget budget = Budget::equal_power;
  double gamma0 = 0.01;    // equal power: in welfare units (dimensionless for Section 5's c)
  double hz_gamma0 = 0.0;  // HZ: in squared issue units (a fixed number, not rescaled with issues)
  double decay = 1.0;
  int iterations = 256;
  double alpha = 0.0;  // the Section 5 floor alpha (c_i <= sqrt(n)/alpha)
};

struct IterationPath {
  std::vector<std::vector<double>> x;  // x_t for t = 0..iterations
};

IterationPath run_iteration(const Population& pop, const IterationOptions& options);

// Where both iterations start: the plain average of the ideal points.
std::vector<double> starting_point(const Population& pop);

// The equal-power metric at a fixed x: q_j = sum_i c_i w_ij with c_i = (sum_j w_ij^2 e_ij^2 /
// q_j)^(-1/2), iterated to its fixed point (the error in q's scale halves per step).
std::vector<double> discovered_metric(const Population& pop, std::span<const double> x,
                                      double alpha);

}  // namespace fairmc::power
