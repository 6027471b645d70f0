// Model for `mechanism.name: invariance`: the Table I check (Definition 3) on random profiles.
//
// Each draw samples a strictly negative cost profile (agents x outcomes, outcome 0 the reference
// x0) and, per comparability level, one random admissible transformation; for every SCF it
// records whether the best outcome changed and whether the ranking of outcomes changed. The
// constants table1_invariant_<scf>_<level> hold the prediction (1 = must never change), except in
// trivially invariant cells (one agent; gamma = 0 or 1), marked table1_trivial_<scf>_<level>.
#pragma once

#include "engine/scenario.hpp"

#include <memory>
#include <vector>

namespace fairmc::scf {

std::unique_ptr<const Model> make_invariance_model(const Params& p);
// Its metric declarations (patterns over <scf> and <level>) for `fairmc list`.
std::vector<Described> invariance_metrics();

}  // namespace fairmc::scf
