#include "scenarios/persuasion/exchangeable.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>

namespace fairmc::persuasion {
namespace {

// Strict weak order on the signal lists of two agents (all layers, all fields compared exactly).
bool signals_less(const Mapping& mapping, int a, int b) {
  for (const Layer& layer : mapping) {
    const auto& ca = layer.agents[static_cast<std::size_t>(a)];
    const auto& cb = layer.agents[static_cast<std::size_t>(b)];
    const auto key = [](const SignalClass& c) {
      return std::make_tuple(c.prob, c.key, c.value, c.fake);
    };
    const bool less = std::lexicographical_compare(
        ca.begin(), ca.end(), cb.begin(), cb.end(),
        [&](const SignalClass& x, const SignalClass& y) { return key(x) < key(y); });
    if (less) return true;
    const bool greater = std::lexicographical_compare(
        cb.begin(), cb.end(), ca.begin(), ca.end(),
        [&](const SignalClass& x, const SignalClass& y) { return key(x) < key(y); });
    if (greater) return false;
  }
  return false;
}

// Dense ids of the distinct signal lists: equal ids = identical signals in every layer.
std::vector<int> signal_ids(const Mapping& mapping, int n) {
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return signals_less(mapping, a, b); });
  std::vector<int> id(static_cast<std::size_t>(n));
  int next = -1;
  for (std::size_t r = 0; r < order.size(); ++r) {
    if (r == 0 || signals_less(mapping, order[r - 1], order[r])) ++next;
    id[static_cast<std::size_t>(order[r])] = next;
  }
  return id;
}

}  // namespace

std::vector<int> exchangeable_orbits(const Mapping& mapping, std::span<const Component> parts) {
  int n = 0;
  for (const Component& c : parts) n += static_cast<int>(c.agents.size());
  const std::vector<int> sig = signal_ids(mapping, n);
  // Components that are isomorphic uniform matroids share a class id; others get their own.
  std::map<std::pair<int, std::vector<int>>, int> part_class;
  std::map<std::tuple<int, int, int>, int> orbit_of;  // (part class, rank class, signals) -> orbit
  std::vector<int> orbit(static_cast<std::size_t>(n), -1);
  for (std::size_t p = 0; p < parts.size(); ++p) {
    const Component& c = parts[p];
    const auto k = c.rank->uniform_capacity();
    std::vector<int> members;
    for (const int i : c.agents) members.push_back(sig[static_cast<std::size_t>(i)]);
    std::sort(members.begin(), members.end());
    const std::pair<int, std::vector<int>> shape =
        k ? std::pair{*k, std::move(members)}
          : std::pair{-1 - static_cast<int>(p), std::vector<int>{}};  // unique key
    const int pc = part_class.try_emplace(shape, static_cast<int>(part_class.size())).first->second;
    const std::vector<int> rank_class = c.rank->exchangeable_classes();
    for (std::size_t a = 0; a < c.agents.size(); ++a) {
      const auto i = static_cast<std::size_t>(c.agents[a]);
      const auto key = std::make_tuple(pc, rank_class[a], sig[i]);
      orbit[i] = orbit_of.try_emplace(key, static_cast<int>(orbit_of.size())).first->second;
    }
  }
  return orbit;
}

void average_over_orbits(std::span<const int> orbit, std::span<double> x) {
  const int count = orbit.empty() ? 0 : *std::max_element(orbit.begin(), orbit.end()) + 1;
  std::vector<double> sum(static_cast<std::size_t>(count), 0.0);
  std::vector<int> size(static_cast<std::size_t>(count), 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    sum[static_cast<std::size_t>(orbit[i])] += x[i];
    ++size[static_cast<std::size_t>(orbit[i])];
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto o = static_cast<std::size_t>(orbit[i]);
    if (size[o] > 1) x[i] = sum[o] / size[o];
  }
}

}  // namespace fairmc::persuasion
