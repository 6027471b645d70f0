#include "scenarios/persuasion/polymatroid.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace fairmc::persuasion {

void Polymatroid::marginals(std::span<const int> order, std::span<double> out) const {
  std::vector<int> prefix;
  double before = 0.0;
  for (std::size_t t = 0; t < order.size(); ++t) {
    prefix.push_back(order[t]);
    const double now = rank(prefix);
    out[t] = now - before;
    before = now;
  }
}

std::vector<Component> Polymatroid::components(std::shared_ptr<const Polymatroid> self) const {
  Component all;
  all.agents.resize(static_cast<std::size_t>(size()));
  for (int i = 0; i < size(); ++i) all.agents[static_cast<std::size_t>(i)] = i;
  all.rank = std::move(self);
  return {all};
}

std::vector<int> Polymatroid::exchangeable_classes() const {
  const int n = size();
  std::vector<int> label(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) label[static_cast<std::size_t>(i)] = i;
  if (n > 12) return label;
  // f(mask) for every subset, then i ~ j iff f(S + i) = f(S + j) for all S avoiding i and j.
  // The relation is transitive ((i k) = (i j)(j k)(i j)), so comparing with one representative
  // per class suffices.
  const std::size_t full = std::size_t{1} << n;
  std::vector<double> value(full);
  std::vector<int> set;
  for (std::size_t mask = 0; mask < full; ++mask) {
    set.clear();
    for (int i = 0; i < n; ++i)
      if (mask >> i & 1U) set.push_back(i);
    value[mask] = rank(set);
  }
  const auto swappable = [&](int i, int j) {
    const std::size_t bi = std::size_t{1} << i, bj = std::size_t{1} << j;
    for (std::size_t mask = 0; mask < full; ++mask)
      if ((mask & (bi | bj)) == 0 && value[mask | bi] != value[mask | bj]) return false;
    return true;
  };
  for (int j = 1; j < n; ++j)
    for (int i = 0; i < j; ++i)
      if (label[static_cast<std::size_t>(i)] == i && swappable(i, j)) {
        label[static_cast<std::size_t>(j)] = i;
        break;
      }
  return label;
}

// ---- uniform matroid ----------------------------------------------------------------------------
UniformMatroid::UniformMatroid(int n, int k) : n_(n), k_(k) {
  if (n < 1 || k < 0) throw std::invalid_argument("uniform matroid needs n >= 1 and k >= 0");
}
double UniformMatroid::rank(std::span<const int> set) const {
  return static_cast<double>(std::min<std::size_t>(set.size(), static_cast<std::size_t>(k_)));
}
void UniformMatroid::marginals(std::span<const int> order, std::span<double> out) const {
  for (std::size_t t = 0; t < order.size(); ++t)
    out[t] = t < static_cast<std::size_t>(k_) ? 1.0 : 0.0;
}
std::vector<int> UniformMatroid::exchangeable_classes() const {
  return std::vector<int>(static_cast<std::size_t>(n_), 0);
}
std::string UniformMatroid::describe() const {
  return std::to_string(k_) + "-uniform matroid on " + std::to_string(n_);
}

// ---- partition matroid --------------------------------------------------------------------------
PartitionMatroid::PartitionMatroid(std::vector<int> group_of, std::vector<int> capacity)
    : group_of_(std::move(group_of)), capacity_(std::move(capacity)) {
  for (const int g : group_of_)
    if (g < 0 || g >= static_cast<int>(capacity_.size()))
      throw std::invalid_argument("partition matroid: group index out of range");
}
double PartitionMatroid::rank(std::span<const int> set) const {
  std::vector<int> used(capacity_.size(), 0);
  double r = 0.0;
  for (const int i : set) {
    const int g = group_of_[static_cast<std::size_t>(i)];
    if (used[static_cast<std::size_t>(g)] < capacity_[static_cast<std::size_t>(g)]) {
      ++used[static_cast<std::size_t>(g)];
      r += 1.0;
    }
  }
  return r;
}
void PartitionMatroid::marginals(std::span<const int> order, std::span<double> out) const {
  std::vector<int> used(capacity_.size(), 0);
  for (std::size_t t = 0; t < order.size(); ++t) {
    const auto g = static_cast<std::size_t>(group_of_[static_cast<std::size_t>(order[t])]);
    out[t] = used[g] < capacity_[g] ? 1.0 : 0.0;
    if (out[t] > 0.0) ++used[g];
  }
}
std::vector<Component> PartitionMatroid::components(std::shared_ptr<const Polymatroid>) const {
  std::vector<Component> parts(capacity_.size());
  for (std::size_t i = 0; i < group_of_.size(); ++i)
    parts[static_cast<std::size_t>(group_of_[i])].agents.push_back(static_cast<int>(i));
  std::vector<Component> out;
  for (std::size_t g = 0; g < parts.size(); ++g) {
    if (parts[g].agents.empty()) continue;
    parts[g].rank =
        std::make_shared<UniformMatroid>(static_cast<int>(parts[g].agents.size()), capacity_[g]);
    out.push_back(std::move(parts[g]));
  }
  return out;
}
std::vector<int> PartitionMatroid::exchangeable_classes() const {
  return group_of_;  // members of one group; a swap across groups is not an automorphism
}
std::string PartitionMatroid::describe() const {
  return "partition matroid with " + std::to_string(capacity_.size()) + " groups";
}

