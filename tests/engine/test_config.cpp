#include "engine/config.hpp"

#include "engine/prepare.hpp"
#include "scenarios/catalog.hpp"
#include "tests/config_errors.hpp"

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
  return fairmc::testing::plan_error([&] { return fairmc::load_experiment(p, overrides); });
}

using fairmc::testing::has;

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

// Issue 16, item 1: an experiment is exactly what was written, or an error naming the place.
TEST_CASE("duplicate keys are refused at the second occurrence, at any depth and in any layer") {
  Scratch s("duplicates");
  auto m = error_of(s, demo + "draws: 20\n");
  CHECK(has(m, "exp.yaml:7:1"));
  CHECK(has(m, "key 'draws': duplicate key"));
  m = error_of(s, "experiment: t\nscenario: demo\npopulation: {agents: 5, agents: 6}\n");
  CHECK(has(m, "exp.yaml:3:25"));
  CHECK(has(m, "population.agents"));
  s.write("configs/populations/dup.yaml", "population:\n  agents: 3\n  agents: 4\n");
  m = error_of(s, "experiment: t\nscenario: demo\ndefaults: [populations/dup]\n");
  CHECK(has(m, "dup.yaml:3:3"));
  CHECK(has(m, "duplicate key"));
  // A second YAML document would be ignored by a plain load.
  CHECK(has(error_of(s, demo + "---\ndraws: 5\n"), "exp.yaml:7:1: a second YAML document"));
  // yaml-cpp reads endless empty documents here (LoadAll never returned; Load gave Null).
  CHECK(has(error_of(s, ",defaults" + demo), "exp.yaml:1:1: YAML syntax"));
  // yaml-cpp writes invalid UTF-8 back changed: the stored configuration would not be the one run.
  CHECK(has(error_of(s, demo + "claim: caf\xe9\n"), "exp.yaml:7:11: not UTF-8"));
  CHECK(has(error_of(s, demo + "claim: caf\xe9\n"), "not UTF-8 text: byte 0xE9"));
  CHECK(has(error_of(s, demo, {std::string("claim=a\x01") + "b"}), "control character U+0001"));
  CHECK(error_of(s, demo + "claim: \"caf\\xe9 \\t\"\n").empty());  // escapes are fine
}

TEST_CASE("null and empty values are refused, in files and overrides") {
  Scratch s("nulls");
  CHECK(has(error_of(s, demo + "keep_draws: ~\n"), "key 'keep_draws': no value"));
  CHECK(has(error_of(s, "experiment: t\nscenario: demo\ndraws:\npopulation: {agents: 5}\n"),
            "exp.yaml:3:1: key 'draws': no value"));
  CHECK(has(error_of(s, demo + "metrics: [max, ~]\n"), "item 1 of the list has no value"));
  CHECK(has(error_of(s, demo, {"seed="}), "<command line> 'seed=': key 'seed': no value"));
  CHECK(has(error_of(s, demo, {"draws=~"}), "key 'draws': no value"));
  CHECK(has(error_of(s, demo, {"population.agents= "}), "no value"));
  CHECK(has(error_of(s, demo, {"population.agents=1,,2"}), "an item of the comma-separated list"));
  // Resume passes draws= through the same gate.
  CHECK_THROWS_AS(fairmc::load_experiment_text(demo, "stored", {"draws="}), ConfigError);
}

TEST_CASE("override keys are key paths, set once, and errors name the argument") {
  Scratch s("override_keys");
  auto m = error_of(s, demo, {"population..agents=5"});
  CHECK(has(m, "<command line> 'population..agents=5'"));
  CHECK(has(m, "not a key path"));
  CHECK(m.find("exp.yaml") == std::string::npos);
  CHECK(has(error_of(s, demo, {"population.agents=3", "population.agents=4"}),
            "also set by 'population.agents=3'"));
  CHECK(has(error_of(s, demo, {"population={agents: 3}", "population.agents=4"}), "also set by"));
  // A key the override created but nobody reads is blamed on the argument, not on line 1.
  m = error_of(s, demo, {"population.agnets=5"});
  CHECK(has(m, "<command line> 'population.agnets=5'"));
  CHECK(has(m, "unknown key"));
  // Values are checked like file contents.
  CHECK(has(error_of(s, demo, {"population={agents: 3, agents: 4}"}), "duplicate key"));
}

