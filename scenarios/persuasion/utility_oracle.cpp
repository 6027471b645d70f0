#include "scenarios/persuasion/utility_oracle.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>

namespace fairmc::persuasion {
namespace {

std::vector<MatroidDpOracle::Tables> build_tables(const Mapping& mapping);

int agent_count(const Mapping& mapping) {
  return mapping.empty() ? 0 : static_cast<int>(mapping.front().agents.size());
}

// The receiver's order (Lemma 2.4): larger key first; among equal keys the selection rule decides,
// by decreasing weight·value when weighted, then by priority rank.
bool served_before(const SignalClass& a, int prio_a, double w_a, const SignalClass& b, int prio_b,
                   double w_b, bool weighted) {
  if (a.key != b.key) return a.key > b.key;
  if (weighted) {
    const double sa = w_a * a.value, sb = w_b * b.value;
    if (sa != sb) return sa > sb;
  }
  return prio_a < prio_b;
}

// One scenario: greedy in the receiver's order; accumulates w·x_i·(value, fake) of the realised
// classes.
void greedy_scenario(const Polymatroid& f, const Layer& layer, std::span<const int> cls,
                     std::span<const int> priority, std::span<const double> weight, double w,
                     std::vector<int>& order, std::vector<double>& marg, Expected& acc) {
  const std::size_t n = cls.size();
  order.resize(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
    const SignalClass& ca = layer.agents[ua][static_cast<std::size_t>(cls[ua])];
    const SignalClass& cb = layer.agents[ub][static_cast<std::size_t>(cls[ub])];
    return served_before(ca, priority[ua], weight.empty() ? 0.0 : weight[ua], cb, priority[ub],
                         weight.empty() ? 0.0 : weight[ub], !weight.empty());
  });
  marg.resize(n);
  f.marginals(order, marg);
  for (std::size_t t = 0; t < n; ++t) {
    if (marg[t] == 0.0) continue;
    const auto i = static_cast<std::size_t>(order[t]);
    const SignalClass& c = layer.agents[i][static_cast<std::size_t>(cls[i])];
    acc.value[i] += w * marg[t] * c.value;
    acc.fake[i] += w * marg[t] * c.fake;
  }
}

}  // namespace

std::uint64_t scenario_count(const Mapping& mapping) {
  constexpr std::uint64_t cap = std::uint64_t{1} << 62;
  std::uint64_t total = 0;
  for (const Layer& layer : mapping) {
    std::uint64_t count = 1;
    for (const auto& classes : layer.agents) {
      const auto c = static_cast<std::uint64_t>(classes.size());
      count = count > cap / std::max<std::uint64_t>(c, 1) ? cap : count * c;
    }
    total = std::min(cap, total + count);
  }
  return total;
}

Mapping restrict_mapping(const Mapping& mapping, std::span<const int> agents) {
  Mapping out;
  for (const Layer& layer : mapping) {
    Layer sub;
    sub.weight = layer.weight;
    for (const int i : agents) sub.agents.push_back(layer.agents[static_cast<std::size_t>(i)]);
    out.push_back(std::move(sub));
  }
  return out;
}

Expected UtilityOracle::evaluate_weighted(const Mapping& mapping, std::span<const int> priority,
                                          std::span<const double> weight) const {
  if (!weight.empty())
    throw std::logic_error("this utility oracle has no signal-dependent tie-breaking");
  return evaluate(mapping, priority);
}

Expected EnumerationOracle::evaluate(const Mapping& mapping, std::span<const int> priority) const {
  return evaluate_weighted(mapping, priority, {});
}

Expected EnumerationOracle::evaluate_weighted(const Mapping& mapping, std::span<const int> priority,
                                              std::span<const double> weight) const {
  const int n = agent_count(mapping);
  Expected acc{std::vector<double>(static_cast<std::size_t>(n), 0.0),
               std::vector<double>(static_cast<std::size_t>(n), 0.0)};
  std::vector<int> cls(static_cast<std::size_t>(n));
  std::vector<int> order;
  std::vector<double> marg;
  for (const Layer& layer : mapping) {
    std::fill(cls.begin(), cls.end(), 0);
    do {  // every profile of class indices
      double w = layer.weight;
      for (int i = 0; i < n; ++i)
        w *= layer
                 .agents[static_cast<std::size_t>(i)]
                        [static_cast<std::size_t>(cls[static_cast<std::size_t>(i)])]
                 .prob;
      if (w > 0.0) greedy_scenario(*f_, layer, cls, priority, weight, w, order, marg, acc);
    } while (next_class_profile(layer, cls));
  }
  return acc;
}

