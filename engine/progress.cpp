#include "engine/progress.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace fairmc {

namespace {
std::string hms(double s) {
  if (!std::isfinite(s) || s < 0) return "--:--";
  const long t = std::lround(s);
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%02ld:%02ld", t / 60, t % 60);
  return buf;
}
std::string rate(double r) {
  char buf[32];
  if (r >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2fM", r / 1e6);
  else if (r >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1fk", r / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.1f", r);
  return buf;
}
}  // namespace

Progress::Progress(std::ostream& out, bool terminal, std::int64_t total_blocks,
                   std::int64_t total_draws, std::size_t total_points)
    : out_(out),
      terminal_(terminal),
      total_blocks_(total_blocks),
      total_draws_(total_draws),
      total_points_(total_points),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::update(std::int64_t blocks_done, std::int64_t draws_done, std::size_t points_done) {
  if (draws_at_start_ < 0) draws_at_start_ = draws_done;  // resumed runs start part-way
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  const bool last = blocks_done >= total_blocks_;
  if (!last && since < (terminal_ ? 0.2 : 10.0)) return;
  last_ = now;
  const double t = elapsed_seconds();
  const double r = t > 0 ? static_cast<double>(draws_done - draws_at_start_) / t : 0.0;
  const double eta = r > 0 ? static_cast<double>(total_draws_ - draws_done) / r : NAN;
  const double frac = total_blocks_ > 0 ? static_cast<double>(blocks_done) / total_blocks_ : 1.0;
  char line[200];
  if (terminal_) {
    constexpr int width = 28;
    const int filled = static_cast<int>(frac * width);
    std::string bar(filled, '=');
    if (filled < width) bar += '>' + std::string(width - filled - 1, ' ');
    std::snprintf(line, sizeof line, "\r[%s] %3.0f%%  points %zu/%zu  %s draws/s  ETA %s ",
                  bar.c_str(), 100 * frac, points_done, total_points_, rate(r).c_str(),
                  hms(eta).c_str());
    out_ << line << std::flush;
    drawn_ = true;
  } else {
    std::snprintf(
        line, sizeof line,
        "progress %5.1f%%  blocks %lld/%lld  points %zu/%zu  %s draws/s  elapsed %s  ETA %s\n",
        100 * frac, static_cast<long long>(blocks_done), static_cast<long long>(total_blocks_),
        points_done, total_points_, rate(r).c_str(), hms(t).c_str(), hms(eta).c_str());
    out_ << line << std::flush;
  }
}

void Progress::finish() {
  if (terminal_ && drawn_) out_ << "\n";
}

}  // namespace fairmc
