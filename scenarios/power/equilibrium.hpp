// An outcome x with agent scalings c (Section 2), and the constructions of the paper that produce
// one: the median of Section 3 (one issue), the fixed point of Section 5's map, and the uniform
// scaling of Appendix E.
#pragma once

#include "scenarios/power/population.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace fairmc::power {

struct Equilibrium {
  std::vector<double> x;     // outcome, length m
  std::vector<double> c;     // scaling c_i > 0, length n
  std::vector<char> normal;  // agent in the paper's "normal" set N-hat (Lemma 3.3 / Appendix B.2)
  double lambda_ref = 0.0;   // the lambda all agents should approach (Theorem 3.1 / Theorem 4.1)
  double residual = 0.0;     // relative sup-norm residual of the construction's defining equation
  int iterations = 0;
  // q_j = sum_k c_k w_kj and grad U(x) when the construction computed them in its pass over c
  // (then bit-identical to issue_weights / welfare_gradient); empty: not computed.
  std::vector<double> q;
  std::vector<double> grad;
};

// q_j = sum_k c_k w_kj: the sample version of n * integral p(k) c_k w_kj dk (Lemma C.1).
std::vector<double> issue_weights(const Population& pop, std::span<const double> c);

// grad U(x)_j = -2 sum_k c_k w_kj (x_j - y_kj) for the sample welfare U(x) = sum_k u_k(x).
std::vector<double> welfare_gradient(const Population& pop, std::span<const double> c,
                                     std::span<const double> x);

// Section 3: x = the sample median (midpoint of the middle pair when n is even) and
// c_i = 1 / (w_i |x - y_i|); an agent sitting at x gets the mean of the other c_i (the paper lets
// it be any constant). Then sum_i sgn(x - y_i) = 0, so x maximises U (Lemma 3.1), and
// lambda_ref = 1 / sqrt(q gamma) (Theorem 3.1). Normal agents: |x - y_i| >= n^(-1/4).
// The sample median of y as Section 3 takes it: the (n/2)-th smallest value (0-based), for even n
// averaged with the one below. Selects through a histogram of the values' IEEE keys (2^16
// buckets, one pass) and nth_element on the one or two buckets holding those ranks, instead of
// nth_element on a copy of all n values (issue 19); the same value, falling back to that
// nth_element where a zero of either sign is selected. `scratch` is reused storage.
double sample_median(std::span<const double> y, std::vector<double>& scratch);

Equilibrium median_construction(const Population& pop, double gamma);
// The same into `eq`, reusing its storage.
void median_construction(const Population& pop, double gamma, Equilibrium& eq);

// Appendix E: c_i = 1 for all i and x the welfare maximiser, x_j = sum w_kj y_kj / sum w_kj
// (Lemma B.1). The paper names no limit lambda; lambda_ref is left 0 for the caller to set.
Equilibrium equal_scaling(const Population& pop);

}  // namespace fairmc::power
