// Model for `mechanism.name: divisible`: a divisible resource (the water of Section IV-A) shared
// by minimising each chosen SCF; metrics describe the resulting cost distribution.
//
// population.sampler: fixed  (lists upfront, benefit, curvature, rights; the water example)
//                     random (agents plus a distribution for each of them)
// Per SCF <s>: total_cost_<s>, worst_cost_<s>, cost_sd_<s>, alloc_gini_<s>, feasible_<s>, and for
// at most 8 agents the allocations x<i>_<s> and costs cost<i>_<s>. For linear fixed populations
// the closed forms of Appendix A (appendix_a_x<i>) and eq. (2) (eq2_x<i>) are constants.
#pragma once

#include "engine/scenario.hpp"

#include <memory>
#include <vector>

namespace fairmc::scf {

std::unique_ptr<const Model> make_divisible_model(const Params& p);
// Its metric declarations (patterns over <scf> and <i>) for `fairmc list`.
std::vector<Described> divisible_metrics();

}  // namespace fairmc::scf
