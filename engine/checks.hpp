// Evaluation of an experiment's checks (engine/check_spec.hpp) against the statistics the
// results file is written from: per selected point an estimate, its error, the allowed interval
// and a verdict; per check the deciding (worst) point and a verdict (docs/results-format.md,
// "/checks"). Knows no HDF5: engine/checks_file.cpp writes and prints the outcome.
#pragma once

#include "engine/check_spec.hpp"
#include "engine/ratio_estimate.hpp"
#include "engine/results.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace fairmc {

enum class Verdict { pass, fail, undetermined };
const char* verdict_name(Verdict v);  // "pass", "fail", "undetermined"

struct CheckRow {
  static constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  std::int64_t point = 0;  // sweep point; for a slope, the index into the fit's shape
  double estimate = nan;
  double error = nan;  // what sigmas / the t quantile multiply (0 for draws)
  double target = nan;
  double lo = nan;  // allowed interval of the estimate (+-inf when one-sided)
  double hi = nan;
  double statistic = nan;  // see CheckResult::statistic_name
  double threshold = nan;
  std::int64_t violations = -1;  // draws subject only
  Verdict verdict = Verdict::undetermined;
};

struct CheckResult {
  CheckSpec spec;
  std::vector<CheckRow> rows;  // one per selected point, in point order
  Verdict verdict = Verdict::undetermined;
  std::string statistic_name;  // what `statistic` is
  std::string pass_if;         // "statistic <= threshold", ...
  std::int64_t worst = -1;     // index into rows of the deciding point, -1 if none
  std::int64_t failed = 0, undetermined = 0;
  std::int64_t violations = -1;  // draws subject: the sum over the rows (-1 otherwise)
  bool violations_exact = true;  // false: counted from quantile sketches, a lower bound
};

// Kept draws of (point, metric index), when the experiment keeps them; nullopt otherwise.
using KeptDraws = std::function<std::optional<std::vector<double>>(std::size_t, std::size_t)>;

// `ratios[p]`: point p's ratio estimates, parallel to run.results[p].ratios. Only complete points
// are evaluated; the others (pending, partial, failed) are undetermined.
std::vector<CheckResult> evaluate_checks(const RunRecord& run,
                                         const std::vector<std::vector<RatioEstimate>>& ratios,
                                         const KeptDraws& draws);

// The worst verdict of all checks (fail, then undetermined, then pass).
Verdict overall_verdict(const std::vector<CheckResult>& checks);

// Counts draws of `sketch` beyond [lo, hi] (NaN draws are not counted): exact when the sketch's
// min and max are inside (0) or when `draws` are given; otherwise a lower bound from the buckets
// that lie wholly outside. Sets `exact` accordingly.
std::int64_t count_violations(const QuantileSketch& sketch, double lo, double hi,
                              const std::vector<double>* draws, bool& exact);

}  // namespace fairmc