// ---- budgeted caps ------------------------------------------------------------------------------
BudgetedCaps::BudgetedCaps(std::vector<int> group_of, std::vector<double> cap,
                           std::vector<double> demand, double budget)
    : group_of_(std::move(group_of)),
      cap_(std::move(cap)),
      demand_(std::move(demand)),
      budget_(budget) {
  if (demand_.size() != group_of_.size())
    throw std::invalid_argument("budgeted caps: one demand per agent");
  for (const int g : group_of_)
    if (g < 0 || g >= static_cast<int>(cap_.size()))
      throw std::invalid_argument("budgeted caps: group index out of range");
}
double BudgetedCaps::rank(std::span<const int> set) const {
  std::vector<double> load(cap_.size(), 0.0);
  for (const int i : set)
    load[static_cast<std::size_t>(group_of_[static_cast<std::size_t>(i)])] +=
        demand_[static_cast<std::size_t>(i)];
  double total = 0.0;
  for (std::size_t g = 0; g < cap_.size(); ++g) total += std::min(cap_[g], load[g]);
  return std::min(budget_, total);
}
void BudgetedCaps::marginals(std::span<const int> order, std::span<double> out) const {
  std::vector<double> load(cap_.size(), 0.0);
  double inner = 0.0;  // sum_g min(c_g, load_g)
  double before = 0.0;
  for (std::size_t t = 0; t < order.size(); ++t) {
    const auto i = static_cast<std::size_t>(order[t]);
    const auto g = static_cast<std::size_t>(group_of_[i]);
    const double old_g = std::min(cap_[g], load[g]);
    load[g] += demand_[i];
    inner += std::min(cap_[g], load[g]) - old_g;
    const double now = std::min(budget_, inner);
    out[t] = now - before;
    before = now;
  }
}
std::vector<int> BudgetedCaps::exchangeable_classes() const {
  // Same group and the same demand: f depends on S only through the groups' demand totals.
  std::vector<int> label(group_of_.size());
  for (std::size_t j = 0; j < label.size(); ++j) {
    label[j] = static_cast<int>(j);
    for (std::size_t i = 0; i < j; ++i)
      if (label[i] == static_cast<int>(i) && group_of_[i] == group_of_[j] &&
          demand_[i] == demand_[j]) {
        label[j] = static_cast<int>(i);
        break;
      }
  }
  return label;
}
std::string BudgetedCaps::describe() const {
  std::ostringstream s;
  s << "budgeted caps: " << cap_.size() << " groups, budget " << budget_;
  return s.str();
}

// ---- rank table ---------------------------------------------------------------------------------
RankTable::RankTable(int n, std::vector<double> table) : n_(n), table_(std::move(table)) {
  if (n < 1 || n > 20) throw std::invalid_argument("rank table: n must be in [1, 20]");
  if (table_.size() != (std::size_t{1} << n))
    throw std::invalid_argument("rank table: needs 2^n = " + std::to_string(1 << n) +
                                " entries, got " + std::to_string(table_.size()));
  if (std::abs(table_[0]) > 1e-12)
    throw std::invalid_argument("rank table: f(empty set) must be 0");
  const std::string problem = check_polymatroid(*this);
  if (!problem.empty()) throw std::invalid_argument("rank table: " + problem);
}
double RankTable::rank(std::span<const int> set) const {
  std::size_t mask = 0;
  for (const int i : set) mask |= std::size_t{1} << i;
  return table_[mask];
}
void RankTable::marginals(std::span<const int> order, std::span<double> out) const {
  std::size_t mask = 0;
  for (std::size_t t = 0; t < order.size(); ++t) {
    const std::size_t next = mask | (std::size_t{1} << order[t]);
    out[t] = table_[next] - table_[mask];
    mask = next;
  }
}
std::string RankTable::describe() const {
  return "rank table on " + std::to_string(n_) + " agents";
}

std::string check_polymatroid(const Polymatroid& f, double tol) {
  const int n = f.size();
  if (n > 16) return "too many agents to check exhaustively";
  const std::size_t full = std::size_t{1} << n;
  std::vector<double> value(full);
  std::vector<int> set;
  for (std::size_t mask = 0; mask < full; ++mask) {
    set.clear();
    for (int i = 0; i < n; ++i)
      if (mask >> i & 1U) set.push_back(i);
    value[mask] = f.rank(set);
  }
  if (std::abs(value[0]) > tol) return "f(empty set) != 0";
  for (std::size_t mask = 0; mask < full; ++mask)
    for (int i = 0; i < n; ++i) {
      if (mask >> i & 1U) continue;
      const std::size_t with_i = mask | (std::size_t{1} << i);
      const double gain = value[with_i] - value[mask];
      if (gain < -tol) return "not monotone at set " + std::to_string(mask);
      for (int j = i + 1; j < n; ++j) {
        if (mask >> j & 1U) continue;
        const std::size_t with_j = mask | (std::size_t{1} << j);
        if (value[with_i | with_j] - value[with_j] > gain + tol)
          return "not submodular at set " + std::to_string(mask);
      }
    }
  return {};
}

}  // namespace fairmc::persuasion