Expected MatroidDpOracle::evaluate(const Mapping& mapping, std::span<const int> priority) const {
  return evaluate_weighted(mapping, priority, {});
}

Expected MatroidDpOracle::evaluate_weighted(const Mapping& mapping, std::span<const int> priority,
                                            std::span<const double> weight) const {
  if (weight.empty()) {
    const int n = agent_count(mapping);
    if (&mapping == bound_) return evaluate_by_priority(tables_, n, priority);
    return evaluate_by_priority(build_tables(mapping), n, priority);
  }
  const int n = agent_count(mapping);
  const auto un = static_cast<std::size_t>(n);
  Expected acc{std::vector<double>(un, 0.0), std::vector<double>(un, 0.0)};
  if (k_ <= 0) return acc;
  std::vector<double> precede(un);
  std::vector<double> dist(static_cast<std::size_t>(k_));
  for (const Layer& layer : mapping) {
    for (std::size_t i = 0; i < un; ++i) {
      for (const SignalClass& c : layer.agents[i]) {
        if (c.prob <= 0.0 || (c.value == 0.0 && c.fake == 0.0)) continue;
        // P(j is ranked before i | i sends c): a strictly larger key, or an equal key and a
        // higher priority (Lemma 2.4's order).
        const bool weighted = !weight.empty();
        const double wi = weighted ? weight[i] : 0.0;
        for (std::size_t j = 0; j < un; ++j) {
          if (j == i) continue;
          double p = 0.0;
          const double wj = weighted ? weight[j] : 0.0;
          for (const SignalClass& d : layer.agents[j])
            if (served_before(d, priority[j], wj, c, priority[i], wi, weighted)) p += d.prob;
          precede[j] = p;
        }
        // P(fewer than k predecessors): Poisson-binomial counts truncated at k (mass reaching
        // k is dropped, it never returns below k).
        std::fill(dist.begin(), dist.end(), 0.0);
        dist[0] = 1.0;
        for (std::size_t j = 0; j < un; ++j) {
          if (j == i) continue;
          const double p = precede[j];
          if (p == 0.0) continue;
          for (std::size_t m = dist.size(); m-- > 0;) {
            dist[m] *= 1.0 - p;
            if (m > 0) dist[m] += dist[m - 1] * p;
          }
        }
        double allocated = 0.0;
        for (const double d : dist) allocated += d;
        const double w = layer.weight * c.prob * allocated;
        acc.value[i] += w * c.value;
        acc.fake[i] += w * c.fake;
      }
    }
  }
  return acc;
}

