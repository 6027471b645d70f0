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
// piecewise flat. The same solver with q held fixed finds the point where the normalised
// gradients sum to zero, e.g. the Hylland-Zeckhauser limit (q = 1) of Section 1.2.
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
};

struct FixedPoint {
  std::vector<double> x;        // outcome, length m
  std::vector<double> q;        // issue weights sum_k c_k w_kj (or the fixed metric), length m
  std::vector<double> c;        // scalings, length n
  std::vector<char> unclamped;  // agent not capped by alpha: the normal set N-hat (Appendix B.2)
  double residual = 0.0;        // max_i |[g(c)](i) - c_i| / c_i for the literal map g
  int iterations = 0;
  bool converged = false;
};

FixedPoint solve_fixed_point(const Population& pop, const FixedPointOptions& options);

// The literal map g of Section 5 (finite sample, s_k = 1/n), applied to c.
std::vector<double> section5_map(const Population& pop, std::span<const double> c, double alpha);

// max_i |[g(c)](i) - c_i| / c_i.
double section5_residual(const Population& pop, std::span<const double> c, double alpha);

// c_i = 1 / max(floor, sqrt(sum_j w_ij^2 (y_ij - x_j)^2 / q_j)); returns whether each is unclamped.
void scalings_at(const Population& pop, std::span<const double> x, std::span<const double> q,
                 double floor, std::span<double> c, std::span<char> unclamped);

}  // namespace fairmc::power
