#include "engine/quantile_sketch.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace fairmc {

namespace {
constexpr int kShift = 52 - QuantileSketch::kMantissaBits;

QuantileSketch::Buckets add_buckets(const QuantileSketch::Buckets& a,
                                    const QuantileSketch::Buckets& b) {
  QuantileSketch::Buckets out;
  out.reserve(a.size() + b.size());
  auto i = a.begin(), j = b.begin();
  while (i != a.end() || j != b.end()) {
    if (j == b.end() || (i != a.end() && i->first < j->first)) {
      out.push_back(*i++);
    } else if (i == a.end() || j->first < i->first) {
      out.push_back(*j++);
    } else {
      out.emplace_back(i->first, i->second + j->second);
      ++i;
      ++j;
    }
  }
  return out;
}
}  // namespace

std::int32_t QuantileSketch::key_of(double magnitude) {
  return static_cast<std::int32_t>(std::bit_cast<std::uint64_t>(magnitude) >> kShift);
}

double QuantileSketch::representative(std::int32_t key) {
  const auto bits = static_cast<std::uint64_t>(key) << kShift;
  const double lo = std::bit_cast<double>(bits);
  const double hi = std::bit_cast<double>(bits + (std::uint64_t{1} << kShift));
  // The top bucket's upper end is +inf; its width is still lo * 2^-7 at most.
  if (!std::isfinite(hi)) return lo * (1 + kRelativeAccuracy);
  return lo + (hi - lo) / 2;
}

void QuantileSketch::add(double x) {
  SketchBuilder b;
  b.add(x);
  merge(b.sketch());
}

void QuantileSketch::merge(const QuantileSketch& o) {
  pos_ = add_buckets(pos_, o.pos_);
  neg_ = add_buckets(neg_, o.neg_);
  zeros_ += o.zeros_;
  nan_ += o.nan_;
  pos_inf_ += o.pos_inf_;
  neg_inf_ += o.neg_inf_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
}

std::uint64_t QuantileSketch::count() const {
  std::uint64_t n = zeros_ + pos_inf_ + neg_inf_;
  for (const auto& b : pos_) n += b.second;
  for (const auto& b : neg_) n += b.second;
  return n;
}

double QuantileSketch::order_statistic(std::uint64_t i) const {
  const auto clamp = [&](double v) { return std::clamp(v, min_, max_); };
  if (i < neg_inf_) return -std::numeric_limits<double>::infinity();
  i -= neg_inf_;
  // The smallest and largest finite draws are known exactly.
  const std::uint64_t n = finite();
  if (n > 0 && i == 0) return min_;
  if (n > 0 && i == n - 1) return max_;
  for (auto it = neg_.rbegin(); it != neg_.rend(); ++it) {  // most negative first
    if (i < it->second) return clamp(-representative(it->first));
    i -= it->second;
  }
  if (i < zeros_) return 0.0;
  i -= zeros_;
  for (const auto& [key, n] : pos_) {
    if (i < n) return clamp(representative(key));
    i -= n;
  }
  return std::numeric_limits<double>::infinity();
}

double QuantileSketch::quantile(double p) const {
  const std::uint64_t n = count();
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double h = static_cast<double>(n - 1) * std::clamp(p, 0.0, 1.0);
  const auto lo = static_cast<std::uint64_t>(std::floor(h));
  const double frac = h - static_cast<double>(lo);
  const double a = order_statistic(lo);
  if (frac == 0 || lo + 1 >= n) return a;
  return interpolate_order_statistics(a, order_statistic(lo + 1), frac);
}

