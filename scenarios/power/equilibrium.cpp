#include "scenarios/power/equilibrium.hpp"

#include <algorithm>
#include <cmath>

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

void median_construction(const Population& pop, double gamma, Equilibrium& eq) {
  const std::size_t n = pop.n;
  eq.iterations = 0;
  // c's storage doubles as the scratch copy for the selection (one fewer n-sized buffer).
  std::vector<double>& scratch = eq.c;
  scratch.assign(pop.y.begin(), pop.y.end());
  const std::size_t mid = n / 2;
  const auto mid_it = scratch.begin() + static_cast<std::ptrdiff_t>(mid);
  std::nth_element(scratch.begin(), mid_it, scratch.end());
  double x = *mid_it;
  if (n % 2 == 0) x = 0.5 * (*std::max_element(scratch.begin(), mid_it) + x);
  eq.x = {x};
  eq.normal.resize(n);
  const double normal_radius = std::pow(static_cast<double>(n), -0.25);
  // One pass: c, and with it q = sum c w, grad U(x) and Lemma 3.1's balance (each sum in agent
  // order, as issue_weights and welfare_gradient compute them; redone below if an agent sits at x).
  double sum_c = 0.0, q = 0.0, grad = 0.0, balance = 0.0;
  std::size_t at_x = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double yi = pop.y[i], wi = pop.w[i];
    const double d = std::abs(x - yi);
    eq.normal[i] = d >= normal_radius;
    balance += (x > yi) - (x < yi);
    if (d > 0.0) {
      const double ci = 1.0 / (wi * d);
      eq.c[i] = ci;
      sum_c += ci;
      q += ci * wi;
      grad -= 2.0 * ci * wi * (x - yi);
    } else {
      eq.c[i] = 0.0;
      ++at_x;
    }
  }
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
