#include "scenarios/power/equilibrium.hpp"

#include "scenarios/power/batch_math.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace fairmc::power {

std::vector<double> issue_weights(const Population& pop, std::span<const double> c) {
  std::vector<double> q(pop.m, 0.0);
  for (std::size_t i = 0; i < pop.n; ++i)
    for (std::size_t j = 0; j < pop.m; ++j) q[j] += c[i] * pop.w[i * pop.m + j];
  return q;
}

std::vector<double> welfare_gradient(const Population& pop, std::span<const double> c,
                                     std::span<const double> x) {
  std::vector<double> g(pop.m, 0.0);
  for (std::size_t i = 0; i < pop.n; ++i)
    for (std::size_t j = 0; j < pop.m; ++j)
      g[j] -= 2.0 * c[i] * pop.w[i * pop.m + j] * (x[j] - pop.y[i * pop.m + j]);
  return g;
}

Equilibrium median_construction(const Population& pop, double gamma) {
  Equilibrium eq;
  median_construction(pop, gamma, eq);
  return eq;
}

namespace {

// The original selection: nth_element on a copy, then the largest of the lower half.
double median_by_selection(std::span<const double> y, std::vector<double>& scratch) {
  const std::size_t n = y.size(), mid = n / 2;
  scratch.assign(y.begin(), y.end());
  const auto mid_it = scratch.begin() + static_cast<std::ptrdiff_t>(mid);
  std::nth_element(scratch.begin(), mid_it, scratch.end());
  double x = *mid_it;
  if (n % 2 == 0) x = 0.5 * (*std::max_element(scratch.begin(), mid_it) + x);
  return x;
}

// Order-preserving key of a double (negative values reversed), for finite values and infinities.
std::uint64_t order_key(double v) {
  const auto b = std::bit_cast<std::uint64_t>(v);
  return (b >> 63) != 0 ? ~b : b | (std::uint64_t{1} << 63);
}

// The sums of median_construction's pass over the agents.
struct MedianSums {
  double sum_c = 0.0, q = 0.0, grad = 0.0;
  std::int64_t balance = 0;  // sum_i sgn(x - y_i): exact as an integer, as a double sum up to 2^53
  std::size_t at_x = 0;
};

// c_i = 1 / (w_i |x - y_i|) (0 for an agent at x), the normal flags, and the sums, in blocks: c
// and every term of the sums in branch-free loops the compiler vectorises (FAIRMC_POWER_KERNEL,
// batch_math.hpp: four divisions per vdivpd where the scalar divsd bounded the pass, issue 19),
// then the sums in agent order. An agent at x adds +0.0 to sum_c and q (sums that start at +0.0
// and add terms >= 0, so never -0.0: unchanged) and subtracts +0.0 from grad (x - (+0) = x for
// every x): the same bits as skipping it.
FAIRMC_POWER_KERNEL MedianSums median_pass(const double* ys, const double* ws, std::size_t n,
                                           double x, double normal_radius, double* cs,
                                           char* normal) {
  MedianSums s;
  double sum_c = 0.0, q = 0.0, grad = 0.0;
  std::int64_t balance = 0;
  std::size_t at_x = 0;
  constexpr std::size_t B = 256;
  alignas(32) double cv[B], qv[B], gv[B];
  char nv[B];
  bool av[B];
  for (std::size_t i0 = 0; i0 < n; i0 += B) {
    const std::size_t nb = std::min(B, n - i0), at_x_before = at_x;
    for (std::size_t k = 0; k < nb; ++k) {
      const double yi = ys[i0 + k], wi = ws[i0 + k];
      const double d = std::abs(x - yi);
      const bool away = d > 0.0;
      const double ci = 1.0 / (wi * d);
      nv[k] = d >= normal_radius;
      balance += static_cast<std::int64_t>(x > yi) - static_cast<std::int64_t>(x < yi);
      at_x += !away;
      cv[k] = ci;
      qv[k] = ci * wi;
      gv[k] = 2.0 * ci * wi * (x - yi);
      av[k] = away;
    }
    // The agents at x (rarely any): c = 0 for now, and no terms (q and grad are recomputed when
    // there is one). With selects in the loop above, GCC moved the division under a branch and
    // the loop did not vectorise.
    if (at_x != at_x_before)
      for (std::size_t k = 0; k < nb; ++k)
        if (!av[k]) cv[k] = qv[k] = gv[k] = 0.0;
    for (std::size_t k = 0; k < nb; ++k) {
      sum_c += cv[k];
      q += qv[k];
      grad -= gv[k];
    }
    std::copy(cv, cv + nb, cs + i0);
    std::copy(nv, nv + nb, normal + i0);
  }
  s.sum_c = sum_c;
  s.q = q;
  s.grad = grad;
  s.balance = balance;
  s.at_x = at_x;
  return s;
}

}  // namespace

