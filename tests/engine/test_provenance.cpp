// Provenance (/history) and the build-change check of a resume (issue 17).
#include "engine/provenance.hpp"

#include "engine/config_defaults.hpp"
#include "engine/h5io.hpp"
#include "engine/history_file.hpp"
#include "engine/prepare.hpp"
#include "engine/results_file.hpp"

#include "scenarios/catalog.hpp"
#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>

namespace {

using fairmc::testing::TempDir;

fairmc::RunRecord tiny_run() {
  fairmc::RunRecord run;
  run.experiment = fairmc::load_experiment_text(
      "experiment: prov\nscenario: demo\nseed: 1\ndraws: 10\nblock: 5\n"
      "sweep: {grid: {population.agents: [2, 3]}}\n",
      "<test>", {});
  run.points = fairmc::expand(run.experiment);
  run.created_utc = "2026-11-25T00:00:00Z";
  run.results.resize(run.points.size());
  for (auto& r : run.results) r.metrics = {"a"};
  return run;
}

fairmc::RunEntry other_build() {
  fairmc::RunEntry e;
  e.kind = "new";
  e.command_line = "fairmc run prov.yaml";
  e.fairmc_version = "0.0.1";
  e.git_sha = "000000000000";
  e.git_dirty = 0;
  e.start_utc = "2026-01-01T00:00:00Z";
  e.end_utc = "2026-01-01T00:01:00Z";
  e.wall_seconds = 60;
  e.host = "elsewhere";
  e.threads = 8;
  e.ranks = 4;
  e.libraries = "Boost 1.0";
  return e;
}

void check_same(const fairmc::RunEntry& a, const fairmc::RunEntry& b) {
  CHECK(a.kind == b.kind);
  CHECK(a.command_line == b.command_line);
  CHECK(a.overrides == b.overrides);
  CHECK(a.fairmc_version == b.fairmc_version);
  CHECK(a.git_sha == b.git_sha);
  CHECK(a.git_dirty == b.git_dirty);
  CHECK(a.start_utc == b.start_utc);
  CHECK(a.end_utc == b.end_utc);
  CHECK(a.wall_seconds == b.wall_seconds);
  CHECK(a.host == b.host);
  CHECK(a.threads == b.threads);
  CHECK(a.ranks == b.ranks);
  CHECK(a.libraries == b.libraries);
  CHECK(a.note == b.note);
}

}  // namespace

TEST_CASE("history: each write keeps the earlier entries and stamps the running one") {
  TempDir tmp("provenance");
  const auto path = tmp.dir / "results.h5";
  auto run = tiny_run();
  run.history.push_back(other_build());
  run.history.push_back(fairmc::start_entry("resume", "fairmc run --resume d", {"draws=10"}, 3, 2));
  fairmc::write_results(path, run);
  const auto first = fairmc::read_results(path).history;
  REQUIRE(first.size() == 2);
  check_same(first[0], other_build());
  CHECK(first[1].kind == "resume");
  CHECK(first[1].overrides == "draws=10");
  CHECK(first[1].threads == 3);
  CHECK(first[1].ranks == 2);
  CHECK(!first[1].end_utc.empty());
  CHECK(first[1].wall_seconds >= 0);
  CHECK(!first[1].running);
  CHECK(first[1].libraries.find("HDF5 ") != std::string::npos);

  // A later invocation appends; the file's earlier entries come back unchanged.
  auto next = tiny_run();
  next.history = first;
  next.history.push_back(fairmc::start_entry("resume", "again", {}, 1, 1));
  fairmc::write_results(path, next);
  const auto second = fairmc::read_results(path).history;
  REQUIRE(second.size() == 3);
  check_same(second[0], first[0]);
  check_same(second[1], first[1]);
  CHECK(second[2].command_line == "again");
}

TEST_CASE("history: a resume by another build is reported, by the same build not") {
  CHECK(!fairmc::build_change({}).has_value());
  const auto same = fairmc::start_entry("new", "x", {}, 1, 1);
  CHECK(!fairmc::build_change({other_build(), same}).has_value());
  const auto changed = fairmc::build_change({same, other_build()});
  REQUIRE(changed.has_value());
  CHECK(changed->find("0.0.1 000000000000") != std::string::npos);
  CHECK(changed->find(fairmc::build_id()) != std::string::npos);
  CHECK(changed->find('\n') == std::string::npos);  // one line on stderr
}

TEST_CASE("history: a file written before /history gives one entry from its root attributes") {
  TempDir tmp("provenance_old");
  const auto path = tmp.dir / "old.h5";
  {
    auto f = fairmc::h5::create_file(path);
    fairmc::h5::attr(f, "command_line", "fairmc run old.yaml");
    fairmc::h5::attr(f, "fairmc_version", "0.0.9");
    fairmc::h5::attr(f, "git_sha", "abc");
    fairmc::h5::attr(f, "created_utc", "2026-01-01T00:00:00Z");
    fairmc::h5::attr(f, "updated_utc", "2026-01-02T00:00:00Z");
  }
  auto f = fairmc::h5::open_file(path, false);
  const auto h = fairmc::read_history(f);
  REQUIRE(h.size() == 1);
  CHECK(h[0].kind == "unknown");
  CHECK(h[0].command_line == "fairmc run old.yaml");
  CHECK(h[0].git_sha == "abc");
  CHECK(h[0].end_utc == "2026-01-02T00:00:00Z");
}

TEST_CASE("defaults: the fallbacks a scenario used are recorded per point, set keys are not") {
  const auto e = fairmc::load_experiment_text(
      "experiment: prov\nscenario: demo\nseed: 1\ndraws: 10\nblock: 5\n"
      "sweep: {grid: {population.agents: [2, 3]}}\n",
      "<test>", {});
  const auto catalog = fairmc::scenario_catalog();
  const auto points = fairmc::expand(e);
  const auto prepared = fairmc::prepare_points(e, points, fairmc::find_scenario(catalog, e));
  REQUIRE(prepared.size() == 2);
  for (const auto& pp : prepared) {
    REQUIRE(pp.defaults.count("mechanism.name") == 1);
    CHECK(pp.defaults.at("mechanism.name") == "max");
    CHECK(pp.defaults.count("population.agents") == 0);  // set by the sweep
  }
  fairmc::RunRecord run;
  run.results.resize(2);
  run.results[0].defaults = {{"a.b", "1"}, {"c", "x"}};
  run.results[1].defaults = {{"a.b", "2"}, {"c", "x"}};
  CHECK(fairmc::defaults_text(run) == "a.b: {0: 1, 1: 2}\nc: x\n");
}
