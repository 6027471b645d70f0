// The fuzzer's scenario catalog: the demo scenario only, so the target stays small.
#include "scenarios/catalog.hpp"
#include "scenarios/demo/demo.hpp"

namespace fairmc {
std::vector<ScenarioInfo> scenario_catalog() {
  return {demo::scenario()};
}
}  // namespace fairmc
