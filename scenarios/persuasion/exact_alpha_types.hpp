// A certified bracket on the best prefix sums Q_k* (Definition 2.2, canonical accounting of
// Section 4, as exact_alpha.hpp) for Appendix A's family at any n: one slot (1-uniform matroid),
// one agent with a point prior ("A") and n agents with one identical two-point prior ("B").
// exact_alpha.hpp enumerates multisets of bucket laws, C(n + |V| - 1, n) of them: beyond ~26
// agents that is out of reach, while the issue asks for n = 10^4.
//
// Reduction. Q_k* is a maximum over the achievable set, which is convex and invariant under
// permutations of the B agents, so it is attained at a type-constant point: Q_k* = max over the
// 2-D set S of class totals (Y_A, Y_B) of Q_k(y_A, y_B = Y_B / n). With one slot the class totals
// of a profile depend on the B agents' bucket laws only through G(b) = Π_i F_i(b), the CDF of their
// highest bucket: with β the first bucket at which B beats A (A's bucket b0, +1 when A wins ties),
//   Y_A = m_b0 G(β-1),  Y_B = m_top - m_β G(β-1) - Σ_{b=β}^{top-1} (m_{b+1} - m_b) G(b),
// and log G = Σ_v c_v log F_v is linear in the counts c_v of the vertex laws v of Π_B. So the
// support function h(λ) = max over count vectors of λ_A Y_A + λ_B Y_B (the tie order is the
// greedy's for λ).
//
// Bounds. Upper: counts relaxed to reals (a superset), and then, per direction, the objective
// is const + κ e^u - Σ_b d_b e^{z_b} with d_b >= 0, u = z_{β-1}: concave when κ <= 0; when κ > 0,
// u's range is split into intervals on which e^u is bounded by its chord (concave again), refined
// where the bound is largest. Each concave piece is maximised by Kelley's cutting planes (GLPK):
// the LP value is a certified upper bound (tangents under-estimate exp). S lies inside the polygon
// of these half-planes, so U_k = max of Q_k over the polygon bounds Q_k*. Lower: each LP solution's
// counts, rounded to integers, are a real profile; its exact (Y_A, Y_B), and the policies' own
// points, span an achievable polygon: L_k = max of Q_k over it. The gap is the relaxation's
// integrality gap (a few ulp of n: ~1e-4 relative at n = 10^4) plus the cut tolerances.
#pragma once

#include "scenarios/persuasion/buckets.hpp"
#include "scenarios/persuasion/polymatroid.hpp"
#include "scenarios/persuasion/prior.hpp"

#include <memory>
#include <string>
#include <vector>

namespace fairmc::persuasion {

struct PrefixBracket {
  bool ok = false;
  std::string reason;      // why not, when !ok
  std::vector<double> lo;  // L_k <= Q_k*, k = 1..n+1
  std::vector<double> hi;  // Q_k* <= U_k
  int directions = 0;      // support-function directions evaluated
  int lp_solves = 0;       // concave pieces solved
};

// True when the bracket below applies (checked again by it, with the reason).
bool appendix_a_family(const std::vector<DiscretePrior>& priors, const Polymatroid& f);

// Applies when f is a 1-uniform matroid, exactly one agent has a point prior and all others one
// identical two-point prior; otherwise ok = false with the reason. `points` are achievable
// utility vectors (e.g. the computed policies' canonical utilities), added to the lower side.
PrefixBracket appendix_a_prefix_bracket(const std::vector<DiscretePrior>& priors,
                                        const Polymatroid& f, const Buckets& buckets,
                                        const std::vector<std::vector<double>>& points);

}  // namespace fairmc::persuasion
