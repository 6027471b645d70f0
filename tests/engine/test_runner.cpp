#include "engine/runner.hpp"

#include "engine/results_file.hpp"
#include "scenarios/catalog.hpp"

#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace {

using fairmc::testing::TempDir;

const std::string experiment = R"(experiment: runner_test
scenario: demo
seed: 99
draws: 1000
block: 64
keep_draws: true
population: {agents: 20}
sweep:
  grid: {population.agents: [1, 5, 20]}
)";

// Runs `text` (demo scenario) quietly into `file`.
fairmc::RunOutcome run_into(const fs::path& file, int threads, const std::string& text,
                            const std::vector<std::string>& overrides = {},
                            const fairmc::StoredRun* resume = nullptr,
                            bool checkpoint_every_wave = false) {
  const auto e = fairmc::load_experiment_text(text, "test.yaml", overrides);
  fairmc::RunOptions opt;
  opt.threads = threads;
  if (checkpoint_every_wave) opt.checkpoint_bytes = 0;  // over budget after every wave
  opt.results = file;
  opt.progress_bar = false;
  opt.resume = resume;
  std::ostringstream log;
  return fairmc::run_experiment(e, fairmc::scenario_catalog().front(), opt, log);
}

// Every block a results file holds, per point.
using Blocks = std::vector<std::map<std::int64_t, fairmc::BlockRecord>>;
Blocks stored_blocks(const fs::path& file) {
  const auto stored = fairmc::read_results(file);
  Blocks out(stored.metrics.size());
  for (std::size_t p = 0; p < out.size(); ++p)
    fairmc::for_each_stored_block(
        file, p, [&](std::int64_t b, const fairmc::BlockRecord& rec) { out[p].emplace(b, rec); });
  return out;
}

Blocks run(const fs::path& file, int threads, const std::vector<std::string>& overrides = {},
           const fairmc::StoredRun* resume = nullptr, const std::string& text = experiment) {
  REQUIRE(run_into(file, threads, text, overrides, resume).complete);
  return stored_blocks(file);
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Every stored number (block summaries and raw draws) bit-identical.
void require_identical(const Blocks& a, const Blocks& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t p = 0; p < a.size(); ++p) {
    REQUIRE(a[p].size() == b[p].size());
    for (const auto& [i, block] : a[p]) {
      const auto& other = b[p].at(i);
      REQUIRE(block.length == other.length);
      for (std::size_t m = 0; m < block.metrics.size(); ++m) {
        const auto& x = block.metrics[m];
        const auto& y = other.metrics[m];
        CHECK((same_bits(x.n, y.n) && same_bits(x.mean, y.mean) && same_bits(x.m2, y.m2) &&
               same_bits(x.min, y.min) && same_bits(x.max, y.max)));
        REQUIRE(block.draws[m].size() == other.draws[m].size());
        for (std::size_t d = 0; d < block.draws[m].size(); ++d)
          CHECK(same_bits(block.draws[m][d], other.draws[m][d]));
      }
    }
  }
}

// The h5 files' /summary datasets, byte for byte (h5py-free: via the stats text).
std::string summary_text(const fs::path& file) {
  return fairmc::describe_results(file);
}

}  // namespace

TEST_CASE("results are bit-identical for 1 and 2 threads") {
  TempDir t("runner_threads");
  const auto one = run(t.dir / "one.h5", 1);
  const auto two = run(t.dir / "two.h5", 2);
  require_identical(one, two);
  CHECK(summary_text(t.dir / "one.h5") == summary_text(t.dir / "two.h5"));
}

TEST_CASE("a resumed and extended run equals an uninterrupted one") {
  TempDir t("runner_resume");
  // 250 draws end in a short block (250 = 3*64 + 58) that must be recomputed when extended.
  const auto before = run(t.dir / "part.h5", 2, {"draws=250"});
  const auto stored = fairmc::read_results(t.dir / "part.h5");
  // Checkpointing after every wave: each rewrite copies the blocks saved so far from the file.
  REQUIRE(run_into(t.dir / "part.h5", 2, experiment, {"draws=1000"}, &stored, true).complete);
  const auto resumed = stored_blocks(t.dir / "part.h5");
  const auto straight = run(t.dir / "straight.h5", 1);
  require_identical(resumed, straight);
  CHECK(summary_text(t.dir / "part.h5") == summary_text(t.dir / "straight.h5"));
  // Blocks computed before the extension are reused, not recomputed.
  CHECK(before[0].at(0).metrics[0].mean == resumed[0].at(0).metrics[0].mean);
  CHECK(before[0].at(3).length == 58);
  CHECK(resumed[0].at(3).length == 64);
}

