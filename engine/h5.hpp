// The results file (docs/results-format.md). Written whole to a temporary file and renamed, so a
// file on disk is always complete and valid; read back for `show` and for `--resume`.
#pragma once

#include "engine/results.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace fairmc {

inline constexpr int results_format_version = 1;

// Writes `run` to `path` atomically (path + ".tmp", fsync, rename).
void write_results(const std::filesystem::path& path, const RunRecord& run);

// What --resume needs from a results file.
struct StoredRun {
  std::string config_text;  // resolved experiment (overrides applied)
  std::string experiment_file;
  std::string created_utc;
  std::uint64_t config_hash = 0;
  std::int64_t draws = 0;
  std::int64_t block = 0;
  std::vector<std::vector<std::string>> metrics;            // per point
  std::vector<std::map<std::int64_t, BlockRecord>> blocks;  // per point
  std::vector<std::string> errors;                          // per point
};
StoredRun read_results(const std::filesystem::path& path);

// A printable summary table of a results file (for `fairmc show`).
std::string describe_results(const std::filesystem::path& path);

}  // namespace fairmc
