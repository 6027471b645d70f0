#include "scenarios/persuasion/saturation.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace fairmc::persuasion {

double saturation(const Polymatroid& f, const std::vector<double>& key,
                  const std::vector<double>& util, const std::vector<int>& set) {
  const std::size_t n = key.size();
  std::vector<bool> in_s(n, false);
  for (const int i : set) in_s[static_cast<std::size_t>(i)] = true;
  // Greedy order: decreasing key; inside a block the members of S first (the order π_S).
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
    if (key[ua] != key[ub]) return key[ua] > key[ub];
    return in_s[ua] && !in_s[ub];
  });
  std::vector<double> marg(n);
  f.marginals(order, marg);
  double g = 0.0;
  for (std::size_t t = 0; t < n; ++t) {
    const auto i = static_cast<std::size_t>(order[t]);
    if (in_s[i]) g += util[i] * marg[t];
  }
  return g;
}

std::vector<double> expected_saturation_table(const Polymatroid& f, const Mapping& mapping) {
  const int n = f.size();
  if (n > 16) throw std::invalid_argument("expected_saturation_table: n <= 16");
  const std::size_t full = std::size_t{1} << n;
  std::vector<double> table(full, 0.0);
  std::vector<double> key(static_cast<std::size_t>(n)), util(static_cast<std::size_t>(n));
  std::vector<int> cls(static_cast<std::size_t>(n), 0), set;
  for (const Layer& layer : mapping) {
    std::fill(cls.begin(), cls.end(), 0);
    do {
      double w = layer.weight;
      for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
        const SignalClass& c = layer.agents[i][static_cast<std::size_t>(cls[i])];
        w *= c.prob;
        key[i] = c.key;
        util[i] = c.fake;
      }
      if (w > 0.0)
        for (std::size_t mask = 0; mask < full; ++mask) {
          set.clear();
          for (int i = 0; i < n; ++i)
            if (mask >> i & 1U) set.push_back(i);
          table[mask] += w * saturation(f, key, util, set);
        }
    } while (next_class_profile(layer, cls));
  }
  return table;
}

}  // namespace fairmc::persuasion
