#include "scenarios/scf/tradeoff.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace fairmc::scf {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// (value - zero) / (one - zero), NaN when the span is not resolved above round-off.
double position(double value, double zero, double one) {
  const double span = one - zero;
  if (!(std::abs(span) > 1e-9 * std::max(std::abs(zero), std::abs(one)))) return nan;
  return (value - zero) / span;
}

}  // namespace

double total_cost_position(double total, const TradeoffEnds& e) {
  return position(total, e.util_total, e.maxmin_total);
}

double worst_cost_position(double worst, const TradeoffEnds& e) {
  return position(worst, e.maxmin_worst, e.util_worst);
}

double min_gain(std::span<const double> cost, std::span<const double> reference,
                std::span<const double> mass) {
  double m = nan;
  for (std::size_t k = 0; k < cost.size(); ++k) {
    if (!(mass[k] > 0.0)) continue;
    const double gain = reference[k] - cost[k];
    m = std::isnan(m) ? gain : std::min(m, gain);
  }
  return m;
}

double rights_share_gap(std::span<const double> x, std::span<const double> rights, double supply) {
  if (!(supply > 0.0)) return nan;
  double total_rights = 0.0;
  for (const double c : rights) total_rights += c;
  double gap = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i)
    gap = std::max(gap, std::abs(x[i] / supply - rights[i] / total_rights));
  return gap;
}

}  // namespace fairmc::scf
