// Every metric a model emits is declared once: `fairmc list` describes it (name pattern, unit,
// help), and no model emits a name twice.
#include "engine/metric.hpp"
#include "scenarios/scf/scenario.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace fairmc;

TEST_CASE("scf: every emitted metric is described with a unit, and names are unique") {
  const ScenarioInfo info = scf::scenario();
  for (const Described& d : info.metrics) {
    CAPTURE(d.name);
    CHECK(!d.unit.empty());
    CHECK(!d.help.empty());
  }
  for (const char* yaml :
       {"population: {sampler: negative_profiles, agents: 3}\nmechanism: {name: invariance}\n",
        "population: {sampler: fixed, benefit: [3, 1], upfront: [40, 60], supply: 120}\n"
        "mechanism: {name: divisible, scfs: \"nash_reference, utilitarian\"}\n",
        "population: {sampler: random, agents: 12, supply: 5}\nmechanism: {name: divisible}\n",
        "population: {sampler: figure5}\nmechanism: {name: traffic}\n",
        "population: {sampler: random, groups: 3}\nmechanism: {name: traffic}\n",
        "population: {sampler: random, groups: 9}\nmechanism: {name: traffic}\n"}) {
    CAPTURE(yaml);
    const auto m = info.prepare(Params::parse(yaml));
    const std::vector<std::string> names = m->metrics();
    CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
    for (const std::string& n : names) {
      CAPTURE(n);
      CHECK(find_described(info.metrics, n) != nullptr);
    }
  }
}
