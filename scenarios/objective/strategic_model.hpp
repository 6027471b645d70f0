// Mechanism `strategic` of scenario objective: Appendix C's best-response check (Proposition C.1,
// Figure 3) as a Monte Carlo model. Per draw: agent 1's true a_1 = row 0 and her belief a'_2 = row
// 1 of the population sample, (α_1, α'_2) fixed or drawn from Substream::mechanism, and the
// searches of strategic_report.hpp. The metrics differ from mechanism `participatory`'s
// (kParticipatoryMetrics).
#pragma once

#include "engine/params.hpp"
#include "engine/scenario.hpp"

#include <memory>
#include <vector>

namespace fairmc::objective {

// The metric declarations of mechanism strategic for `fairmc list` (the joint_* ones last).
std::vector<Described> strategic_metrics();

// Reads population (agents must be 2) and the `mechanism:` keys of `name: strategic`.
std::unique_ptr<const Model> make_strategic_model(const Params& p);

}  // namespace fairmc::objective
