#include "scenarios/power/bounds.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace fairmc::power {

AppendixBounds appendix_bounds(const Population& pop, std::span<const double> c,
                               std::span<const double> q, double alpha, double gamma) {
  const std::size_t n = pop.n, m = pop.m;
  const double dn = static_cast<double>(n), dm = static_cast<double>(m);
  // One pass: w_min, w_max, each issue's range of ideal points, and max_i c_i w_ij.
  double w_min = std::numeric_limits<double>::infinity(), w_max = -w_min;
  std::vector<double> lo(m, w_min), hi(m, -w_min), top(m, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) {
      const double w = pop.w[i * m + j], y = pop.y[i * m + j];
      w_min = std::min(w_min, w);
      w_max = std::max(w_max, w);
      lo[j] = std::min(lo[j], y);
      hi[j] = std::max(hi[j], y);
      top[j] = std::max(top[j], c[i] * w);
    }
  double d2 = 0.0;
  for (std::size_t j = 0; j < m; ++j) d2 += (hi[j] - lo[j]) * (hi[j] - lo[j]);
  AppendixBounds b;
  b.d_max = std::sqrt(d2);
  b.beta = w_min * w_min / (4.0 * w_max * w_max * w_max * d2);
  const double b3 = dn * w_min * w_min / (4.0 * w_max * w_max * d2);
  b.b3_ratio = std::numeric_limits<double>::infinity();
  b.b4_ratio = std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < m; ++j) b.b3_ratio = std::min(b.b3_ratio, q[j] / dn / b3);
  for (std::size_t j = 0; j < m; ++j)
    b.b4_ratio = std::min(b.b4_ratio, q[j] / dn / (b.beta * std::sqrt(dn) * alpha * top[j]));
  const double sg = std::sqrt(gamma);
  b.eta = (std::pow(dn, 1.5) * alpha * b.beta * w_min - 2.0 * sg * dm * w_max) / (2.0 * dm * w_max);
  if (b.eta > 0.0) {
    b.c5_dev = 1.0 - 1.0 / std::sqrt(1.0 + sg / b.eta);
    b.c6_dev = 1.0 - std::sqrt(b.eta / (b.eta + 1.0));
  } else {
    b.c5_dev = b.c6_dev = std::numeric_limits<double>::quiet_NaN();
  }
  return b;
}

double net_movement_bound(const AppendixBounds& b, const Population& pop, std::size_t n_normal,
                          double off_normal_movement, double alpha, double gamma) {
  if (!(b.eta > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  const double dn = static_cast<double>(pop.n);
  const double d2 =
      gamma * (b.eta + 1.0) / b.eta * b.d_max / (b.beta * b.beta * dn * dn * dn * alpha * alpha);
  const double d3 = std::sqrt(gamma) * b.d_max / (b.beta * b.eta * std::pow(dn, 1.5) * alpha);
  return static_cast<double>(n_normal) * (d2 + d3) + off_normal_movement;
}

}  // namespace fairmc::power