TEST_CASE("defaults: inside configs/ files apply depth first; cycles and repeats are refused") {
  Scratch s("nested_defaults");
  s.write("configs/populations/base.yaml", "population: {agents: 3}\ndraws: 50\n");
  s.write("configs/populations/mid.yaml", "defaults: [populations/base]\ndraws: 60\n");
  auto e = fairmc::load_experiment(
      s.write("exp.yaml", "experiment: t\nscenario: demo\ndefaults: [populations/mid]\n"), {});
  CHECK(e.draws == 60);
  CHECK(fairmc::expand(e)[0].canonical == "{population: {agents: 3}}");
  s.write("configs/populations/a.yaml", "defaults: [populations/b]\n");
  s.write("configs/populations/b.yaml", "defaults: [populations/a]\n");
  auto m = error_of(s, "experiment: t\nscenario: demo\ndefaults: [populations/a]\n");
  CHECK(has(m, "b.yaml:1:12"));
  CHECK(has(m, "defaults cycle"));
  CHECK(has(error_of(s,
                     "experiment: t\nscenario: demo\n"
                     "defaults: [populations/mid, populations/base]\n"),
            "included twice"));
  CHECK(
      has(error_of(s, "experiment: t\nscenario: demo\ndefaults: [../../etc/passwd]\n"), "no '..'"));
}

TEST_CASE("sweeps: one place per key, sections located, duplicates refused") {
  Scratch s("sweep_checks");
  auto m = error_of(s, demo +
                           "sweep:\n  grid: {population.agents: [1, 2]}\n"
                           "  zip: {population.agents: [3, 4]}\n");
  CHECK(has(m, "exp.yaml:9:9"));
  CHECK(has(m, "swept twice"));
  CHECK(has(
      error_of(s, demo + "sweep: {grid: {population: [{agents: 1}], population.agents: [2]}}\n"),
      "swept twice"));
  m = error_of(s, demo + "sweep:\n  gird: {}\n");
  CHECK(has(m, "exp.yaml:8:3"));
  CHECK(has(m, "sweep.gird"));
  CHECK(has(error_of(s, demo + "sweep: {grid: {population.agents: [2, 2.0]}}\n"), "appears twice"));
  CHECK(has(error_of(s, demo + "mechanism: {work: 1}\n",
                     {"sweep.zip.population.agents=1,2", "sweep.zip.mechanism.work=[1]"}),
            "equal length"));
  // A fixed value cannot silently lose against a zip that sweeps the same key.
  CHECK(has(
      error_of(s, demo + "sweep: {zip: {population.agents: [1, 2]}}\n", {"population.agents=3"}),
      "swept in sweep.zip"));
  const auto e = fairmc::load_experiment(
      s.write("z.yaml", demo + "mechanism: {work: 1}\n"),
      {"sweep.zip.population.agents=1,2", "sweep.zip.mechanism.work=[3,4]"});
  CHECK(e.point_count() == 2);
}

TEST_CASE("metrics, fits and the experiment name are checked") {
  Scratch s("engine_keys");
  CHECK(has(error_of(s, demo + "metrics: [max, max]\n"), "listed twice"));
  CHECK(has(error_of(s, demo + "metrics: []\n"), "empty selection"));
  CHECK(has(error_of(s, demo + "sweep: {grid: {population.agents: [1, 2]}}\n"
                               "fits: [{metric: max, against: population.agents, lgo: true}]\n"),
            "key 'fits.0.lgo': unknown key"));
  CHECK(has(error_of(s, demo + "sweep: {grid: {population.agents: [1, 2]}}\n"
                               "fits: [{metric: max, against: population.agents},\n"
                               "       {metric: max, against: population.agents}]\n"),
            "listed twice"));
  for (const std::string bad : {"../x", "/tmp/x", "a/b", "..", ".hidden", "x\ny", ""}) {
    CAPTURE(bad);
    CHECK(has(error_of(s, demo, {"experiment='" + bad + "'"}), "not a valid name"));
  }
  // Control characters never break the one-line error.
  CHECK(error_of(s, demo, {"experiment='x\ny'"}).find('\n') == std::string::npos);
  CHECK(error_of(s, demo, {"experiment=ok.v2_a-b"}).empty());
}

