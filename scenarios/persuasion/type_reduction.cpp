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

// The type-symmetric vertex for the tie-break "equal keys: larger score first; equal scores:
// uniformly at random inside a type, by `order` (type indices, earlier = ahead) across types".
// score[l][c][s] is the score of signal s of type c in layer l; nullptr = every score equal (a
// type-block order). Sums are taken in signal order so that the nullptr case keeps the bits of the
// original type-block computation.
TypeUtilities scored_vertex(const Mapping& mapping, const std::vector<int>& count, int k,
                            const std::vector<int>& order,
                            const std::vector<std::vector<std::vector<double>>>* score) {
  const std::size_t T = count.size();
  TypeUtilities out{std::vector<double>(T, 0.0), std::vector<double>(T, 0.0)};
  if (k <= 0) return out;
  std::vector<int> rank(T);
  for (std::size_t r = 0; r < order.size(); ++r)
    rank[static_cast<std::size_t>(order[r])] = static_cast<int>(r);
  for (std::size_t l = 0; l < mapping.size(); ++l) {
    const Layer& layer = mapping[l];
    const auto sc = [&](std::size_t c, std::size_t s) { return score ? (*score)[l][c][s] : 0.0; };
    for (std::size_t c = 0; c < T; ++c) {
      for (std::size_t si = 0; si < layer.agents[c].size(); ++si) {
        const SignalClass& s = layer.agents[c][si];
        if (s.prob <= 0.0) continue;
        const double ss = sc(c, si);
        // Other types ahead of i: strictly larger key, or equal key and ahead in the tie-break.
        std::vector<double> X(static_cast<std::size_t>(k), 0.0);
        X[0] = 1.0;
        for (std::size_t d = 0; d < T; ++d) {
          if (d == c) continue;
          double above = 0.0, equal = 0.0;
          for (std::size_t oi = 0; oi < layer.agents[d].size(); ++oi) {
            const SignalClass& o = layer.agents[d][oi];
            if (o.key > s.key) above += o.prob;
            if (o.key == s.key) {
              const double so = sc(d, oi);
              if (so > ss || (so == ss && rank[d] < rank[c])) equal += o.prob;
            }
          }
          const double p = above + equal;
          X = convolve(X, binomial_head(count[d], std::min(1.0, p), k));
        }
        double above = 0.0, equal = 0.0;
        for (std::size_t oi = 0; oi < layer.agents[c].size(); ++oi) {
          const SignalClass& o = layer.agents[c][oi];
          const double so = o.key == s.key ? sc(c, oi) : 0.0;
          if (o.key > s.key || (o.key == s.key && so > ss)) above += o.prob;
          if (o.key == s.key && so == ss) equal += o.prob;
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

// True when the two types' signals are identical in every layer: the types are then exchangeable
// (one orbit at agent level, exchangeable.hpp), and results are averaged over both.
bool identical_types(const Mapping& mapping) {
  for (const Layer& layer : mapping) {
    if (layer.agents.size() != 2) return false;
    const auto& a = layer.agents[0];
    const auto& b = layer.agents[1];
    if (a.size() != b.size()) return false;
    for (std::size_t s = 0; s < a.size(); ++s)
      if (a[s].prob != b[s].prob || a[s].key != b[s].key || a[s].value != b[s].value ||
          a[s].fake != b[s].fake)
        return false;
  }
  return !mapping.empty();
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
  return scored_vertex(mapping, count, k, order, nullptr);
}

TypeUtilities type_majorized(const Mapping& mapping, const std::vector<int>& count, int k) {
  if (count.size() == 1) return type_block_vertex(mapping, count, k, {0});
  if (count.size() != 2) throw std::invalid_argument("type_majorized: at most two types");
  if (identical_types(mapping)) {  // one type of count_0 + count_1 agents
    Mapping one = mapping;
    for (Layer& layer : one) layer.agents.resize(1);
    const TypeUtilities v = type_block_vertex(one, {count[0] + count[1]}, k, {0});
    return {{v.value[0], v.value[0]}, {v.fake[0], v.fake[0]}};
  }
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

TypeUtilities type_true_optimal(const Mapping& mapping, const std::vector<int>& count, int k) {
  const std::size_t T = count.size();
  if (T > 2) throw std::invalid_argument("type_true_optimal: at most two types");
  // Serve equal keys by decreasing w_c·μ with w = (1, r).
  const auto vertex_for = [&](double r) {
    std::vector<std::vector<std::vector<double>>> score(mapping.size());
    for (std::size_t l = 0; l < mapping.size(); ++l)
      for (std::size_t c = 0; c < T; ++c) {
        score[l].emplace_back();
        for (const SignalClass& s : mapping[l].agents[c])
          score[l][c].push_back((c == 1 ? r : 1.0) * s.value);
      }
    std::vector<int> order(T);
    std::iota(order.begin(), order.end(), 0);
    TypeUtilities v = scored_vertex(mapping, count, k, order, &score);
    v.fake = v.value;
    return v;
  };
  if (T == 1) return vertex_for(1.0);
  // Breakpoints of w_1/w_0 where a type-0 and a type-1 signal of equal key swap.
  std::vector<double> br;
  for (const Layer& layer : mapping)
    for (const SignalClass& a : layer.agents[0])
      for (const SignalClass& b : layer.agents[1])
        if (a.prob > 0.0 && b.prob > 0.0 && a.key == b.key && a.value > 0.0 && b.value > 0.0)
          br.push_back(a.value / b.value);
  std::sort(br.begin(), br.end());
  br.erase(std::unique(br.begin(), br.end()), br.end());
  std::vector<double> ratios;
  if (br.empty()) {
    ratios.push_back(1.0);
  } else {
    ratios.push_back(br.front() / 2.0);
    for (std::size_t j = 0; j + 1 < br.size(); ++j) ratios.push_back(std::sqrt(br[j] * br[j + 1]));
    ratios.push_back(br.back() * 2.0);
  }
  // The Pareto chain, from the type-0-first to the type-1-first vertex.
  std::vector<TypeUtilities> chain;
  for (const double r : ratios) chain.push_back(vertex_for(r));
  bool served[2] = {false, false};
  for (const TypeUtilities& v : chain)
    for (std::size_t c = 0; c < 2; ++c) served[c] = served[c] || v.value[c] > 0.0;
  const auto nash = [&](const double y0, const double y1) {
    double f = 0.0;
    if (served[0]) f += y0 > 0.0 ? count[0] * std::log(y0) : -HUGE_VAL;
    if (served[1]) f += y1 > 0.0 ? count[1] * std::log(y1) : -HUGE_VAL;
    return f;
  };
  TypeUtilities best = chain.front();
  double best_f = nash(best.value[0], best.value[1]);
  for (std::size_t j = 0; j < chain.size(); ++j) {
    const TypeUtilities& a = chain[j];
    const double fa = nash(a.value[0], a.value[1]);
    if (fa > best_f) {
      best = a;
      best_f = fa;
    }
    if (j + 1 == chain.size() || !served[0] || !served[1]) continue;
    // Interior stationary point of Σ_c count_c log(a_c + t d_c) on the edge to the next vertex.
    const TypeUtilities& b = chain[j + 1];
    const double d0 = b.value[0] - a.value[0], d1 = b.value[1] - a.value[1];
    if (d0 * d1 >= 0.0) continue;  // not a trade-off: an endpoint is better
    const double t = std::clamp(-(count[0] * d0 * a.value[1] + count[1] * d1 * a.value[0]) /
                                    ((count[0] + count[1]) * d0 * d1),
                                0.0, 1.0);
    const double y0 = a.value[0] + t * d0, y1 = a.value[1] + t * d1;
    const double f = nash(y0, y1);
    if (f > best_f) {
      best = TypeUtilities{{y0, y1}, {y0, y1}};
      best_f = f;
    }
  }
  return best;
}

TypeUtilities type_priority_vertex(const Mapping& mapping, const std::vector<int>& type_of, int k,
                                   std::span<const int> priority) {
  const std::size_t n = type_of.size();
  const std::size_t T = mapping.empty() ? 0 : mapping.front().agents.size();
  TypeUtilities out{std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)};
  if (k <= 0 || n == 0) return out;
  std::vector<int> count(T, 0), before(T, 0);
  for (const int c : type_of) ++count[static_cast<std::size_t>(c)];
  std::vector<std::size_t> by_rank(n);
  for (std::size_t i = 0; i < n; ++i) by_rank[static_cast<std::size_t>(priority[i])] = i;
  // Per (layer, type c, signal s, type d): P_d(key >= κ_s) and P_d(key > κ_s).
  struct Tail {
    double ge = 0.0, gt = 0.0;
  };
  std::vector<std::vector<std::vector<std::vector<Tail>>>> tail(mapping.size());
  for (std::size_t l = 0; l < mapping.size(); ++l)
    for (std::size_t c = 0; c < T; ++c) {
      tail[l].emplace_back();
      for (const SignalClass& s : mapping[l].agents[c]) {
        std::vector<Tail> per(T);
        for (std::size_t d = 0; d < T; ++d)
          for (const SignalClass& o : mapping[l].agents[d]) {
            if (o.key >= s.key) per[d].ge += o.prob;
            if (o.key > s.key) per[d].gt += o.prob;
          }
        tail[l][c].push_back(std::move(per));
      }
    }
  const auto uk = static_cast<std::size_t>(k);
  std::vector<double> X(uk);
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t i = by_rank[r];
    const auto c = static_cast<std::size_t>(type_of[i]);
    for (std::size_t l = 0; l < mapping.size(); ++l) {
      const Layer& layer = mapping[l];
      for (std::size_t si = 0; si < layer.agents[c].size(); ++si) {
        const SignalClass& s = layer.agents[c][si];
        if (s.prob <= 0.0) continue;
        // Agents ahead of i: those before it with key >= κ, those after it with key > κ.
        std::fill(X.begin(), X.end(), 0.0);
        X[0] = 1.0;
        for (std::size_t d = 0; d < T; ++d) {
          const int b = before[d], a = count[d] - before[d] - (d == c ? 1 : 0);
          const Tail& t = tail[l][c][si][d];
          X = convolve(X, binomial_head(b, std::min(1.0, t.ge), k));
          X = convolve(X, binomial_head(a, std::min(1.0, t.gt), k));
        }
        double alloc = 0.0;
        for (const double x : X) alloc += x;
        const double w = layer.weight * s.prob * std::min(1.0, alloc);
        out.value[i] += w * s.value;
        out.fake[i] += w * s.fake;
      }
    }
    ++before[c];
  }
  return out;
}

TypeUtilities type_multiplicative_weights(const Mapping& mapping, const std::vector<int>& type_of,
                                          int k, int iterations) {
  const std::size_t n = type_of.size();
  const std::size_t T = mapping.empty() ? 0 : mapping.front().agents.size();
  std::vector<double> fake(n, 0.0), value(n, 0.0), log_w(n, 0.0);
  // The agents' Hedge log-weights exactly as mw_majorize updates them (same rate and width), so
  // the order (decreasing weight, ties by index) is the one the agent-level game plays.
  const double rate = std::sqrt(8.0 * std::log(std::max(2, static_cast<int>(n))) / iterations);
  double width = 0.0;
  std::vector<int> order(n), priority(n);
  for (int t = 0; t < iterations; ++t) {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return log_w[static_cast<std::size_t>(a)] > log_w[static_cast<std::size_t>(b)];
    });
    for (std::size_t r = 0; r < n; ++r)
      priority[static_cast<std::size_t>(order[r])] = static_cast<int>(r);
    const TypeUtilities v = type_priority_vertex(mapping, type_of, k, priority);
    if (t == 0) width = std::max(1e-300, std::accumulate(v.fake.begin(), v.fake.end(), 0.0));
    for (std::size_t i = 0; i < n; ++i) {
      fake[i] += v.fake[i] / iterations;
      value[i] += v.value[i] / iterations;
      log_w[i] -= rate * v.fake[i] / width;
    }
  }
  TypeUtilities out{std::vector<double>(T, 0.0), std::vector<double>(T, 0.0)};
  std::vector<int> count(T, 0);
  const bool merged = identical_types(mapping);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = merged ? std::size_t{0} : static_cast<std::size_t>(type_of[i]);
    out.value[c] += value[i];
    out.fake[c] += fake[i];
    ++count[c];
  }
  for (std::size_t c = 0; c < T; ++c)
    if (count[c] > 0) {
      out.value[c] /= count[c];
      out.fake[c] /= count[c];
    }
  if (merged) {
    out.value[1] = out.value[0];
    out.fake[1] = out.fake[0];
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