double QuantileSketch::top_share(double fraction) const {
  const std::uint64_t n = finite();
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const auto k = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(n))));
  double total = 0;
  for (const auto& [key, c] : pos_) total += static_cast<double>(c) * representative(key);
  for (const auto& [key, c] : neg_) total += static_cast<double>(c) * representative(key);
  if (!(total > 0)) return std::numeric_limits<double>::quiet_NaN();
  // Walk both signs from the largest magnitude down.
  double top = 0;
  std::uint64_t left = k;
  auto p = pos_.rbegin(), q = neg_.rbegin();
  while (left > 0 && (p != pos_.rend() || q != neg_.rend())) {
    auto& it = (q == neg_.rend() || (p != pos_.rend() && p->first >= q->first)) ? p : q;
    const std::uint64_t take = std::min(left, it->second);
    top += static_cast<double>(take) * representative(it->first);
    left -= take;
    ++it;
  }
  return top / total;
}

double QuantileSketch::fewest_holding(double share, double center) const {
  // The finite draws in ascending order, as (value, count) runs: deviations from `center` grow
  // towards both ends, so the largest ones are taken from whichever end is farther.
  std::vector<std::pair<double, std::uint64_t>> runs;
  runs.reserve(neg_.size() + pos_.size() + 1);
  const std::uint64_t n = finite();
  const auto value = [&](double rep) {  // the exact min / max stand for the end draws
    return std::clamp(rep, min_, max_);
  };
  for (auto it = neg_.rbegin(); it != neg_.rend(); ++it) {
    runs.emplace_back(value(-representative(it->first)), it->second);
  }
  if (zeros_) runs.emplace_back(0.0, zeros_);
  for (const auto& [key, c] : pos_) runs.emplace_back(value(representative(key)), c);
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  double total = 0;
  for (const auto& [v, c] : runs) total += static_cast<double>(c) * (v - center) * (v - center);
  if (!(total > 0) || !std::isfinite(total)) return std::numeric_limits<double>::quiet_NaN();
  const double goal = share * total;
  double held = 0, count = 0;
  std::size_t lo = 0, hi = runs.size();
  while (lo < hi) {
    auto& run = std::fabs(runs[lo].first - center) >= std::fabs(runs[hi - 1].first - center)
                    ? runs[lo++]
                    : runs[--hi];
    const double d2 = (run.first - center) * (run.first - center);
    const double c = static_cast<double>(run.second);
    if (held + c * d2 >= goal) return count + std::ceil((goal - held) / d2);
    held += c * d2;
    count += c;
  }
  return count;
}

double QuantileSketch::tail_index(double center, std::uint64_t k, bool upper) const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (k == 0) return nan;
  const auto value = [&](double rep) { return std::clamp(rep, min_, max_); };
  // Finite draws from the far end of the chosen side inwards, as (deviation, count) runs.
  std::vector<std::pair<double, std::uint64_t>> runs;
  runs.reserve(neg_.size() + pos_.size() + 1);
  for (auto it = pos_.rbegin(); it != pos_.rend(); ++it)
    runs.emplace_back(value(representative(it->first)), it->second);
  if (zeros_) runs.emplace_back(0.0, zeros_);
  for (const auto& [key, c] : neg_) runs.emplace_back(value(-representative(key)), c);
  // runs is descending; the lower tail walks it from the other end.
  if (!upper) std::reverse(runs.begin(), runs.end());
  std::vector<std::pair<double, std::uint64_t>> top;
  std::uint64_t taken = 0;
  for (const auto& [v, c] : runs) {
    const double d = upper ? v - center : center - v;
    if (taken == k || c > k - taken) {  // d is the (k+1)-th largest deviation
      if (taken < k) top.emplace_back(d, k - taken);
      if (!(d > 0)) return nan;
      double sum = 0;
      for (const auto& [t, m] : top) sum += static_cast<double>(m) * std::log(t / d);
      return sum > 0 ? static_cast<double>(k) / sum : std::numeric_limits<double>::infinity();
    }
    top.emplace_back(d, c);
    taken += c;
  }
  return nan;
}

