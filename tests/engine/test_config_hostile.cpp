// Hostile experiment text: YAML features and spellings that must either mean exactly what was
// written or be refused with the place, the key and what is accepted.
#include "engine/config.hpp"

#include "engine/config_text.hpp"
#include "tests/config_errors.hpp"

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

// The error text of loading and preparing `text` like `fairmc plan` ("" when it is valid).
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return fairmc::testing::plan_error(
      [&] { return fairmc::load_experiment_text(text, "t.yaml", overrides); });
}

using fairmc::testing::has;

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

TEST_CASE(
    "numbers are decimal; spellings other YAML readers read otherwise are refused, saying why") {
  const auto agents = [](const std::string& v) {
    return error_of(head + "population: {agents: " + v + "}\n");
  };
  const std::string accepted = "expected an integer in [1, 100000000]";
  for (const std::string v : {"0x10", "0X1A", "0o10", "0b101", "-0x3", "0x1p3"}) {
    CAPTURE(v);
    const auto m = agents(v);
    CHECK(has(m, "t.yaml:3:14: key 'population.agents': got '" + v + "'"));
    CHECK(has(m, "hexadecimal, octal and binary"));
    CHECK(has(m, accepted));
  }
  // 010 is 8 to YAML 1.1 readers (PyYAML, the analysis side) and 10 to YAML 1.2 ones.
  for (const std::string v : {"010", "007", "00.5", "-01"}) {
    CAPTURE(v);
    CHECK(has(agents(v), "a leading zero"));
  }
  CHECK(has(agents("1_000"), "no '_' between digits: write 1000"));
  CHECK(has(agents("\" 5\""), "spaces around the number"));
  CHECK(has(agents("\"5 \""), "spaces around the number"));
  CHECK(has(agents("1e400"), "beyond the range of a double"));
  CHECK(has(agents("1e-400"), "too small for a double"));
  for (const std::string v : {"infinity", ".inf", "-Inf", "nan", ".NaN", "1e3x", "1e", "+", "."}) {
    CAPTURE(v);
    CHECK(has(agents(v), accepted));
  }
  // The same on the command line and in sweeps: two values that read alike were two points.
  CHECK(has(error_of(head + "population: {agents: 5}\n", {"seed=0x10"}), "hexadecimal"));
  CHECK(has(
      error_of(head + "population: {agents: 5}\nsweep: {grid: {population.agents: [16, 0x10]}}\n"),
      "hexadecimal"));
  CHECK(has(error_of(head + "population: {agents: 5}\n", {"population.agents=range(0x1,3)"}),
            "not a finite number"));
  // Decimal spellings are read, whole.
  CHECK(error_of(head + "population: {agents: 1e3}\n").empty());
  CHECK(error_of(head + "population: {agents: +5}\n").empty());
  CHECK(error_of(head + "population: {agents: 5.}\n").empty());
  CHECK(error_of(head + "population: {agents: 1.0}\n").empty());
  CHECK(error_of(head + "population: {agents: \"5\"}\n").empty());
  const auto p = fairmc::Params::parse("a: .5\nb: -0\nc: 4.9e-324\nd: 1E+2\ne: -.25e1\n");
  CHECK(p.number("a") == 0.5);
  CHECK(p.number("b") == 0.0);
  CHECK(p.number("c") > 0);  // denormals are numbers
  CHECK(p.number("d") == 100);
  CHECK(p.number("e") == -2.5);
  // Hashing reads numbers the same way: "010" is text to it, as to Params.
  CHECK(!fairmc::as_number("010"));
  CHECK(!fairmc::as_number("0x10"));
  CHECK(*fairmc::as_number("1e3") == 1000);
  CHECK(fairmc::canonical_text(YAML::Node("010")) == "\"010\"");
  CHECK(fairmc::canonical_text(YAML::Node("1e1")) == "10");
}

TEST_CASE("a list of integers refuses values beyond 2^53 (2^63 did not convert)") {
  const auto p = fairmc::Params::parse("a: [1, 9223372036854775807]\nb: [1, 2]\n");
  CHECK_THROWS_AS(p.integers("a", 0, std::numeric_limits<std::int64_t>::max()), ConfigError);
  CHECK(p.integers("b", 0, std::numeric_limits<std::int64_t>::max()) ==
        std::vector<std::int64_t>{1, 2});
}

