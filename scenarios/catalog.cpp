#include "scenarios/catalog.hpp"

#include "scenarios/demo/demo.hpp"
#include "scenarios/objective/scenario.hpp"
#include "scenarios/persuasion/appendices_scenario.hpp"
#include "scenarios/persuasion/scenario.hpp"
#include "scenarios/power/scenario.hpp"
#include "scenarios/scf/scenario.hpp"

namespace fairmc {

std::vector<ScenarioInfo> scenario_catalog() {
  std::vector<ScenarioInfo> all;
  all.push_back(demo::scenario());
  // Paper scenarios: one line each, in paper order.
  all.push_back(power::scenario());
  all.push_back(objective::scenario());
  all.push_back(persuasion::scenario());
  all.push_back(persuasion::appendices_scenario());
  all.push_back(scf::scenario());
  return all;
}

}  // namespace fairmc
