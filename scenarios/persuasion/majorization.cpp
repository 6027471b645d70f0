#include "scenarios/persuasion/majorization.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fairmc::persuasion {

std::vector<double> prefix_smallest(std::span<const double> u) {
  std::vector<double> sorted(u.begin(), u.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> q(sorted.size());
  double s = 0.0;
  for (std::size_t k = 0; k < sorted.size(); ++k) q[k] = (s += sorted[k]);
  return q;
}

double majorization_ratio(std::span<const double> best_prefix, std::span<const double> u) {
  const std::vector<double> q = prefix_smallest(u);
  const double scale = best_prefix.empty() ? 0.0 : std::abs(best_prefix.back());
  double alpha = 1.0;
  for (std::size_t k = 0; k < q.size(); ++k) {
    if (best_prefix[k] <= 1e-12 * scale) continue;
    if (q[k] <= 0.0) return std::numeric_limits<double>::infinity();
    alpha = std::max(alpha, best_prefix[k] / q[k]);
  }
  return alpha;
}

void raise_prefix(std::vector<double>& best, std::span<const double> prefix) {
  if (best.empty()) best.assign(prefix.size(), 0.0);
  for (std::size_t k = 0; k < prefix.size(); ++k) best[k] = std::max(best[k], prefix[k]);
}

double welfare_sum(std::span<const double> u) {
  double s = 0.0;
  for (const double x : u) s += x;
  return s;
}
double welfare_min(std::span<const double> u) {
  return *std::min_element(u.begin(), u.end());
}
double welfare_nash(std::span<const double> u) {
  double s = 0.0;
  for (const double x : u) {
    if (x <= 0.0) return 0.0;
    s += std::log(x);
  }
  return std::exp(s / static_cast<double>(u.size()));
}

}  // namespace fairmc::persuasion
