// Expected utilities of a signaling policy whose receiver breaks ties by a fixed priority order.
//
// For a mapping and a priority (lower = served first among equal keys) the receiver's greedy
// allocation (Section 2.3) in each scenario of signals is a vertex of the utility polytope of
// Lemma 3.2 / Lemma 4.4, so these expectations are exactly the linear-optimisation oracle the
// majorization algorithms need (a vertex of B(E[g]) by the Minkowski-sum argument of
// Theorem 3.1). Three ways to take the expectation over the independent signals:
//   enumeration  exact, every scenario of the product space (small supports only);
//   matroid DP   exact for k-uniform matroids (each partition-matroid group is one):
//                agent i with key a is allocated iff fewer than k others precede it, a
//                Poisson-binomial count computed by dynamic programming in O(n k) per (i, a);
//   monte carlo  a fixed sample of scenarios drawn once per draw (common to every call, so all
//                policies and oracle calls see the same sample; the polytope is then the
//                sample-average one and everything stays consistent within the draw).
#pragma once

#include "scenarios/persuasion/polymatroid.hpp"
#include "scenarios/persuasion/signaling.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace fairmc::persuasion {

struct Expected {
  std::vector<double> value;  // E[μ_i x_i] (true utility)
  std::vector<double> fake;   // E[fake_i x_i] (what the selection rule optimises)
};

class UtilityOracle {
 public:
  virtual ~UtilityOracle() = default;
  virtual Expected evaluate(const Mapping& mapping, std::span<const int> priority) const = 0;
  // Linear optimisation over every selection rule of the mapping, in true utilities: a selection
  // rule may break ties among equal keys by the realised signals, and max Σ_i w_i E[μ_i x_i] is
  // the greedy that serves equal keys in order of decreasing w_i·μ (the signal's true value),
  // then by `priority`. An empty `weight` is evaluate(). The default supports only that case.
  virtual Expected evaluate_weighted(const Mapping& mapping, std::span<const int> priority,
                                     std::span<const double> weight) const;
  virtual bool exact() const = 0;
};

// Number of scenarios of a mapping (summed over layers), saturating at 2^62.
std::uint64_t scenario_count(const Mapping& mapping);

class EnumerationOracle final : public UtilityOracle {
 public:
  explicit EnumerationOracle(std::shared_ptr<const Polymatroid> f) : f_(std::move(f)) {}
  Expected evaluate(const Mapping& mapping, std::span<const int> priority) const override;
  Expected evaluate_weighted(const Mapping& mapping, std::span<const int> priority,
                             std::span<const double> weight) const override;
  bool exact() const override { return true; }

 private:
  std::shared_ptr<const Polymatroid> f_;
};

class MatroidDpOracle final : public UtilityOracle {
 public:
  explicit MatroidDpOracle(int capacity) : k_(capacity) {}
  // Bound to one mapping: its priority-independent tables (distinct keys, P(key_j > key),
  // P(key_j >= key), per-key utility coefficients) are built once here and reused by every
  // evaluate() of that same Mapping object, which must outlive the oracle unchanged (Wolfe's
  // algorithm calls the oracle ~20 times per mapping). Other mappings are still accepted.
  MatroidDpOracle(int capacity, const Mapping& bound);
  Expected evaluate(const Mapping& mapping, std::span<const int> priority) const override;
  Expected evaluate_weighted(const Mapping& mapping, std::span<const int> priority,
                             std::span<const double> weight) const override;
  bool exact() const override { return true; }

  // One layer, flattened: keys[q] distinct keys; for agent j and key q, above[q*n + j] =
  // P(key_j > keys[q]) and at_least[q*n + j] = P(key_j >= keys[q]); value_coef / fake_coef
  // [q*n + i] = layer weight · Σ over i's signals with key q of prob · (value, fake); has[q*n+i]
  // marks agents with such a signal.
  struct Tables {
    double weight = 1.0;
    std::vector<double> keys, above, at_least, value_coef, fake_coef;
    std::vector<char> has;
  };
  static std::vector<Tables> tables(const Mapping& mapping);

 private:
  Expected evaluate_by_priority(std::span<const Tables> layers, int n,
                                std::span<const int> priority) const;
  int k_;
  const Mapping* bound_ = nullptr;
  std::vector<Tables> tables_;
};

class MonteCarloOracle final : public UtilityOracle {
 public:
  // uniforms[s * n + i]: the U(0,1) that picks agent i's signal in sample s (inverse CDF).
  MonteCarloOracle(std::shared_ptr<const Polymatroid> f, std::vector<double> uniforms, int samples);
  Expected evaluate(const Mapping& mapping, std::span<const int> priority) const override;
  Expected evaluate_weighted(const Mapping& mapping, std::span<const int> priority,
                             std::span<const double> weight) const override;
  bool exact() const override { return false; }

 private:
  std::shared_ptr<const Polymatroid> f_;
  std::vector<double> uniforms_;
  int samples_;
};

// Restricts a mapping to the agents of one component (local order = `agents`).
Mapping restrict_mapping(const Mapping& mapping, std::span<const int> agents);

}  // namespace fairmc::persuasion
