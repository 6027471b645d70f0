#include "engine/results.hpp"

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace fairmc {

PointStatus PointRecord::status(std::int64_t block_count) const {
  if (!error.empty()) return PointStatus::failed;
  if (blocks_done() == 0) return PointStatus::pending;
  if (limit >= 0 && limit_final) block_count = limit;
  return blocks_done() >= block_count ? PointStatus::complete : PointStatus::partial;
}

std::vector<Summary> PointRecord::merged() const {
  auto out = fold.merged();
  out.resize(metrics.size());
  return out;
}

std::vector<QuantileSketch> PointRecord::sketches() const {
  std::vector<QuantileSketch> out = sketch;
  out.resize(std::max(out.size(), sketch_short.size()));
  for (std::size_t m = 0; m < sketch_short.size(); ++m) out[m].merge(sketch_short[m]);
  out.resize(metrics.size());
  return out;
}

void PointRecord::add_sketches(bool short_block, const std::vector<QuantileSketch>& per_metric) {
  auto& into = short_block ? sketch_short : sketch;
  if (into.size() < per_metric.size()) into.resize(per_metric.size());
  for (std::size_t m = 0; m < per_metric.size(); ++m) into[m].merge(per_metric[m]);
}

void PointRecord::add(std::int64_t index, BlockRecord rec) {
  add_sketches(rec.length < block, rec.sketches);
  rec.sketches.clear();
  fold.add(index, rec.metrics, rec.ratios);
  draws_done += rec.length;
  unsaved.emplace(index, std::move(rec));
}

void PointRecord::add_saved(std::int64_t block, const BlockRecord& rec) {
  fold.add(block, rec.metrics, rec.ratios);
  draws_done += rec.length;
  ++saved;
}

void PointRecord::fail(std::string message) {
  error = std::move(message);
  fold = BlockFold();
  unsaved.clear();
  sketch.clear();
  sketch_short.clear();
  saved = 0;
  draws_done = 0;
}

void PointRecord::mark_saved() {
  saved = blocks_done();
  unsaved.clear();
  saved_from.clear();
  saved_point = -1;
}

namespace {
template <class F>
std::vector<std::string> union_of(const std::vector<PointRecord>& rs, F names) {
  std::vector<std::string> out;
  for (const auto& r : rs)
    for (const auto& n : names(r))
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  return out;
}
}  // namespace

std::vector<std::string> RunRecord::metric_names() const {
  return union_of(results, [](const PointRecord& r) { return r.metrics; });
}

std::vector<std::string> RunRecord::constant_names() const {
  return union_of(results, [](const PointRecord& r) {
    std::vector<std::string> v;
    for (const auto& c : r.constants) v.push_back(c.first);
    return v;
  });
}

void RunRecord::mark_saved(const std::filesystem::path& file) {
  for (auto& r : results) r.mark_saved();
  saved_in = file;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream s;
  s << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return s.str();
}

}  // namespace fairmc
