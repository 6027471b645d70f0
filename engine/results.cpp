#include "engine/results.hpp"

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace fairmc {

PointStatus PointRecord::status(std::int64_t block_count) const {
  if (!error.empty()) return PointStatus::failed;
  if (blocks.empty()) return PointStatus::pending;
  return static_cast<std::int64_t>(blocks.size()) >= block_count ? PointStatus::complete
                                                                 : PointStatus::partial;
}

std::vector<Summary> PointRecord::merged() const {
  std::vector<Summary> out(metrics.size());
  for (const auto& [index, block] : blocks)
    for (std::size_t m = 0; m < out.size() && m < block.metrics.size(); ++m)
      out[m] = Summary::merge(out[m], block.metrics[m]);
  return out;
}

std::vector<double> PointRecord::draws_of(std::size_t metric) const {
  std::vector<double> out;
  for (const auto& [index, block] : blocks)
    if (metric < block.draws.size())
      out.insert(out.end(), block.draws[metric].begin(), block.draws[metric].end());
  return out;
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

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream s;
  s << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return s.str();
}

}  // namespace fairmc
