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
