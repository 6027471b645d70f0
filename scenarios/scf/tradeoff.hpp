// Where one SCF's optimum lies between the two extreme optima of an allocation problem, and how
// far it is from a reference: the quantities behind the experiments' claims that the utilitarian
// sum has the least total cost, max/leximin the least worst-off cost, sum + gamma max lies between
// them (Section IV-B), Nash over the equilibrium improves every group and Nash with rights is
// Appendix A's proportional rule. Per draw, so a claim is checked on every population, not only
// on average.
#pragma once

#include <limits>
#include <span>

namespace fairmc::scf {

// Total and worst-off cost at the utilitarian optimum and at the max-min (rawls_max or leximin)
// optimum; NaN when that SCF is not evaluated.
struct TradeoffEnds {
  double util_total = std::numeric_limits<double>::quiet_NaN();
  double util_worst = std::numeric_limits<double>::quiet_NaN();
  double maxmin_total = std::numeric_limits<double>::quiet_NaN();
  double maxmin_worst = std::numeric_limits<double>::quiet_NaN();
};

// (total - util_total) / (maxmin_total - util_total): 0 at the utilitarian optimum, 1 at the
// max-min one, < 0 only if some optimum had less total cost than the utilitarian one. NaN when an
// end is missing or the two ends' totals agree to 1e-9 relatively (the position is then noise).
double total_cost_position(double total, const TradeoffEnds& ends);
// (worst - maxmin_worst) / (util_worst - maxmin_worst): 0 at the max-min optimum, 1 at the
// utilitarian one; NaN as above.
double worst_cost_position(double worst, const TradeoffEnds& ends);

// min_k (reference_k - cost_k) over the groups of positive mass: > 0 iff every group is strictly
// better off than at the reference (the Wardrop equilibrium of Figure 5(d)); NaN without groups.
double min_gain(std::span<const double> cost, std::span<const double> reference,
                std::span<const double> mass);

// max_i |x_i / X - c_i / sum_j c_j|: how far the shares of the supply X are from the shares of the
// rights (0 for Appendix A's proportional allocation); NaN unless X > 0.
double rights_share_gap(std::span<const double> x, std::span<const double> rights, double supply);

}  // namespace fairmc::scf