// Issue 16, item 2: sizes are checked before anything is allocated.
TEST_CASE("sweep sizes are computed and limited before expansion") {
  Scratch s("sizes");
  auto m = error_of(s, demo, {"population.agents=range(9007199254740992,9007199254740994)"});
  CHECK(has(m, "2^53"));
  m = error_of(s, demo + "mechanism: {work: 1}\n",
               {"population.agents=range(1,5001)", "mechanism.work=range(1,5001)"});
  CHECK(has(m, "the sweep has 25000000 points (5000 x 5000); the limit is 10000"));
  CHECK(has(error_of(s, demo, {"population.agents=linspace(1,2,1e7)"}), "the limit is 10000"));
  CHECK(has(error_of(s, demo, {"population.agents=range(0,1e300,1e-300)"}), "2^53"));
  CHECK(has(error_of(s, demo, {"population.agents=range(1e15,2e15,0.01)"}), "the limit is"));
  CHECK(has(error_of(s, demo, {"population.agents=range(0,1,1e-9)"}), "the limit is"));
  CHECK(has(error_of(s, demo, {"population.agents=logspace(1,400,3)"}), "not a finite"));
  CHECK(has(error_of(s, demo, {"population.agents=range(1,2,0)"}), "non-zero"));
  // A step lost in rounding is refused instead of looping forever.
  CHECK(has(error_of(s, demo, {"population.agents=range(4503599627370496,4503599627370498,0.25)"}),
            "lost in rounding"));
}

TEST_CASE("a scenario's memory estimate refuses points that cannot fit") {
  Scratch s("memory");
  const auto catalog = fairmc::scenario_catalog();
  fairmc::ScenarioInfo demo_scenario;
  for (const auto& sc : catalog)
    if (sc.name == "demo") demo_scenario = sc;
  demo_scenario.memory_estimate = [](const fairmc::Params& p) {
    return 1e6 * static_cast<double>(p.child("population").integer("agents", 1, 1'000'000));
  };
  const auto e = fairmc::load_experiment(s.write("exp.yaml", demo), {"population.agents=1,2000"});
  const auto points = fairmc::expand(e);
  try {
    fairmc::prepare_points(e, points, demo_scenario, 1e9);
    FAIL("no error");
  } catch (const ConfigError& err) {
    CHECK(has(err.what(), "sweep point 1 (population.agents=2000)"));
    CHECK(has(err.what(), "1.86 GiB"));
    CHECK(has(err.what(), "the memory limit is 0.931 GiB"));
  }
  CHECK(fairmc::prepare_points(e, points, demo_scenario, 1e10).size() == 2);
  // objective: 1e5 agents x 1e6 items is refused before any draw (it died with bad_alloc).
  for (const auto& sc : catalog)
    if (sc.name == "objective") {
      const auto o = fairmc::load_experiment_text(
          "experiment: o\nscenario: objective\npopulation: {agents: 100000, items: 1000000}\n",
          "o.yaml", {});
      CHECK_THROWS_WITH_AS(fairmc::prepare_points(o, fairmc::expand(o), sc, 64e9),
                           doctest::Contains("GiB"), ConfigError);
    }
}