TEST_CASE("YAML tags are refused at their place: a tag was ignored or contradicted the reading") {
  const auto with = [](const std::string& line) {
    return error_of(head + "population: {agents: 5}\n" + line + "\n");
  };
  auto m = with("mechanism: {name: max, work: !!str 2}");
  CHECK(has(m, "t.yaml:4:24: key 'mechanism.work': a YAML tag (!!str)"));
  CHECK(has(m, "remove it"));
  CHECK(has(with("mechanism: {name: max, work: !!float 2}"), "a YAML tag (!!float)"));
  CHECK(has(with("description: !foo bar"), "key 'description': a YAML tag (!foo)"));
  CHECK(has(with("description: !<tag:example.com,2026:x> bar"), "a YAML tag (!<tag:example"));
  CHECK(has(with("mechanism: !!map {name: max}"), "key 'mechanism': a YAML tag (!!map)"));
  CHECK(has(with("metrics: !!seq [max]"), "a YAML tag (!!seq)"));
  CHECK(has(with("!!str description: x"), "key 'description': a YAML tag (!!str)"));
  CHECK(has(error_of(head + "population: {agents: 5}\n", {"mechanism.work=!!int 2"}),
            "<command line> 'mechanism.work=!!int 2': key 'mechanism.work': a YAML tag"));
  // Quotes are no tag: a quoted value is text where text is read.
  CHECK(error_of(head + "population: {agents: 5}\ndescription: \"5\"\nclaim: '!!str'\n").empty());
}

TEST_CASE("booleans are true or false; YAML 1.1's yes/no/on/off/y/n are refused") {
  const auto p = fairmc::Params::parse(
      "a: true\nb: False\nc: TRUE\nd: yes\ne: off\nf: y\ng: N\nh: 1\ni: 'true'\nj: [true]\n");
  CHECK(p.flag("a"));
  CHECK(!p.flag("b"));
  CHECK(p.flag("c"));
  CHECK(p.flag("i"));  // quoted: the same words
  for (const char* k : {"d", "e", "f", "g"}) {
    CAPTURE(k);
    try {
      (void)p.flag(k);
      FAIL("accepted");
    } catch (const ConfigError& e) {
      CHECK(has(e.what(), "YAML 1.1"));
      CHECK(has(e.what(), "expected true or false"));
    }
  }
  CHECK_THROWS_AS((void)p.flag("h"), ConfigError);
  CHECK_THROWS_AS((void)p.flag("j"), ConfigError);
  CHECK(has(error_of(head + "population: {agents: 5}\nkeep_draws: yes\n"),
            "t.yaml:4:1: key 'keep_draws': got 'yes' (a boolean to YAML 1.1"));
  CHECK(has(error_of(head + "population: {agents: 5}\n", {"keep_draws=on"}), "'keep_draws'"));
}

TEST_CASE("persuasion: an epsilon whose (1+eps)-buckets cannot be counted is refused") {
  const std::string p =
      "experiment: t\nscenario: persuasion\npopulation: {agents: 3, V: 10}\nconstraint: {k: 1}\n";
  // 1 + 1e-300 is 1: log(1) = 0 made K = inf, converted to int (undefined; one bucket in practice).
  auto m = error_of(p + "mechanism: {epsilon: 1e-300}\n");
  CHECK(has(m, "key 'mechanism.epsilon'"));
  CHECK(has(m, "infinitely many (1+ε)-buckets for V = 10"));
  CHECK(has(m, "accepted: ε >= 2.30259e-06"));
  CHECK(has(error_of(p + "mechanism: {epsilon: 1e-9}\n"), "e+09 (1+ε)-buckets"));
  CHECK(error_of(p + "mechanism: {epsilon: 1e-5}\n").empty());
  CHECK(error_of(p + "mechanism: {epsilon: 1e9}\n").empty());  // one bucket, as asked
}

