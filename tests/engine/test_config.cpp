#include "engine/config.hpp"

#include "engine/prepare.hpp"
#include "scenarios/catalog.hpp"

#include <doctest/doctest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using fairmc::ConfigError;

namespace {

// A scratch directory with configs/ and an experiment file.
struct Scratch {
  fs::path dir;
  explicit Scratch(const std::string& name) {
    dir = fs::temp_directory_path() /
          ("fairmc_test_config_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "configs" / "populations");
  }
  ~Scratch() { fs::remove_all(dir); }
  fs::path write(const std::string& rel, const std::string& text) const {
    const fs::path p = dir / rel;
    std::ofstream(p) << text;
    return p;
  }
};

const std::string demo = R"(experiment: t
scenario: demo
seed: 3
draws: 10
block: 4
population: {agents: 5}
)";

// Loads, expands and prepares like `fairmc plan`; returns the error text ("" if none).
std::string error_of(const Scratch& s, const std::string& text,
                     const std::vector<std::string>& overrides = {}) {
  const fs::path p = s.write("exp.yaml", text);
  try {
    const auto e = fairmc::load_experiment(p, overrides);
    const auto catalog = fairmc::scenario_catalog();
    const auto points = fairmc::expand(e);
    fairmc::prepare_points(e, points, fairmc::find_scenario(catalog, e));
  } catch (const ConfigError& err) {
    return err.what();
  }
  return "";
}

bool has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return true;
  MESSAGE("missing '" << part << "' in: " << text);
  return false;
}

}  // namespace

TEST_CASE("a valid experiment loads with engine defaults and expands") {
  Scratch s("valid");
  s.write("configs/defaults.yaml", "seed: 1\ndraws: 1000\nblock: 100\n");
  const auto e = fairmc::load_experiment(s.write("exp.yaml",
                                                 "experiment: t\nscenario: demo\n"
                                                 "population: {agents: 5}\n"),
                                         {});
  CHECK(e.draws == 1000);
  CHECK(e.block == 100);
  CHECK(e.point_count() == 1);
  CHECK(fairmc::expand(e).size() == 1);
}

TEST_CASE("grid and zip sweeps expand row-major, zip paired") {
  Scratch s("sweep");
  const auto e = fairmc::load_experiment(
      s.write("exp.yaml",
              demo + "mechanism: {work: 1}\nsweep:\n  grid: {population.agents: [1, 2, 3]}\n"
                     "  zip: {mechanism.work: [1, 2], mechanism.name: [max, max]}\n"),
      {});
  REQUIRE(e.axes.size() == 2);
  CHECK(e.shape() == std::vector<std::size_t>{3, 2});
  const auto pts = fairmc::expand(e);
  REQUIRE(pts.size() == 6);
  CHECK(pts[1].values[0].second == "1");
  CHECK(pts[1].values[1].second == "2");  // zip: work
  CHECK(pts[2].values[0].second == "2");
  // The mechanism section is not part of the stream key: same population, both mechanisms.
  CHECK(pts[0].key == pts[1].key);
  CHECK(pts[0].key != pts[2].key);
}

TEST_CASE("overrides set values and create sweeps") {
  Scratch s("overrides");
  const fs::path p = s.write("exp.yaml", demo);
  auto e = fairmc::load_experiment(p, {"population.agents=7", "seed=11"});
  CHECK(e.seed == 11);
  CHECK(fairmc::expand(e)[0].canonical.find("agents: 7") != std::string::npos);
  e = fairmc::load_experiment(p, {"population.agents=1,2,4"});
  CHECK(e.point_count() == 3);
  e = fairmc::load_experiment(p, {"population.agents=range(1,10,3)"});
  CHECK(e.point_count() == 3);  // 1, 4, 7
  e = fairmc::load_experiment(p, {"population.agents=logspace(1,3,3)"});
  const auto pts = fairmc::expand(e);
  CHECK(pts.back().values[0].second == "1000");
  e = fairmc::load_experiment(p, {"population.agents=linspace(2,4,3)"});
  CHECK(fairmc::expand(e)[1].values[0].second == "3");
}

TEST_CASE("pinning a swept key by an override drops the fits against it") {
  Scratch s("pinned");
  const std::string text = demo +
                           "sweep: {grid: {population.agents: [2, 4]}}\n"
                           "fits: [{metric: max, against: population.agents}]\n";
  const fs::path p = s.write("exp.yaml", text);
  CHECK(fairmc::load_experiment(p, {}).fits.size() == 1);
  const auto e = fairmc::load_experiment(p, {"population.agents=8"});
  CHECK(e.point_count() == 1);
  CHECK(e.fits.empty());
  // Without the override a fit against an unswept key is still an error.
  CHECK(has(error_of(s, demo + "fits: [{metric: max, against: population.agents}]\n"),
            "not a swept key"));
}

TEST_CASE("adding a sweep value does not change the existing points' streams") {
  Scratch s("stable");
  const fs::path p = s.write("exp.yaml", demo);
  const auto a = fairmc::expand(fairmc::load_experiment(p, {"population.agents=5,6"}));
  const auto b = fairmc::expand(fairmc::load_experiment(p, {"population.agents=4,5,6,7"}));
  CHECK(a[0].key == b[1].key);
  CHECK(a[1].key == b[2].key);
  // 5 and 5.0 and 5e0 are the same parameter.
  const auto c = fairmc::expand(fairmc::load_experiment(p, {"population.agents=5e0"}));
  CHECK(c[0].key == a[0].key);
}

