// `fairmc plan --json` and `fairmc list --json`: the same content as engine/describe.hpp's text,
// as JSON documents (schema: docs/cli.md, "JSON output").
#pragma once

#include "engine/config.hpp"
#include "engine/prepare.hpp"
#include "engine/scenario.hpp"

#include <string>
#include <vector>

namespace fairmc {

std::string plan_json(const Experiment& e, const std::vector<Point>& points,
                      const std::vector<PreparedPoint>& prepared);
std::string catalog_json(const std::vector<ScenarioInfo>& catalog);

}  // namespace fairmc
