// Growing a sweep (`fairmc run --resume DIR key=more,values`, engine/grow.hpp): the grown file
// holds, dataset for dataset and bit for bit, what a single run of the larger sweep writes, and
// only the new points are computed. Anything but added values (and more draws) is refused.
#include "engine/grow.hpp"

#include "engine/h5io.hpp"
#include "engine/results_file.hpp"
#include "engine/runner.hpp"
#include "scenarios/catalog.hpp"

#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>
#include <hdf5.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

using fairmc::testing::TempDir;

// Kept draws, a short last block (300 = 4 x 64 + 44), a fit, a ratio and checks: every kind of
// dataset a results file has.
const std::string base = R"yaml(experiment: grow_test
scenario: demo
seed: 41
draws: 300
block: 64
keep_draws: true
population: {agents: 20}
ratios: [{name: max_over_mean, num: max, den: mean}]
fits: [{metric: gap, against: population.agents, log: true}]
checks:
  - {name: max_closed_form, claim: "E[max] = n/(n+1)", mean: max, equals: expected_max}
  - {name: gap_slope, claim: "gap ~ 1/n", slope: {metric: gap, against: population.agents}, le: 0}
)yaml";

const std::string grid_1d = base + "sweep:\n  grid: {population.agents: [2, 8, 32]}\n";
const std::string grid_2d =
    base + "sweep:\n  grid: {population.agents: [2, 8, 32], mechanism.work: [1, 2]}\n";
const std::string zipped = base +
                           "sweep:\n  grid: {mechanism.work: [1, 2]}\n"
                           "  zip: {population.agents: [2, 8], mechanism.fail_from_draw: [0, 5]}\n";

fairmc::RunOutcome run(const fs::path& file, const fairmc::Experiment& e,
                       const fairmc::StoredRun* resume = nullptr, fairmc::GrowPlan grow = {},
                       std::size_t shard = 0, std::size_t shards = 1) {
  fairmc::RunOptions opt;
  opt.threads = 2;
  opt.results = file;
  opt.progress_bar = false;
  opt.resume = resume;
  opt.grow = std::move(grow);
  opt.shard_index = shard;
  opt.shard_count = shards;
  std::ostringstream log;
  return fairmc::run_experiment(e, fairmc::scenario_catalog().front(), opt, log);
}

fairmc::Experiment load(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return fairmc::load_experiment_text(text, "grow_test.yaml", overrides);
}

// What the command line does for `--resume DIR overrides...` that grow the sweep.
fairmc::RunOutcome grow(const fs::path& file, const std::vector<std::string>& overrides) {
  const auto stored = fairmc::read_results(file);
  const auto e = fairmc::load_grown(stored, overrides);
  return run(file, e, &stored, fairmc::plan_grow(stored, e));
}

// The refusal's message, or "" when the overrides are accepted.
std::string refusal(const fs::path& file, const std::vector<std::string>& overrides) {
  try {
    const auto stored = fairmc::read_results(file);
    fairmc::plan_grow(stored, fairmc::load_grown(stored, overrides));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// Every dataset of a results file as bytes (strings as their texts), by path; /history, which
// records when and how each file was made, aside.
std::map<std::string, std::string> datasets(const fs::path& file) {
  const fairmc::h5::Hid f = fairmc::h5::open_file(file);
  std::vector<std::string> names;
  fairmc::h5::check(H5Ovisit2(
                        f, H5_INDEX_NAME, H5_ITER_INC,
                        [](hid_t, const char* name, const H5O_info_t* info, void* out) -> herr_t {
                          if (info->type == H5O_TYPE_DATASET)
                            static_cast<std::vector<std::string>*>(out)->emplace_back(name);
                          return 0;
                        },
                        &names, H5O_INFO_BASIC),
                    "walk");
  std::map<std::string, std::string> out;
  for (const auto& name : names) {
    if (name.rfind("history/", 0) == 0) continue;
    const fairmc::h5::Hid d = fairmc::h5::open_dataset(f, name);
    const fairmc::h5::Hid type(H5Dget_type(d), H5Tclose, "type");
    std::string bytes;
    if (H5Tget_class(type) == H5T_STRING) {
      for (const auto& s : fairmc::h5::read_strings(f, name)) bytes += s + '\0';
    } else {
      bytes.resize(fairmc::h5::element_count(d) * H5Tget_size(type));
      if (!bytes.empty())
        fairmc::h5::check(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), "read");
    }
    out.emplace(name, std::move(bytes));
  }
  return out;
}

// Runs `run` (a grow of `file`) on a thread and sends this process SIGINT `after` its first write
// replaced the stored file (tests/interrupted_run.hpp waits for the file to appear, but a grow's
// file exists before it starts). SIGINT is ignored outside the runner's handler meanwhile.
fairmc::RunOutcome interrupted_after_first_write(const fs::path& file,
                                                 std::chrono::milliseconds after,
                                                 const std::function<fairmc::RunOutcome()>& run) {
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ignore, &previous);
  const auto stored_time = fs::last_write_time(file);
  fairmc::RunOutcome outcome;
  std::atomic<bool> done = false;
  std::thread runner([&] {
    outcome = run();
    done = true;
  });
  while (fs::last_write_time(file) == stored_time && !done)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(after);
  kill(getpid(), SIGINT);
  runner.join();
  sigaction(SIGINT, &previous, nullptr);
  return outcome;
}

