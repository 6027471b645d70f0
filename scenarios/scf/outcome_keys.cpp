#include "scenarios/scf/outcome_keys.hpp"

#include "scenarios/scf/vector_math.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace fairmc::scf {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// Every statistic below is a chain of additions over the agents, left to right as SocialCost::key
// computes it. One outcome's chain waits on each addition in turn (issue 19: ~4 cycles an agent,
// and the accumulators lived on the stack); here G outcomes advance together, agent by agent, so G
// independent chains overlap. Each chain keeps its own order: the same bits as one at a time.
constexpr std::size_t kGroup = 4;

// Calls f.template operator()<G>(x0) for consecutive groups of at most kGroup outcomes.
template <class F>
void by_groups(std::size_t outcomes, F&& f) {
  std::size_t x = 0;
  for (; x + kGroup <= outcomes; x += kGroup) f.template operator()<kGroup>(x);
  switch (outcomes - x) {
    case 3:
      f.template operator()<3>(x);
      break;
    case 2:
      f.template operator()<2>(x);
      break;
    case 1:
      f.template operator()<1>(x);
      break;
    default:
      break;
  }
}

// The sum (as std::accumulate), the largest (as std::max_element) and second largest, and one
// weighted sum sum_i w_i c_i of outcomes x0 .. x0 + G - 1 (rows of n costs from c).
struct Stats {
  double sum = 0.0, max = 0.0, second = -inf, weighted = 0.0;
};
template <std::size_t G, bool kSum, bool kMax, bool kSecond, bool kWeighted>
void outcome_stats(const double* c, std::size_t n, const double* w, Stats* out) {
  double sum[G], max[G], second[G], weighted[G];
  for (std::size_t g = 0; g < G; ++g) {
    const double v = c[g * n];
    sum[g] = 0.0 + v;
    max[g] = v;
    second[g] = -inf;
    weighted[g] = kWeighted ? 0.0 + w[0] * v : 0.0;
  }
  for (std::size_t i = 1; i < n; ++i) {
    for (std::size_t g = 0; g < G; ++g) {
      const double v = c[g * n + i];
      if constexpr (kSum) sum[g] += v;
      if constexpr (kWeighted) weighted[g] += w[i] * v;
      if constexpr (kSecond) {
        // if (v > max) {second = max; max = v;} else if (v > second) second = v;
        second[g] = v > max[g] ? max[g] : (v > second[g] ? v : second[g]);
      }
      if constexpr (kMax || kSecond) max[g] = v > max[g] ? v : max[g];
    }
  }
  for (std::size_t g = 0; g < G; ++g) out[g] = Stats{sum[g], max[g], second[g], weighted[g]};
}

template <std::size_t G, bool kSum, bool kMax, bool kSecond>
void outcome_stats(const double* c, std::size_t n, const double* w, Stats* out) {
  if (w != nullptr) return outcome_stats<G, kSum, kMax, kSecond, true>(c, n, w, out);
  outcome_stats<G, kSum, kMax, kSecond, false>(c, n, w, out);
}

template <std::size_t G>
void outcome_stats(const double* c, std::size_t n, bool sum, bool max, bool second, const double* w,
                   Stats* out) {
  if (second) {
    return sum ? outcome_stats<G, true, true, true>(c, n, w, out)
               : outcome_stats<G, false, true, true>(c, n, w, out);
  }
  if (max) {
    return sum ? outcome_stats<G, true, true, false>(c, n, w, out)
               : outcome_stats<G, false, true, false>(c, n, w, out);
  }
  return sum ? outcome_stats<G, true, false, false>(c, n, w, out)
             : outcome_stats<G, false, false, false>(c, n, w, out);
}

// sum_i |c_i - mean| left to right, G outcomes at a time.
template <std::size_t G>
void abs_deviations(const double* c, std::size_t n, const double* mean, double* out) {
  double mad[G];
  for (std::size_t g = 0; g < G; ++g) mad[g] = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t g = 0; g < G; ++g) mad[g] += std::abs(c[g * n + i] - mean[g]);
  for (std::size_t g = 0; g < G; ++g) out[g] = mad[g];
}

// -sum_i c_i log gain_i left to right (SocialCost::key's Nash sum), G outcomes at a time, from
// their logarithms; w == nullptr: unit weights (1.0 * log, as SocialCost::weight).
template <std::size_t G>
void nash_sums(const double* logs, std::size_t n, const double* w, double* out) {
  double sum[G];
  for (std::size_t g = 0; g < G; ++g) sum[g] = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = w != nullptr ? w[i] : 1.0;
    for (std::size_t g = 0; g < G; ++g) sum[g] -= wi * logs[g * n + i];
  }
  for (std::size_t g = 0; g < G; ++g) out[g] = sum[g];
}

}  // namespace

OutcomeKeys::OutcomeKeys(std::vector<SocialCost> scfs) : scfs_(std::move(scfs)) {
  for (const SocialCost& s : scfs_) {
    switch (s.kind) {
      case Kind::utilitarian:
        need_sum_ = true;
        break;
      case Kind::mean_plus_gamma_mad:
        need_sum_ = need_mad_ = true;
        break;
      case Kind::rawls_max:
      case Kind::leximin:
        need_max_ = true;
        break;
      case Kind::sum_plus_gamma_max:
      case Kind::mean_plus_gamma_max:
        need_sum_ = need_max_ = true;
        break;
      case Kind::kth_largest:
        need_max_ = true;
        kth_ = std::max(kth_, s.k);
        break;
      case Kind::weighted_sum:
        if (weighted_ == kNone && !s.weights.empty())
          weighted_ = static_cast<std::size_t>(&s - scfs_.data());
        break;
      default:
        break;
    }
  }
}

