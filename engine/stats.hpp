// Per-metric statistics (DESIGN.md "Statistics").
//
// Inside a block, finite draws update a running mean and sum of squared deviations (Welford 1962:
// d = x - mean, mean += d / n, M2 += d (x - mean), not E[x^2] - E[x]^2); the block is then frozen
// into a Summary (n, mean, M2, min, max). Not Boost.Accumulators: its means are sum / n or
// (mean (n - 1) + x) / n, both of which round, so 1e5 draws of 0.1 gave 0.10000000000018848 with
// sd 9.6e-14; Welford's update never moves on equal draws, so a constant metric has exactly its
// value and M2 = 0 at any draw count. Summaries merge with Chan et al.'s pairwise formula, always
// in block order, so the merged numbers are bit-identical whatever thread computed which block.
// NaN ("not defined for this draw") and +-inf draws are left out of the moments;
// engine/quantile_sketch counts them.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace fairmc {

struct Summary {
  double n = 0;  // number of finite draws
  double mean = 0;
  double m2 = 0;  // sum of squared deviations from the mean
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  double variance() const {
    return n > 1 ? m2 / (n - 1) : std::numeric_limits<double>::quiet_NaN();
  }
  double sd() const { return std::sqrt(variance()); }
  double sem() const {
    return n > 1 ? std::sqrt(variance() / n) : std::numeric_limits<double>::quiet_NaN();
  }
  // Half-width of the 95% Student-t interval for the mean.
  double ci95_half_width() const;
  double mean_or_nan() const { return n > 0 ? mean : std::numeric_limits<double>::quiet_NaN(); }

  // Appends b after a (Chan, Golub & LeVeque 1979).
  static Summary merge(const Summary& a, const Summary& b);
  static Summary merge_all(std::span<const Summary> parts);
  // The summary of the draws of `total` that are not in `head` (merge's inverse; for
  // diagnostics only: it cancels digits when head is most of total).
  static Summary unmerge(const Summary& total, const Summary& head);
};

// Accumulates one block's draws of one metric.
class BlockAccumulator {
 public:
  void add(double x) {
    if (!std::isfinite(x)) return;
    s_.n += 1;
    const double d = x - s_.mean;
    s_.mean += d / s_.n;
    s_.m2 += d * (x - s_.mean);
    if (x < s_.min) s_.min = x;
    if (x > s_.max) s_.max = x;
  }
  Summary summary() const { return s_; }

 private:
  Summary s_;
};

// Empirical quantile (type 7, as R and numpy's default) of the non-NaN values.
double quantile(std::vector<double> values, double p);

// Least-squares line y = a + b x with the standard error of the slope.
struct LineFit {
  double intercept = std::numeric_limits<double>::quiet_NaN();
  double slope = std::numeric_limits<double>::quiet_NaN();
  double slope_sem = std::numeric_limits<double>::quiet_NaN();
  double chi2_dof = std::numeric_limits<double>::quiet_NaN();  // weighted fits only
  std::size_t points = 0;
  bool weighted = false;
};
// Ordinary least squares; slope_sem from the residual scatter.
LineFit fit_line(std::span<const double> x, std::span<const double> y);
// Weighted least squares with weights 1 / sigma_i^2 (sigma_i: the standard error of y_i).
// slope_sem = 1 / sqrt(sum w (x - xbar_w)^2) takes the sigmas as known; chi2_dof =
// sum w (y - a - b x)^2 / (points - 2) says whether the line fits within them (about 1 if it
// does; multiply slope_sem by sqrt(chi2_dof) to rescale when it does not). Points with a
// non-finite x, y or sigma are skipped; when some usable point has sigma <= 0 (a metric with no
// spread) the fit falls back to ordinary least squares (weighted = false, chi2_dof NaN).
LineFit fit_line(std::span<const double> x, std::span<const double> y,
                 std::span<const double> sigma);

}  // namespace fairmc