void require_same_datasets(const fs::path& a, const fs::path& b) {
  const auto x = datasets(a), y = datasets(b);
  std::vector<std::string> only;
  for (const auto& [k, v] : x)
    if (!y.count(k)) only.push_back(k);
  for (const auto& [k, v] : y)
    if (!x.count(k)) only.push_back(k);
  CHECK(only.empty());
  std::vector<std::string> differ;
  for (const auto& [k, v] : x)
    if (y.count(k) && y.at(k) != v) differ.push_back(k);
  INFO("first differing dataset: " << (differ.empty() ? "" : differ.front()));
  CHECK(differ.empty());
  // /checks and /summary are among them.
  CHECK(x.count("checks/max_closed_form/verdict") == 1);
  CHECK(std::any_of(x.begin(), x.end(),
                    [](const auto& kv) { return kv.first.rfind("summary/", 0) == 0; }));
  CHECK(x.size() > 50);
}

}  // namespace

TEST_CASE("appended values: the grown file equals a run of the larger sweep; old points reused") {
  TempDir t("grow_append");
  REQUIRE(run(t.dir / "grown.h5", load(grid_1d)).complete);
  const std::vector<std::string> more{"population.agents=2,8,32,128,512"};
  const auto o = grow(t.dir / "grown.h5", more);
  CHECK(o.complete);
  CHECK(o.draws_computed == 2 * 300);  // the two new points only
  REQUIRE(run(t.dir / "fresh.h5", load(grid_1d, more)).complete);
  require_same_datasets(t.dir / "grown.h5", t.dir / "fresh.h5");
  const auto history = fairmc::read_results(t.dir / "grown.h5").history;
  REQUIRE(history.size() == 2);
  CHECK(history.back().kind == "grow");
  CHECK(history.back().note.find("from 3 to 5 points") != std::string::npos);
  CHECK(history.back().note.find("128, 512") != std::string::npos);
  CHECK(history.back().overrides == more.front());
}

TEST_CASE("inserted values in a 2-D sweep, with more draws, move the stored points' indices") {
  TempDir t("grow_insert");
  REQUIRE(run(t.dir / "grown.h5", load(grid_2d)).complete);
  // Point (8, 1) was 2 and is 4 now; 300 -> 350 draws recomputes every short last block.
  const std::vector<std::string> more{"population.agents=1,2,4,8,32", "mechanism.work=1,3,2",
                                      "draws=350"};
  const auto o = grow(t.dir / "grown.h5", more);
  CHECK(o.complete);
  // 9 new points of 350 draws; the 6 stored ones recompute their last block (256..349).
  CHECK(o.draws_computed == 9 * 350 + 6 * (350 - 256));
  REQUIRE(run(t.dir / "fresh.h5", load(grid_2d, more)).complete);
  require_same_datasets(t.dir / "grown.h5", t.dir / "fresh.h5");
}

TEST_CASE("zipped keys grow by whole combinations, inserted anywhere") {
  TempDir t("grow_zip");
  REQUIRE(run(t.dir / "grown.h5", load(zipped)).complete);
  const std::vector<std::string> more{"sweep.zip.population.agents=4,2,8,16",
                                      "sweep.zip.mechanism.fail_from_draw=7,0,5,9"};
  CHECK(grow(t.dir / "grown.h5", more).draws_computed == 2 * 2 * 300);
  REQUIRE(run(t.dir / "fresh.h5", load(zipped, more)).complete);
  require_same_datasets(t.dir / "grown.h5", t.dir / "fresh.h5");
}

TEST_CASE("a fixed key newly swept over values that include its stored one adds an axis") {
  TempDir t("grow_new_axis");
  // population.agents is fixed at 20 (no fit against it); mechanism.work is swept.
  const std::string text = R"yaml(experiment: grow_test
scenario: demo
seed: 41
draws: 300
block: 64
keep_draws: true
population: {agents: 20}
checks:
  - {name: max_closed_form, claim: "E[max] = n/(n+1)", mean: max, equals: expected_max}
sweep:
  grid: {mechanism.work: [1, 2]}
)yaml";
  REQUIRE(run(t.dir / "grown.h5", load(text)).complete);
  const std::vector<std::string> more{"population.agents=5,20,80"};
  CHECK(grow(t.dir / "grown.h5", more).draws_computed == 2 * 2 * 300);
  REQUIRE(run(t.dir / "fresh.h5", load(text, more)).complete);
  require_same_datasets(t.dir / "grown.h5", t.dir / "fresh.h5");
  CHECK(
      fairmc::read_results(t.dir / "grown.h5").history.back().note.find("newly swept; 20 stored") !=
      std::string::npos);
  // Without the stored value, or for a key the stored run left to the scenario's default, no
  // stored point has a place in the sweep.
  TempDir u("grow_new_axis_refused");
  REQUIRE(run(u.dir / "r.h5", load(text)).complete);
  const auto without = refusal(u.dir / "r.h5", {"population.agents=5,80"});
  CHECK(without.find("population.agents=20,<new values>") != std::string::npos);
  CHECK(without.find("r.h5") != std::string::npos);
  CHECK(refusal(u.dir / "r.h5", {"mechanism.fail_from_draw=0,1"}).find("not swept") !=
        std::string::npos);
}