void OutcomeKeys::compute(const CostProfile& p, std::vector<double>& keys) const {
  const std::size_t n = p.agents();
  const std::size_t X = p.outcomes();
  const double dn = static_cast<double>(n);
  keys.resize(scfs_.size() * X);
  if (n == 0 || X == 0) {
    for (std::size_t s = 0; s < scfs_.size(); ++s)
      for (std::size_t x = 0; x < X; ++x) keys[s * X + x] = scfs_[s].key(p.outcome(x));
    return;
  }
  const double* rows = p.outcome(0).data();  // X rows of n costs
  const std::span<const double> ref = p.outcome(0);

  // One pass for the sum, the largest and second largest, one weighted sum.
  std::vector<Stats> st(X);
  const double* w = weighted_ == kNone ? nullptr : scfs_[weighted_].weights.data();
  by_groups(X, [&]<std::size_t G>(std::size_t x0) {
    outcome_stats<G>(rows + x0 * n, n, need_sum_, need_max_, kth_ >= 2, w, st.data() + x0);
  });
  // The absolute deviations from the mean (mean_plus_gamma_mad, whatever its gamma).
  std::vector<double> mean(X), mad;
  for (std::size_t x = 0; x < X; ++x) mean[x] = st[x].sum / dn;
  if (need_mad_) {
    mad.resize(X);
    by_groups(X, [&]<std::size_t G>(std::size_t x0) {
      abs_deviations<G>(rows + x0 * n, n, mean.data() + x0, mad.data() + x0);
    });
  }

  std::vector<double> scratch;  // k-th largest for k > 2 only
  std::vector<double> logs;     // Nash gains of the outcomes in the domain, then their logarithms
  std::vector<std::size_t> valid;
  std::vector<double> nash(X);
  for (std::size_t s = 0; s < scfs_.size(); ++s) {
    const SocialCost& scf = scfs_[s];
    double* out = keys.data() + s * X;
    if (scf.kind == Kind::nash_reference || scf.kind == Kind::nash_negative) {
      // -sum_i c_i log gain_i, +inf where some gain is not > 0 (SocialCost::key): the gains of
      // every outcome in the domain, their logarithms in one batch, then the sums.
      const bool reference = scf.kind == Kind::nash_reference;
      logs.resize(X * n);
      valid.clear();
      for (std::size_t x = 0; x < X; ++x) {
        const double* c = rows + x * n;
        double* g = logs.data() + valid.size() * n;
        bool in_domain = true;
        for (std::size_t i = 0; i < n && in_domain; ++i) {
          g[i] = reference ? ref[i] - c[i] : -c[i];
          in_domain = g[i] > 0.0;
        }
        if (in_domain) valid.push_back(x);
      }
      const std::size_t m = valid.size();
      vmath::log(std::span<const double>(logs.data(), m * n),
                 std::span<double>(logs.data(), m * n));
      const double* cw = scf.weights.empty() ? nullptr : scf.weights.data();
      by_groups(m, [&]<std::size_t G>(std::size_t v0) {
        nash_sums<G>(logs.data() + v0 * n, n, cw, nash.data() + v0);
      });
      for (std::size_t x = 0; x < X; ++x) out[x] = inf;
      for (std::size_t v = m; v-- > 0;) out[valid[v]] = nash[v];
      continue;
    }
    for (std::size_t x = 0; x < X; ++x) {
      const double* c = rows + x * n;
      const Stats& t = st[x];
      double key = 0.0;
      switch (scf.kind) {
        case Kind::utilitarian:
          key = t.sum;
          break;
        case Kind::weighted_sum: {
          double ws = 0.0;
          if (s == weighted_) {
            ws = t.weighted;
          } else if (scf.weights.empty()) {
            for (std::size_t i = 0; i < n; ++i) ws += 1.0 * c[i];
          } else {
            for (std::size_t i = 0; i < n; ++i) ws += scf.weights[i] * c[i];
          }
          key = ws;
          break;
        }
        case Kind::rawls_max:
        case Kind::leximin:
          key = t.max;
          break;
        case Kind::kth_largest: {
          const std::size_t r = std::min(scf.k, n) - 1;
          if (r <= 1) {
            key = r == 0 ? t.max : t.second;
          } else {
            scratch.assign(c, c + n);
            std::nth_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(r),
                             scratch.end(), std::greater<>());
            key = scratch[r];
          }
          break;
        }
        case Kind::sum_plus_gamma_max:
          key = t.sum + scf.gamma * t.max;
          break;
        case Kind::mean_plus_gamma_max:
          key = mean[x] + scf.gamma * (t.max - mean[x]);
          break;
        case Kind::mean_plus_gamma_mad:
          key = mean[x] + scf.gamma * mad[x] / dn;
          break;
        case Kind::dictator:
          key = c[scf.dictator];
          break;
        case Kind::nash_reference:
        case Kind::nash_negative:
          break;  // above
      }
      out[x] = key;
    }
  }
}

}  // namespace fairmc::scf
