// Scenario `persuasion`: paper 002, "Fair Multi-agent Persuasion with Submodular Constraints".
//
// One draw = one sampled instance (n priors on [1, V] and a polymatroid constraint). Inside
// run() every policy's expected utilities U_i are computed exactly (matroid DP or enumeration of
// the signal scenarios) or, when the scenario space is too large, by an inner Monte Carlo over
// `mechanism.samples` scenarios; the metric utilities_exact says which (1 / 0).
#pragma once

#include "engine/scenario.hpp"

namespace fairmc::persuasion {

ScenarioInfo scenario();

}  // namespace fairmc::persuasion
