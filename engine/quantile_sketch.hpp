// A mergeable, deterministic quantile sketch of one metric's draws (DESIGN.md "Statistics").
//
// Finite non-zero values fall into log-spaced buckets read off the IEEE-754 bits: the exponent
// and the top `kMantissaBits` mantissa bits, so each octave has 2^kMantissaBits equal buckets and
// a bucket [lo, hi) has hi <= lo (1 + 2^-kMantissaBits). A bucket stands for its midpoint, so every
// order statistic is recovered within a relative error of 2^-(kMantissaBits+1) = 0.39% (normal
// doubles; the smallest and largest finite draws are exact, and representatives are clamped to
// them). Zeros, +-inf and NaN are
// counted apart. Merging adds integer counts, which is exact and order-free, so the quantiles are
// bit-identical for any thread count, rank count and resume.
//
// The sketch also carries the metric's non-finite counts (issue 16): NaN ("undefined for this
// draw"), +inf and -inf.
#pragma once

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace fairmc {

// Type-7 interpolation a + frac (b - a) between adjacent order statistics a <= b, 0 <= frac < 1,
// with infinite ends taken as the limit: between -inf and a finite b it is -inf, between a finite
// a and +inf it is +inf (frac > 0), equal ends give that end, and only -inf to +inf is undefined
// (NaN). The plain formula gives NaN for all of these (inf - inf, 0 * inf).
inline double interpolate_order_statistics(double a, double b, double frac) {
  if (frac == 0 || a == b) return a;
  if (a == -std::numeric_limits<double>::infinity())
    return b == std::numeric_limits<double>::infinity() ? std::numeric_limits<double>::quiet_NaN()
                                                        : a;
  if (b == std::numeric_limits<double>::infinity()) return b;
  return a + frac * (b - a);
}

class QuantileSketch {
 public:
  static constexpr int kMantissaBits = 7;
  static constexpr double kRelativeAccuracy = 1.0 / (2 << kMantissaBits);  // 2^-8

  // (bucket key, count), keys ascending; the key of |x| is its bit pattern >> (52 - 7).
  using Buckets = std::vector<std::pair<std::int32_t, std::uint64_t>>;

  void add(double x);
  void merge(const QuantileSketch& o);

  // Draws seen: NaN ones included in count_all(), not in count().
  std::uint64_t count() const;  // every non-NaN draw (finite and infinite)
  std::uint64_t count_all() const { return count() + nan_; }
  std::uint64_t finite() const { return count() - pos_inf_ - neg_inf_; }
  std::uint64_t nan() const { return nan_; }
  std::uint64_t pos_inf() const { return pos_inf_; }
  std::uint64_t neg_inf() const { return neg_inf_; }
  std::uint64_t zeros() const { return zeros_; }
  double min() const { return min_; }  // smallest finite draw (+inf when none)
  double max() const { return max_; }  // largest finite draw (-inf when none)
  const Buckets& positive() const { return pos_; }
  const Buckets& negative() const { return neg_; }  // keys of |x|

  // Type-7 quantile (as numpy's default) of the non-NaN draws, infinities included at the ends;
  // NaN when there is none.
  double quantile(double p) const;
  // Share of sum |x| over the finite draws held by the largest `fraction` of them by |x| (at
  // least one draw); NaN when no finite draw or sum |x| = 0.
  double top_share(double fraction) const;
  // The fewest finite draws whose squared deviations from `center` add up to `share` of the
  // total: small when a few draws carry the variance (heavy tails, rare events). NaN when the
  // total is 0 or there is no finite draw.
  double fewest_holding(double share, double center) const;
  // Hill's estimate of the tail index of the finite draws' deviations from `center`, from the
  // `k` largest deviations on one side (upper: x - center, else center - x): k / sum_i
  // ln(d_i / d_(k+1)), d_(k+1) the next largest. About a for a Pareto tail of index a (the
  // variance is infinite for a <= 2), large for light tails (~ln(n/k) exponential, more for
  // normal). NaN when there are not k + 1 draws beyond `center`; +inf when the k are tied.
  double tail_index(double center, std::uint64_t k, bool upper) const;
  // Finite draws strictly beyond `center` on one side (by their bucket representatives).
  std::uint64_t beyond(double center, bool upper) const;

  // The value a bucket key stands for (midpoint of the bucket).
  static double representative(std::int32_t key);
  static std::int32_t key_of(double magnitude);

  // Rebuilds a sketch from its stored parts (results files).
  static QuantileSketch from_parts(Buckets positive, Buckets negative, std::uint64_t zeros,
                                   std::uint64_t nan, std::uint64_t pos_inf, std::uint64_t neg_inf,
                                   double min, double max);

  friend bool operator==(const QuantileSketch&, const QuantileSketch&) = default;

 private:
  friend class SketchBuilder;
  // The i-th smallest non-NaN draw (0-based) as the sketch knows it.
  double order_statistic(std::uint64_t i) const;

  Buckets pos_, neg_;
  std::uint64_t zeros_ = 0, nan_ = 0, pos_inf_ = 0, neg_inf_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

namespace detail {
// Counts for a contiguous range of bucket keys, grown to cover each new key.
template <class Count>
struct BucketWindow {
  std::int32_t first = 0;
  std::vector<Count> counts;
  void add(std::int32_t key, Count n = 1) {
    const auto at = static_cast<std::uint64_t>(static_cast<std::int64_t>(key) - first);
    if (at < counts.size()) {
      counts[at] += n;
    } else {
      grow(key);
      counts[static_cast<std::size_t>(key - first)] += n;
    }
  }
  void grow(std::int32_t key);
  QuantileSketch::Buckets sparse() const;
};
}  // namespace detail

// Builds one block's sketch: each draw appends its bucket key (one shift), and every
// kCompactAt keys are sorted and run-length merged into the sparse buckets, so the cost is a few
// dozen instructions per draw and nothing per empty bucket, and memory stays bounded whatever the
// block size.
class SketchBuilder {
 public:
  static constexpr std::size_t kCompactAt = 4096;
  void add(double x) {
    if (x > 0 && x < std::numeric_limits<double>::infinity()) {
      push(pos_keys_, pos_, QuantileSketch::key_of(x));
      note(x);
    } else if (x < 0 && x > -std::numeric_limits<double>::infinity()) {
      push(neg_keys_, neg_, QuantileSketch::key_of(-x));
      note(x);
    } else {
      rare(x);
    }
  }
  QuantileSketch sketch() const;

 private:
  static void push(std::vector<std::int32_t>& keys, QuantileSketch::Buckets& into,
                   std::int32_t key) {
    keys.push_back(key);
    if (keys.size() >= kCompactAt) compact(keys, into);
  }
  static void compact(std::vector<std::int32_t>& keys, QuantileSketch::Buckets& into);
  void note(double x) {
    if (x < min_) min_ = x;
    if (x > max_) max_ = x;
  }
  void rare(double x);  // zero, +-inf, NaN

  std::vector<std::int32_t> pos_keys_, neg_keys_;
  QuantileSketch::Buckets pos_, neg_;
  std::uint64_t zeros_ = 0, nan_ = 0, pos_inf_ = 0, neg_inf_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

// Adds up many sketches (a wave's blocks of one point) in dense windows: each add costs its own
// buckets, not the total's, and sketch() makes the sparse sum once. Same result as merging.
class SketchSum {
 public:
  void add(const QuantileSketch& s);
  QuantileSketch sketch() const;

 private:
  detail::BucketWindow<std::uint64_t> pos_, neg_;
  std::uint64_t zeros_ = 0, nan_ = 0, pos_inf_ = 0, neg_inf_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace fairmc