// Issue 14, item 7: switching a selector drops the old choice's parameters, in every layer.
TEST_CASE("a higher layer that switches dist: or name: drops the lower layers' parameters") {
  Scratch s("selector");
  s.write("configs/populations/expo.yaml", "population: {prior: {dist: exponential, rate: 2}}\n");
  const std::string file =
      "experiment: t\nscenario: demo\ndefaults: [populations/expo]\npopulation: {agents: 5}\n";
  const fs::path p = s.write("exp.yaml", file);
  auto e = fairmc::load_experiment(p, {});
  CHECK(e.resolved["population"]["prior"]["rate"].Scalar() == "2");
  // Command line over file and defaults.
  e = fairmc::load_experiment(p, {"population.prior.dist=lognormal"});
  CHECK(!e.resolved["population"]["prior"]["rate"]);
  CHECK(e.resolved["population"]["prior"]["dist"].Scalar() == "lognormal");
  CHECK(e.resolved["population"]["agents"].Scalar() == "5");  // only the selector's own mapping
  // The new choice's parameters given beside it are kept, whatever the order of the arguments.
  for (const auto& args :
       {std::vector<std::string>{"population.prior.dist=lognormal", "population.prior.sigma=0.5"},
        std::vector<std::string>{"population.prior.sigma=0.5",
                                 "population.prior.dist=lognormal"}}) {
    e = fairmc::load_experiment(p, args);
    CHECK(e.resolved["population"]["prior"]["sigma"].Scalar() == "0.5");
    CHECK(!e.resolved["population"]["prior"]["rate"]);
  }
  // The same choice again merges as usual.
  e = fairmc::load_experiment(p, {"population.prior.dist=exponential"});
  CHECK(e.resolved["population"]["prior"]["rate"].Scalar() == "2");
  // File over defaults.
  e = fairmc::load_experiment(
      s.write("exp3.yaml",
              "experiment: t\nscenario: demo\ndefaults: [populations/expo]\n"
              "population: {agents: 5, prior: {dist: uniform, high: 3}}\n"),
      {});
  CHECK(!e.resolved["population"]["prior"]["rate"]);
  CHECK(e.resolved["population"]["prior"]["high"].Scalar() == "3");
}

TEST_CASE("the objective override the docs suggest works") {
  const fs::path file =
      fs::path(FAIRMC_SOURCE_DIR) / "experiments/objective/independent_priors.yaml";
  const auto e = fairmc::load_experiment(file, {"population.prior.dist=lognormal"});
  const auto catalog = fairmc::scenario_catalog();
  CHECK_NOTHROW(fairmc::prepare_points(e, fairmc::expand(e), fairmc::find_scenario(catalog, e)));
}

TEST_CASE("the built-in engine defaults are configs/defaults.yaml's, and fill the resolved text") {
  // A file runs alike with and without a configs/ directory (issue 17 item 2).
  const YAML::Node file = YAML::LoadFile(std::string(FAIRMC_SOURCE_DIR) + "/configs/defaults.yaml");
  const fairmc::EngineDefaults d;
  CHECK(file["seed"].as<std::int64_t>() == d.seed);
  CHECK(file["draws"].as<std::int64_t>() == d.draws);
  CHECK(file["block"].as<std::int64_t>() == d.block);
  CHECK(file["keep_draws"].as<bool>() == d.keep_draws);
  for (const auto& kv : file)  // a key added there must be added to EngineDefaults too
    CHECK(std::set<std::string>{"seed", "draws", "block", "keep_draws"}.count(
              kv.first.as<std::string>()) == 1);
  const std::string text = "experiment: bare\nscenario: demo\npopulation: {agents: 3}\n";
  const auto outside = fairmc::load_experiment_text(text, "bare.yaml", {}, fs::path());
  const auto inside =
      fairmc::load_experiment_text(text, "bare.yaml", {}, fs::path(FAIRMC_SOURCE_DIR) / "configs");
  CHECK(outside.seed == inside.seed);
  CHECK(outside.draws == inside.draws);
  CHECK(outside.block == inside.block);
  CHECK(outside.config_hash() == inside.config_hash());
  CHECK(outside.resolved_text().find("seed: 1") != std::string::npos);
}

