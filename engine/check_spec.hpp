// A check of an experiment file (`checks:`, issue 18): a quantitative claim the engine evaluates
// after the run against the points' statistics (engine/checks.hpp). This file parses and
// validates it: the shape when the file is loaded, the names of metrics, ratios and constants
// once the scenario has prepared the points, both before the first draw.
#pragma once

#include "engine/params.hpp"

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace fairmc {

struct Experiment;
struct Point;
struct PreparedPoint;

enum class CheckSubject { mean, ratio, slope, draws };
enum class CheckComparison { equals, le, ge, in, exceeds, below };

// A number, or the name of a per-point constant the scenario reports (e.g. expected_max).
struct CheckTarget {
  double value = std::numeric_limits<double>::quiet_NaN();
  std::string constant;  // empty: `value`
  std::string text() const;
};

struct CheckSpec {
  std::string name;
  std::string claim;
  std::string source;   // "" when absent
  std::string erratum;  // "" when absent
  CheckSubject subject = CheckSubject::mean;
  std::string metric;   // mean, draws: a metric; ratio: a ratio's name; slope: the fit's metric
  std::string against;  // slope: the fit's swept key
  CheckComparison comparison = CheckComparison::equals;
  std::vector<CheckTarget> targets;  // one; two (lo, hi) for `in`
  double sigmas = 4;
  double tolerance = 0;
  double confidence = 0.95;
  // `at:`: swept (or pinned) key -> the accepted values as canonical text; empty = every point.
  std::vector<std::pair<std::string, std::vector<std::string>>> at;
  std::string path;  // "checks.2", for errors
  SourceMark where;  // the list item

  // "mean of max", "slope of gap against population.agents".
  std::string subject_text() const;
  // "equals expected_max within 4 sem + 0.01", "exceeds 1 with 95% confidence".
  std::string comparison_text() const;
};

// Keys a check accepts, for the docs and error messages.
const std::vector<std::string>& check_keys();

// Reads `checks:` from the experiment's root section (shape, names, options; every error names
// the key, its place and what is accepted).
std::vector<CheckSpec> read_checks(const Params& root);

// After the sweep is known: `at:` names swept keys (or keys an override pinned) and values they
// take; a slope names a fit that `fits:` declares, and its `at:` leaves the fit's axis out.
// `declared_fits`: (metric, against) of every fit in the file, before pinned ones were dropped.
// `stored`: a results file's resolved text (config.hpp, load_stored_experiment), whose `at:`
// values may be ones its run's command line left out of the sweep.
void check_against_sweep(const Experiment& e,
                         const std::vector<std::pair<std::string, std::string>>& declared_fits,
                         const std::set<std::string>& pinned, bool stored = false);

// Once the scenario has prepared every point: the metrics, ratios and constants the checks name
// exist at every point they select.
void check_against_points(const Experiment& e, const std::vector<Point>& points,
                          const std::vector<PreparedPoint>& prepared);

// Whether the check's `at:` selects the point (its configuration's values at the `at:` keys).
bool check_selects(const CheckSpec& c, const Point& p);

}  // namespace fairmc
