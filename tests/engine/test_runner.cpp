#include "engine/runner.hpp"

#include "engine/h5io.hpp"
#include "engine/prepare.hpp"
#include "engine/results_file.hpp"
#include "scenarios/catalog.hpp"

#include "tests/demo_run.hpp"
#include "tests/interrupted_run.hpp"
#include "tests/stored_blocks.hpp"
#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace {

using fairmc::testing::Blocks;
using fairmc::testing::require_identical;
using fairmc::testing::run_into;
using fairmc::testing::same_bits;
using fairmc::testing::stored_blocks;
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

Blocks run(const fs::path& file, int threads, const std::vector<std::string>& overrides = {},
           const fairmc::StoredRun* resume = nullptr, const std::string& text = experiment) {
  REQUIRE(run_into(file, text, {.threads = threads, .overrides = overrides, .resume = resume})
              .complete);
  return stored_blocks(file);
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
  REQUIRE(run_into(t.dir / "part.h5", experiment,
                   {.overrides = {"draws=1000"}, .resume = &stored, .checkpoint_every_wave = true})
              .complete);
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
  REQUIRE(run_into(t.dir / "every.h5", experiment, {.checkpoint_every_wave = true}).complete);
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
    run_into(t.dir / "c.h5", text, {.threads = 1, .overrides = {"seed=" + std::to_string(seed)}});
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
  const auto outcome = run_into(
      t.dir / "f.h5", text,
      {.overrides = {"block=10", "mechanism.fail_from_draw=150"}, .checkpoint_every_wave = true});
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

namespace {

const std::string sketched = R"(experiment: runner_stats
scenario: demo
seed: 7
draws: 1000
block: 64
population: {agents: 20}
ratios: [{name: mean_over_max, num: mean, den: max}]
sweep:
  grid: {population.agents: [1, 5, 20]}
)";

// Every per-point statistic (moments, sketch quantiles, diagnostics, ratio estimates) as bits.
std::string stats_bits(const fs::path& file) {
  using namespace fairmc::h5;
  const auto stored = fairmc::read_results(file);
  Hid f = open_file(file);
  std::ostringstream o;
  for (std::size_t p = 0; p < stored.metrics.size(); ++p) {
    Hid g = open_group(f, "points/" + std::to_string(p));
    Hid stats = open_group(g, "stats");
    Hid ratios = open_group(g, "ratios");
    for (const auto& [group, names] :
         {std::pair{hid_t{stats}, stored.metrics[p]}, {hid_t{ratios}, stored.ratios[p]}})
      for (const auto& m : names) {
        o << p << " " << m;
        for (const double x : read<double>(group, m)) {
          std::uint64_t bits;
          std::memcpy(&bits, &x, sizeof x);
          o << " " << std::hex << bits << std::dec;
        }
        o << "\n";
      }
  }
  return o.str();
}

}  // namespace

TEST_CASE("sketch quantiles, diagnostics and ratios are bit-identical for threads and resume") {
  TempDir t("runner_stats");
  REQUIRE(run_into(t.dir / "one.h5", sketched, {.threads = 1}).complete);
  REQUIRE(run_into(t.dir / "two.h5", sketched, {.checkpoint_every_wave = true}).complete);
  const std::string one = stats_bits(t.dir / "one.h5");
  CHECK(one.find("mean_over_max") != std::string::npos);
  CHECK(one == stats_bits(t.dir / "two.h5"));
  // 250 draws end in a short block whose sketch must be dropped when the run is extended.
  REQUIRE(run_into(t.dir / "part.h5", sketched, {.overrides = {"draws=250"}}).complete);
  const auto stored = fairmc::read_results(t.dir / "part.h5");
  REQUIRE(run_into(t.dir / "part.h5", sketched,
                   {.overrides = {"draws=1000"}, .resume = &stored, .checkpoint_every_wave = true})
              .complete);
  CHECK(one == stats_bits(t.dir / "part.h5"));
}

TEST_CASE("the ratio of means is E[mean]/E[max] with a jackknife interval") {
  TempDir t("runner_ratio");
  // One agent: mean = max = the uniform, so the ratio is exactly 1 with no spread.
  auto out = run_into(t.dir / "r.h5", sketched);
  REQUIRE(out.complete);
  using namespace fairmc::h5;
  Hid f = open_file(t.dir / "r.h5");
  const auto est = read<double>(open_group(f, "summary"), "mean_over_max");
  CHECK(est.at(0) == doctest::Approx(1.0));
  // 20 agents: E[mean]/E[max] = (1/2) / (20/21) = 0.525.
  const auto lo = read<double>(open_group(f, "summary"), "mean_over_max_ci_lo");
  const auto hi = read<double>(open_group(f, "summary"), "mean_over_max_ci_hi");
  CHECK(lo.at(2) < 0.525);
  CHECK(hi.at(2) > 0.525);
  bool printed = false;
  for (const auto& line : out.notes)
    printed = printed || line.find("ratio mean_over_max") == 0 ||
              line.find("ratio mean_over_max") != std::string::npos;
  CHECK(printed);
}

