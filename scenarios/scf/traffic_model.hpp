// Model for `mechanism.name: traffic`: the routing example of Figure 5 and its randomisation.
//
// population.sampler: figure5 (40 long-distance commuters with a 40-minute O1->O2 leg, 40 short
//                     ones; fast link 1.5x, slow link 40 + x; all overridable)
//                     random  (groups, a distribution for group sizes, detours and weights, and
//                     a relative jitter on the link parameters)
// Per SCF <s> (and for the uncontrolled Wardrop equilibrium, <s> = equilibrium): total_cost,
// worst_cost, cost_gini, fast_flow, fast_delay, slow_delay, and per group k (1-based, at most 8)
// share_fast_g<k>, group_cost_g<k>. With the figure5 sampler, the paper's printed link delays are
// constants paper_fast_delay_<s> / paper_slow_delay_<s>.
#pragma once

#include "engine/scenario.hpp"

#include <memory>
#include <vector>

namespace fairmc::scf {

std::unique_ptr<const Model> make_traffic_model(const Params& p);
// Its metric declarations (patterns over <scf> and <k>) for `fairmc list`.
std::vector<Described> traffic_metrics();

}  // namespace fairmc::scf
