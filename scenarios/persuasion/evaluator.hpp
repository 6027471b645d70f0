// Evaluates signaling policies on one instance (priors + polymatroid): the 1-majorized selection
// rule for a mapping (Theorem 3.1 for full revelation, Theorem 1.1's Ω_maj for Δ_max), a fixed
// priority tie-break, and the multiplicative-weights mixture of Theorem 1.2.
//
// Direct sums (partition matroids) are split into components: the utility polytope is then a
// product and its min-norm point is the concatenation of the components' min-norm points.
// Each (mapping, component) picks its expectation method: the exact matroid DP for uniform
// matroids, enumeration when the scenario count is at most `max_scenarios`, Monte Carlo
// otherwise (or always, in monte_carlo mode; never, in exact mode, which then reports failure).
// The majorized and MW results are averaged over exchangeable agents (exchangeable.hpp).
#pragma once

#include "scenarios/persuasion/min_norm.hpp"
#include "scenarios/persuasion/multiplicative_weights.hpp"
#include "scenarios/persuasion/polymatroid.hpp"
#include "scenarios/persuasion/prior.hpp"
#include "scenarios/persuasion/signaling.hpp"
#include "scenarios/persuasion/utility_oracle.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace fairmc::persuasion {

struct Instance {
  std::vector<DiscretePrior> priors;
  std::shared_ptr<const Polymatroid> constraint;
};

enum class UtilityMode { automatic, exact, monte_carlo };

struct EvaluatorSettings {
  UtilityMode mode = UtilityMode::automatic;
  std::uint64_t max_scenarios = 1 << 16;
  int samples = 1000;  // Monte Carlo scenarios per draw
};

struct PolicyResult {
  std::vector<double> utility;  // true expected utilities U_i
  std::vector<double> fake;     // the optimised utilities (fake ones for Δ_max layers)
  bool ok = true;               // false when exact mode could not enumerate
};

class Evaluator {
 public:
  // `uniforms(count)` returns `count` U(0,1) numbers; it is called at most once, the first time
  // a Monte Carlo expectation is needed (so exact draws consume no random numbers).
  Evaluator(const Instance& instance, EvaluatorSettings settings,
            std::function<std::vector<double>(std::size_t)> uniforms);

  PolicyResult majorized(const Mapping& mapping);
  // The selection rule that is best in TRUE utilities over every selection rule of the mapping
  // (ties among equal keys may depend on the signals): the maximiser of the Nash welfare
  // Σ log U_i (agents no rule serves left out). It is unique, and it is the 1-majorized point in
  // true utilities whenever one exists (a 1-majorized vector maximises every symmetric concave
  // increasing function, Prop. 2.3 / Tomić–Weyl, and a strictly concave one has one maximiser).
  // With the exact receiver, or a bucketed one whose tied signals always share their μ, true
  // utilities form a base polytope (Lemma 3.2 with values μ) and this is its min-norm point;
  // otherwise damped Newton steps, each a min-norm problem solved by Wolfe's algorithm, starting
  // from the majorized rule (issue 14, item 10). `fake` is set to the true utilities.
  PolicyResult true_optimal(const Mapping& mapping);
  PolicyResult fixed_priority(const Mapping& mapping, std::span<const int> priority);
  // MW phase two towards `targets` (phase one first when targets is empty).
  PolicyResult multiplicative_weights(const Mapping& mapping, std::vector<double> targets,
                                      int iterations);
  // The vertex for one global priority order (all components).
  Vertex vertex(const Mapping& mapping, std::span<const int> priority);

  // True while every expectation so far was exact.
  bool exact() const { return exact_; }

 private:
  using Part = Component;
  std::unique_ptr<UtilityOracle> oracle_for(const Part& part, const Mapping& sub);
  // Orbit averaging over exchangeable agents (exchangeable.hpp): identical agents get equal
  // utilities, whichever corral Wolfe's algorithm or MW ended with.
  void symmetrise(const Mapping& mapping, PolicyResult& r) const;

  int n_;
  EvaluatorSettings settings_;
  std::vector<Part> parts_;
  std::function<std::vector<double>(std::size_t)> uniform_source_;
  std::vector<double> uniforms_;  // samples x n, drawn on first use
  bool exact_ = true;
  bool failed_ = false;
};

}  // namespace fairmc::persuasion