TEST_CASE(
    "precision targets stop each point at a power of two of blocks, the same for any threads") {
  TempDir t("runner_precision");
  // mean of 20 uniforms: sd = 1/sqrt(240) = 0.0645, so a 95% half-width of 0.0025 needs about
  // 2560 draws: not at 32 blocks of 64 (2048), met at 64 (4096). The ratio target is met early.
  const std::string text = R"(experiment: precision
scenario: demo
seed: 11
max_draws: 100000
block: 64
population: {agents: 20}
ratios: [{name: mean_over_max, num: mean, den: max}]
precision: [{metric: mean, abs: 0.0025}, {ratio: mean_over_max, rel: 0.01}]
sweep:
  grid: {population.agents: [20, 21]}
)";
  REQUIRE(run_into(t.dir / "one.h5", text, {.threads = 1}).complete);
  REQUIRE(run_into(t.dir / "two.h5", text, {.checkpoint_every_wave = true}).complete);
  CHECK(stats_bits(t.dir / "one.h5") == stats_bits(t.dir / "two.h5"));
  using namespace fairmc::h5;
  Hid f = open_file(t.dir / "one.h5");
  Hid s = open_group(f, "summary");
  const auto used = read<double>(s, "draws_used");
  const auto met = read<double>(s, "precision_met");
  const auto lo = read<double>(s, "mean_ci_lo"), hi = read<double>(s, "mean_ci_hi");
  for (std::size_t p = 0; p < 2; ++p) {
    CHECK(met.at(p) == 1);
    CHECK((used.at(p) == 64 * 64 || used.at(p) == 128 * 64));
    CHECK((hi.at(p) - lo.at(p)) / 2 <= 0.0025);
  }
  CHECK(used.at(0) == 64 * 64);
  // The ratio target too: its jackknife half-width within 1% of the estimate.
  const auto r = read<double>(s, "mean_over_max"), rlo = read<double>(s, "mean_over_max_ci_lo"),
             rhi = read<double>(s, "mean_over_max_ci_hi");
  for (std::size_t p = 0; p < 2; ++p) CHECK((rhi.at(p) - rlo.at(p)) / 2 <= 0.01 * r.at(p));
  CHECK(read_string_attr(open_group(f, "points/0"), "status") == "complete");
  // A target out of reach stops at the cap, unmet.
  REQUIRE(run_into(t.dir / "cap.h5", text, {.overrides = {"max_draws=2000"}}).complete);
  Hid c = open_file(t.dir / "cap.h5");
  CHECK(read<double>(open_group(c, "summary"), "draws_used").at(0) == 2000);
  CHECK(read<double>(open_group(c, "summary"), "precision_met").at(0) == 0);
  CHECK(read<double>(open_group(c, "summary"), "precision_met_mean_over_max").at(0) == 1);
}

TEST_CASE("the objective headline's mean of ratios is flagged, the demo's metrics are not") {
  TempDir t("runner_warnings");
  const std::string demo = R"yaml(experiment: demo_warnings
scenario: demo
seed: 20261125
draws: 4000
block: 200
population: {agents: 10}
sweep:
  grid: {population.agents: "logspace(0,3,7,round)"}
)yaml";
  const auto d = run_into(t.dir / "demo.h5", demo);
  for (const auto& line : d.notes) CHECK(line.find("warning") == std::string::npos);
  const std::string headline = R"(experiment: headline_warnings
scenario: objective
seed: 20260001
draws: 2000
block: 200
population: {agents: 2, items: 20, prior: {dist: uniform}}
mechanism: {name: participatory, alpha: 0.2, beta: 0.1}
)";
  const auto e = fairmc::load_experiment_text(headline, "headline.yaml", {});
  fairmc::RunOptions opt;
  opt.threads = 2;
  opt.results = t.dir / "headline.h5";
  opt.progress_bar = false;
  std::ostringstream log;
  const auto catalog = fairmc::scenario_catalog();
  const auto o = fairmc::run_experiment(e, fairmc::find_scenario(catalog, e), opt, log);
  bool flagged = false, ratio = false;
  for (const auto& line : o.notes) {
    flagged = flagged ||
              line.find("metric gain_to_loss: normal interval unreliable") != std::string::npos;
    ratio = ratio || line.find("ratio gain_over_loss") != std::string::npos;
  }
  CHECK(flagged);
  CHECK(ratio);
}

