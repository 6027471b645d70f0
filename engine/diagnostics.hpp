// Tail and stability diagnostics of one metric: when is its normal (Student-t) interval not to be
// trusted? (DESIGN.md "Statistics", issue 13 item 3, issue 16 item 5.)
//
// The interval mean +- t sem assumes the central limit theorem has set in. It has not when
//   - some draws were +-inf (they are left out of the moments and only counted), or the sum of
//     squared deviations overflows double precision;
//   - a handful of draws carry the variance: fewer than min(20, n/100) draws hold half of the
//     sum of squared deviations from the mean (read off the quantile sketch). With a finite
//     variance that count grows in proportion to n (uniform ~0.2 n, exponential ~0.05 n,
//     lognormal(0,1) ~0.01 n); with an infinite one it does not grow: for a Pareto tail of index
//     a < 2 the squared order statistics fall like i^(-2/a), a convergent series, so a few of the
//     largest draws hold half of it whatever n (1..21 draws at a = 1.5 over 200 seeds of 2e4 to
//     1e5 draws). Rare events count too: a 0/1 metric with fewer than ~40 ones is flagged;
//   - the tail is a power law of index about 2 or less (infinite variance) but not heavy enough
//     for the rule above: Pareto(1.8..2) puts half of the variance in 5..20 draws at 2e4..1e5
//     draws (the count grows like n^0.3 at index 2), just above it. So when fewer than sqrt(n)
//     draws hold half of the variance, Hill's tail index below kTailIndexLimit = 2.5 flags too,
//     on either side with at least 1000 draws beyond the median, from the sqrt(m) largest of
//     those m deviations (of m, not n: a metric 0 in 95% of the draws with an exponential tail
//     would otherwise read as index ~2).
//     Measured over 20 seeds at 2e3, 1e4, 1e5 draws: Pareto(2) reads 1.2..2.5, Pareto(1.9)
//     1.2..2.4; exponential >= 2.9, normal >= 4.2, uniform >= 29, and lognormal(0, 1) 2.0..3.5
//     but with ~0.01 n draws holding half of its variance, above sqrt(n); a 0/1 metric has tied
//     top draws (index +inf). Pareto(2.5..3) (finite variance, infinite kurtosis) is flagged
//     often, lognormal(0, 1.5) mostly: their means converge slowly too;
//   - the first and the second half of the blocks, in block order, disagree by more than
//     kDriftLimit = 5 of their combined standard errors (probability 6e-7 under the CLT).
// The share of sum |x| held by the largest 0.1% of draws is stored too, for the reader (uniform
// 0.2%, exponential 0.8%, Pareto(1.5) 5-30%), but not used in the rule: a 0/1 metric with
// P(1) = 1% puts 10% there with a perfectly normal mean.
// The halves split at the largest power of two not above half the blocks merged in order, so the
// split is a fixed function of the block count.
#pragma once

#include "engine/quantile_sketch.hpp"
#include "engine/stats.hpp"

#include <limits>
#include <string>

namespace fairmc {

struct Diagnostics {
  static constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  static constexpr double kTopFraction = 0.001;
  static constexpr double kFewDraws = 20;         // fewer holding half the variance: flagged
  static constexpr double kFewDrawsShare = 0.01;  // ... or fewer than 1% of the draws
  static constexpr double kDriftLimit = 5;
  static constexpr double kTailMinDraws = 1000;  // draws beyond the median on the tail's side
  static constexpr double kTailIndexLimit = 2.5;

  double top_share = nan;      // share of sum |x| held by the largest 0.1% of draws
  double half_variance = nan;  // fewest draws holding half of the sum of squared deviations
  double drift_z = nan;        // (mean of 2nd part - mean of 1st part) / combined sem
  double tail_index = nan;     // Hill's, the heavier side; computed only when few draws hold
                               // half of the variance (see the rule above), else NaN
  double undefined = 0;        // NaN draws ("not defined for this draw"; not a warning)
  double pos_inf = 0;
  double neg_inf = 0;
  bool unreliable = false;
  std::string warning;  // one line, empty when reliable
};

// `all`: the merged summary; `first`, `second`: the two halves in block order (n = 0 when the
// point has too few blocks to split); `sketch`: the merged sketch (non-finite counts, tail).
Diagnostics diagnose(const Summary& all, const Summary& first, const Summary& second,
                     const QuantileSketch& sketch);

}  // namespace fairmc
