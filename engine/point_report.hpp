// Everything the engine reports about one sweep point's metrics and ratios, from its merged
// blocks: moments, quantiles, diagnostics, ratio estimates, precision targets. Shared by the
// results file (engine/stats_layout.cpp) and the run's closing summary; knows no HDF5.
#pragma once

#include "engine/config.hpp"
#include "engine/diagnostics.hpp"
#include "engine/ratio_estimate.hpp"
#include "engine/results.hpp"

#include <array>
#include <string>
#include <vector>

namespace fairmc {

inline constexpr std::array<double, 5> kQuantileLevels{0.05, 0.25, 0.5, 0.75, 0.95};
inline constexpr std::array<const char*, 5> kQuantileNames{"q05", "q25", "median", "q75", "q95"};

struct MetricReport {
  Summary summary;
  std::array<double, 5> quantiles{};  // at kQuantileLevels
  bool exact_quantiles = false;       // from kept draws rather than the sketch
  Diagnostics diagnostics;
};

// One per metric of the point. `draws`, when given (keep_draws), has every draw of each metric
// and gives exact quantiles.
std::vector<MetricReport> report_metrics(const PointRecord& r,
                                         const std::vector<std::vector<double>>* draws = nullptr);
// One per ratio of the point.
std::vector<RatioEstimate> report_ratios(const PointRecord& r);

// The estimate part of a ratio's line: "b +- h (95%, jackknife, ...)", or why there is no interval
// ("no bounded 95% interval" when E[den] may be 0; "undefined" when the estimate is not a number,
// e.g. 0/0 where num and den are 0 in every draw).
std::string ratio_text(const RatioSpec& spec, const RatioEstimate& est);

// One-line warnings ("point 0: metric gain_to_loss: normal interval unreliable: ...") and ratio
// lines for the end of `fairmc run`, at most `max_lines` of each kind, then at most max_lines / 4
// notes naming the metrics with undefined (NaN) draws.
std::vector<std::string> run_notes(const RunRecord& run, std::size_t max_lines = 20);

}  // namespace fairmc
