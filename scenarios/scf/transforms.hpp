// Random admissible transformations of one comparability level (Section III-A), used to test
// which SCFs keep their ranking (Definition 3).
//
// The cost profiles this is applied to are strictly negative (so that the ratio-scale Nash SCF of
// Theorem 1 is defined), and every transformation keeps them negative: offsets b are drawn <= 0
// and the ordinal maps are phi(t) = b - a (-t)^p with a, p > 0, which is strictly increasing on
// t < 0. Per-agent levels draw their own (a, b, p) per agent; common levels one triple for all.
#pragma once

#include "engine/rng.hpp"
#include "scenarios/scf/comparability.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace fairmc::scf {

class Transform {
 public:
  // Scales a ~ log-uniform [1/5, 5], offsets b ~ U(-offset_scale, 0], powers p ~ log-uniform
  // [1/3, 3] (only for the ordinal levels).
  static Transform sample(Level level, std::size_t agents, Rng& rng, double offset_scale);

  Level level() const { return level_; }
  double apply(std::size_t agent, double cost) const;
  // apply() to the costs of every agent of one outcome (out[i] = apply(i, costs[i])).
  void apply(std::span<const double> costs, std::span<double> out) const;

 private:
  Level level_ = Level::rfc;
  std::vector<double> a_, b_, p_;  // per agent (common levels repeat one value)
};

}  // namespace fairmc::scf
