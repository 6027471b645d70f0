// Runs an experiment: (point, block) work units computed in parallel with TBB, merged in block
// order, checkpointed to the results file every few seconds (DESIGN.md "runner").
#pragma once

#include "engine/cluster.hpp"
#include "engine/config.hpp"
#include "engine/grow.hpp"
#include "engine/results_file.hpp"
#include "engine/scenario.hpp"

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace fairmc {

struct RunOptions {
  int threads = 0;                  // 0 = every core
  std::filesystem::path results;    // the results file to write
  double checkpoint_seconds = 5.0;  // between rewrites of the results file
  // Rewrite sooner once the block summaries not yet written would take this much memory, so
  // memory stays flat however fast blocks complete (kept raw draws do not count).
  std::size_t checkpoint_bytes = std::size_t{4} << 20;
  std::optional<bool> progress_bar;  // default: when stderr is a terminal
  std::string command_line;
  const StoredRun* resume = nullptr;  // blocks already computed
  // With `resume`: the stored experiment with a larger sweep (engine/grow.hpp), which maps each
  // point to the stored one it continues; empty: the stored experiment itself.
  GrowPlan grow;
  const Cluster* cluster = nullptr;  // MPI ranks sharing the work; null = this process alone
  // --overwrite of an existing file: it stays until the first checkpoint (or the end) replaces it.
  bool keep_previous = false;
  // --shard i/k: compute only the points p with p % k == i (a Slurm job array runs one shard per
  // task; `fairmc merge` joins their files). The file's other points stay pending.
  std::size_t shard_index = 0, shard_count = 1;
};

struct RunOutcome {
  bool complete = false;     // every point finished (complete or failed)
  bool interrupted = false;  // stopped by a signal; the file is resumable
  std::size_t failed_points = 0;
  std::int64_t draws_computed = 0;  // in this invocation
  double seconds = 0;
  // keep_previous, and stopped before a checkpoint: the previous file is untouched.
  bool previous_kept = false;
  // Ratio estimates and one-line warnings about unreliable intervals, for the closing report.
  std::vector<std::string> notes;
  // The checks' table (engine/checks_file.hpp) and their overall verdict ("" without checks).
  std::vector<std::string> checks;
  std::string checks_verdict;
};

// Throws ConfigError when the experiment is invalid (before any draw).
RunOutcome run_experiment(const Experiment& e, const ScenarioInfo& scenario, const RunOptions& opt,
                          std::ostream& log);

}  // namespace fairmc
