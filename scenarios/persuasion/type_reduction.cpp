#include "scenarios/persuasion/type_reduction.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace fairmc::persuasion {
namespace {

// P(Bin(m, p) = j) for j = 0..len-1 (log space: m is up to 10^5, (1-p)^m underflows).
std::vector<double> binomial_head(int m, double p, int len) {
  std::vector<double> out(static_cast<std::size_t>(std::max(len, 0)), 0.0);
  if (len <= 0) return out;
  if (p <= 0.0 || m == 0) {
    out[0] = 1.0;
    return out;
  }
  if (p >= 1.0) {
    if (m < len) out[static_cast<std::size_t>(m)] = 1.0;
    return out;
  }
  const double lp = std::log(p), lq = std::log1p(-p), lm = std::lgamma(m + 1.0);
  for (int j = 0; j < len && j <= m; ++j)
    out[static_cast<std::size_t>(j)] =
        std::exp(lm - std::lgamma(j + 1.0) - std::lgamma(m - j + 1.0) + j * lp + (m - j) * lq);
  return out;
}

// Truncated convolution of two pmfs (indices < len).
std::vector<double> convolve(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> out(a.size(), 0.0);
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; i + j < out.size(); ++j) out[i + j] += a[i] * b[j];
  return out;
}

// E[min(1, T/(Y+1))], Y ~ Bin(M, p): a uniform position among Y + 1 tied agents is < T.
double tied_share(int T, int M, double p) {
  if (T <= 0) return 0.0;
  if (T > M) return 1.0;
  const std::vector<double> pmf = binomial_head(M, p, T);
  double below = 0.0, partial = 0.0;  // P(Y <= T-1), Σ_{y<T} pmf/(y+1)
  for (int y = 0; y < T; ++y) {
    below += pmf[static_cast<std::size_t>(y)];
    partial += pmf[static_cast<std::size_t>(y)] / (y + 1.0);
  }
  const double inv =
      p > 0.0 ? -std::expm1((M + 1.0) * std::log1p(-std::min(p, 1.0))) / ((M + 1.0) * p) : 1.0;
  return std::clamp(below + T * std::max(0.0, inv - partial), 0.0, 1.0);
}

}  // namespace

std::optional<AgentTypes> agent_types(const std::vector<DiscretePrior>& priors, int max_types) {
  AgentTypes t;
  for (std::size_t i = 0; i < priors.size(); ++i) {
    int found = -1;
    for (std::size_t c = 0; c < t.representative.size(); ++c) {
      const DiscretePrior& r = priors[static_cast<std::size_t>(t.representative[c])];
      if (r.values == priors[i].values && r.probs == priors[i].probs) {
        found = static_cast<int>(c);
        break;
      }
    }
    if (found < 0) {
      if (static_cast<int>(t.representative.size()) == max_types) return std::nullopt;
      found = static_cast<int>(t.representative.size());
      t.representative.push_back(static_cast<int>(i));
      t.count.push_back(0);
    }
    ++t.count[static_cast<std::size_t>(found)];
    t.type_of.push_back(found);
  }
  return t;
}

TypeUtilities type_block_vertex(const Mapping& mapping, const std::vector<int>& count, int k,
                                const std::vector<int>& order) {
  const std::size_t T = count.size();
  TypeUtilities out{std::vector<double>(T, 0.0), std::vector<double>(T, 0.0)};
  if (k <= 0) return out;
  std::vector<int> rank(T);
  for (std::size_t r = 0; r < order.size(); ++r)
    rank[static_cast<std::size_t>(order[r])] = static_cast<int>(r);
  for (const Layer& layer : mapping) {
    for (std::size_t c = 0; c < T; ++c) {
      for (const SignalClass& s : layer.agents[c]) {
        if (s.prob <= 0.0) continue;
        // Other types ahead of i: strictly larger key, or equal key and a type ahead.
        std::vector<double> X(static_cast<std::size_t>(k), 0.0);
        X[0] = 1.0;
        for (std::size_t d = 0; d < T; ++d) {
          if (d == c) continue;
          double above = 0.0, equal = 0.0;
          for (const SignalClass& o : layer.agents[d]) {
            if (o.key > s.key) above += o.prob;
            if (o.key == s.key) equal += o.prob;
          }
          const double p = above + (rank[d] < rank[c] ? equal : 0.0);
          X = convolve(X, binomial_head(count[d], std::min(1.0, p), k));
        }
        double above = 0.0, equal = 0.0;
        for (const SignalClass& o : layer.agents[c]) {
          if (o.key > s.key) above += o.prob;
          if (o.key == s.key) equal += o.prob;
        }
        above = std::min(1.0, above);
        const int m = count[c] - 1;
        const std::vector<double> N = binomial_head(m, above, k);
        const double tie = above < 1.0 ? std::min(1.0, equal / (1.0 - above)) : 0.0;
        double alloc = 0.0;
        for (int x = 0; x < k; ++x) {
          if (X[static_cast<std::size_t>(x)] == 0.0) continue;
          for (int a = 0; x + a < k; ++a) {
            if (N[static_cast<std::size_t>(a)] == 0.0) continue;
            alloc += X[static_cast<std::size_t>(x)] * N[static_cast<std::size_t>(a)] *
                     tied_share(k - x - a, m - a, tie);
          }
        }
        const double w = layer.weight * s.prob * alloc;
        out.value[c] += w * s.value;
        out.fake[c] += w * s.fake;
      }
    }
  }
  return out;
}

TypeUtilities type_majorized(const Mapping& mapping, const std::vector<int>& count, int k) {
  if (count.size() == 1) return type_block_vertex(mapping, count, k, {0});
  if (count.size() != 2) throw std::invalid_argument("type_majorized: at most two types");
  const TypeUtilities a = type_block_vertex(mapping, count, k, {0, 1});
  const TypeUtilities b = type_block_vertex(mapping, count, k, {1, 0});
  // min_t Σ_c count_c ((1-t) a_c + t b_c)² on [0, 1].
  double num = 0.0, den = 0.0;
  for (std::size_t c = 0; c < 2; ++c) {
    const double d = b.fake[c] - a.fake[c];
    num -= count[c] * a.fake[c] * d;
    den += count[c] * d * d;
  }
  const double t = den > 0.0 ? std::clamp(num / den, 0.0, 1.0) : 0.0;
  TypeUtilities out;
  for (std::size_t c = 0; c < 2; ++c) {
    out.value.push_back((1.0 - t) * a.value[c] + t * b.value[c]);
    out.fake.push_back((1.0 - t) * a.fake[c] + t * b.fake[c]);
  }
  return out;
}

std::vector<double> type_prefix_smallest(const std::vector<double>& u,
                                         const std::vector<int>& count) {
  std::vector<std::size_t> idx(u.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return u[a] < u[b]; });
  std::vector<double> q;
  double s = 0.0;
  for (const std::size_t c : idx)
    for (int j = 0; j < count[c]; ++j) q.push_back(s += u[c]);
  return q;
}

double type_welfare(const std::vector<double>& u, const std::vector<int>& count) {
  double s = 0.0;
  for (std::size_t c = 0; c < u.size(); ++c) s += count[c] * u[c];
  return s;
}

double type_nash(const std::vector<double>& u, const std::vector<int>& count) {
  double s = 0.0, n = 0.0;
  for (std::size_t c = 0; c < u.size(); ++c) {
    if (u[c] <= 0.0) return 0.0;
    s += count[c] * std::log(u[c]);
    n += count[c];
  }
  return std::exp(s / n);
}

}  // namespace fairmc::persuasion
