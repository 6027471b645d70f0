#include "scenarios/persuasion/utility_oracle.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace fairmc::persuasion {
namespace {

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
  if (weight.empty()) return evaluate_by_priority(mapping, priority);
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

// The same expectations for an agent-level priority in O(m·k) per (layer, key) instead of
// O(m^2·k): P(j before (i, c)) only depends on c's key and on whether j has the higher priority,
// so it is read from two per-key tables, Σ P(key_j > key) and Σ P(key_j >= key). For a key,
// with the agents sorted by priority, the count of i's predecessors is the product of the
// Bernoulli generating functions (1 - p + p z) of the agents before i (p from ">=") and after i
// (p from ">"): a prefix product times a suffix product, each truncated at degree k - 1, so
// P(fewer than k predecessors) = Σ_{a+b<k} prefix[a]·suffix[b]. All terms are non-negative (no
// cancellation); the result equals the per-agent DP up to rounding (relative 1e-15).
Expected MatroidDpOracle::evaluate_by_priority(const Mapping& mapping,
                                               std::span<const int> priority) const {
  const int n = agent_count(mapping);
  const auto un = static_cast<std::size_t>(n);
  Expected acc{std::vector<double>(un, 0.0), std::vector<double>(un, 0.0)};
  if (k_ <= 0 || n == 0) return acc;
  const auto uk = static_cast<std::size_t>(k_);
  std::vector<int> by_rank(un);  // agents in priority order
  std::iota(by_rank.begin(), by_rank.end(), 0);
  std::sort(by_rank.begin(), by_rank.end(), [&](int a, int b) {
    return priority[static_cast<std::size_t>(a)] < priority[static_cast<std::size_t>(b)];
  });
  std::vector<double> keys, suffix(un * uk), prefix(uk), next(uk);
  for (const Layer& layer : mapping) {
    keys.clear();
    for (const auto& classes : layer.agents)
      for (const SignalClass& c : classes)
        if (c.prob > 0.0 && (c.value != 0.0 || c.fake != 0.0)) keys.push_back(c.key);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const double key : keys) {
      // Suffix products of the ">" factors, from the lowest priority up: suffix[r] covers ranks
      // r+1..n-1.
      double* sfx = suffix.data();
      std::fill(sfx + (un - 1) * uk, sfx + un * uk, 0.0);
      sfx[(un - 1) * uk] = 1.0;
      for (std::size_t r = un - 1; r-- > 0;) {
        const auto j = static_cast<std::size_t>(by_rank[r + 1]);
        double p = 0.0;
        for (const SignalClass& d : layer.agents[j])
          if (d.key > key) p += d.prob;
        const double* from = sfx + (r + 1) * uk;
        double* to = sfx + r * uk;
        to[0] = from[0] * (1.0 - p);
        for (std::size_t t = 1; t < uk; ++t) to[t] = from[t] * (1.0 - p) + from[t - 1] * p;
      }
      std::fill(prefix.begin(), prefix.end(), 0.0);
      prefix[0] = 1.0;
      for (std::size_t r = 0; r < un; ++r) {
        const auto i = static_cast<std::size_t>(by_rank[r]);
        bool has = false;
        for (const SignalClass& c : layer.agents[i])
          has = has || (c.key == key && c.prob > 0.0 && (c.value != 0.0 || c.fake != 0.0));
        if (has) {
          double sum = 0.0;  // P(fewer than k predecessors)
          const double* sf = sfx + r * uk;
          for (std::size_t a = 0; a < uk; ++a)
            for (std::size_t b = 0; a + b < uk; ++b) sum += prefix[a] * sf[b];
          for (const SignalClass& c : layer.agents[i]) {
            if (c.key != key || c.prob <= 0.0 || (c.value == 0.0 && c.fake == 0.0)) continue;
            const double w = layer.weight * c.prob * sum;
            acc.value[i] += w * c.value;
            acc.fake[i] += w * c.fake;
          }
        }
        // Agent i precedes every later agent's signal of this key when its key is >= it.
        double p = 0.0;
        for (const SignalClass& d : layer.agents[i])
          if (d.key >= key) p += d.prob;
        next[0] = prefix[0] * (1.0 - p);
        for (std::size_t t = 1; t < uk; ++t) next[t] = prefix[t] * (1.0 - p) + prefix[t - 1] * p;
        prefix.swap(next);
      }
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
