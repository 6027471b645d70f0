#include "scenarios/power/iteration.hpp"

#include "scenarios/power/equilibrium.hpp"
#include "scenarios/power/fixed_point.hpp"
#include "scenarios/power/program1.hpp"

#include <cmath>

namespace fairmc::power {

std::vector<double> starting_point(const Population& pop) {
  std::vector<double> x(pop.m, 0.0);
  for (std::size_t i = 0; i < pop.n; ++i)
    for (std::size_t j = 0; j < pop.m; ++j)
      x[j] += pop.y[i * pop.m + j] / static_cast<double>(pop.n);
  return x;
}

std::vector<double> discovered_metric(const Population& pop, std::span<const double> x,
                                      double alpha) {
  const double floor = alpha / std::sqrt(static_cast<double>(pop.n));
  std::vector<double> c(pop.n, 1.0);
  std::vector<char> unclamped(pop.n);
  std::vector<double> q = issue_weights(pop, c);
  for (int k = 0; k < 60; ++k) {
    scalings_at(pop, x, q, floor, c, unclamped);
    q = issue_weights(pop, c);
  }
  return q;
}

IterationPath run_iteration(const Population& pop, const IterationOptions& o) {
  const std::size_t n = pop.n, m = pop.m;
  const double floor = o.alpha / std::sqrt(static_cast<double>(n));
  IterationPath path;
  std::vector<double> x = starting_point(pop);
  path.x.push_back(x);

  std::vector<double> c(n, 1.0), q(m, 1.0), a(m), e(m), delta(m), step(m);
  std::vector<char> unclamped(n);
  const bool ep = o.budget == Budget::equal_power;
  if (ep) q = discovered_metric(pop, x, o.alpha);
  const std::span<const double> no_gradient;
  for (int t = 0; t < o.iterations; ++t) {
    const double decay = std::pow(1.0 + t, -o.decay);
    const double gamma = (ep ? o.gamma0 : o.hz_gamma0) * decay;
    if (ep) scalings_at(pop, x, q, floor, c, unclamped);
    std::fill(step.begin(), step.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < m; ++j) {
        a[j] = c[i] * pop.w[i * m + j];  // HZ: c = 1 (delta does not depend on c's scale)
        e[j] = pop.y[i * m + j] - x[j];
      }
      solve_program1(a, e, q, no_gradient, gamma, delta);
      for (std::size_t j = 0; j < m; ++j) step[j] += delta[j];
    }
    if (ep) q = issue_weights(pop, c);  // society's weights as revealed at this step
    for (std::size_t j = 0; j < m; ++j) x[j] += step[j];
    path.x.push_back(x);
  }
  return path;
}

}  // namespace fairmc::power
