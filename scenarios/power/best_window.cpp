#include "scenarios/power/best_window.hpp"

#include "scenarios/power/batch_math.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>

namespace fairmc::power {
namespace {
// Up to this many values below a candidate window's lower edges, best_window_fraction_buckets
// counts the candidate bucket's values per edge without a binary search.
constexpr std::size_t kFewEdges = 4;

// at_least[0] = #(first <= v < next), at_least[j + 1] = #(first <= v < next and t[j] < fl(c v)):
// branch-free, so that it vectorises (FAIRMC_POWER_KERNEL, batch_math.hpp; counts do not depend
// on the order). Values <= 0 and NaN are outside [first, next) (0 < first).
FAIRMC_POWER_KERNEL void count_at_least(const double* values, std::size_t n, double first,
                                        double next, double c, const double* t,
                                        std::uint64_t* at_least) {
  const double t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3];
  std::uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = values[i], cv = c * v;
    const std::uint64_t in = (v >= first) & (v < next);
    a0 += in;
    a1 += in & (t0 < cv);
    a2 += in & (t1 < cv);
    a3 += in & (t2 < cv);
    a4 += in & (t3 < cv);
  }
  at_least[0] = a0;
  at_least[1] = a1;
  at_least[2] = a2;
  at_least[3] = a3;
  at_least[4] = a4;
}
// The positive values' smallest and largest, their number, and whether one value is NaN, for all
// but the last n % 4 values: two values per GCC vector (SSE2 and AVX2 alike), selects instead of
// branches; min and max do not depend on the order.
struct PositiveRange {
  double lo, hi;
  std::size_t count;
  bool nan;
};
FAIRMC_POWER_KERNEL PositiveRange positive_range(const double* values, std::size_t n) {
  typedef double Vec2 __attribute__((vector_size(16)));
  typedef long long Mask2 __attribute__((vector_size(16)));
  const double inf = std::numeric_limits<double>::infinity();
  const Vec2 zero = {0.0, 0.0}, infs = {inf, inf};
  Vec2 lo[2] = {infs, infs}, hi[2] = {zero, zero};
  Mask2 count[2] = {}, nan[2] = {};
  for (std::size_t i = 0; i + 4 <= n; i += 4)
    for (std::size_t h = 0; h < 2; ++h) {
      Vec2 v;
      __builtin_memcpy(&v, values + i + 2 * h, sizeof v);
      const Mask2 pos = v > zero;
      const Vec2 vl = pos ? v : infs;
      lo[h] = vl < lo[h] ? vl : lo[h];
      hi[h] = v > hi[h] ? v : hi[h];  // values <= 0 and NaN never exceed hi >= 0
      count[h] -= pos;                // a true lane is -1
      nan[h] |= v != v;               // only NaN differs from itself
    }
  PositiveRange r{inf, 0.0, 0, false};
  for (std::size_t h = 0; h < 2; ++h)
    for (int l = 0; l < 2; ++l) {
      r.lo = std::min(r.lo, lo[h][l]);
      r.hi = std::max(r.hi, hi[h][l]);
      r.count += static_cast<std::size_t>(count[h][l]);
      r.nan = r.nan || nan[h][l] != 0;
    }
  return r;
}
}  // namespace

double best_window_fraction_sorting(std::span<double> lambda, double epsilon) {
  // The reference and the fallback (NaN, epsilon outside (0, 1), huge n). Sorted by the IEEE
  // total order of the bits (negative NaN first, positive NaN last, as Boost's spreadsort placed
  // them), a strict weak order even with NaN, where std::sort on `<` is undefined behaviour;
  // spreadsort itself overflowed a signed integer (UBSan) on inputs mixing signs.
  const auto key = [](double v) {
    const auto bits = std::bit_cast<std::uint64_t>(v);
    return bits >> 63 ? ~bits : bits | (std::uint64_t{1} << 63);
  };
  std::sort(lambda.begin(), lambda.end(), [&](double a, double b) { return key(a) < key(b); });
  std::size_t best = 0, lo = 0;
  for (std::size_t hi = 0; hi < lambda.size(); ++hi) {
    if (lambda[hi] <= 0.0) continue;  // lambda > 0 is required
    while (lambda[lo] < (1.0 - epsilon) * lambda[hi]) ++lo;
    best = std::max(best, hi - lo + 1);
  }
  return lambda.empty() ? 0.0 : static_cast<double>(best) / static_cast<double>(lambda.size());
}

