// Polymatroid allocation constraints given by a rank-function oracle (Definition 2.1).
//
// The receiver allocates x in P(f) = {x >= 0 : x(A) <= f(A)}; its welfare-maximising allocation
// is the greedy algorithm of Section 2.3 (Lemma 2.4), which needs only the marginals
// f(prefix + i) - f(prefix) along an order. Each type overrides marginals() with an incremental
// O(n) walk; rank() of an arbitrary set serves the tests and the LP checks.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace fairmc::persuasion {

class Polymatroid;

// One summand of a direct sum: the agents it covers (global indices) and its own rank function
// on local indices 0..agents.size()-1.
struct Component {
  std::vector<int> agents;
  std::shared_ptr<const Polymatroid> rank;
};

class Polymatroid {
 public:
  virtual ~Polymatroid() = default;
  virtual int size() const = 0;
  // f(S) for a set of distinct local indices.
  virtual double rank(std::span<const int> set) const = 0;
  // Greedy allocation of Section 2.3: out[t] = f(order[0..t]) - f(order[0..t-1]).
  // `order` may be a prefix of a permutation.
  virtual void marginals(std::span<const int> order, std::span<double> out) const;
  // Direct-sum decomposition (a partition matroid splits into uniform matroids); the default is
  // one component holding everything. Majorized points of a direct sum are concatenations.
  virtual std::vector<Component> components(std::shared_ptr<const Polymatroid> self) const;
  // k when f(S) = min(|S|, k): enables the exact Poisson-binomial utility computation.
  virtual std::optional<int> uniform_capacity() const { return std::nullopt; }
  // One label per agent: agents with equal labels are exchangeable, i.e. swapping the two is an
  // automorphism of f (f(S + i) = f(S + j) for every S avoiding both). Swaps of that kind
  // generate a group whose orbits are these classes. The default checks every subset for
  // n <= 12 and otherwise claims no symmetry (singletons), which is always safe.
  virtual std::vector<int> exchangeable_classes() const;
  virtual std::string describe() const = 0;
};

// f(S) = min(|S|, k).
class UniformMatroid final : public Polymatroid {
 public:
  UniformMatroid(int n, int k);
  int size() const override { return n_; }
  double rank(std::span<const int> set) const override;
  void marginals(std::span<const int> order, std::span<double> out) const override;
  std::optional<int> uniform_capacity() const override { return k_; }
  std::vector<int> exchangeable_classes() const override;
  std::string describe() const override;

 private:
  int n_;
  int k_;
};

// f(S) = sum_g min(|S ∩ G_g|, k_g).
class PartitionMatroid final : public Polymatroid {
 public:
  PartitionMatroid(std::vector<int> group_of, std::vector<int> capacity);
  int size() const override { return static_cast<int>(group_of_.size()); }
  double rank(std::span<const int> set) const override;
  void marginals(std::span<const int> order, std::span<double> out) const override;
  std::vector<Component> components(std::shared_ptr<const Polymatroid> self) const override;
  std::vector<int> exchangeable_classes() const override;
  std::string describe() const override;

 private:
  std::vector<int> group_of_;
  std::vector<int> capacity_;
};

// Budgeted caps on groups, a two-level laminar concave function (monotone submodular):
// f(S) = min(B, sum_g min(c_g, sum_{i in S ∩ G_g} d_i)) with demands d_i > 0.
// Fractional demands make P(f) a polymatroid that is not a scaled matroid.
class BudgetedCaps final : public Polymatroid {
 public:
  BudgetedCaps(std::vector<int> group_of, std::vector<double> cap, std::vector<double> demand,
               double budget);
  int size() const override { return static_cast<int>(group_of_.size()); }
  double rank(std::span<const int> set) const override;
  void marginals(std::span<const int> order, std::span<double> out) const override;
  std::vector<int> exchangeable_classes() const override;
  std::string describe() const override;

 private:
  std::vector<int> group_of_;
  std::vector<double> cap_;
  std::vector<double> demand_;
  double budget_;
};

// A user-given table f(mask) for small n (bit i of mask = agent i). The constructor checks
// f(∅) = 0, monotonicity and submodularity and throws std::invalid_argument otherwise.
class RankTable final : public Polymatroid {
 public:
  RankTable(int n, std::vector<double> table);
  int size() const override { return n_; }
  double rank(std::span<const int> set) const override;
  void marginals(std::span<const int> order, std::span<double> out) const override;
  std::string describe() const override;

 private:
  int n_;
  std::vector<double> table_;
};

// Checks submodularity and monotonicity of any oracle on all subsets (n <= 16); returns an empty
// string when fine, else what failed.
std::string check_polymatroid(const Polymatroid& f, double tol = 1e-9);

}  // namespace fairmc::persuasion