TEST_CASE("a partly done file grows: its unfinished points are computed with the new ones") {
  TempDir t("grow_partial");
  run(t.dir / "grown.h5", load(grid_2d), nullptr, {}, 1, 2);  // points 1, 3, 5 only
  const std::vector<std::string> more{"population.agents=2,8,32,64"};
  CHECK(grow(t.dir / "grown.h5", more).draws_computed == (8 - 3) * 300);
  REQUIRE(run(t.dir / "fresh.h5", load(grid_2d, more)).complete);
  require_same_datasets(t.dir / "grown.h5", t.dir / "fresh.h5");
}

TEST_CASE("a grow interrupted after its first write leaves the grown file, which resumes") {
  TempDir t("grow_interrupt");
  const std::string slow = grid_1d + "mechanism: {work: 400}\n";
  REQUIRE(run(t.dir / "grown.h5", load(slow)).complete);
  const std::vector<std::string> more{"population.agents=2,8,32,64,256"};
  const auto first =
      interrupted_after_first_write(t.dir / "grown.h5", std::chrono::milliseconds(30),
                                    [&] { return grow(t.dir / "grown.h5", more); });
  MESSAGE("interrupted: " << first.interrupted);
  {
    // Whether or not it was interrupted, the file on disk is the grown experiment.
    const auto stored = fairmc::read_results(t.dir / "grown.h5");
    CHECK(stored.metrics.size() == 5);
    CHECK(stored.history.back().kind == "grow");
    if (first.interrupted) REQUIRE(run(t.dir / "grown.h5", load(slow, more), &stored).complete);
  }
  REQUIRE(run(t.dir / "fresh.h5", load(slow, more)).complete);
  require_same_datasets(t.dir / "grown.h5", t.dir / "fresh.h5");
}

TEST_CASE("growing refuses anything but added values, naming the file, the key and the values") {
  TempDir t("grow_refuse");
  const fs::path file = t.dir / "r.h5";
  REQUIRE(run(file, load(grid_2d)).complete);
  REQUIRE(run(t.dir / "z.h5", load(zipped)).complete);
  const auto says = [](const std::string& message, std::vector<std::string> parts) {
    INFO(message);
    for (const auto& p : parts) CHECK(message.find(p) != std::string::npos);
  };
  says(refusal(file, {"population.agents=2,32,64"}),
       {"r.h5", "population.agents", "8 is missing", "2, 8, 32"});
  says(refusal(file, {"population.agents=8"}),
       {"r.h5", "population.agents", "one value", "2, 8, 32"});
  says(refusal(file, {"population.size=1,2"}),
       {"r.h5", "population.size", "not swept", "population.agents, mechanism.work"});
  says(refusal(file, {"population.agents=2,8,32,64", "seed=42"}), {"r.h5", "seed", "41", "42"});
  says(refusal(file, {"population.agents=2,8,32,64", "block=50"}), {"r.h5", "block"});
  says(refusal(file, {"population.agents=2,8,32,64", "draws=200"}), {"r.h5", "draws", "300"});
  says(refusal(file, {"mechanism.work=1,2,3", "scenario=power"}), {"r.h5", "scenario", "demo"});
  says(refusal(file, {"mechanism.work=1,2,3", "experiment=other"}), {"r.h5", "experiment"});
  // A zip extended on one key only has unequal lists (the loader says so); extended on both with
  // a stored combination changed, that combination is named.
  says(refusal(t.dir / "z.h5", {"sweep.zip.population.agents=2,8,16"}),
       {"equal length", "z.h5",
        "(population.agents=2, mechanism.fail_from_draw=0), (population.agents=8, "
        "mechanism.fail_from_draw=5)"});
  says(refusal(t.dir / "z.h5",
               {"sweep.zip.population.agents=2,8,16", "sweep.zip.mechanism.fail_from_draw=0,6,9"}),
       {"z.h5", "sweep.zip", "(population.agents=8, mechanism.fail_from_draw=5) is missing"});
  // The stored values again (in any order): accepted, nothing new.
  CHECK(refusal(file, {"population.agents=32,8,2"}).empty());
  // Refused overrides leave the file as it was.
  CHECK(fairmc::read_results(file).history.size() == 1);
}
