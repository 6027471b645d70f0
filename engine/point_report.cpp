#include "engine/point_report.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace fairmc {

std::vector<MetricReport> report_metrics(const PointRecord& r,
                                         const std::vector<std::vector<double>>* draws) {
  const auto merged = r.merged();
  const auto sketches = r.sketches();
  std::vector<MetricReport> out(r.metrics.size());
  for (std::size_t m = 0; m < out.size(); ++m) {
    MetricReport& rep = out[m];
    rep.summary = merged[m];
    const bool exact = draws && m < draws->size();
    rep.exact_quantiles = exact;
    for (std::size_t q = 0; q < kQuantileLevels.size(); ++q)
      rep.quantiles[q] = exact ? quantile((*draws)[m], kQuantileLevels[q])
                               : sketches[m].quantile(kQuantileLevels[q]);
    const auto [first, second] = r.fold.halves(m);
    rep.diagnostics = diagnose(merged[m], first, second, sketches[m]);
  }
  return out;
}

std::vector<RatioEstimate> report_ratios(const PointRecord& r) {
  const auto groups = r.fold.ratios();
  std::vector<RatioEstimate> out;
  for (std::size_t k = 0; k < r.ratios.size(); ++k)
    out.push_back(k < groups.size() ? groups[k].estimate() : RatioEstimate{});
  return out;
}

std::string ratio_text(const RatioSpec& spec, const RatioEstimate& est) {
  std::ostringstream o;
  o.precision(6);
  if (std::isnan(est.estimate))  // printed bare it read "-nan +- -nan", a value with an interval
    o << "undefined (E[" << spec.num << "]/E[" << spec.den << "] is not a number, e.g. 0/0; n "
      << est.n << ")";
  else if (est.unbounded())
    o << est.estimate << ", no bounded 95% interval (E[" << spec.den
      << "] not distinguishable from 0; n " << est.n << ")";
  else
    o << est.bias_corrected << " +- " << est.half_width()
      << " (95%, jackknife, bias-corrected; plain " << est.estimate << ", n " << est.n << ")";
  return o.str();
}

std::vector<std::string> run_notes(const RunRecord& run, std::size_t max_lines) {
  std::vector<std::string> warnings, ratios, notes;
  std::size_t more_warnings = 0, more_ratios = 0, more_notes = 0;
  for (std::size_t p = 0; p < run.results.size(); ++p) {
    const PointRecord& r = run.results[p];
    if (!r.error.empty() || r.blocks_done() == 0) continue;
    const auto metrics = report_metrics(r);
    // Undefined (NaN) draws are no warning, but a mean over fewer draws than were made must say
    // so: one line per point naming each such metric with its count.
    std::ostringstream undefined;
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      const Diagnostics& d = metrics[m].diagnostics;
      if (d.undefined == 0) continue;
      undefined << (undefined.tellp() > 0 ? ", " : "") << r.metrics[m] << " " << d.undefined << "/"
                << metrics[m].summary.n + d.undefined + d.pos_inf + d.neg_inf
                << (metrics[m].summary.n == 0 ? " (no finite draw)" : "");
    }
    // Their own, smaller budget, after the warnings, so they never crowd a warning out.
    if (undefined.tellp() > 0) {
      if (notes.size() < std::max<std::size_t>(1, max_lines / 4))
        notes.push_back(
            "note: " + point_label(run.points[p]) +
            ": draws where a metric is undefined (NaN), left out of its n: " + undefined.str());
      else
        ++more_notes;
    }
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      if (!metrics[m].diagnostics.unreliable) continue;
      if (warnings.size() < max_lines)
        warnings.push_back("warning: " + point_label(run.points[p]) + ": metric " + r.metrics[m] +
                           ": " + metrics[m].diagnostics.warning);
      else
        ++more_warnings;
    }
    const auto est = report_ratios(r);
    for (std::size_t k = 0; k < est.size(); ++k) {
      if (ratios.size() >= max_lines) {
        ++more_ratios;
        continue;
      }
      std::ostringstream o;
      o.precision(6);
      o << point_label(run.points[p]) << ": ratio " << r.ratios[k].name << " = E["
        << r.ratios[k].num << "]/E[" << r.ratios[k].den << "] = ";
      ratios.push_back(o.str() + ratio_text(r.ratios[k], est[k]));
    }
  }
  if (more_ratios) ratios.push_back("... and " + std::to_string(more_ratios) + " more ratios");
  if (more_warnings)
    warnings.push_back("... and " + std::to_string(more_warnings) +
                       " more warnings (fairmc show lists them all)");
  if (more_notes)
    notes.push_back("... and " + std::to_string(more_notes) +
                    " more points with undefined draws (fairmc show lists them all)");
  ratios.insert(ratios.end(), warnings.begin(), warnings.end());
  ratios.insert(ratios.end(), notes.begin(), notes.end());
  return ratios;
}

}  // namespace fairmc
