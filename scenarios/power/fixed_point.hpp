// The m-dimensional construction of Section 5: scalings c that are a fixed point of the map
//
//   [g(c)](i) = sqrt(n) / max(alpha, sqrt(sum_j w_ij^2 (y_ij - x_j(c))^2 / (sum_k s_k c_k w_kj)))
//
// with x_j(c) = sum_k c_k w_kj y_kj / sum_k c_k w_kj, for the finite sample itself (the paper's
// g_A with A = the n agents and s_k = 1/n). Then sum_k s_k c_k w_kj = q_j / n and
// [g(c)](i) = 1 / max(alpha / sqrt(n), sqrt(sum_j w_ij^2 e_ij^2 / q_j)), e_ij = y_ij - x_j.
//
// A fixed point is therefore determined by the 2m numbers (x, q): given them, c follows, and
// (x, q) must reproduce themselves as (weighted mean, sum c w). We solve these 2m equations by
// Newton's method with an analytic Jacobian and a backtracking line search (falling back on the
// plain map, a Weiszfeld-type step), and by bisection on x when m = 1, where the equations are
// piecewise flat.
//
// With `limit` (implied by a fixed metric) the same solver finds the alpha -> 0 limit of the
// Section 1.2 iterations: the point where every agent's gradient, normalised to one unit of her
// budget's norm (sum_j q_j d_j^2), cancels. The x equations are then written in units of one
// agent's push, F_x,j = sum_i c_i w_ij e_ij / sqrt(q_j) (a sum of unit vectors in coordinates
// scaled by sqrt(q)), not as the weighted-mean shift N/P: near an ideal point y_k the capped
// agent's c_k = sqrt(n)/alpha dominates P, so N/P is tiny there whatever the other agents do,
// and the old form "converged" at ideal points that are not limits. An ideal point y_k is a limit
// iff the others' unit vectors sum to norm <= |K| (K = the agents at y_k, each of whom can push
// back by at most one unit, in any direction because w_k > 0): the subgradient condition. Every
// limit is certified by checking that condition from scratch (limit_violation); when it fails the
// result is NaN with converged = false.
#pragma once

#include "scenarios/power/population.hpp"

#include <span>
#include <vector>

namespace fairmc::power {

struct FixedPointOptions {
  double alpha = 0.0;        // Section 5's alpha (> 0); the paper's choice is n^(-7/8)
  double tolerance = 1e-13;  // on the scaled equations (x relative to the spread; log q)
  int max_iterations = 200;
  std::vector<double> metric;  // empty: q = sum c w (Section 5); else q held at these values
  bool limit = false;          // the iterations' alpha -> 0 limit (always so with a fixed metric)
  double limit_tolerance = 1e-8;  // certificate: net push, in units of one agent's push
};

struct FixedPoint {
  std::vector<double> x;        // outcome, length m
  std::vector<double> q;        // issue weights sum_k c_k w_kj (or the fixed metric), length m
  std::vector<double> c;        // scalings, length n
  std::vector<char> unclamped;  // agent not capped by alpha: the normal set N-hat (Appendix B.2)
  double residual = 0.0;        // max_i |[g(c)](i) - c_i| / c_i for the literal map g;
                                // limit: limit_violation at x (in units of one agent's push)
  // From the same pass as c: weight_sum_j = sum_k c_k w_kj and gradient_j = grad U(x)_j =
  // -2 sum_k c_k w_kj (x_j - y_kj) (Program 1's q and g; issue 19: saves a pass per draw).
  std::vector<double> weight_sum, gradient;
  int iterations = 0;
  bool converged = false;    // false: no certified solution found, x, q and c are NaN
  std::size_t at_ideal = 0;  // limit: number of agents whose ideal point is x (0 generically)
};

FixedPoint solve_fixed_point(const Population& pop, const FixedPointOptions& options);

// The literal map g of Section 5 (finite sample, s_k = 1/n), applied to c.
std::vector<double> section5_map(const Population& pop, std::span<const double> c, double alpha);

// max_i |[g(c)](i) - c_i| / c_i.
double section5_residual(const Population& pop, std::span<const double> c, double alpha);

// How far x is from being a limit of the Section 1.2 iteration with budget metric q, in units of
// one agent's push: with u_i = (w_i o e_i / sqrt(q)) / ||w_i o e_i / sqrt(q)|| and K the agents
// whose ideal point is x (||w_i o e_i / sqrt(q)|| <= at_tolerance), max(0, ||sum_{i not in K} u_i||
// - |K|); 0 exactly at a limit. `at_x` receives |K| when non-null.
double limit_violation(const Population& pop, std::span<const double> x, std::span<const double> q,
                       double at_tolerance, std::size_t* at_x = nullptr);

// c_i = 1 / max(floor, sqrt(sum_j w_ij^2 (y_ij - x_j)^2 / q_j)); returns whether each is unclamped.
void scalings_at(const Population& pop, std::span<const double> x, std::span<const double> q,
                 double floor, std::span<double> c, std::span<char> unclamped);

}  // namespace fairmc::power
