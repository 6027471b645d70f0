// Experiment files: YAML + defaults from configs/ + command-line overrides, expanded into the
// sweep points (DESIGN.md "Experiment file"). Everything here is validated before the first draw.
#pragma once

#include "engine/check_spec.hpp"
#include "engine/params.hpp"
#include "engine/params_impl.hpp"
#include "engine/ratio_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace fairmc {

// One dimension of the sweep. A grid axis has one key; the zip axis ("zip") pairs several keys
// whose value lists have equal length.
struct Axis {
  std::string name;                             // the key, or "zip"
  std::vector<std::string> keys;                // dotted key paths set along this axis
  std::vector<std::vector<YAML::Node>> values;  // values[k][i]: value of keys[k] at index i
  std::size_t size() const { return values.empty() ? 0 : values.front().size(); }
};

// A least-squares fit of a metric's mean against a swept key (log-log when `log`).
struct Fit {
  std::string metric;
  std::string against;
  bool log = true;
};

// A precision target (`precision:`): the 95% half-width of a metric's mean or of a ratio's
// jackknife interval must reach `abs`, or `rel` times |estimate| (exactly one of the two is set).
struct PrecisionTarget {
  std::string name;
  bool ratio = false;  // a ratio metric (`ratio:`) rather than a plain one (`metric:`)
  double rel = 0;      // 0 = not set
  double abs = 0;
  // Met by an estimate with this 95% half-width (NaN is never met).
  bool met(double estimate, double half_width) const {
    return abs > 0 ? half_width <= abs : half_width <= rel * (estimate < 0 ? -estimate : estimate);
  }
};

struct Experiment {
  std::filesystem::path file;
  std::string name;
  std::string description;
  std::string claim;
  std::string scenario;
  std::uint64_t seed = 0;
  std::int64_t draws = 0;
  std::int64_t block = 0;
  bool keep_draws = false;
  std::vector<std::string> metrics;  // selection; empty = every metric the scenario reports
  std::vector<Fit> fits;
  std::vector<RatioSpec> ratios;  // besides the scenario's own
  // With precision targets, `draws` is max_draws, the cap; a point stops at the first block count
  // 2^k (k >= 4) where every target holds (engine/runner.cpp).
  std::vector<PrecisionTarget> precision;
  // `checks:` (engine/check_spec.hpp), evaluated at every write of the results file; like
  // `claim`, they do not enter config_hash.
  std::vector<CheckSpec> checks;
  std::vector<Axis> axes;
  std::vector<std::string> overrides;  // as given on the command line
  YAML::Node resolved;                 // merged configuration, sweep section included
  std::shared_ptr<SourceIndex> marks;  // key path -> where it was set

  std::vector<std::size_t> shape() const;  // one entry per axis
  std::size_t point_count() const;
  std::int64_t block_count() const { return (draws + block - 1) / block; }
  std::string resolved_text() const;  // YAML text stored in results files
  // Hash of everything that determines the numbers except `draws` (resume compatibility).
  std::uint64_t config_hash() const;
};

struct Point {
  std::size_t index = 0;
  std::vector<std::size_t> coords;                          // index along each axis
  std::vector<std::pair<std::string, std::string>> values;  // swept key -> value text
  YAML::Node config;                                        // resolved config at this point
  std::string canonical;                                    // text hashed into the stream key
  std::uint64_t key = 0;
};

// At most this many sweep points per run, and values per sweep dimension; checked before any
// point is expanded.
inline constexpr std::size_t max_sweep_points = 10'000;
// At most this many blocks per point (draws / block, rounded up): each block's summary is stored.
inline constexpr std::int64_t max_blocks_per_point = 10'000'000;

// The engine keys' values when no file sets them. configs/defaults.yaml states the same values
// (tests/engine/test_config.cpp), so an experiment runs alike inside and outside the repository.
struct EngineDefaults {
  std::int64_t seed = 1;
  std::int64_t draws = 1000;
  std::int64_t block = 100;
  bool keep_draws = false;
};

// Top-level keys the engine owns; every other top-level section belongs to the scenario.
const std::vector<std::string>& engine_keys();

// Loads an experiment file, composing `defaults:` from configs/ and applying overrides
// (`a.b=v`, `a.b=1,2,3`, `a.b=range(..)|linspace(..)|logspace(..)`).
// configs/ is the first such directory beside the file or above it, or `configs_dir` when given
// (--config-dir).
Experiment load_experiment(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides,
                           const std::filesystem::path& configs_dir = {});
// The same from text already in memory (resume reads the text stored in a results file).
Experiment load_experiment_text(const std::string& text, const std::string& file_label,
                                const std::vector<std::string>& overrides,
                                const std::filesystem::path& configs_dir = {});
// The resolved text a results file stores (resume, grow, merge). It was checked when its run
// began, against the command line that run had; what that command line pinned or left out of a
// sweep is fixed in the text, so fits and checks naming such keys or values are accepted here.
Experiment load_stored_experiment(const std::string& text, const std::string& file_label,
                                  const std::vector<std::string>& overrides);

std::vector<Point> expand(const Experiment& e);

// "point 3 (population.agents=100, mechanism.work=2)", for messages.
std::string point_label(const Point& p);

// Canonical YAML text (sorted keys, normalised numbers) of a node.
std::string canonical_text(const YAML::Node& n);

// A value as shown to people: numbers normalised, strings unquoted.
std::string value_text(const YAML::Node& n);

// Parses the value of a sweep: a YAML list or a range()/linspace()/logspace() string.
std::vector<YAML::Node> sweep_values(const YAML::Node& spec, const SourceMark& where,
                                     const std::string& key);
// How many values sweep_values would give, computed without generating them.
std::size_t sweep_count(const YAML::Node& spec, const SourceMark& where, const std::string& key);

}  // namespace fairmc
