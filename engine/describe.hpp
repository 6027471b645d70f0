// Human-readable text for `fairmc plan` and `fairmc list`.
#pragma once

#include "engine/config.hpp"
#include "engine/prepare.hpp"
#include "engine/scenario.hpp"

#include <string>
#include <vector>

namespace fairmc {

std::string describe_plan(const Experiment& e, const std::vector<Point>& points,
                          const std::vector<PreparedPoint>& prepared);
std::string describe_catalog(const std::vector<ScenarioInfo>& catalog);
// "fairmc 0.1.0 (git abc123, MPI: on)".
std::string build_info();

}  // namespace fairmc