TEST_CASE("defaults= on the command line is refused, naming where it belongs") {
  const std::string text = "experiment: bare\nscenario: demo\npopulation: {agents: 3}\n";
  try {
    fairmc::load_experiment_text(text, "bare.yaml", {"defaults=[populations/normal]"}, fs::path());
    FAIL("defaults= was accepted");
  } catch (const fairmc::ConfigError& e) {
    const std::string what = e.what();
    CHECK(what.find("defaults: [populations/normal]") != std::string::npos);
    CHECK(what.find("experiment file") != std::string::npos);
  }
}

TEST_CASE("a stored resolved text loads whatever its run's command line pinned or left out") {
  // The demo's fit is against population.agents and a check selects population.agents = 1000.
  // A run that pinned the key, or narrowed its sweep without 1000, stores a resolved text that no
  // longer says so; resume, grow and merge must still load it, as the same experiment.
  std::ifstream in(fs::path(FAIRMC_SOURCE_DIR) / "experiments" / "demo.yaml");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const fs::path configs = fs::path(FAIRMC_SOURCE_DIR) / "configs";
  for (const std::string override_ : {"population.agents=100", "population.agents=10,100"}) {
    CAPTURE(override_);
    const auto run = fairmc::load_experiment_text(text, "demo.yaml", {override_}, configs);
    // As an experiment file the resolved text is refused (the fit or the check names what it
    // lacks), which is why the stored text has its own loader.
    CHECK_THROWS_AS(fairmc::load_experiment_text(run.resolved_text(), "stored", {}), ConfigError);
    const auto stored = fairmc::load_stored_experiment(run.resolved_text(), "stored", {});
    CHECK(stored.config_hash() == run.config_hash());
    CHECK(stored.fits.size() == run.fits.size());
    CHECK(stored.checks.size() == run.checks.size());
  }
  // What was wrong when the run began stays wrong: an `at:` key the text does not have.
  const auto run = fairmc::load_experiment_text(text, "demo.yaml", {}, configs);
  std::string bad = run.resolved_text();
  const auto at = bad.find("population.agents: 1000");
  REQUIRE(at != std::string::npos);
  bad.replace(at, std::string("population.agents").size(), "population.agentz");
  CHECK_THROWS_AS(fairmc::load_stored_experiment(bad, "stored", {}), ConfigError);
}

TEST_CASE("carriage returns: CRLF lines load, a lone CR or a value holding CR or DEL is refused") {
  // yaml-cpp keeps a lone CR inside a scalar and writes CR and DEL back raw, so such a value
  // would not reload from a results file as the experiment that ran (found by the fuzzer).
  const std::string body = "experiment: t\nscenario: demo\npopulation: {agents: 5}\n";
  std::string crlf;
  for (const char c : body) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const auto e = fairmc::load_experiment_text(crlf, "crlf.yaml", {});
  CHECK(fairmc::load_experiment_text(e.resolved_text(), "again", {}).config_hash() ==
        e.config_hash());
  const auto refused = [&](const std::string& text, const std::vector<std::string>& o,
                           const std::string& says) {
    CAPTURE(text);
    try {
      fairmc::load_experiment_text(text, "t.yaml", o);
      FAIL("accepted");
    } catch (const ConfigError& err) {
      CHECK(std::string(err.what()).find(says) != std::string::npos);
    }
  };
  refused("experiment: t\rscenario: demo\npopulation: {agents: 5}\n", {}, "without a line feed");
  refused(body, {"description=a\rb"}, "without a line feed");
  refused("description: \"a\\rb\"\n" + body, {}, "U+000D (carriage return)");
  refused("description: \"a\\x7fb\"\n" + body, {}, "U+007F (delete)");
  // The other escapes survive the round trip.
  const auto tab = fairmc::load_experiment_text("description: \"a\\tb\\x01\"\n" + body, "t", {});
  CHECK(fairmc::load_experiment_text(tab.resolved_text(), "again", {}).resolved_text() ==
        tab.resolved_text());
}
