// Program 1's solver as an inline kernel (see program1.hpp for the mathematics). With the number
// of issues M known at compile time (M = 1..6) the loops unroll and the scratch stays in
// registers, and the per-agent loop of outcome_metrics.cpp inlines it (issue 19: the call through
// spans with run-time loops cost ~370 instructions an agent at m = 2). M = 0: m at run time.
// Every instantiation performs the same operations in the same order, so gives the same bits.
#pragma once

#include "scenarios/power/program1.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace fairmc::power::detail {

// Small fixed-size scratch for M = 0: no allocation unless m exceeds it.
inline constexpr std::size_t kStackIssues = 16;

// 1/u0 and 1/u1 with one division, 1/(u0 u1) (issue 19: divisions bound the m = 2 pass), when
// u0 u1 is a normal number (no overflow or underflow; false otherwise, and nothing written).
// Each result is within ~2 ulp, against 0.5 for its own division.
inline bool pair_reciprocals(double u0, double u1, double& r0, double& r1) {
  const double uu = u0 * u1;
  if (!(uu >= std::numeric_limits<double>::min() && uu <= std::numeric_limits<double>::max()))
    return false;
  const double R = 1.0 / uu;
  r0 = u1 * R;
  r1 = u0 * R;
  return true;
}

// a, e, q, delta have m entries; g has m entries or is null (all zero).
template <std::size_t M>
inline Program1Result program1(const double* a, const double* e, const double* q, const double* g,
                               std::size_t m_run, double gamma, double* delta) {
  const std::size_t m = M > 0 ? M : m_run;
  if (m == 1) {
    // One issue (Lemma 3.3's closed form): the general path below with its loops unrolled, the
    // same operations in the same order, so the same bits (the median draw's hot loop).
    const double b = g == nullptr ? 0.0 : g[0] / (2.0 * q[0]);
    const double ep = e[0] - b;
    const double gamma_c = gamma + q[0] * b * b;
    if (0.0 + q[0] * ep * ep <= gamma_c) {
      delta[0] = e[0];
      return {0.0, false};
    }
    const double A = a[0] * a[0] * ep * ep / q[0];
    if (A <= 0.0) {
      delta[0] = b;
      return {0.0, false};
    }
    const double lambda = std::sqrt((0.0 + A) / gamma_c) - a[0] / q[0];
    delta[0] = b + a[0] * ep / (a[0] + lambda * q[0]);
    return {lambda, true};
  }
  // Complete the square: sum q d^2 - g.d = sum q (d - b)^2 - sum q b^2 with b = g / (2q), so the
  // feasible set is an ellipsoid centred at b with "radius" gamma' = gamma + sum q b^2. Writing
  // d = b + z reduces the program to the centred form with target e' = e - b.
  constexpr std::size_t kBuf = M > 0 ? M : kStackIssues;
  double gamma_c = gamma;
  double reach = 0.0;  // sum_j q_j e'_j^2: power needed to move onto the ideal point
  double b_buf[kBuf], ep_buf[kBuf], A_buf[kBuf], rho_buf[kBuf];
  std::vector<double> heap;
  double* b = b_buf;
  double* ep = ep_buf;
  double* A = A_buf;
  double* rho = rho_buf;
  if (M == 0 && m > kStackIssues) {
    heap.resize(4 * m);
    b = heap.data();
    ep = b + m;
    A = ep + m;
    rho = A + m;
  }
  for (std::size_t j = 0; j < m; ++j) {
    b[j] = g == nullptr ? 0.0 : g[j] / (2.0 * q[j]);
    ep[j] = e[j] - b[j];
    gamma_c += q[j] * b[j] * b[j];
    reach += q[j] * ep[j] * ep[j];
  }
  if (reach <= gamma_c) {  // ideal point affordable: unconstrained optimum, lambda = 0
    for (std::size_t j = 0; j < m; ++j) delta[j] = e[j];
    return {0.0, false};
  }

  // Tight constraint: phi(lambda) = sum_j A_j / (rho_j + lambda)^2 = gamma' with
  // A_j = a_j^2 e'_j^2 / q_j and rho_j = a_j / q_j. phi decreases strictly, and
  // S/(rho_max + l)^2 <= phi(l) <= S/(rho_min + l)^2 (S = sum A_j) brackets the root in
  // [sqrt(S/gamma') - rho_max, sqrt(S/gamma') - rho_min]. The active terms (A_j > 0) are kept
  // for the Newton loop.
  // 1/q_j once (issue 19: the blocked m = 2 pass computes it once per pass, and divisions bound
  // that pass; the products round differently from a_j^2 e'_j^2 / q_j in the last bit).
  double S = 0.0, rho_lo = std::numeric_limits<double>::infinity(), rho_hi = 0.0, rho_avg = 0.0;
  std::size_t k = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const double inv_q = 1.0 / q[j];
    const double Aj = a[j] * a[j] * ep[j] * ep[j] * inv_q;
    if (Aj <= 0.0) continue;
    const double rj = a[j] * inv_q;
    S += Aj;
    rho_avg += Aj * rj;
    rho_lo = std::min(rho_lo, rj);
    rho_hi = std::max(rho_hi, rj);
    A[k] = Aj;
    rho[k++] = rj;
  }
  if (k == 0) {  // indifferent on every issue she cannot reach: stay on the ellipsoid centre
    for (std::size_t j = 0; j < m; ++j) delta[j] = b[j];
    return {0.0, false};
  }
  const double inv_gamma_c = 1.0 / gamma_c;
  const double s = std::sqrt(S * inv_gamma_c);
  double lambda;
  if (rho_hi - rho_lo <= 1e-15 * rho_hi) {
    lambda = s - rho_lo;  // closed form (one issue, or equal rho: Lemma 3.3)
  } else {
    // Newton on h(l) = phi(l)^(-1/2) - gamma'^(-1/2), which is increasing and nearly linear (it is
    // exactly linear when all rho_j coincide), so Newton converges in a handful of steps. A
    // specialised safeguarded loop (bisection inside the shrinking bracket when a step leaves it)
    // with A_j, rho_j computed once: Boost's generic iteration cost ~100 ns an agent (issue 19).
    double lo = std::max(0.0, s - rho_hi);
    double hi = s - rho_lo;
    // The start: with u = 1/lambda, phi = (S/lambda^2)(1 - 2 rbar u + 3 r2 u^2 + O(u^3)) (rbar,
    // r2: the A-weighted mean of rho and of rho^2), so h = 0 reads
    // lambda + rbar - 1.5 V / lambda + O(u^2) = s with V = r2 - rbar^2 = sum A (rho - rbar)^2 / S:
    // lambda = s - rbar + 1.5 V / s to second order in rho / lambda (1/s for 1/lambda is a
    // third-order change). The first-order start s - rbar left ~10% of the agents at a Section 5
    // fixed point a step above 1e-9, hence a second evaluation (issue 19). rbar and V / s from
    // one division; clamped into the bracket (a NaN from an underflow to lo), where any start is
    // valid.
    const double inv_Ss = 1.0 / (S * s);
    const double rbar = rho_avg * s * inv_Ss;
    double vs = 0.0;  // V S
    for (std::size_t t = 0; t < k; ++t) vs += A[t] * (rho[t] - rbar) * (rho[t] - rbar);
    const double start = (s - rbar) + 1.5 * vs * inv_Ss;
    lambda = !(start >= lo) ? lo : (hi < start ? hi : start);  // std::clamp
    for (int it = 0; it < 100; ++it) {
      double phi = 0.0, T = 0.0;  // T = -phi'/2
      double r0 = 0.0, r1 = 0.0;
      if (k == 2 && pair_reciprocals(rho[0] + lambda, rho[1] + lambda, r0, r1)) {
        const double Ar0 = A[0] * r0 * r0, Ar1 = A[1] * r1 * r1;
        phi = (0.0 + Ar0) + Ar1;
        T = (0.0 + Ar0 * r0) + Ar1 * r1;
      } else {
        for (std::size_t t = 0; t < k; ++t) {
          const double r = 1.0 / (rho[t] + lambda);
          const double Ar2 = A[t] * r * r;
          phi += Ar2;
          T += Ar2 * r;
        }
      }
      // h = phi^(-1/2) - gamma'^(-1/2) = (1 - sqrt(phi / gamma')) / sqrt(phi) and h' = T
      // phi^(-3/2): the step h / h' = (1 - sqrt(phi / gamma')) phi / T (one division, no
      // 1/sqrt(phi)). sqrt(phi (1/gamma')) is within ~1 ulp of sqrt(phi / gamma'), against ~2
      // for sqrt(phi) (1/sqrt(gamma')), whose error is the same for every agent.
      const double hs = 1.0 - std::sqrt(phi * inv_gamma_c);  // h sqrt(phi): the sign of h
      if (hs == 0.0) break;
      (hs < 0.0 ? lo : hi) = lambda;  // h increases: the root lies on the other side
      double next = lambda - hs * phi / T;
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      // h is nearly linear, so after a step of relative size r the error is O(r^2): a step below
      // 1e-9 leaves an error far below rounding, and the usual start (within ~1e-12 when the
      // rho_j are small against lambda, as at Section 5's fixed point) needs one evaluation.
      const bool done = std::abs(next - lambda) <= 1e-9 * std::abs(next);
      lambda = next;
      if (done || hi - lo <= 4.0 * std::numeric_limits<double>::epsilon() * hi) break;
    }
  }
  // delta_j = b_j + a_j e'_j / (a_j + lambda q_j) = b_j + rho_j e'_j / (rho_j + lambda); for two
  // active issues the second form with one division (pair_reciprocals).
  double v0 = 0.0, v1 = 0.0;
  if (m == 2 && k == 2 && pair_reciprocals(rho[0] + lambda, rho[1] + lambda, v0, v1)) {
    delta[0] = b[0] + rho[0] * ep[0] * v0;
    delta[1] = b[1] + rho[1] * ep[1] * v1;
  } else {
    for (std::size_t j = 0; j < m; ++j) delta[j] = b[j] + a[j] * ep[j] / (a[j] + lambda * q[j]);
  }
  return {lambda, true};
}

// U(x) - U(x + delta) = sum_j q_j delta_j^2 - g . delta; g null = all zero.
template <std::size_t M>
inline double power_used(const double* delta, const double* q, const double* g, std::size_t m_run) {
  const std::size_t m = M > 0 ? M : m_run;
  double s = 0.0;
  for (std::size_t j = 0; j < m; ++j) {
    s += q[j] * delta[j] * delta[j];
    if (g != nullptr) s -= g[j] * delta[j];
  }
  return s;
}

}  // namespace fairmc::power::detail