TEST_CASE("power: listed ideal points need 1 to 1000 coordinates per row (0 issues crashed)") {
  const std::string p = "experiment: t\nscenario: power\npopulation: {agents: 2, ideal_points: ";
  auto m = error_of(p + "{dist: list, points: [[], []]}}\n");
  CHECK(has(m, "t.yaml:3:52: key 'population.ideal_points.points': rows of 0 coordinates"));
  CHECK(has(m, "expected 1 to 1000"));
  CHECK(has(error_of(p + "{dist: list, points: [" +
                     [] {
                       std::string row = "[0";
                       for (int i = 0; i < 1000; ++i) row += ", 0";
                       return row + "]";
                     }() +
                     "]}}\n"),
            "rows of 1001 coordinates"));
  CHECK(error_of(p + "{dist: list, points: [[0, 1], [1, 0]]}}\n").empty());
}

TEST_CASE("scf invariance: a point whose cost profiles cannot fit is refused before the run") {
  const auto catalog = fairmc::scenario_catalog();
  const auto prepare = [&](const std::string& pop, double limit) -> std::string {
    try {
      const auto e = fairmc::load_experiment_text(
          "experiment: t\nscenario: scf\nmechanism: {name: invariance}\npopulation: " + pop + "\n",
          "t.yaml", {});
      fairmc::prepare_points(e, fairmc::expand(e), fairmc::find_scenario(catalog, e), limit);
    } catch (const ConfigError& err) {
      return err.what();
    }
    return "";
  };
  // 10^5 agents x 10^4 outcomes: four 8 GB matrices per draw; it failed with bad_alloc.
  const auto m = prepare("{agents: 100000, outcomes: 10000}", 16e9);
  CHECK(has(m, "one draw needs about 29.8 GiB"));
  CHECK(has(m, "the memory limit is"));
  CHECK(prepare("{agents: 10, outcomes: 10}", 16e9).empty());
}

TEST_CASE("an override that turns a file's value into a mapping is blamed for it") {
  // population.agents.x=1 replaces the file's `agents: 5` by {x: 1}; the error named the file's
  // line of the 5, which the user did not get wrong.
  const auto m = error_of(head + "population: {agents: 5}\n", {"population.agents.x=1"});
  CHECK(has(m, "<command line> 'population.agents.x=1': key 'population.agents': got a mapping"));
  CHECK(has(m, "expected an integer in [1, 100000000]"));
}

TEST_CASE("keep_draws: a block whose draws cannot be held in memory is refused before the run") {
  const auto catalog = fairmc::scenario_catalog();
  const auto prepare = [&](const std::string& extra, double limit) -> std::string {
    try {
      const auto e = fairmc::load_experiment_text(
          head + "population: {agents: 5}\ndraws: 100000000\n" + extra, "t.yaml", {});
      fairmc::prepare_points(e, fairmc::expand(e), fairmc::find_scenario(catalog, e), limit);
    } catch (const ConfigError& err) {
      return err.what();
    }
    return "";
  };
  // 10^8 draws x 3 metrics x 8 bytes = 2.4 GB in one work unit: it failed with std::bad_alloc
  // in the middle of the run.
  const auto m = prepare("block: 100000000\nkeep_draws: true\n", 1e9);
  CHECK(has(m, "t.yaml:5:1: key 'block': with keep_draws a block holds its draws in memory"));
  CHECK(has(m, "accepted: block <= 41666666"));
  CHECK(prepare("block: 100000000\n", 1e9).empty());  // without keep_draws a block is O(1)
  CHECK(prepare("block: 1000000\nkeep_draws: true\n", 1e9).empty());
}

TEST_CASE("blocks per point are limited: each block's summary is stored") {
  // 10^12 draws in blocks of 1 wrote ~150 bytes per block, 10 MB/s, until the disk filled.
  const auto m = error_of(head + "population: {agents: 5}\ndraws: 1000000000000\nblock: 1\n");
  CHECK(has(m, "t.yaml:5:1: key 'block'"));
  CHECK(has(m, "1000000000000 blocks per point"));
  CHECK(has(m, "accepted: block >= 100000"));
  CHECK(has(error_of(head + "population: {agents: 5}\n",
                     {"max_draws=1000000000", "block=10", "precision=[{metric: max, rel: 0.1}]"}),
            "accepted: block >= 100"));
  CHECK(error_of(head + "population: {agents: 5}\ndraws: 1000000000000\nblock: 100000\n").empty());
}
