// Shared by the configuration tests: the error text of planning an experiment like `fairmc plan`,
// and a substring check that prints the whole text when the part is missing.
#pragma once

#include "engine/config.hpp"
#include "engine/prepare.hpp"
#include "scenarios/catalog.hpp"

#include <doctest/doctest.h>

#include <string>

namespace fairmc::testing {

// Loads (by `load`, which returns the Experiment), expands and prepares like `fairmc plan`;
// returns the ConfigError's text, "" when the experiment is valid.
template <class Load>
std::string plan_error(Load load) {
  try {
    const auto e = load();
    const auto catalog = fairmc::scenario_catalog();
    fairmc::prepare_points(e, fairmc::expand(e), fairmc::find_scenario(catalog, e));
  } catch (const fairmc::ConfigError& err) {
    return err.what();
  }
  return "";
}

inline bool has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return true;
  MESSAGE("missing '" << part << "' in: " << text);
  return false;
}

}  // namespace fairmc::testing