double best_window_fraction_buckets(std::span<const double> lambda, double epsilon,
                                    BestWindowScratch& s) {
  const std::size_t n = lambda.size();
  const auto fallback = [&] {
    std::vector<double> copy(lambda.begin(), lambda.end());
    return best_window_fraction_sorting(copy, epsilon);
  };
  if (n == 0) return 0.0;
  if (!(epsilon > 0.0 && epsilon < 1.0) || n >= (std::size_t{1} << 31)) return fallback();
  // Positive finite doubles compare like their bit patterns (keys) as unsigned integers.
  constexpr std::uint64_t kLow = std::bit_cast<std::uint64_t>(0x1p-900);
  constexpr std::uint64_t kHigh = std::bit_cast<std::uint64_t>(0x1p900);
  // The smallest and largest positive value (positive doubles order as their keys), their
  // number, and whether a NaN is present (issue 19: a branchy loop over 64-bit keys cost ~0.07 ms
  // at n = 10^5, then ~0.1 ms as scalar selects).
  const PositiveRange pr = positive_range(lambda.data(), n);
  double dmin = pr.lo, dmax = pr.hi;
  std::size_t npos = pr.count;
  bool nan = pr.nan;
  std::size_t i = n - n % 4;
  for (; i < n; ++i) {
    const double v = lambda[i];
    if (v > 0.0) {
      dmin = std::min(dmin, v);
      dmax = std::max(dmax, v);
      ++npos;
    } else {
      nan = nan || !(v <= 0.0);
    }
  }
  if (npos == 0) return 0.0;  // no window can end at a positive value
  const std::uint64_t kmin = std::bit_cast<std::uint64_t>(dmin);
  const std::uint64_t kmax = std::bit_cast<std::uint64_t>(dmax);
  // Between 2^-900 and 2^900 every threshold (1 - eps) v is a positive normal double (so the
  // values <= 0 never count) and no bucket boundary overflows.
  if (nan || kmin < kLow || kmax > kHigh) return fallback();

  // Buckets of 2^shift consecutive keys. Within a binade a key step is one ulp, so a window
  // [(1 - eps) v, v] spans at least eps 2^52 keys: about 64 buckets or more.
  const double keys_per_window = epsilon * 0x1p52 / 64.0;
  const int shift = keys_per_window >= 1.0 ? std::min(std::ilogb(keys_per_window), 60) : 0;
  const std::uint64_t base = kmin >> shift;
  const std::size_t nb = static_cast<std::size_t>((kmax >> shift) - base) + 1;
  if (nb > 2 * n + 4096) return fallback();  // values spread over too many binades for this eps
  const auto bucket_of_key = [&](std::uint64_t u) {
    return static_cast<std::size_t>((u >> shift) - base);
  };

  // Counts and each bucket's largest key, in kWays interleaved copies (value i updates copy
  // i % kWays) merged afterwards: a draw's lambda_i concentrate in a few buckets, and updates of
  // one counter wait on each other through memory (issue 19: this loop was a third of the
  // function). Counts and maxima do not depend on the order, so the same result.
  constexpr std::size_t kWays = 4;
  s.count.assign(kWays * nb, 0);
  s.top.assign(kWays * nb, 0);
  {
    std::uint32_t* const count = s.count.data();
    std::uint64_t* const top = s.top.data();
    const double* const values = lambda.data();
    const auto add = [&](std::size_t i, std::size_t way) __attribute__((always_inline)) {
      const double v = values[i];
      if (v > 0.0) {
        const auto u = std::bit_cast<std::uint64_t>(v);
        const std::size_t b = kWays * bucket_of_key(u) + way;
        ++count[b];
        top[b] = std::max(top[b], u);
      }
    };
    std::size_t i = 0;
    for (; i + kWays <= n; i += kWays)
      for (std::size_t way = 0; way < kWays; ++way) add(i + way, way);
    for (; i < n; ++i) add(i, 0);
    for (std::size_t b = 0; b < nb; ++b) {  // in place: b <= kWays b
      std::uint32_t c = 0;
      std::uint64_t t = 0;
      for (std::size_t way = 0; way < kWays; ++way) {
        c += count[kWays * b + way];
        t = std::max(t, top[kWays * b + way]);
      }
      count[b] = c;
      top[b] = t;
    }
  }
  s.count.resize(nb);
  s.top.resize(nb);
  s.start.resize(nb + 1);
  s.start[0] = 0;
  for (std::size_t b = 0; b < nb; ++b) s.start[b + 1] = s.start[b] + s.count[b];

  const double c = 1.0 - epsilon;  // the threshold of v is fl(c v), as in the sorting version
  // Bucket of a threshold 0 < t <= the largest value (-1: below every value).
  const auto bucket_of = [&](double t) -> std::ptrdiff_t {
    const auto u = std::bit_cast<std::uint64_t>(t);
    return u < kmin ? -1 : static_cast<std::ptrdiff_t>(bucket_of_key(u));
  };
  // Number of values in the buckets below b (b may be -1 or nb).
  const auto before = [&](std::ptrdiff_t b) {
    return b < 0 ? std::size_t{0} : s.start[static_cast<std::size_t>(b)];
  };

  // Windows ending at a value v of bucket b: #(x <= v) <= start[b + 1], and v >= the bucket's
  // first value s_b, so fl(c v) >= fl(c s_b) (rounding is monotone): the buckets below that
  // threshold's bucket b1 are excluded, an upper bound. The window ending at the bucket's largest
  // value v_top includes every bucket above the bucket b2 of fl(c v_top): a count that is
  // attained, so a lower bound on the best. Where b1..b2 hold no values the two agree.
  std::size_t best = 0;
  auto& candidates = s.candidates;  // (upper bound, bucket)
  candidates.clear();
  for (std::size_t b = 0; b < nb; ++b) {
    if (s.count[b] == 0) continue;
    const double first = std::bit_cast<double>(std::max(kmin, (base + b) << shift));
    const std::size_t upper = s.start[b + 1] - before(bucket_of(c * first));
    const std::size_t lower =
        s.start[b + 1] - before(bucket_of(c * std::bit_cast<double>(s.top[b])) + 1);
    best = std::max(best, lower);
    if (upper > lower) candidates.emplace_back(upper, b);
  }
  std::sort(candidates.begin(), candidates.end(), std::greater<>{});
  for (const auto& [upper, b] : candidates) {
    if (upper <= best) break;  // no window ending in this bucket (or a later one) can win
    // Exactly: the thresholds fl(c v) of the bucket's values lie in buckets b1..b2 < b, whose
    // values T (sorted) decide them: below(fl(c v)) = before(b1) + j(v), j(v) = #(T < fl(c v)),
    // which is nondecreasing in v. Among the values with the same j the largest wins, and its
    // #(x <= v) is start[b] + the number of the bucket's values with j(x) <= j.
    const double first = std::bit_cast<double>(std::max(kmin, (base + b) << shift));
    const std::ptrdiff_t b1 = bucket_of(c * first);
    const std::ptrdiff_t b2 = bucket_of(c * std::bit_cast<double>(s.top[b]));
    if (b2 >= static_cast<std::ptrdiff_t>(b)) return fallback();  // not with the chosen shift
    const std::uint64_t lo_key = b1 < 0 ? 0 : (base + static_cast<std::uint64_t>(b1)) << shift;
    const std::uint64_t hi_key = (base + static_cast<std::uint64_t>(b2) + 1) << shift;
    s.edge.clear();
    for (const double v : lambda)
      if (v > 0.0) {
        const auto u = std::bit_cast<std::uint64_t>(v);
        if (u >= lo_key && u < hi_key) s.edge.push_back(v);
      }
    std::sort(s.edge.begin(), s.edge.end());
    s.group.assign(s.edge.size() + 1, 0);
    const std::uint64_t b_lo = (base + b) << shift, b_hi = (base + b + 1) << shift;
    if (s.edge.size() <= kFewEdges) {
      // A draw's lambda_i concentrate: the bucket holds most values (56-93% at n = 10^5) and
      // T one to four. #(T < fl(c v)) >= j iff T[j - 1] < fl(c v), so group[j] is the
      // difference of two counts, each a branch-free pass (issue 19: a binary search per
      // value mispredicted, ~0.2 ms a draw).
      double t[kFewEdges];
      for (std::size_t j = 0; j < kFewEdges; ++j)
        t[j] = j < s.edge.size() ? s.edge[j] : std::numeric_limits<double>::infinity();
      std::uint64_t at_least[kFewEdges + 1];
      // The bucket's values are >= kmin > 0, so [first, next) holds no value <= 0.
      count_at_least(lambda.data(), n, std::bit_cast<double>(std::max(kmin, b_lo)),
                     std::bit_cast<double>(b_hi), c, t, at_least);
      const std::size_t e = s.edge.size();
      for (std::size_t j = 0; j < e; ++j)
        s.group[j] = static_cast<std::size_t>(at_least[j] - at_least[j + 1]);
      s.group[e] = static_cast<std::size_t>(at_least[e]);
    } else {
      for (const double v : lambda)
        if (v > 0.0 && bucket_of_key(std::bit_cast<std::uint64_t>(v)) == b)
          ++s.group[static_cast<std::size_t>(std::lower_bound(s.edge.begin(), s.edge.end(), c * v) -
                                             s.edge.begin())];
    }
    std::size_t at_most = s.start[b];
    const std::size_t excluded = before(b1);
    for (std::size_t j = 0; j < s.group.size(); ++j) {
      if (s.group[j] == 0) continue;
      at_most += s.group[j];
      best = std::max(best, at_most - excluded - j);
    }
  }
  return static_cast<double>(best) / static_cast<double>(n);
}

}  // namespace fairmc::power
