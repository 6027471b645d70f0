// The in-memory state of a run: what each sweep point has computed so far. The runner fills it,
// engine/results_file writes it. Memory does not grow with the number of draws: each point keeps
// its merged statistics (BlockFold) and only the blocks completed since the results file was last
// written; the earlier blocks are on disk, and each write copies them from the previous file.
#pragma once

#include "engine/block_fold.hpp"
#include "engine/config.hpp"
#include "engine/provenance.hpp"
#include "engine/quantile_sketch.hpp"
#include "engine/ratio_estimate.hpp"
#include "engine/scenario.hpp"
#include "engine/stats.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fairmc {

struct BlockRecord {
  std::int64_t length = 0;                 // draws the block covered (the last one may be short)
  std::vector<Summary> metrics;            // one per metric of the point
  std::vector<std::vector<double>> draws;  // [metric][draw in block]; only with keep_draws
  std::vector<RatioSums> ratios;           // one per ratio of the point (paired sums)
  // One per metric; merged into the point's sketch by PointRecord::add or, in a run, per wave
  // (integer counts, so the merge order does not matter); the stored block keeps none.
  std::vector<QuantileSketch> sketches;
};

enum class PointStatus : std::int8_t { pending = 0, partial = 1, complete = 2, failed = 3 };

struct PointRecord {
  std::vector<std::string> metrics;
  std::vector<std::pair<std::string, double>> constants;
  std::map<std::string, std::string> defaults;  // defaults the scenario filled in (YAML text)
  std::string error;                            // non-empty when the point failed

  BlockFold fold;                               // every completed block, merged in block order
  std::map<std::int64_t, BlockRecord> unsaved;  // completed since the results file was written
  std::int64_t saved = 0;                       // blocks held by the last results file written
  // Where those blocks are, under /points/<this point's index>: empty = RunRecord::saved_in; a
  // point adopted from another file (engine/run_start: `fairmc merge`) names it until the next
  // write has copied its blocks.
  std::filesystem::path saved_from;
  // And under /points/<saved_point> there, when not this point's index (a grown sweep's stored
  // points move: engine/grow.hpp); -1 = this point's index.
  std::int64_t saved_point = -1;
  std::int64_t draws_done = 0;  // draws covered by the completed blocks
  std::vector<RatioSpec> ratios;

  // Quantile sketches per metric: of the full-length blocks, and of the short last block apart,
  // because a resumed run that adds draws recomputes that block in full.
  std::int64_t block = 0;  // draws per full block
  std::vector<QuantileSketch> sketch, sketch_short;
  std::vector<QuantileSketch> sketches() const;  // both merged
  void add_sketches(bool short_block, const std::vector<QuantileSketch>& per_metric);

  // Precision targets (engine/runner.cpp): the blocks the point may take so far; final once its
  // targets hold or the cap is reached. -1: no targets, the experiment's block count.
  std::int64_t limit = -1;
  bool limit_final = false;
  std::vector<std::int8_t> targets_met;  // per Experiment::precision entry, at the last decision

  PointStatus status(std::int64_t block_count) const;  // block_count: the experiment's
  bool has(std::int64_t block) const { return fold.contains(block); }
  std::int64_t blocks_done() const { return fold.count(); }
  std::vector<Summary> merged() const;  // one per metric

  // A block computed in this run (kept until the next write).
  void add(std::int64_t block, BlockRecord rec);
  // A block the previous results file already holds (resume).
  void add_saved(std::int64_t block, const BlockRecord& rec);
  // A failed point keeps no blocks: its numbers would be partial.
  void fail(std::string message);
  // After a write: every completed block is in the file.
  void mark_saved();
};

struct RunRecord {
  Experiment experiment;
  std::vector<Point> points;
  std::vector<PointRecord> results;  // parallel to points
  std::string command_line;
  std::string created_utc;
  bool complete = false;
  // The results file that holds the points' saved blocks (empty: none yet).
  std::filesystem::path saved_in;
  // One entry per invocation that wrote the file, this one last (engine/provenance.hpp).
  std::vector<RunEntry> history;
  // For the CF attributes of /summary: the scenario's paper and its metrics' catalogue entries
  // (name or family pattern, help, unit), as ScenarioInfo::metrics declares them.
  std::string paper;
  std::vector<Described> metric_info;

  // Every metric / constant name any point reports, in first-seen order.
  std::vector<std::string> metric_names() const;
  std::vector<std::string> constant_names() const;
  void mark_saved(const std::filesystem::path& file);
};

// Current UTC time as ISO 8601 ("2026-11-25T12:00:00Z"), for the results' timestamps.
std::string utc_now();

}  // namespace fairmc
