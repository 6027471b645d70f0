// Every metric a model emits is declared once: `fairmc list` describes it (name pattern, unit,
// help), and no model emits a name twice.
#include "scenarios/scf/scenario.hpp"

#include "tests/metric_catalog.hpp"

#include <doctest/doctest.h>

TEST_CASE("scf: every emitted metric is described with a unit, and names are unique") {
  fairmc::testing::check_metric_catalog(
      fairmc::scf::scenario(),
      {"population: {sampler: negative_profiles, agents: 3}\nmechanism: {name: invariance}\n",
       "population: {sampler: fixed, benefit: [3, 1], upfront: [40, 60], supply: 120}\n"
       "mechanism: {name: divisible, scfs: \"nash_reference, utilitarian\"}\n",
       "population: {sampler: random, agents: 12, supply: 5}\nmechanism: {name: divisible}\n",
       "population: {sampler: figure5}\nmechanism: {name: traffic}\n",
       "population: {sampler: random, groups: 3}\nmechanism: {name: traffic}\n",
       "population: {sampler: random, groups: 9}\nmechanism: {name: traffic}\n"});
}
