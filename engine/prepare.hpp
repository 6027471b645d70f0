// Validation of a whole sweep before the first draw: the scenario prepares every point, and any
// key it did not read is reported as unknown, with the keys accepted at that place.
#pragma once

#include "engine/config.hpp"
#include "engine/scenario.hpp"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace fairmc {

struct PreparedPoint {
  std::shared_ptr<const Model> model;
  std::vector<std::string> metrics;      // the ones recorded (experiment's selection)
  std::vector<std::size_t> metric_slot;  // index of each recorded metric in model->metrics()
  std::size_t model_metric_count = 0;
  // The scenario's ratios whose num and den are recorded, then the experiment's `ratios:`.
  std::vector<RatioSpec> ratios;
  std::vector<std::pair<std::size_t, std::size_t>> ratio_slots;  // (num, den) indices in metrics
  std::vector<std::pair<std::string, double>> constants;
  std::map<std::string, std::string> defaults;  // scenario-filled defaults (UsageRecord)
};

const ScenarioInfo& find_scenario(const std::vector<ScenarioInfo>& catalog, const Experiment& e);

// Bytes this process may use: physical memory, ulimit -v / -d and the cgroup limit, the smallest.
double memory_limit_bytes();

// Throws ConfigError on the first invalid point, and on a point whose scenario estimates that one
// draw needs more than `memory_limit` bytes.
std::vector<PreparedPoint> prepare_points(const Experiment& e, const std::vector<Point>& points,
                                          const ScenarioInfo& scenario,
                                          double memory_limit = memory_limit_bytes());

}  // namespace fairmc
