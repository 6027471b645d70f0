// The elicited Fehr–Schmidt parameters θ_i = (α_i, β_i), read from the `mechanism:` section so that
// sweeping them keeps the population draws fixed (common random numbers across aversion levels).
//   fixed:   alpha, beta numbers (all agents) or lists of length n
//   uniform: α_i ~ U(0, alpha_max), β_i = α_i · U(0, beta_ratio), from Substream::mechanism
// The paper assumes 0 <= β_i <= α_i < 1/2 (Section 2.2); we enforce it.
#pragma once

#include "engine/params.hpp"
#include "engine/rng.hpp"
#include "scenarios/objective/instance.hpp"

namespace fairmc::objective {

struct AversionSpec {
  bool drawn = false;
  Aversion fixed;           // when !drawn
  double alpha_max = 0.1;   // when drawn
  double beta_ratio = 1.0;  // when drawn

  static AversionSpec parse(const Params& mech, int agents);
  Aversion sample(Rng& rng, int agents) const;
  // Per-agent worst case, used for per-point constants: the fixed values, or α = β = alpha_max·1.
  Aversion envelope(int agents) const;
};

}  // namespace fairmc::objective
