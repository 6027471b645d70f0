// Writes a run's results file while the workers go on computing (docs/performance.md, finding 1).
//
// One write at a time, each from a snapshot: the blocks completed since the last write move into
// it, the rest of the run is copied, and a background thread writes the file (engine/results_file).
// Once the file is on disk, those blocks count as saved and the next write copies them from it; if
// the write fails, they move back. Only the writer thread calls HDF5 while a write is in flight.
#pragma once

#include "engine/results.hpp"

#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

namespace fairmc {

class Checkpointer {
 public:
  Checkpointer(std::filesystem::path file, RunRecord& run);
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;
  // Waits for a write in flight; its error, if any, is dropped (the previous file stays valid).
  ~Checkpointer();

  // Starts writing the run as it is now on the background thread, unless a write is still in
  // flight: then returns false, or with `wait` waits for it first. Rethrows the error of the
  // write before (its blocks are back in the run).
  bool start(bool wait);
  // Writes the run as it is now on this thread, after any write in flight (whose error, if any,
  // is superseded by this write's outcome).
  void write_now();
  // Wall time of the last background write, seconds.
  double last_write_seconds() const { return last_write_seconds_; }

 private:
  void take_snapshot();
  void collect();  // waits for the write in flight and marks its blocks saved
  // Runs `task` on the writer thread; its future reports the result.
  std::future<double> post(std::packaged_task<double()> task);
  void serve();  // the writer thread

  std::filesystem::path file_;
  RunRecord& run_;
  std::optional<RunRecord> snapshot_;  // what the write in flight writes
  std::future<double> writing_;
  double last_write_seconds_ = 0;

  // One long-lived writer thread: every write's HDF5 and snapshot buffers then come from one
  // malloc arena (a thread per write left several arenas each holding a write's peak, as the
  // process keeps freed heap: scf's RSS grew from 35 to 57 MiB).
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<std::packaged_task<double()>> task_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace fairmc