TEST_CASE("defaults are composed from configs/ and the experiment wins") {
  Scratch s("defaults");
  s.write("configs/populations/small.yaml", "population: {agents: 3}\ndraws: 77\n");
  const auto e = fairmc::load_experiment(
      s.write("exp.yaml",
              "experiment: t\nscenario: demo\ndefaults: [populations/small]\ndraws: 5\n"),
      {});
  CHECK(e.draws == 5);
  CHECK(fairmc::expand(e)[0].canonical == "{population: {agents: 3}}");
}

TEST_CASE("errors name file, line, column, key and what is accepted") {
  Scratch s("errors");
  SUBCASE("YAML syntax") {
    const auto m = error_of(s, "experiment: t\nscenario: demo\npopulation: {agents: 5\n");
    CHECK(has(m, "exp.yaml:"));
    CHECK(has(m, "YAML syntax"));
  }
  SUBCASE("unknown key, with the accepted ones") {
    const auto m = error_of(s, demo + "mechanism: {wrok: 2}\n");
    CHECK(has(m, "exp.yaml:7:13"));
    CHECK(has(m, "mechanism.wrok"));
    CHECK(has(m, "unknown key"));
    CHECK(has(m, "work"));
  }
  SUBCASE("unknown top-level section") {
    CHECK(has(error_of(s, demo + "populaton: {agents: 3}\n"), "key 'populaton': unknown key"));
  }
  SUBCASE("wrong type") {
    const auto m = error_of(s, "experiment: t\nscenario: demo\npopulation: {agents: many}\n");
    CHECK(has(m, "exp.yaml:3:14"));
    CHECK(has(m, "population.agents"));
    CHECK(has(m, "expected an integer in [1, 100000000]"));
  }
  SUBCASE("zero, negative, NaN and huge sizes") {
    CHECK(has(error_of(s, demo + "", {"population.agents=0"}), "expected an integer in [1,"));
    CHECK(has(error_of(s, demo + "", {"population.agents=-3"}), "got -3"));
    CHECK(has(error_of(s, demo + "", {"population.agents=.nan"}), "expected an integer"));
    CHECK(has(error_of(s, demo + "", {"population.agents=1e300"}), "expected an integer"));
    CHECK(has(error_of(s, demo + "", {"draws=0"}), "key 'draws'"));
    CHECK(has(error_of(s, demo + "", {"block=-1"}), "key 'block'"));
  }
  SUBCASE("bad choice lists the accepted values") {
    CHECK(has(error_of(s, demo + "mechanism: {name: min}\n"), "expected one of max"));
  }
  SUBCASE("unknown scenario") {
    CHECK(has(error_of(s, "experiment: t\nscenario: nope\n"),
              "unknown scenario 'nope'; expected one of"));
  }
  SUBCASE("empty sweep and unequal zip") {
    CHECK(has(error_of(s, demo + "sweep: {grid: {population.agents: []}}\n"), "empty sweep"));
    CHECK(has(error_of(s, demo + "sweep: {zip: {population.agents: [1,2], mechanism.work: [1]}}\n"),
              "zip lists must have equal length"));
    CHECK(has(error_of(s, demo + "sweep: {grid: {population.agents: 'linspace(1,2)'}}\n"),
              "linspace(start, stop, count)"));
    CHECK(has(error_of(s, demo + "sweep: {grid: {draws: [1, 2]}}\n"), "cannot be swept"));
    CHECK(has(error_of(s, demo + "sweep: {gird: {}}\n"), "sweep accepts grid and zip"));
  }
  SUBCASE("malformed override") {
    CHECK(has(error_of(s, demo, {"population.agents"}), "<command line>"));
    CHECK(has(error_of(s, demo, {"population.agents"}), "is not key=value"));
  }
  SUBCASE("missing defaults file") {
    CHECK(has(error_of(s, demo + "defaults: [populations/none]\n"),
              "no such config 'populations/none'"));
  }
  SUBCASE("unknown metric and fit against an unswept key") {
    CHECK(has(error_of(s, demo + "metrics: [max, median]\n"), "unknown metric 'median'"));
    CHECK(has(error_of(s, demo + "fits: [{metric: max, against: population.agents}]\n"),
              "not a swept key"));
  }
  SUBCASE("missing experiment file") {
    try {
      fairmc::load_experiment(s.dir / "absent.yaml", {});
      FAIL("no error");
    } catch (const ConfigError& e) {
      CHECK(has(e.what(), "no such file"));
    }
  }
}

TEST_CASE("a list of names is a YAML list or one comma-separated string") {
  const auto p = fairmc::Params::parse("a: [sum, max]\nb: 'sum, max ,'\nc: one\nd: {x: 1}\n");
  const std::vector<std::string> both{"sum", "max"};
  CHECK(p.texts("a", {}) == both);
  CHECK(p.texts("b", {}) == both);
  CHECK(p.texts("c", {}) == std::vector<std::string>{"one"});
  CHECK(p.texts("missing", {"all"}) == std::vector<std::string>{"all"});
  CHECK_THROWS_AS(p.texts("d", {}), ConfigError);
}