TEST_CASE("checkpointing after every wave changes no number") {
  TempDir t("runner_checkpoints");
  // 3 points x 16 blocks in waves of 8, 32, 8 units; after every wave a background rewrite of the
  // file copies the earlier blocks from the previous one, and the run keeps none in memory.
  REQUIRE(run_into(t.dir / "every.h5", 2, experiment, {}, nullptr, true).complete);
  const auto never = run(t.dir / "never.h5", 2);
  require_identical(stored_blocks(t.dir / "every.h5"), never);
  CHECK(summary_text(t.dir / "every.h5") == summary_text(t.dir / "never.h5"));
}

TEST_CASE("mechanisms compared at one point see the same population (common random numbers)") {
  TempDir t("runner_crn");
  const std::string text = R"(experiment: crn
scenario: demo
seed: 5
draws: 50
block: 10
population: {agents: 10}
mechanism: {name: max, work: 1}
sweep: {grid: {mechanism.work: [1, 3]}}
)";
  const auto r = run(t.dir / "crn.h5", 2, {}, nullptr, text);
  // `work` changes cost but not the sampled values: both points' numbers coincide exactly.
  REQUIRE(r.size() == 2);
  CHECK(r[0].at(3).metrics[0].mean == r[1].at(3).metrics[0].mean);
}

TEST_CASE("the 95% interval covers E[max] = n/(n+1) in about 95% of 200 seeds") {
  // Coverage count ~ Binomial(200, 0.95): mean 190, sd 3.08; [178, 200] is mean +- 4 sd.
  TempDir t("runner_coverage");
  const std::string text = R"(experiment: coverage
scenario: demo
draws: 200
block: 50
population: {agents: 10}
)";
  int covered = 0;
  const double truth = 10.0 / 11.0;
  for (int seed = 1; seed <= 200; ++seed) {
    run_into(t.dir / "c.h5", 1, text, {"seed=" + std::to_string(seed)});
    const auto stored = stored_blocks(t.dir / "c.h5");
    std::vector<fairmc::Summary> blocks;
    for (const auto& [b, rec] : stored[0]) blocks.push_back(rec.metrics[0]);
    const auto s = fairmc::Summary::merge_all(blocks);
    covered += std::fabs(s.mean - truth) <= s.ci95_half_width();
  }
  MESSAGE("covered in " << covered << " of 200 seeds");
  CHECK(covered >= 178);
  CHECK(covered <= 200);
}

TEST_CASE("a failing sweep point is recorded with its message and the others go on") {
  TempDir t("runner_failing");
  const std::string text = R"(experiment: failing
scenario: demo
seed: 5
draws: 300
block: 100
population: {agents: 3}
mechanism: {fail_for_agents: 4}
sweep: {grid: {population.agents: [3, 4, 5]}}
)";
  // Blocks of 10 in waves of 8 and more, each followed by a background write: the failing point
  // has completed blocks in memory and in a write in flight when its draw 150 throws.
  const auto outcome = run_into(t.dir / "f.h5", 2, text,
                                {"block=10", "mechanism.fail_from_draw=150"}, nullptr, true);
  CHECK(outcome.complete);
  CHECK(outcome.failed_points == 1);
  const auto stored = fairmc::read_results(t.dir / "f.h5");
  CHECK(stored.errors[0].empty());
  CHECK(stored.errors[1].find("failing on purpose") != std::string::npos);
  CHECK(stored.errors[2].empty());
  const auto blocks = stored_blocks(t.dir / "f.h5");
  CHECK(blocks[0].size() == 30);
  CHECK(blocks[1].empty());
  CHECK(blocks[2].size() == 30);
}
