// Every metric the power models emit is declared once (scenarios/power/metrics.hpp): `fairmc list`
// describes it with a unit and a help line, no model emits a name twice, and a draw writes one
// value per name. Also the tables' layout that run() relies on.
#include "scenarios/power/metrics.hpp"
#include "scenarios/power/scenario.hpp"

#include "tests/metric_catalog.hpp"

#include <doctest/doctest.h>

#include <iterator>
#include <string>

using namespace fairmc;

TEST_CASE("power: every emitted metric is described with a unit, and names are unique") {
  testing::check_metric_catalog(
      power::scenario(),
      {"population: {agents: 50, issues: 1}\nmechanism: {construction: median}",
       "population: {agents: 50, issues: 2}\nmechanism: {construction: fixed_point}",
       "population: {agents: 50, issues: 2}\nmechanism: {construction: equal_c}",
       "population: {agents: 40, issues: 2}\n"
       "mechanism: {name: iteration, iterations: 5, rescale: {issue: 1, factor: 10}}",
       "population: {agents: 40, issues: 2}\nmechanism: {name: iteration, budget: hz, "
       "iterations: 4}"});
}

TEST_CASE("power: metrics() is the tables in order, the failure flag where the table puts it") {
  const ScenarioInfo info = power::scenario();
  const auto ep = info.prepare(Params::parse("population: {agents: 20, issues: 2}"));
  CHECK(ep->metrics() == names(power::kEqualPowerMetrics));
  CHECK(ep->metrics()[power::kConstructionFailed] == "construction_failed");
  CHECK(find_described(info.metrics, "fixed_point_iterations")->unit == "count");
  // A draw without a certified fixed point writes the flag alone (max_iterations: 1 cannot
  // certify one).
  const auto failing = info.prepare(
      Params::parse("population: {agents: 200, issues: 2}\nmechanism: {construction: fixed_point, "
                    "max_iterations: 1}"));
  std::vector<double> out(failing->metrics().size(), kUndefined);
  failing->run(Draw(7, 0), out);
  for (std::size_t k = 0; k < out.size(); ++k) {
    CAPTURE(failing->metrics()[k]);
    if (k == power::kConstructionFailed)
      CHECK(out[k] == 1.0);
    else
      CHECK(std::isnan(out[k]));
  }
  // Iteration: the fixed table, then one to_limit_t<k> per checkpoint 1, 2, 4, ..., T.
  const auto it = info.prepare(Params::parse(
      "population: {agents: 20, issues: 2}\nmechanism: {name: iteration, iterations: 6}"));
  std::vector<std::string> want = names(power::kIterationMetrics);
  for (const char* k : {"1", "2", "4", "6"})
    append_names(want, power::kIterationCheckpointMetrics, {{"k", k}});
  CHECK(it->metrics() == want);
}