double sample_median(std::span<const double> y, std::vector<double>& scratch) {
  const std::size_t n = y.size(), mid = n / 2;
  if (n < 4096) return median_by_selection(y, scratch);  // the histogram does not pay
  constexpr int kShift = 48;  // 2^16 buckets: sign, exponent and 4 mantissa bits
  std::vector<std::uint32_t> count(std::size_t{1} << 16, 0);
  for (const double v : y) {
    if (std::isnan(v)) return median_by_selection(y, scratch);
    ++count[order_key(v) >> kShift];
  }
  // Buckets holding ranks mid and (even n) mid - 1, and how many values lie below each.
  std::size_t below = 0, b_mid = 0;
  for (; below + count[b_mid] <= mid; ++b_mid) below += count[b_mid];
  std::size_t b_low = b_mid, below_low = below;
  const bool even = n % 2 == 0;
  if (even && below == mid) {  // rank mid - 1 is the largest value of an earlier bucket
    do --b_low;
    while (count[b_low] == 0);
    below_low = below - count[b_low];
  }
  scratch.clear();
  for (const double v : y) {
    const std::uint64_t b = order_key(v) >> kShift;
    if (b == b_mid || b == b_low) scratch.push_back(v);
  }
  // scratch holds the values of b_low (if different) and b_mid, in y's order; both ranks are
  // counted from below_low.
  const auto at = [&](std::size_t rank) {
    const auto it = scratch.begin() + static_cast<std::ptrdiff_t>(rank - below_low);
    std::nth_element(scratch.begin(), it, scratch.end());
    return *it;
  };
  const double x = at(mid);
  double x_low = x;
  if (even) x_low = at(mid - 1);
  if (x == 0.0 || x_low == 0.0) return median_by_selection(y, scratch);  // +0 or -0: as before
  return even ? 0.5 * (x_low + x) : x;
}

void median_construction(const Population& pop, double gamma, Equilibrium& eq) {
  const std::size_t n = pop.n;
  eq.iterations = 0;
  // c's storage doubles as the selection's scratch (one fewer n-sized buffer).
  const double x = sample_median(pop.y, eq.c);
  eq.c.resize(n);
  eq.x = {x};
  eq.normal.resize(n);
  const double normal_radius = std::pow(static_cast<double>(n), -0.25);
  // One pass: c, and with it q = sum c w, grad U(x) and Lemma 3.1's balance (each sum in agent
  // order, as issue_weights and welfare_gradient compute them; redone below if an agent sits at x).
  const MedianSums m =
      median_pass(pop.y.data(), pop.w.data(), n, x, normal_radius, eq.c.data(), eq.normal.data());
  double q = m.q, grad = m.grad;
  const double sum_c = m.sum_c, balance = static_cast<double>(m.balance);
  const std::size_t at_x = m.at_x;
  if (at_x > 0) {
    const double fill = at_x < n ? sum_c / static_cast<double>(n - at_x) : 1.0;
    for (double& ci : eq.c)
      if (ci == 0.0) ci = fill;
    q = issue_weights(pop, eq.c)[0];
    grad = welfare_gradient(pop, eq.c, eq.x)[0];
  }
  eq.q = {q};
  eq.grad = {grad};
  eq.lambda_ref = 1.0 / std::sqrt(q * gamma);
  // Lemma 3.1's condition: sum_i sgn(x - y_i) = 0, reported relative to n.
  eq.residual = std::abs(balance) / static_cast<double>(n);
}

Equilibrium equal_scaling(const Population& pop) {
  Equilibrium eq;
  eq.c.assign(pop.n, 1.0);
  eq.normal.assign(pop.n, 1);
  eq.x.assign(pop.m, 0.0);
  const std::vector<double> q = issue_weights(pop, eq.c);
  for (std::size_t i = 0; i < pop.n; ++i)
    for (std::size_t j = 0; j < pop.m; ++j) eq.x[j] += pop.w[i * pop.m + j] * pop.y[i * pop.m + j];
  for (std::size_t j = 0; j < pop.m; ++j) eq.x[j] /= q[j];
  return eq;
}

}  // namespace fairmc::power
