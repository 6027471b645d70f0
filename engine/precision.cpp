#include "engine/precision.hpp"

#include <algorithm>
#include <limits>

namespace fairmc {

std::int64_t initial_limit(const Experiment& e) {
  return e.precision.empty() ? e.block_count() : std::min(kFirstPrecisionCheck, e.block_count());
}

TargetState evaluate_target(const PrecisionTarget& t, const PointRecord& r) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  TargetState s{nan, nan, false};
  if (t.ratio) {
    for (std::size_t k = 0; k < r.ratios.size(); ++k)
      if (r.ratios[k].name == t.name) {
        const auto groups = r.fold.ratios();
        if (k >= groups.size()) break;
        const RatioEstimate est = groups[k].estimate();
        s = {est.estimate, est.half_width(), false};
      }
  } else {
    const auto it = std::find(r.metrics.begin(), r.metrics.end(), t.name);
    if (it != r.metrics.end()) {
      const Summary m = r.merged()[static_cast<std::size_t>(it - r.metrics.begin())];
      s = {m.mean_or_nan(), m.ci95_half_width(), false};
    }
  }
  s.met = t.met(s.estimate, s.half_width);
  return s;
}

bool decide_precision(const Experiment& e, PointRecord& r) {
  if (e.precision.empty() || !r.error.empty()) return false;
  bool changed = false;
  while (!r.limit_final && r.fold.frontier() >= r.limit) {
    r.targets_met.clear();
    bool all = true;
    for (const auto& t : e.precision) {
      const bool met = evaluate_target(t, r).met;
      r.targets_met.push_back(met ? 1 : 0);
      all = all && met;
    }
    if (all || r.limit >= e.block_count())
      r.limit_final = true;
    else
      r.limit = std::min(2 * r.limit, e.block_count());
    changed = true;
  }
  return changed;
}

}  // namespace fairmc
