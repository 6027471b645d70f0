// Progress of a run: a one-line bar on a terminal (points, draws/s, ETA), plain log lines
// every ten seconds otherwise (CI logs, batch jobs).
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>

namespace fairmc {

class Progress {
 public:
  Progress(std::ostream& out, bool terminal, std::int64_t total_blocks, std::int64_t total_draws,
           std::size_t total_points);
  void update(std::int64_t blocks_done, std::int64_t draws_done, std::size_t points_done);
  void finish();
  double elapsed_seconds() const;

 private:
  std::ostream& out_;
  bool terminal_;
  std::int64_t total_blocks_, total_draws_;
  std::size_t total_points_;
  std::int64_t draws_at_start_ = -1;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

}  // namespace fairmc
