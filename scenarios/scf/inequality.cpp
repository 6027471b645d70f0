#include "scenarios/scf/inequality.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace fairmc::scf {

double weighted_sd(std::span<const double> v, std::span<const double> m) {
  double M = 0.0, s = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    M += m[i];
    s += m[i] * v[i];
  }
  const double mean = s / M;
  double var = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) var += m[i] * (v[i] - mean) * (v[i] - mean);
  return std::sqrt(var / M);
}

double weighted_gini(std::span<const double> v, std::span<const double> m) {
  // Sorted form: sum_ij m_i m_j |v_i - v_j| = 2 sum_i m_i v_i (2 C_i - m_i - M), where C_i is
  // the cumulative mass up to and including i in increasing order: O(n log n).
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  double M = 0.0, s = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!(v[i] >= 0.0)) return std::numeric_limits<double>::quiet_NaN();
    M += m[i];
    s += m[i] * v[i];
  }
  if (!(s > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  double cum = 0.0, pair_sum = 0.0;
  for (const std::size_t i : order) {
    cum += m[i];
    pair_sum += m[i] * v[i] * (2.0 * cum - m[i] - M);
  }
  // pair_sum = (1/2) sum_ij m_i m_j |v_i - v_j|; mean = s / M.
  return pair_sum / (M * s);
}

}  // namespace fairmc::scf
