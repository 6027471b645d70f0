// Every metric a model emits is declared once: `fairmc list` describes it with a unit and a real
// one-line description (not a pointer to the docs), and no model emits a name twice.
#include "engine/metric.hpp"
#include "scenarios/objective/scenario.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace fairmc;

TEST_CASE("objective: every emitted metric is described with a unit, and names are unique") {
  const ScenarioInfo info = objective::scenario();
  for (const Described& d : info.metrics) {
    CAPTURE(d.name);
    CHECK(!d.unit.empty());
    CHECK(d.help.size() > 10);
    CHECK(d.help.find("see docs") == std::string::npos);
  }
  for (const char* yaml : {"population: {agents: 2, items: 4}\nmechanism: {alpha: 0.2, beta: 0.1}",
                           "population: {agents: 5, items: 4}\nmechanism: {alpha: 0.2, beta: 0.1}",
                           "mechanism: {name: strategic}",
                           "population: {items: 2}\nmechanism: {name: strategic, search: joint}"}) {
    CAPTURE(yaml);
    const auto m = info.prepare(Params::parse(yaml));
    const std::vector<std::string> names = m->metrics();
    CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
    for (const std::string& n : names) {
      CAPTURE(n);
      const Described* d = find_described(info.metrics, n);
      REQUIRE(d != nullptr);
      CHECK(d->name == n);  // objective has no families: every name is listed as is
    }
  }
}
