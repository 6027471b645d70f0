// --shard i/k and `fairmc merge`: shards joined, or a partial merge resumed, hold exactly what
// one run of the whole sweep holds (every block, raw draw and summary number, bit for bit).
#include "engine/merge.hpp"

#include "engine/results_file.hpp"
#include "engine/runner.hpp"
#include "scenarios/catalog.hpp"

#include "tests/demo_run.hpp"
#include "tests/stored_blocks.hpp"
#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace {

using fairmc::testing::run_into;
using fairmc::testing::stored_blocks;
using fairmc::testing::TempDir;

// Five points (p % 3 gives shards of 2, 2 and 1 points), a short last block, kept draws, a fit.
const std::string experiment = R"(experiment: merge_test
scenario: demo
seed: 31
draws: 300
block: 64
keep_draws: true
population: {agents: 20}
sweep:
  grid: {population.agents: [1, 3, 10, 30, 100]}
fits:
  - {metric: max, against: population.agents, log: true}
)";

fairmc::MergeOutcome merge(const std::vector<fs::path>& in, const fs::path& out) {
  return fairmc::merge_results(in, out, fairmc::scenario_catalog(), "fairmc merge (test)");
}

void require_identical(const fs::path& a_file, const fs::path& b_file) {
  fairmc::testing::require_identical(stored_blocks(a_file), stored_blocks(b_file));
  // Statistics, quantiles (from the sketches), diagnostics, constants and the fit, as printed.
  CHECK(fairmc::describe_results(a_file) == fairmc::describe_results(b_file));
}

std::string refusal(const std::vector<fs::path>& in, const fs::path& out) {
  try {
    merge(in, out);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("three shards merged equal one run of the whole sweep") {
  TempDir t("merge_shards");
  REQUIRE(run_into(t.dir / "whole.h5", experiment).complete);
  std::vector<fs::path> shards;
  for (std::size_t i = 0; i < 3; ++i) {
    shards.push_back(t.dir / ("shard" + std::to_string(i) + ".h5"));
    const auto o = run_into(shards.back(), experiment, {.shard = i, .shards = 3});
    CHECK_FALSE(o.complete);  // the other shards' points are pending in this file
    CHECK_FALSE(o.interrupted);
  }
  // A shard computes only its own points.
  const auto shard1 = stored_blocks(shards[1]);
  CHECK(shard1[0].empty());
  CHECK(shard1[1].size() == 5);  // 300 draws in blocks of 64
  CHECK(shard1[4].size() == 5);
  CHECK(shard1[2].empty());
  const auto o = merge(shards, t.dir / "merged.h5");
  CHECK(o.complete_run);
  CHECK(o.complete == 5);
  CHECK(o.pending == 0);
  require_identical(t.dir / "merged.h5", t.dir / "whole.h5");
  // Provenance: the three shard runs and the merge.
  const auto history = fairmc::read_results(t.dir / "merged.h5").history;
  REQUIRE(history.size() == 4);
  CHECK(history.back().kind == "merge");
  CHECK(history.back().note.find("shard2.h5") != std::string::npos);
}

TEST_CASE("a merge missing a shard leaves its points pending, and resuming it completes the run") {
  TempDir t("merge_partial");
  REQUIRE(run_into(t.dir / "whole.h5", experiment).complete);
  run_into(t.dir / "s0.h5", experiment, {.shards = 3});
  run_into(t.dir / "s2.h5", experiment, {.shard = 2, .shards = 3});
  const auto o = merge({t.dir / "s0.h5", t.dir / "s2.h5"}, t.dir / "merged.h5");
  CHECK_FALSE(o.complete_run);
  CHECK(o.complete == 3);  // points 0, 3 (shard 0) and 2 (shard 2)
  CHECK(o.pending == 2);
  const auto stored = fairmc::read_results(t.dir / "merged.h5");
  REQUIRE(run_into(t.dir / "merged.h5", experiment, {.resume = &stored}).complete);
  require_identical(t.dir / "merged.h5", t.dir / "whole.h5");
}

TEST_CASE("a shard file resumed without --shard computes the rest") {
  TempDir t("merge_shard_resume");
  REQUIRE(run_into(t.dir / "whole.h5", experiment).complete);
  run_into(t.dir / "s1.h5", experiment, {.shard = 1, .shards = 2});
  const auto stored = fairmc::read_results(t.dir / "s1.h5");
  REQUIRE(run_into(t.dir / "s1.h5", experiment, {.resume = &stored}).complete);
  require_identical(t.dir / "s1.h5", t.dir / "whole.h5");
}

TEST_CASE("merge refuses files it cannot join, with the reason and the files") {
  TempDir t("merge_refuse");
  run_into(t.dir / "a.h5", experiment, {.shards = 2});
  run_into(t.dir / "b.h5", experiment, {.shard = 1, .shards = 2});
  std::string other = experiment;
  other.replace(other.find("seed: 31"), 8, "seed: 32");
  run_into(t.dir / "other.h5", other, {.shard = 1, .shards = 2});
  std::string longer = experiment;
  longer.replace(longer.find("draws: 300"), 10, "draws: 400");
  run_into(t.dir / "longer.h5", longer, {.shard = 1, .shards = 2});

  const auto different = refusal({t.dir / "a.h5", t.dir / "other.h5"}, t.dir / "m1.h5");
  CHECK(different.find("different experiments") != std::string::npos);
  CHECK(different.find("other.h5") != std::string::npos);
  const auto draws = refusal({t.dir / "a.h5", t.dir / "longer.h5"}, t.dir / "m2.h5");
  CHECK(draws.find("draws=300") != std::string::npos);
  CHECK(draws.find("draws=400") != std::string::npos);
  CHECK(refusal({t.dir / "a.h5"}, t.dir / "m3.h5").find("at least two") != std::string::npos);
  CHECK(refusal({t.dir / "a.h5", t.dir / "a.h5"}, t.dir / "m4.h5").find("twice") !=
        std::string::npos);
  CHECK(refusal({t.dir / "a.h5", t.dir / "b.h5"}, t.dir / "b.h5").find("one of the inputs") !=
        std::string::npos);
  // Nothing was written for a refused merge.
  for (const char* name : {"m1.h5", "m2.h5", "m3.h5", "m4.h5"})
    CHECK_FALSE(fs::exists(t.dir / name));
}