TEST_CASE("a precision-driven run interrupted and resumed equals an uninterrupted one") {
  TempDir t("runner_precision_resume");
  const std::string text = R"(experiment: precision_resume
scenario: demo
seed: 12
max_draws: 100000
block: 64
population: {agents: 20}
mechanism: {work: 400}
ratios: [{name: mean_over_max, num: mean, den: max}]
precision: [{metric: mean, abs: 0.0025}, {ratio: mean_over_max, rel: 0.01}]
sweep:
  grid: {population.agents: [20, 21]}
)";
  REQUIRE(run_into(t.dir / "straight.h5", text).complete);
  // Ctrl-C while the run goes on (ignored outside the runner's own handler), then resume.
  const fs::path part = t.dir / "part.h5";
  const fairmc::RunOutcome first = fairmc::testing::interrupted_run(
      part, std::chrono::milliseconds(150),
      [&] { return run_into(part, text, {.checkpoint_every_wave = true}); });
  MESSAGE("interrupted: " << first.interrupted);
  if (first.interrupted) {
    const auto stored = fairmc::read_results(part);
    REQUIRE(run_into(part, text, {.resume = &stored, .checkpoint_every_wave = true}).complete);
  }
  CHECK(stats_bits(part) == stats_bits(t.dir / "straight.h5"));
  const auto a = stored_blocks(part), b = stored_blocks(t.dir / "straight.h5");
  REQUIRE(a.size() == b.size());
  for (std::size_t p = 0; p < a.size(); ++p) {
    REQUIRE(a[p].size() == b[p].size());
    for (const auto& [i, block] : a[p])
      CHECK(same_bits(block.metrics[0].mean, b[p].at(i).metrics[0].mean));
  }
}

TEST_CASE("sketch quantiles agree with the exact quantiles of the kept draws") {
  TempDir t("runner_quantiles");
  // keep_draws does not change the draws (it is not part of the stream key).
  REQUIRE(run_into(t.dir / "exact.h5", sketched, {.overrides = {"keep_draws=true"}}).complete);
  REQUIRE(run_into(t.dir / "sketch.h5", sketched).complete);
  using namespace fairmc::h5;
  Hid fe = open_file(t.dir / "exact.h5"), fs_ = open_file(t.dir / "sketch.h5");
  Hid se = open_group(fe, "summary"), ss = open_group(fs_, "summary");
  for (const char* m : {"max", "gap", "mean"})
    for (const char* q : {"q05", "q25", "median", "q75", "q95"}) {
      const auto exact = read<double>(se, std::string(m) + "_" + q);
      const auto sketch = read<double>(ss, std::string(m) + "_" + q);
      for (std::size_t p = 0; p < exact.size(); ++p) {
        INFO(m << "_" << q << " at point " << p);
        // 2^-8 relative to the order statistics around the quantile; 1000 continuous draws put
        // those within a few per mille of each other, hence 0.45%.
        CHECK(std::fabs(sketch[p] - exact[p]) <= 0.0045 * std::fabs(exact[p]));
      }
    }
}

TEST_CASE("fits are weighted by the standard errors and printed by run and show") {
  TempDir t("runner_fits");
  const std::string text = sketched + "fits: [{metric: gap, against: population.agents}]\n";
  const auto out = run_into(t.dir / "f.h5", text);
  bool printed = false;
  for (const auto& line : out.notes)
    printed = printed || (line.find("fit gap_vs_population.agents") == 0 &&
                          line.find("chi2/dof") != std::string::npos);
  CHECK(printed);
  CHECK(fairmc::describe_results(t.dir / "f.h5").find("fit gap_vs_population.agents: slope") !=
        std::string::npos);
  using namespace fairmc::h5;
  Hid f = open_file(t.dir / "f.h5");
  Hid s = open_group(f, "summary");
  // The slope through the three points' log means, weighted by (mean/sem)^2, recomputed here.
  const auto y = read<double>(s, "gap"), sem = read<double>(s, "gap_sem");
  const std::vector<double> x{std::log(1.0), std::log(5.0), std::log(20.0)};
  std::vector<double> ly, sigma;
  for (std::size_t p = 0; p < 3; ++p) {
    ly.push_back(std::log(y[p]));
    sigma.push_back(sem[p] / y[p]);
  }
  const auto fit = fairmc::fit_line(x, ly, sigma);
  CHECK(read<double>(s, "fit_gap_vs_population.agents_slope").at(0) == fit.slope);
  CHECK(read<double>(s, "fit_gap_vs_population.agents_chi2_dof").at(0) == fit.chi2_dof);
}
