// Writes a run's results file while the workers go on computing (docs/performance.md, finding 1).
//
// One write at a time, each from a snapshot: the blocks completed since the last write move into
// it, the rest of the run is copied, and a background thread writes the file (engine/h5). Once
// the file is on disk, those blocks count as saved and the next write copies them from it. Only
// the writer thread calls HDF5 while a write is in flight.
#pragma once

#include "engine/results.hpp"

#include <cstdint>
#include <filesystem>
#include <future>
#include <vector>

namespace fairmc {

class Checkpointer {
 public:
  Checkpointer(std::filesystem::path file, RunRecord& run) : file_(std::move(file)), run_(run) {}
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;
  // Waits for a write in flight; its error, if any, is dropped (the previous file stays valid).
  ~Checkpointer();

  // Starts writing the run as it is now on the background thread, unless a write is still in
  // flight: then returns false, or with `wait` waits for it first. Rethrows an earlier write's
  // error.
  bool start(bool wait);
  // Writes the run as it is now on this thread, after any write in flight.
  void write_now();

 private:
  RunRecord snapshot();
  void collect();  // waits for the write in flight and marks its blocks saved

  std::filesystem::path file_;
  RunRecord& run_;
  std::future<void> writing_;
  std::vector<std::int64_t> written_blocks_;  // per point, in the write in flight
};

}  // namespace fairmc
