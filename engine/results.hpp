// The in-memory state of a run: what each sweep point has computed so far. The runner fills it,
// engine/h5 writes and reads it; it holds everything a results file holds, so a run resumes from
// the file alone.
#pragma once

#include "engine/config.hpp"
#include "engine/stats.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fairmc {

struct BlockRecord {
  std::int64_t length = 0;                 // draws the block covered (the last one may be short)
  std::vector<Summary> metrics;            // one per metric of the point
  std::vector<std::vector<double>> draws;  // [metric][draw in block]; only with keep_draws
};

enum class PointStatus : std::int8_t { pending = 0, partial = 1, complete = 2, failed = 3 };

struct PointRecord {
  std::vector<std::string> metrics;
  std::vector<std::pair<std::string, double>> constants;
  std::map<std::int64_t, BlockRecord> blocks;  // completed blocks, by block index
  std::string error;                           // non-empty when the point failed

  PointStatus status(std::int64_t block_count) const;
  // Merge of the completed blocks in block order: bit-identical whatever computed them.
  std::vector<Summary> merged() const;
  std::vector<double> draws_of(std::size_t metric) const;  // completed blocks, in order
};

struct RunRecord {
  Experiment experiment;
  std::vector<Point> points;
  std::vector<PointRecord> results;  // parallel to points
  std::string command_line;
  std::string created_utc;
  bool complete = false;

  // Every metric / constant name any point reports, in first-seen order.
  std::vector<std::string> metric_names() const;
  std::vector<std::string> constant_names() const;
};

// Current UTC time as ISO 8601 ("2026-11-25T12:00:00Z"), for the results' timestamps.
std::string utc_now();

}  // namespace fairmc
