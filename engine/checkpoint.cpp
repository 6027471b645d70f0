#include "engine/checkpoint.hpp"

#include "engine/h5.hpp"

#include <chrono>

namespace fairmc {

Checkpointer::~Checkpointer() {
  if (writing_.valid()) try {
      writing_.get();
    } catch (...) {
    }
}

RunRecord Checkpointer::snapshot() {
  RunRecord s;
  s.experiment = run_.experiment;
  s.points = run_.points;
  s.command_line = run_.command_line;
  s.created_utc = run_.created_utc;
  s.complete = run_.complete;
  s.saved_in = run_.saved_in;
  s.results.resize(run_.results.size());
  written_blocks_.assign(run_.results.size(), 0);
  for (std::size_t p = 0; p < run_.results.size(); ++p) {
    PointRecord& from = run_.results[p];
    PointRecord& to = s.results[p];
    to.metrics = from.metrics;
    to.constants = from.constants;
    to.error = from.error;
    to.fold = from.fold;
    to.saved = from.saved;
    to.draws_done = from.draws_done;
    to.unsaved = std::move(from.unsaved);
    from.unsaved.clear();
    written_blocks_[p] = from.blocks_done();
  }
  return s;
}

void Checkpointer::collect() {
  if (!writing_.valid()) return;
  writing_.get();  // rethrows the write's error
  for (std::size_t p = 0; p < run_.results.size(); ++p)
    // A point that failed meanwhile keeps no blocks, in memory or in the next file.
    if (run_.results[p].error.empty()) run_.results[p].saved = written_blocks_[p];
  run_.saved_in = file_;
}

bool Checkpointer::start(bool wait) {
  if (writing_.valid() && !wait &&
      writing_.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
    return false;
  collect();
  writing_ = std::async(std::launch::async, [this, s = snapshot()] { write_results(file_, s); });
  return true;
}

void Checkpointer::write_now() {
  collect();
  write_results(file_, run_);
  run_.mark_saved(file_);
}

}  // namespace fairmc
