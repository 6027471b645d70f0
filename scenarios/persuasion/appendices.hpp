// The counterexamples of Appendices B and C (1) as computations: the best majorization factor any
// mixture achieves when the allocation set is not a polymatroid (deterministic values, so no
// signaling is involved; only the allocation lottery is chosen). Both are LPs (GLPK).
#pragma once

#include <vector>

namespace fairmc::persuasion {

// Appendix B: n agents of value 1, allocations conv{u^(1..n)}, u^(j)_k = M^j for k >= j. Every
// allocation is sorted, Q_j(x) = Σ_{i<=j} p_i M^i (j-i+1) and Q_j* = M^j, so the best factor is
// 1/t for max t s.t. Σ_{i<=j} p_i M^(i-j) (j-i+1) >= t for all j (rows divided by M^j). The paper
// proves β >= n/(1 + n²/M).
double appendix_b_best_beta(int n, double M);

// Appendix C (1): 2n agents in groups g_i = {i, 2n+1-i} (the paper's {i, 2n-i} collides at
// i = n), values n^(2i) and N - n^(2i), N = n^(2n+2); a lottery p over the groups gives agent i
// utility p_i n^(2i). The allocation set has a 1-majorized point (uniform p); the utility vectors
// do not: the best α is the LP max t s.t. Q_j(U(p)) >= t·Q_j* (Goel–Meyerson form), Q_j* from
// one LP per j. The paper proves α >= n(1-o(1))/(1 + 2/n). Up to n = 5 (coefficients
// span n^(2n+2); GLPK's scaling gives up at n = 6).
double appendix_c_best_alpha(int n);

// Appendix C (1)'s Q_j* / N, j = 1..2n: the largest sum of the j smallest utilities any lottery
// gives (one LP each; the denominators of appendix_c_best_alpha).
std::vector<double> appendix_c_best_prefixes(int n);

}  // namespace fairmc::persuasion
