#include "scenarios/scf/outcome_keys.hpp"

#include "scenarios/scf/vector_math.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace fairmc::scf {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// -sum_i c_i log gain_i, +inf if some gain is not > 0 (SocialCost::key's Nash loop): the gains
// first, their logarithms in one batch (vmath), then the sum left to right as SocialCost::key.
template <bool reference, bool weighted>
double nash_key(const double* w, const double* c, const double* ref, std::span<double> logs) {
  const std::size_t n = logs.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double gain = reference ? ref[i] - c[i] : -c[i];
    if (!(gain > 0.0)) return inf;
    logs[i] = gain;
  }
  vmath::log(logs, logs);
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (weighted) {
      sum -= w[i] * logs[i];
    } else {
      sum -= 1.0 * logs[i];
    }
  }
  return sum;
}

double nash_key(const SocialCost& s, std::span<const double> c, std::span<const double> ref,
                std::vector<double>& logs) {
  const double* w = s.weights.data();
  const bool weighted = !s.weights.empty();
  logs.resize(c.size());
  if (s.kind == Kind::nash_reference) {
    return weighted ? nash_key<true, true>(w, c.data(), ref.data(), logs)
                    : nash_key<true, false>(w, c.data(), ref.data(), logs);
  }
  return weighted ? nash_key<false, true>(w, c.data(), ref.data(), logs)
                  : nash_key<false, false>(w, c.data(), ref.data(), logs);
}

// One pass over an outcome's costs: the sum left to right (as std::accumulate), the largest and
// (kSecond) second largest, and (kWeighted) one weighted sum sum_i w_i c_i left to right. The
// accumulations are independent, so in one loop their latencies overlap (issue 19: as separate
// passes each waited on its own chain of additions); each keeps its order, so the same bits.
struct Stats {
  double sum = 0.0, max = 0.0, second = -inf, weighted = 0.0;
};
template <bool kSum, bool kMax, bool kSecond, bool kWeighted>
Stats outcome_stats(std::span<const double> c, const double* w) {
  Stats s;
  const std::size_t n = c.size();
  s.max = c[0];
  if constexpr (kSum) s.sum += c[0];
  if constexpr (kWeighted) s.weighted += w[0] * c[0];
  for (std::size_t i = 1; i < n; ++i) {
    const double v = c[i];
    if constexpr (kSum) s.sum += v;
    if constexpr (kWeighted) s.weighted += w[i] * v;
    if constexpr (kSecond) {
      if (v > s.max) {
        s.second = s.max;
        s.max = v;
      } else if (v > s.second) {
        s.second = v;
      }
    } else if constexpr (kMax) {
      s.max = v > s.max ? v : s.max;
    }
  }
  return s;
}

template <bool kSum, bool kMax, bool kSecond>
Stats outcome_stats(std::span<const double> c, const double* w) {
  return w != nullptr ? outcome_stats<kSum, kMax, kSecond, true>(c, w)
                      : outcome_stats<kSum, kMax, kSecond, false>(c, w);
}

Stats outcome_stats(std::span<const double> c, bool sum, bool max, bool second, const double* w) {
  if (second) {
    return sum ? outcome_stats<true, true, true>(c, w) : outcome_stats<false, true, true>(c, w);
  }
  if (max) {
    return sum ? outcome_stats<true, true, false>(c, w) : outcome_stats<false, true, false>(c, w);
  }
  return sum ? outcome_stats<true, false, false>(c, w) : outcome_stats<false, false, false>(c, w);
}

}  // namespace

OutcomeKeys::OutcomeKeys(std::vector<SocialCost> scfs) : scfs_(std::move(scfs)) {
  for (const SocialCost& s : scfs_) {
    switch (s.kind) {
      case Kind::utilitarian:
      case Kind::mean_plus_gamma_mad:
        need_sum_ = true;
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
  const std::span<const double> ref = p.outcome(0);
  std::vector<double> scratch;  // k-th largest for k > 2 only
  std::vector<double> logs;     // Nash gains and their logarithms
  for (std::size_t x = 0; x < X; ++x) {
    const std::span<const double> c = p.outcome(x);
    // One pass: the sum, the largest and second largest, one weighted sum.
    const Stats st = outcome_stats(c, need_sum_, need_max_, kth_ >= 2,
                                   weighted_ == kNone ? nullptr : scfs_[weighted_].weights.data());
    const double sum = st.sum, max = st.max, second = st.second;
    for (std::size_t s = 0; s < scfs_.size(); ++s) {
      const SocialCost& scf = scfs_[s];
      double key = 0.0;
      switch (scf.kind) {
        case Kind::utilitarian:
          key = sum;
          break;
        case Kind::weighted_sum: {
          double w = 0.0;
          if (s == weighted_) {
            w = st.weighted;
          } else if (scf.weights.empty()) {
            for (std::size_t i = 0; i < n; ++i) w += 1.0 * c[i];
          } else {
            for (std::size_t i = 0; i < n; ++i) w += scf.weights[i] * c[i];
          }
          key = w;
          break;
        }
        case Kind::rawls_max:
        case Kind::leximin:
          key = max;
          break;
        case Kind::kth_largest: {
          const std::size_t r = std::min(scf.k, n) - 1;
          if (r <= 1) {
            key = r == 0 ? max : second;
          } else {
            scratch.assign(c.begin(), c.end());
            std::nth_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(r),
                             scratch.end(), std::greater<>());
            key = scratch[r];
          }
          break;
        }
        case Kind::nash_reference:
        case Kind::nash_negative:
          key = nash_key(scf, c, ref, logs);
          break;
        case Kind::sum_plus_gamma_max:
          key = sum + scf.gamma * max;
          break;
        case Kind::mean_plus_gamma_max: {
          const double mean = sum / dn;
          key = mean + scf.gamma * (max - mean);
          break;
        }
        case Kind::mean_plus_gamma_mad: {
          const double mean = sum / dn;
          double mad = 0.0;
          for (const double v : c) mad += std::abs(v - mean);
          key = mean + scf.gamma * mad / dn;
          break;
        }
        case Kind::dictator:
          key = c[scf.dictator];
          break;
      }
      keys[s * X + x] = key;
    }
  }
}

}  // namespace fairmc::scf
