// An experiment of the demo scenario run quietly from YAML text into one results file: how the
// engine tests run, resume, checkpoint and shard without the command line.
#pragma once

#include "engine/config.hpp"
#include "engine/runner.hpp"
#include "scenarios/catalog.hpp"

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace fairmc::testing {

// How to run: the RunOptions the tests vary (designated initializers name the ones that differ).
struct DemoRun {
  int threads = 2;
  std::vector<std::string> overrides{};  // key=value, as on the command line
  const StoredRun* resume = nullptr;
  bool checkpoint_every_wave = false;  // checkpoint budget 0: a background rewrite after each wave
  std::size_t shard = 0, shards = 1;   // --shard shard/shards
};

inline RunOutcome run_into(const std::filesystem::path& file, const std::string& text,
                           const DemoRun& how = {}) {
  const auto e = load_experiment_text(text, "test.yaml", how.overrides);
  RunOptions opt;
  opt.threads = how.threads;
  if (how.checkpoint_every_wave) opt.checkpoint_bytes = 0;  // over budget after every wave
  opt.results = file;
  opt.progress_bar = false;
  opt.resume = how.resume;
  opt.shard_index = how.shard;
  opt.shard_count = how.shards;
  std::ostringstream log;
  return run_experiment(e, scenario_catalog().front(), opt, log);
}

}  // namespace fairmc::testing
