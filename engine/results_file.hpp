// The results file (docs/results-format.md). Written whole to a temporary file and renamed, so a
// file on disk is always complete and valid; read back for `show` and for `--resume`.
#pragma once

#include "engine/results.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace fairmc {

// 2: datasets chunked with Fletcher-32, string datasets with a text checksum, HDF5 1.10 format
// (checksummed metadata); quantiles, diagnostics, non-finite counts, ratios, sketches, WLS fits,
// precision targets. 1: no checksums, no sketches; read by `show`, refused by --resume.
inline constexpr int results_format_version = 2;

// Writes `run` to `path` atomically (path + ".tmp", fsync, rename). Blocks saved by an earlier
// write are copied from `run.saved_in` at most `chunk_rows` blocks at a time (0: about 1 MiB's
// worth), so memory does not grow with the run. Afterwards the caller marks the blocks saved
// (RunRecord::mark_saved).
void write_results(const std::filesystem::path& path, const RunRecord& run,
                   std::size_t chunk_rows = 0);

// What --resume needs from a results file.
struct StoredRun {
  std::string config_text;  // resolved experiment (overrides applied)
  std::string experiment_file;
  std::string created_utc;
  std::uint64_t config_hash = 0;
  std::int64_t draws = 0;
  std::int64_t block = 0;
  std::vector<std::vector<std::string>> metrics;  // per point
  std::vector<std::vector<std::string>> ratios;   // per point (empty for format_version 1)
  std::vector<std::string> errors;                // per point
  std::filesystem::path file;                     // where it was read from
  std::vector<RunEntry> history;                  // /history (engine/provenance.hpp)
};
// The file's header and per-point metrics, after reading the whole file once to check every
// checksum; its blocks are read by for_each_stored_block. Reading throws one line naming the
// file and what is wrong with it ("...: damaged: ..."; a format_version newer than
// results_format_version, or none, is refused).
StoredRun read_results(const std::filesystem::path& path);

// Calls visit(block index, block) for every block the file holds for `point`, in block order,
// reading at most `chunk_rows` blocks at a time (0: about 1 MiB's worth).
void for_each_stored_block(const std::filesystem::path& path, std::size_t point,
                           const std::function<void(std::int64_t, const BlockRecord&)>& visit,
                           std::size_t chunk_rows = 0);

// A printable summary table of a results file (for `fairmc show`), after checking every checksum.
std::string describe_results(const std::filesystem::path& path);

}  // namespace fairmc
