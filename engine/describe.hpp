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
// The keys a `key=value` override can set, one dotted path per line: the resolved configuration's
// leaves (a list counts as one value) and the swept keys, without the sections that are not
// values (sweep, fits, checks, ratios, precision, metrics, defaults). For shell completion.
std::string describe_keys(const Experiment& e);
// "fairmc 0.1.0 (git abc123, MPI: on)".
std::string build_info();

}  // namespace fairmc