std::uint64_t QuantileSketch::beyond(double center, bool upper) const {
  const auto out = [&](double v) { return upper ? v > center : v < center; };
  std::uint64_t n = zeros_ && out(0.0) ? zeros_ : 0;
  for (const auto& [key, c] : pos_)
    if (out(std::clamp(representative(key), min_, max_))) n += c;
  for (const auto& [key, c] : neg_)
    if (out(std::clamp(-representative(key), min_, max_))) n += c;
  return n;
}

QuantileSketch QuantileSketch::from_parts(Buckets positive, Buckets negative, std::uint64_t zeros,
                                          std::uint64_t nan, std::uint64_t pos_inf,
                                          std::uint64_t neg_inf, double min, double max) {
  QuantileSketch s;
  s.pos_ = std::move(positive);
  s.neg_ = std::move(negative);
  s.zeros_ = zeros;
  s.nan_ = nan;
  s.pos_inf_ = pos_inf;
  s.neg_inf_ = neg_inf;
  s.min_ = min;
  s.max_ = max;
  return s;
}

namespace detail {

template <class Count>
void BucketWindow<Count>::grow(std::int32_t key) {
  if (counts.empty()) {
    first = key;
    counts.assign(1, 0);
    return;
  }
  const std::int32_t last = first + static_cast<std::int32_t>(counts.size()) - 1;
  // Grow by at least the current size so a block pays O(log range) reallocations.
  const auto extra = static_cast<std::int32_t>(std::max<std::size_t>(counts.size(), 16));
  if (key < first) {
    const std::int32_t new_first = std::max(0, std::min(key, first - extra));
    counts.insert(counts.begin(), static_cast<std::size_t>(first - new_first), 0);
    first = new_first;
  } else {
    counts.resize(static_cast<std::size_t>(std::max(key, last + extra) - first + 1), 0);
  }
}

template <class Count>
QuantileSketch::Buckets BucketWindow<Count>::sparse() const {
  QuantileSketch::Buckets out;
  for (std::size_t i = 0; i < counts.size(); ++i)
    if (counts[i]) out.emplace_back(first + static_cast<std::int32_t>(i), counts[i]);
  return out;
}

template struct BucketWindow<std::uint64_t>;

}  // namespace detail

void SketchBuilder::rare(double x) {
  if (std::isnan(x)) {
    ++nan_;
  } else if (x == 0) {
    ++zeros_;
    note(0.0);
  } else if (x > 0) {
    ++pos_inf_;
  } else {
    ++neg_inf_;
  }
}

void SketchBuilder::compact(std::vector<std::int32_t>& keys, QuantileSketch::Buckets& into) {
  if (keys.empty()) return;
  std::sort(keys.begin(), keys.end());
  QuantileSketch::Buckets runs;
  for (const std::int32_t k : keys) {
    if (!runs.empty() && runs.back().first == k)
      ++runs.back().second;
    else
      runs.emplace_back(k, 1);
  }
  keys.clear();
  into = into.empty() ? std::move(runs) : add_buckets(into, runs);
}

QuantileSketch SketchBuilder::sketch() const {
  auto pos_keys = pos_keys_, neg_keys = neg_keys_;
  auto pos = pos_, neg = neg_;
  compact(pos_keys, pos);
  compact(neg_keys, neg);
  return QuantileSketch::from_parts(std::move(pos), std::move(neg), zeros_, nan_, pos_inf_,
                                    neg_inf_, min_, max_);
}

void SketchSum::add(const QuantileSketch& s) {
  for (const auto& [key, n] : s.positive()) pos_.add(key, n);
  for (const auto& [key, n] : s.negative()) neg_.add(key, n);
  zeros_ += s.zeros();
  nan_ += s.nan();
  pos_inf_ += s.pos_inf();
  neg_inf_ += s.neg_inf();
  min_ = std::min(min_, s.min());
  max_ = std::max(max_, s.max());
}

QuantileSketch SketchSum::sketch() const {
  return QuantileSketch::from_parts(pos_.sparse(), neg_.sparse(), zeros_, nan_, pos_inf_, neg_inf_,
                                    min_, max_);
}

}  // namespace fairmc
