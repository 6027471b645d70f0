// Provenance of a results file: one entry per invocation that wrote it (new run, resume,
// overwrite), kept in /history and carried over by every checkpoint and every resume, so a file
// says which builds, machines and command lines made its numbers (docs/results-format.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fairmc {

struct RunEntry {
  std::string kind;  // "new", "resume", "grow" (engine/grow.hpp), "overwrite" or "merge"
  std::string command_line;
  std::string overrides;  // the experiment's overrides, space-separated
  std::string fairmc_version;
  std::string git_sha;
  std::int64_t git_dirty = -1;  // 1: built with uncommitted changes, 0: clean, -1: unknown
  std::string start_utc, end_utc;
  double wall_seconds = 0;
  std::string host;
  std::int64_t threads = 0, ranks = 1;
  std::string libraries;  // "Boost 1.74.0, TBB 2021.8.0, HDF5 1.10.8, ..."
  std::string note;       // e.g. that a resume changed the build
  // The entry of the invocation in progress: each write stamps its end time and wall seconds.
  bool running = false;
  std::chrono::steady_clock::time_point started{};
};

// This build's identity, taken when CMake configured it (CMakeLists.txt).
struct Build {
  std::string version;
  std::string git_sha;
  std::int64_t git_dirty = -1;  // 1: uncommitted changes, 0: clean, -1: unknown
};
Build this_build();
// This build: "0.1.0 0123456789ab" (+ " dirty" when built with uncommitted changes).
std::string build_id();
// The versions of the libraries this build uses, from their headers and (HDF5, TBB) runtimes.
std::string library_versions();

// The entry of the invocation starting now.
RunEntry start_entry(std::string kind, std::string command_line,
                     const std::vector<std::string>& overrides, int threads, int ranks);
// When `history` was last written by a different build than this one, says so in one line.
std::optional<std::string> build_change(const std::vector<RunEntry>& history);
// One human-readable line per entry (the CF `history` attribute).
std::string history_line(const RunEntry& e);

}  // namespace fairmc
