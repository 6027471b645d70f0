// Hostile experiment text: YAML features and spellings that must either mean exactly what was
// written or be refused with the place, the key and what is accepted.
#include "engine/config.hpp"

#include "engine/config_text.hpp"

#include <doctest/doctest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using fairmc::ConfigError;

namespace {

const std::string head = "experiment: t\nscenario: demo\n";

std::string value_at(const YAML::Node& root, const std::string& path) {
  const YAML::Node n = fairmc::at_path(root, path);
  return n && n.IsScalar() ? n.Scalar() : std::string("<none>");
}

// The error text of loading `text` ("" when it loads).
[[maybe_unused]] std::string error_of(const std::string& text,
                                      const std::vector<std::string>& overrides = {}) {
  try {
    fairmc::load_experiment_text(text, "t.yaml", overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

[[maybe_unused]] bool has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return true;
  MESSAGE("missing '" << part << "' in: " << text);
  return false;
}

}  // namespace

TEST_CASE("an alias is a copy of its anchor's value: setting one place leaves the other") {
  // yaml-cpp keeps `*x` as the very node `&x` names; a sweep point, an override or a higher
  // layer setting population.a.v used to set population.b.v as well.
  const std::string text = head + "population: {agents: 5, a: &x {v: 1}, b: *x}\n";
  SUBCASE("a sweep") {
    const auto e =
        fairmc::load_experiment_text(text + "sweep: {grid: {population.a.v: [3, 4]}}\n", "t", {});
    const auto points = fairmc::expand(e);
    REQUIRE(points.size() == 2);
    CHECK(value_at(points[0].config, "population.a.v") == "3");
    CHECK(value_at(points[1].config, "population.a.v") == "4");
    for (const auto& p : points) CHECK(value_at(p.config, "population.b.v") == "1");
  }
  SUBCASE("an override") {
    const auto e = fairmc::load_experiment_text(text, "t", {"population.a.v=7"});
    CHECK(value_at(e.resolved, "population.a.v") == "7");
    CHECK(value_at(e.resolved, "population.b.v") == "1");
    // and the resolved text a results file stores says so
    const auto again = fairmc::load_experiment_text(e.resolved_text(), "again", {});
    CHECK(value_at(again.resolved, "population.b.v") == "1");
  }
  SUBCASE("a higher layer") {
    const fs::path dir =
        fs::temp_directory_path() / ("fairmc_test_alias_" + std::to_string(::getpid()));
    fs::create_directories(dir / "configs");
    std::ofstream(dir / "configs" / "base.yaml")
        << "population: {agents: 5, a: &x {v: 1}, b: *x}\n";
    const auto e = fairmc::load_experiment_text(
        head + "defaults: [base]\npopulation: {a: {v: 2}}\n", "t", {}, dir / "configs");
    fs::remove_all(dir);
    CHECK(value_at(e.resolved, "population.a.v") == "2");
    CHECK(value_at(e.resolved, "population.b.v") == "1");
  }
  SUBCASE("an alias inside an override value") {
    const auto e = fairmc::load_experiment_text(head + "population: {agents: 5}\n", "t",
                                                {"population.c={p: &y {q: 1}, r: *y}"});
    fairmc::Experiment grown = fairmc::load_experiment_text(
        e.resolved_text() + "sweep: {grid: {population.c.p.q: [2, 3]}}\n", "t", {});
    for (const auto& p : fairmc::expand(grown))
      CHECK(value_at(p.config, "population.c.r.q") == "1");
  }
  SUBCASE("reading an alias gives the anchor's value") {
    const auto e = fairmc::load_experiment_text(
        head + "population: {agents: &n 5}\nmechanism: {name: max, work: *n}\n", "t", {});
    CHECK(value_at(e.resolved, "mechanism.work") == "5");
  }
}
