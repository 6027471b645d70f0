// The interface between the engine and a paper's scenario.
//
// A scenario turns the Params of one sweep point into a Model (prepare: read and validate
// everything, precompute what all draws share). The engine then calls Model::run once per draw,
// concurrently from several threads, with the draw's random streams. run() writes one double per
// metric; NaN means "not defined for this draw" and is not counted. Scenarios never see threads,
// HDF5 or YAML.
#pragma once

#include "engine/params.hpp"
#include "engine/ratio_spec.hpp"
#include "engine/rng.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace fairmc {

// The identity of one draw: its random streams are functions of (point key, index, substream).
class Draw {
 public:
  Draw(std::uint64_t point_key, std::uint64_t index) : key_(point_key), index_(index) {}
  std::uint64_t index() const { return index_; }
  Rng stream(Substream s) const { return Rng(key_, index_, s); }
  Rng stream(std::uint32_t id) const { return Rng(key_, index_, id); }

 private:
  std::uint64_t key_;
  std::uint64_t index_;
};

struct Described {
  std::string name;
  std::string help;  // one line
  // Metrics only: CF units ("1" = dimensionless), see engine/metric.hpp.
  std::string unit = {};
};

class Model {
 public:
  virtual ~Model() = default;
  // Metric names, fixed for the point, in the order run() writes them.
  virtual std::vector<std::string> metrics() const = 0;
  // One draw. `out` has metrics().size() entries, pre-filled with NaN. Must be thread-safe.
  virtual void run(const Draw& draw, std::span<double> out) const = 0;
  // Ratios of means E[num] / E[den] of two of metrics() (a paper's claim about a ratio of
  // expectations), estimated by the engine from block sums with a jackknife error.
  virtual std::vector<RatioSpec> ratios() const { return {}; }
  // Deterministic per-point numbers (closed forms, bounds) stored beside the statistics.
  virtual std::vector<std::pair<std::string, double>> constants() const { return {}; }
};

struct ScenarioInfo {
  std::string name;
  std::string paper;  // e.g. "000 Equality of Power and Fair Public Decision-making"
  std::string help;
  std::vector<Described> samplers;
  std::vector<Described> mechanisms;
  std::vector<Described> metrics;
  std::vector<Described> ratios;  // what Model::ratios() declares, for `fairmc list`
  std::function<std::unique_ptr<const Model>(const Params&)> prepare;
  // Optional: bytes one draw of a point needs at least (model and working set), from the
  // parameters alone. The engine calls it before prepare and refuses points that cannot fit.
  std::function<double(const Params&)> memory_estimate;
};

}  // namespace fairmc
