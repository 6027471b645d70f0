// One draw's instance: n independent priors on [1, V] and the polymatroid constraint, sampled
// from the population and constraint sections of the YAML (see docs/scenarios/persuasion.md).
#pragma once

#include "engine/params.hpp"
#include "engine/rng.hpp"
#include "scenarios/persuasion/evaluator.hpp"

#include <string>
#include <vector>

namespace fairmc::persuasion {

struct PopulationSpec {
  int agents = 10;
  double V = 16.0;
  std::string dist = "two_point";
  // two_point: values {low, high}, P(high) = q_i ~ U[q_lo, q_hi] per agent.
  double low = 1.0, high = 16.0, q_lo = 0.1, q_hi = 0.1;
  // discrete: one fixed prior shared by all agents.
  std::vector<double> values, probs;
  // uniform / power_law: `support` i.i.d. points from the family, equally likely.
  int support = 4;
  double exponent = 2.0;
  // geometric: levels V^(j/(L-1)) with P(j) ∝ r^j, r ~ U[r_lo, r_hi] per agent.
  int levels = 6;
  double r_lo = 0.5, r_hi = 0.5;
  int grid = 0;  // snap sampled values to this many geometric levels (0 = off)

  static PopulationSpec read(const Params& p);
  std::vector<DiscretePrior> sample(Rng& rng) const;
  // Largest support size a sampled prior can have (an upper bound: snapping may merge values).
  int max_support() const;
};

struct ConstraintSpec {
  std::string type = "uniform";
  int k = 1;                                // uniform
  int groups = 1;                           // partition / budgeted
  int capacity = 1;                         // partition: per-group quota
  double cap = 1.0;                         // budgeted: per-group cap c_g
  double budget = 1.0;                      // budgeted: B
  double demand_lo = 1.0, demand_hi = 1.0;  // budgeted: d_i ~ U[lo, hi]
  bool random_groups = false;               // random assignment of agents to groups
  std::vector<double> table;                // table: 2^n entries

  static ConstraintSpec read(const Params& p, int agents);
  std::shared_ptr<const Polymatroid> sample(int agents, Rng& rng) const;
  bool random() const;
};

}  // namespace fairmc::persuasion
