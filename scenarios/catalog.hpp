// Every scenario fairmc knows, by name. The apps pass this list to the engine; the engine itself
// never names a scenario.
#pragma once

#include "engine/scenario.hpp"

#include <vector>

namespace fairmc {

std::vector<ScenarioInfo> scenario_catalog();

}  // namespace fairmc
