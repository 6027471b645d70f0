#include "engine/sweep_fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

namespace fairmc {

std::optional<double> numeric_value(const std::string& s) {
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

SweepFit fit_over_sweep(const Experiment& e, const RunRecord& run,
                        const std::vector<std::vector<Summary>>& merged, const Fit& f) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto dims = e.shape();
  SweepFit out;
  std::size_t key_in_axis = 0;
  for (std::size_t a = 0; a < e.axes.size(); ++a)
    for (std::size_t k = 0; k < e.axes[a].keys.size(); ++k)
      if (e.axes[a].keys[k] == f.against) out.axis = a, key_in_axis = k;
  for (std::size_t a = 0; a < dims.size(); ++a)
    if (a != out.axis) out.shape.push_back(dims[a]), out.rest_axes.push_back(a);
  std::size_t slices = 1;
  for (const auto r : out.shape) slices *= r;
  const auto metric_at = [&](std::size_t p) {
    const auto& names = run.results[p].metrics;
    const auto it = std::find(names.begin(), names.end(), f.metric);
    return it == names.end() ? Summary{} : merged[p][static_cast<std::size_t>(it - names.begin())];
  };
  for (std::size_t s = 0; s < slices; ++s) {
    std::vector<std::size_t> coords(dims.size(), 0);
    std::size_t rem = s;
    for (std::size_t r = out.rest_axes.size(); r-- > 0;) {
      coords[out.rest_axes[r]] = rem % out.shape[r];
      rem /= out.shape[r];
    }
    std::vector<double> xs, ys, sigmas;
    std::vector<std::size_t> along;
    for (std::size_t i = 0; i < dims[out.axis]; ++i) {
      coords[out.axis] = i;
      std::size_t p = 0;
      for (std::size_t a = 0; a < dims.size(); ++a) p = p * dims[a] + coords[a];
      along.push_back(p);
      const double x =
          numeric_value(value_text(e.axes[out.axis].values[key_in_axis][i])).value_or(nan);
      const Summary m = metric_at(p);
      const double y = m.mean_or_nan();
      xs.push_back(f.log ? (x > 0 ? std::log(x) : nan) : x);
      ys.push_back(f.log ? (y > 0 ? std::log(y) : nan) : y);
      // Weighted by 1/sem^2; on a log scale sem(log y) = sem(y) / y (delta method).
      sigmas.push_back(f.log ? m.sem() / y : m.sem());
    }
    out.lines.push_back(fit_line(xs, ys, sigmas));
    out.points.push_back(std::move(along));
  }
  return out;
}

}  // namespace fairmc
