// The explicit bounds of Appendices B and C evaluated on one sample, so that each can be reported
// beside the quantity it bounds. The population constants are the sample's: w_min and w_max are
// the extreme w_ij, and d_max is the diagonal of the ideal points' bounding box (a convex feasible
// set chi containing every ideal point and x; a larger d_max only weakens each bound, so this is
// a valid choice). Sample reading: integral p(k) c_k w_kj dk = q_j / n with q_j = sum_k c_k w_kj.
#pragma once

#include "scenarios/power/population.hpp"

#include <span>

namespace fairmc::power {

struct AppendixBounds {
  double beta = 0.0;  // w_min^2 / (4 w_max^3 d_max^2) (after Lemma B.4)
  double eta = 0.0;  // (n^(3/2) alpha beta w_min - 2 sqrt(gamma) m w_max) / (2 m w_max) (Lemma C.6)
  // Lemma B.3: q_j / n >= n w_min^2 / (4 w_max^2 d_max^2); min_j of the left over the right.
  double b3_ratio = 0.0;
  // Lemma B.4: q_j / n >= beta sqrt(n) alpha c_i w_ij for every i; min over (i, j) of left/right.
  double b4_ratio = 0.0;
  // Lemma C.5: tau_i <= gamma^(3/2) / eta, i.e. lambda_i sqrt(gamma) >= (1 +
  // sqrt(gamma)/eta)^(-1/2); as a bound on |1 - lambda_i sqrt(gamma)| over N-hat. NaN when eta <= 0
  // (vacuous).
  double c5_dev = 0.0;
  // Lemma C.6 (C.5 with gamma <= 1): 1 - sqrt(eta / (eta + 1)). NaN when eta <= 0.
  double c6_dev = 0.0;
  double d_max = 0.0;  // the bounding box's diagonal
};

// Theorem 4.1's net movement on the sample, through Appendix D: sum_i delta''_i = 0 exactly at the
// fixed point (Lemma D.1), so ||sum_i delta_i|| <= |N-hat| (D.2 + D.3) + sum_{i not in N-hat}
// (||delta_i|| + ||delta''_i||), with D.2 = gamma (eta+1)/eta d_max / (beta^2 n^3 alpha^2) (C.6's
// lambda bound used as is, not rounded to eta >= 1) and D.3 = sqrt(gamma) d_max / (beta eta
// n^(3/2) alpha). The last sum is measured (Lemma D.4 bounds it by O(alpha^(m/2) n^(m/4+1))).
// NaN while eta <= 0.
double net_movement_bound(const AppendixBounds& b, const Population& pop, std::size_t n_normal,
                          double off_normal_movement, double alpha, double gamma);

// For Section 5's fixed point (x, c) with floor alpha and power gamma.
AppendixBounds appendix_bounds(const Population& pop, std::span<const double> c,
                               std::span<const double> q, double alpha, double gamma);

}  // namespace fairmc::power
