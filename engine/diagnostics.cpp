#include "engine/diagnostics.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace fairmc {

Diagnostics diagnose(const Summary& all, const Summary& first, const Summary& second,
                     const QuantileSketch& sketch) {
  Diagnostics d;
  d.undefined = static_cast<double>(sketch.nan());
  d.pos_inf = static_cast<double>(sketch.pos_inf());
  d.neg_inf = static_cast<double>(sketch.neg_inf());
  if (all.n > 0) d.top_share = sketch.top_share(Diagnostics::kTopFraction);
  if (all.n > 1 && all.m2 > 0) d.half_variance = sketch.fewest_holding(0.5, all.mean);
  if (first.n > 1 && second.n > 1) {
    const double se = std::hypot(first.sem(), second.sem());
    if (se > 0) d.drift_z = (second.mean - first.mean) / se;
  }
  std::ostringstream why;
  const auto reason = [&](const std::string& r) {
    why << (d.unreliable ? "; " : "") << r;
    d.unreliable = true;
  };
  if (d.pos_inf + d.neg_inf > 0) {
    std::ostringstream r;
    r << d.pos_inf + d.neg_inf << " draw" << (d.pos_inf + d.neg_inf > 1 ? "s were" : " was")
      << " +-inf (counted, left out of the mean)";
    reason(r.str());
  }
  if (all.n > 1 && (!std::isfinite(all.m2) || !std::isfinite(all.mean)))
    reason("the variance overflows double precision");
  const double few = std::min(Diagnostics::kFewDraws, Diagnostics::kFewDrawsShare * all.n);
  if (d.half_variance < few) {
    std::ostringstream r;
    r << d.half_variance << " of " << all.n << " draws " << (d.half_variance > 1 ? "hold" : "holds")
      << " half of the variance";
    if (d.top_share > 0) {
      r.precision(3);
      r << ", the largest 0.1% " << 100 * d.top_share << "% of the sum";
    }
    reason(r.str());
  }
  if (!(d.half_variance < few) && d.half_variance < std::sqrt(all.n)) {
    // Each side's tail from its own draws beyond the median: a metric that is mostly 0 with an
    // exponential tail has few of them, and sqrt(n) of those would reach down into its bulk.
    const double median = sketch.quantile(0.5);
    std::uint64_t k_used = 0;
    for (const bool upper : {true, false}) {
      const std::uint64_t m = sketch.beyond(median, upper);
      if (static_cast<double>(m) < Diagnostics::kTailMinDraws) continue;
      const auto k = static_cast<std::uint64_t>(std::ceil(std::sqrt(static_cast<double>(m))));
      const double a = sketch.tail_index(median, k, upper);
      if (std::isnan(d.tail_index) || a < d.tail_index) d.tail_index = a, k_used = k;
    }
    if (d.tail_index < Diagnostics::kTailIndexLimit) {
      std::ostringstream r;
      r.precision(3);
      r << "a power-law tail of index " << d.tail_index << " (Hill, " << k_used
        << " largest deviations from the median; the variance is infinite below 2), "
        << d.half_variance << " of " << all.n << " draws hold half of the variance";
      reason(r.str());
    }
  }
  if (std::fabs(d.drift_z) > Diagnostics::kDriftLimit) {
    std::ostringstream r;
    r.precision(3);
    r << "the two halves of the blocks differ by " << std::fabs(d.drift_z) << " standard errors";
    reason(r.str());
  }
  if (d.unreliable) d.warning = "normal interval unreliable: " + why.str();
  return d;
}

}  // namespace fairmc
