// Ratio of means E[num] / E[den] over the block sums (DESIGN.md "Statistics").
//
// Pairing: a draw counts for a ratio only where both num and den are finite, so each block
// carries the paired sums (n, sum num, sum den) per ratio. The point estimate is
// sum num / sum den. Its standard error comes from a delete-one-group jackknife: block b goes into
// group b mod G (G = kGroups by default), summed in block order, so with at most G blocks it is
// the delete-one-block jackknife and memory never grows with the number of blocks. Groups may hold
// different numbers of draws (a short last block, NaN draws), so the weighted delete-m_j
// jackknife of Busing, Meijer & van der Leeden (1999) is used; with equal groups it is the
// textbook one. The 95% interval is the bias-corrected estimate +- t_{g-1, 0.975} * sem when the
// denominator's mean is distinguishable from 0 (|mean den| > t_{g-1, 0.975} times its jackknife
// sem, Fieller's condition); otherwise no bounded 95% interval exists and it is (-inf, +inf).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace fairmc {

// Paired sums of one block (or group) for one ratio.
struct RatioSums {
  double n = 0;  // draws where both num and den are finite
  double num = 0;
  double den = 0;

  void add(double x, double y) {
    if (std::isfinite(x) && std::isfinite(y)) {
      n += 1;
      num += x;
      den += y;
    }
  }
  void merge(const RatioSums& o) {
    n += o.n;
    num += o.num;
    den += o.den;
  }
  friend bool operator==(const RatioSums&, const RatioSums&) = default;
};

// One block's paired sums, accumulated with Neumaier's compensated summation (1974): a plain
// running sum of 1e5 draws is off by up to ~1e5 ulp (sum of 0.3 over 1e5 draws: 3.5e-12
// relative), far more than the jackknife sem of a constant ratio (~1e-14), so its interval missed
// the true 0.3/0.1. The compensated sum is within an ulp or two of the exact one.
class RatioAccumulator {
 public:
  void add(double x, double y) {
    if (std::isfinite(x) && std::isfinite(y)) {
      n_ += 1;
      num_.add(x);
      den_.add(y);
    }
  }
  RatioSums sums() const { return {n_, num_.value(), den_.value()}; }

 private:
  struct Compensated {
    double sum = 0, error = 0;
    void add(double x) {
      const double t = sum + x;
      error += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
      sum = t;
    }
    double value() const { return sum + error; }
  };
  double n_ = 0;
  Compensated num_, den_;
};

struct RatioEstimate {
  static constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  double n = 0;                 // paired draws
  double estimate = nan;        // sum num / sum den
  double sem = nan;             // jackknife standard error
  double bias_corrected = nan;  // jackknife bias-corrected estimate
  double ci_lo = nan;           // 95%: bias_corrected -+ t * sem; -+inf when E[den] may be 0
  double ci_hi = nan;
  double groups = 0;  // non-empty jackknife groups
  double half_width() const { return (ci_hi - ci_lo) / 2; }
  // The denominator's mean is not distinguishable from 0: the interval is the whole line.
  bool unbounded() const { return std::isinf(ci_lo) || std::isinf(ci_hi); }
};

// The jackknife from per-group paired sums (empty groups are skipped).
RatioEstimate jackknife_ratio(std::span<const RatioSums> groups);

// Blocks folded into G groups, in the order they are added (callers add in block order, which
// makes the floating-point sums deterministic).
class RatioGroups {
 public:
  static constexpr std::int64_t kGroups = 256;
  explicit RatioGroups(std::int64_t groups = kGroups) : groups_(static_cast<std::size_t>(groups)) {}
  void add(std::int64_t block, const RatioSums& s) {
    groups_[static_cast<std::size_t>(block % static_cast<std::int64_t>(groups_.size()))].merge(s);
  }
  RatioEstimate estimate() const { return jackknife_ratio(groups_); }
  RatioSums total() const;
  const std::vector<RatioSums>& groups() const { return groups_; }

 private:
  std::vector<RatioSums> groups_;
};

}  // namespace fairmc
