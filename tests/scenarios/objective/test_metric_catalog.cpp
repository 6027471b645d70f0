// Every metric a model emits is declared once: `fairmc list` describes it with a unit and a real
// one-line description (not a pointer to the docs), and no model emits a name twice.
#include "scenarios/objective/scenario.hpp"

#include "tests/metric_catalog.hpp"

#include <doctest/doctest.h>

TEST_CASE("objective: every emitted metric is described with a unit, and names are unique") {
  // objective has no families: every name is listed as is.
  fairmc::testing::check_metric_catalog(
      fairmc::objective::scenario(),
      {"population: {agents: 2, items: 4}\nmechanism: {alpha: 0.2, beta: 0.1}",
       "population: {agents: 5, items: 4}\nmechanism: {alpha: 0.2, beta: 0.1}",
       "mechanism: {name: strategic}",
       "population: {items: 2}\nmechanism: {name: strategic, search: joint}"},
      {.exact_names = true});
}
