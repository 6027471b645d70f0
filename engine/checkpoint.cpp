#include "engine/checkpoint.hpp"

#include "engine/results_file.hpp"

#include <chrono>
#include <map>

namespace fairmc {

Checkpointer::Checkpointer(std::filesystem::path file, RunRecord& run, bool keep_previous)
    : file_(std::move(file)), run_(run), replaced_(!keep_previous), writer_([this] { serve(); }) {}

Checkpointer::~Checkpointer() {
  if (writing_.valid()) try {
      writing_.get();
    } catch (...) {
    }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void Checkpointer::serve() {
  while (true) {
    std::packaged_task<double()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || task_.has_value(); });
      if (!task_) return;
      task = std::move(*task_);
      task_.reset();
    }
    task();  // an exception is stored in the task's future
  }
}

std::future<double> Checkpointer::post(std::packaged_task<double()> task) {
  auto done = task.get_future();
  {
    std::lock_guard lock(mutex_);
    task_.emplace(std::move(task));
  }
  wake_.notify_one();
  return done;
}

void Checkpointer::take_snapshot() {
  // The snapshot is a copy of the run, except that the unsaved blocks move instead.
  std::vector<std::map<std::int64_t, BlockRecord>> unsaved(run_.results.size());
  for (std::size_t p = 0; p < unsaved.size(); ++p) unsaved[p].swap(run_.results[p].unsaved);
  RunRecord& s = snapshot_.emplace(run_);
  for (std::size_t p = 0; p < unsaved.size(); ++p) s.results[p].unsaved.swap(unsaved[p]);
}

void Checkpointer::collect() {
  if (!writing_.valid()) return;
  try {
    last_write_seconds_ = writing_.get();
  } catch (...) {
    // The file on disk is the previous one: its blocks go back to being unsaved.
    for (std::size_t p = 0; p < run_.results.size(); ++p)
      if (run_.results[p].error.empty())
        run_.results[p].unsaved.merge(snapshot_->results[p].unsaved);
    snapshot_.reset();
    throw;
  }
  for (std::size_t p = 0; p < run_.results.size(); ++p) {
    // A point that failed meanwhile keeps no blocks, in memory or in the next file.
    if (run_.results[p].error.empty()) run_.results[p].saved = snapshot_->results[p].blocks_done();
    run_.results[p].saved_from.clear();  // the blocks are all in file_ now
  }
  snapshot_.reset();
  run_.saved_in = file_;
  replaced_ = true;
}

bool Checkpointer::start(bool wait) {
  if (writing_.valid() && !wait &&
      writing_.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
    return false;
  collect();
  take_snapshot();
  writing_ = post(std::packaged_task<double()>([this] {
    const auto t0 = std::chrono::steady_clock::now();
    write_results(file_, *snapshot_);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }));
  return true;
}

void Checkpointer::write_now() {
  try {
    collect();
  } catch (...) {
    // Its blocks are back in the run: this write saves them, or reports its own error.
  }
  if (!replaced_ && !run_.complete) return;
  // On the writer thread too, so that every write's buffers come from the same malloc arena.
  post(std::packaged_task<double()>([this] {
    write_results(file_, run_);
    return 0.0;
  })).get();
  run_.mark_saved(file_);
  replaced_ = true;
}

}  // namespace fairmc