namespace {

std::vector<MatroidDpOracle::Tables> build_tables(const Mapping& mapping) {
  std::vector<MatroidDpOracle::Tables> out;
  for (const Layer& layer : mapping) {
    MatroidDpOracle::Tables t;
    t.weight = layer.weight;
    const std::size_t n = layer.agents.size();
    for (const auto& classes : layer.agents)
      for (const SignalClass& c : classes)
        if (c.prob > 0.0 && (c.value != 0.0 || c.fake != 0.0)) t.keys.push_back(c.key);
    std::sort(t.keys.begin(), t.keys.end());
    t.keys.erase(std::unique(t.keys.begin(), t.keys.end()), t.keys.end());
    const std::size_t nq = t.keys.size();
    t.above.assign(nq * n, 0.0);
    t.at_least.assign(nq * n, 0.0);
    t.value_coef.assign(nq * n, 0.0);
    t.fake_coef.assign(nq * n, 0.0);
    t.has.assign(nq * n, 0);
    for (std::size_t j = 0; j < n; ++j)
      for (const SignalClass& d : layer.agents[j]) {
        // d's key sits at or between the table keys: it is above keys[0..lo) and at least
        // keys[0..hi).
        const auto lo = static_cast<std::size_t>(
            std::lower_bound(t.keys.begin(), t.keys.end(), d.key) - t.keys.begin());
        const auto hi = static_cast<std::size_t>(
            std::upper_bound(t.keys.begin(), t.keys.end(), d.key) - t.keys.begin());
        for (std::size_t q = 0; q < lo; ++q) t.above[q * n + j] += d.prob;
        for (std::size_t q = 0; q < hi; ++q) t.at_least[q * n + j] += d.prob;
        if (hi > lo && d.prob > 0.0 && (d.value != 0.0 || d.fake != 0.0)) {
          t.value_coef[lo * n + j] += layer.weight * d.prob * d.value;
          t.fake_coef[lo * n + j] += layer.weight * d.prob * d.fake;
          t.has[lo * n + j] = 1;
        }
      }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

std::vector<MatroidDpOracle::Tables> MatroidDpOracle::tables(const Mapping& mapping) {
  return build_tables(mapping);
}

MatroidDpOracle::MatroidDpOracle(int capacity, const Mapping& bound)
    : k_(capacity), bound_(&bound), tables_(build_tables(bound)) {}

// The same expectations for an agent-level priority in O(n·k) per (layer, key) instead of
// O(n^2·k): P(j before (i, c)) only depends on c's key and on whether j has the higher priority,
// so it is read from the two per-key tables. For a key, with the agents sorted by priority, the
// count of i's predecessors has the generating function Π (1 - p + p z) over the agents before
// i (p from ">=") and after i (p from ">"): a prefix product times a suffix product, each
// truncated at degree k - 1, and P(fewer than k predecessors) = Σ_{a+b<k} prefix[a]·suffix[b].
// All terms are non-negative (no cancellation); the result equals the per-agent DP up to
// rounding (relative 1e-15).
namespace {

// The per-layer work of evaluate_by_priority; K > 0 fixes the capacity at compile time (the
// loops over the k count states unroll), K = 0 reads it from `k`. Same arithmetic either way.
template <std::size_t K>
void prefix_suffix_layer(const MatroidDpOracle::Tables& t, std::size_t un, std::size_t k,
                         std::span<const int> by_rank, double* sfx, double* prefix, Expected& acc) {
  const std::size_t uk = K > 0 ? K : k;
  for (std::size_t q = 0; q < t.keys.size(); ++q) {
    const double* above = &t.above[q * un];
    const double* at_least = &t.at_least[q * un];
    // sfx[r·k ..] = product over ranks r+1..n-1 of the ">" factors.
    std::fill(sfx + (un - 1) * uk, sfx + un * uk, 0.0);
    sfx[(un - 1) * uk] = 1.0;
    for (std::size_t r = un - 1; r-- > 0;) {
      const double p = above[by_rank[r + 1]];
      const double* from = sfx + (r + 1) * uk;
      double* to = sfx + r * uk;
      to[0] = from[0] * (1.0 - p);
      for (std::size_t s = 1; s < uk; ++s) to[s] = from[s] * (1.0 - p) + from[s - 1] * p;
    }
    std::fill(prefix, prefix + uk, 0.0);
    prefix[0] = 1.0;
    for (std::size_t r = 0; r < un; ++r) {
      const auto i = static_cast<std::size_t>(by_rank[r]);
      if (t.has[q * un + i]) {
        double sum = 0.0;  // P(fewer than k predecessors)
        const double* sf = sfx + r * uk;
        for (std::size_t a = 0; a < uk; ++a)
          for (std::size_t b = 0; a + b < uk; ++b) sum += prefix[a] * sf[b];
        acc.value[i] += sum * t.value_coef[q * un + i];
        acc.fake[i] += sum * t.fake_coef[q * un + i];
      }
      const double p = at_least[i];  // i precedes later agents' signals of this key
      for (std::size_t s = uk; s-- > 1;) prefix[s] = prefix[s] * (1.0 - p) + prefix[s - 1] * p;
      prefix[0] *= 1.0 - p;
    }
  }
}

}  // namespace

Expected MatroidDpOracle::evaluate_by_priority(std::span<const Tables> layers, int n,
                                               std::span<const int> priority) const {
  const auto un = static_cast<std::size_t>(n);
  Expected acc{std::vector<double>(un, 0.0), std::vector<double>(un, 0.0)};
  if (k_ <= 0 || n == 0) return acc;
  const auto uk = static_cast<std::size_t>(k_);
  // Scratch on the stack for the usual sizes (one partition group), on the heap otherwise:
  // Wolfe's algorithm makes ~20 calls per mapping and each allocation costs as much as a key.
  constexpr std::size_t kStack = 512;
  std::array<int, kStack> rank_stack;
  std::array<double, kStack> buffer_stack;
  std::vector<int> rank_heap;
  std::vector<double> buffer_heap;
  int* rank_data = rank_stack.data();
  double* sfx = buffer_stack.data();  // suffix products, then the prefix
  if (un > kStack) {
    rank_heap.resize(un);
    rank_data = rank_heap.data();
  }
  if ((un + 1) * uk > kStack) {
    buffer_heap.resize((un + 1) * uk);
    sfx = buffer_heap.data();
  }
  const std::span<int> by_rank(rank_data, un);  // agents in priority order
  std::iota(by_rank.begin(), by_rank.end(), 0);
  std::sort(by_rank.begin(), by_rank.end(), [&](int a, int b) {
    return priority[static_cast<std::size_t>(a)] < priority[static_cast<std::size_t>(b)];
  });
  double* prefix = sfx + un * uk;
  for (const Tables& t : layers) {
    switch (k_) {
      case 1:
        prefix_suffix_layer<1>(t, un, uk, by_rank, sfx, prefix, acc);
        break;
      case 2:
        prefix_suffix_layer<2>(t, un, uk, by_rank, sfx, prefix, acc);
        break;
      case 3:
        prefix_suffix_layer<3>(t, un, uk, by_rank, sfx, prefix, acc);
        break;
      case 4:
        prefix_suffix_layer<4>(t, un, uk, by_rank, sfx, prefix, acc);
        break;
      default:
        prefix_suffix_layer<0>(t, un, uk, by_rank, sfx, prefix, acc);
    }
  }
  return acc;
}

MonteCarloOracle::MonteCarloOracle(std::shared_ptr<const Polymatroid> f,
                                   std::vector<double> uniforms, int samples)
    : f_(std::move(f)), uniforms_(std::move(uniforms)), samples_(samples) {
  if (samples_ <= 0 ||
      uniforms_.size() != static_cast<std::size_t>(samples_) * static_cast<std::size_t>(f_->size()))
    throw std::invalid_argument("monte carlo oracle: need samples * n uniforms");
}

Expected MonteCarloOracle::evaluate(const Mapping& mapping, std::span<const int> priority) const {
  return evaluate_weighted(mapping, priority, {});
}

Expected MonteCarloOracle::evaluate_weighted(const Mapping& mapping, std::span<const int> priority,
                                             std::span<const double> weight) const {
  const int n = agent_count(mapping);
  const auto un = static_cast<std::size_t>(n);
  Expected acc{std::vector<double>(un, 0.0), std::vector<double>(un, 0.0)};
  std::vector<int> cls(un);
  std::vector<int> order;
  std::vector<double> marg;
  for (const Layer& layer : mapping) {
    const double w = layer.weight / samples_;
    for (int s = 0; s < samples_; ++s) {
      for (std::size_t i = 0; i < un; ++i) {
        const double u = uniforms_[static_cast<std::size_t>(s) * un + i];
        const auto& classes = layer.agents[i];
        std::size_t c = 0;
        double cdf = classes[0].prob;
        while (u >= cdf && c + 1 < classes.size()) cdf += classes[++c].prob;
        cls[i] = static_cast<int>(c);
      }
      greedy_scenario(*f_, layer, cls, priority, weight, w, order, marg, acc);
    }
  }
  return acc;
}

}  // namespace fairmc::persuasion
