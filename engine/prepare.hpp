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
  std::vector<std::pair<std::string, double>> constants;
  std::map<std::string, std::string> defaults;  // scenario-filled defaults (UsageRecord)
};

const ScenarioInfo& find_scenario(const std::vector<ScenarioInfo>& catalog, const Experiment& e);

// Throws ConfigError on the first invalid point.
std::vector<PreparedPoint> prepare_points(const Experiment& e, const std::vector<Point>& points,
                                          const ScenarioInfo& scenario);

}  // namespace fairmc
