// The experiment keys of issue 13: ratios, precision, max_draws.
#include "engine/config.hpp"
#include "engine/prepare.hpp"
#include "scenarios/catalog.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

fairmc::Experiment load(const std::string& extra) {
  return fairmc::load_experiment_text(
      "experiment: t\nscenario: demo\npopulation: {agents: 3}\n" + extra, "t.yaml", {});
}

// The ConfigError message of loading and preparing `extra`, empty when it is accepted.
std::string problem(const std::string& extra) {
  try {
    const auto e = load(extra);
    const auto catalog = fairmc::scenario_catalog();
    fairmc::prepare_points(e, fairmc::expand(e), fairmc::find_scenario(catalog, e));
    return "";
  } catch (const fairmc::ConfigError& err) {
    return err.key_path() + ": " + err.problem();
  }
}

}  // namespace

TEST_CASE("ratios and precision targets are read and validated") {
  const auto e = load(
      "max_draws: 5000\nratios: [{name: r, num: mean, den: max}]\n"
      "precision: [{metric: gap, rel: 0.01}, {ratio: r, abs: 0.002}]\n");
  CHECK(e.draws == 5000);
  REQUIRE(e.ratios.size() == 1);
  CHECK(e.ratios[0] == fairmc::RatioSpec{"r", "mean", "max"});
  REQUIRE(e.precision.size() == 2);
  CHECK_FALSE(e.precision[0].ratio);
  CHECK(e.precision[0].rel == 0.01);
  CHECK(e.precision[1].ratio);
  CHECK(e.precision[1].abs == 0.002);
  CHECK(e.precision[0].met(2.0, 0.019));
  CHECK_FALSE(e.precision[0].met(2.0, 0.021));
  CHECK_FALSE(e.precision[1].met(1.0, std::nan("")));
  CHECK(problem("max_draws: 5000\nratios: [{name: r, num: mean, den: max}]\n"
                "precision: [{ratio: r, abs: 0.002}]\n")
            .empty());
}

TEST_CASE("invalid ratio and precision settings are refused with the key") {
  CHECK(problem("precision: [{metric: gap, rel: 0.01}]\n").find("need max_draws") !=
        std::string::npos);
  CHECK(problem("max_draws: 1000\n").find("max_draws") == 0);
  CHECK(problem("draws: 10\nmax_draws: 1000\nprecision: [{metric: gap, rel: 0.01}]\n")
            .find("either draws") != std::string::npos);
  CHECK(problem("max_draws: 1000\nprecision: [{metric: nope, rel: 0.01}]\n")
            .find("unknown metric 'nope'") != std::string::npos);
  CHECK(problem("max_draws: 1000\nprecision: [{ratio: nope, abs: 0.01}]\n")
            .find("unknown ratio 'nope'") != std::string::npos);
  CHECK(problem("max_draws: 1000\nprecision: [{metric: gap, rel: 0.01, abs: 0.1}]\n")
            .find("exactly one of rel") != std::string::npos);
  CHECK(problem("max_draws: 1000\nprecision: [{metric: gap, rel: -1}]\n").find("precision") == 0);
  CHECK(problem("ratios: [{name: gap, num: max, den: mean}]\n").find("name of a metric") !=
        std::string::npos);
  CHECK(problem("ratios: [{name: r, num: max, den: nope}]\n").find("unrecorded metric 'nope'") !=
        std::string::npos);
  CHECK(problem("ratios: [{name: r, num: max, den: max}]\n").find("same metric") !=
        std::string::npos);
  CHECK(problem("ratios: [{name: r, num: max, den: mean}, {name: r, num: gap, den: mean}]\n")
            .find("declared twice") != std::string::npos);
  // A scenario ratio over a metric the experiment does not record is left out, not an error.
  CHECK(problem("metrics: [max]\n").empty());
}

TEST_CASE("precision targets work with configs/defaults.yaml's draws, and resume from the stored text") {
  // configs/defaults.yaml sets draws: 1000 for every experiment; that is no conflict with
  // max_draws (it refused every precision experiment inside the repository).
  const std::string text =
      "experiment: prec\nscenario: demo\nmax_draws: 640\nprecision: [{metric: max, rel: 0.01}]\n"
      "population: {agents: 3}\n";
  const auto e = fairmc::load_experiment_text(text, "prec.yaml", {},
                                              std::filesystem::path(FAIRMC_SOURCE_DIR) / "configs");
  CHECK(e.draws == 640);
  CHECK(e.resolved_text().find("\ndraws:") == std::string::npos);
  const auto again = fairmc::load_experiment_text(e.resolved_text(), "prec.yaml", {});
  CHECK(again.draws == 640);
  CHECK(again.config_hash() == e.config_hash());
  // draws set by the experiment itself or on the command line still conflicts.
  CHECK_THROWS(fairmc::load_experiment_text(text + "draws: 100\n", "prec.yaml", {},
                                            std::filesystem::path(FAIRMC_SOURCE_DIR) / "configs"));
  CHECK_THROWS(fairmc::load_experiment_text(text, "prec.yaml", {"draws=100"},
                                            std::filesystem::path(FAIRMC_SOURCE_DIR) / "configs"));
}
