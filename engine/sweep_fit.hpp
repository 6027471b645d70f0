// A fit (`fits:`) evaluated over the sweep: the weighted least-squares line of a metric's mean
// against a swept key, along that key's axis, for every combination of the other axes. Shared by
// /summary's fit arrays and the checks of a slope, so both see the same numbers.
#pragma once

#include "engine/config.hpp"
#include "engine/results.hpp"
#include "engine/stats.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace fairmc {

struct SweepFit {
  std::size_t axis = 0;                          // the axis of the fit's key
  std::vector<std::size_t> rest_axes;            // the other axes, in order
  std::vector<std::size_t> shape;                // their sizes: the fit's shape
  std::vector<LineFit> lines;                    // one per entry of the shape, row-major
  std::vector<std::vector<std::size_t>> points;  // per line, the sweep points along the axis
};

// A swept value's text as a number when the whole text is one (how /summary stores an axis as
// numbers, and how a fit reads its x), else nothing.
std::optional<double> numeric_value(const std::string& text);

// `merged[p]`: the merged summaries of point p (PointRecord::merged()).
SweepFit fit_over_sweep(const Experiment& e, const RunRecord& run,
                        const std::vector<std::vector<Summary>>& merged, const Fit& f);

}  // namespace fairmc
