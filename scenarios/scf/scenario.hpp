// Scenario `scf`: paper 003, "Welfare and Cost Aggregation for Multi-Agent Control: When to
// Choose Which Social Cost Function, and Why?" (Shilov, Elokda, Hall, Nax, Bolognani).
//
// mechanism.name picks the problem:
//   invariance  Table I / Definition 3: which SCF rankings survive each comparability level's
//               admissible transformations of random cost profiles;
//   divisible   a divisible resource (Section IV-A water allocation, Appendix A) allocated by
//               minimising each SCF, with linear or quadratic agent costs;
//   traffic     the routing network of Figure 5 (40 long + 40 short commuters) and its
//               randomisation, solved for each SCF.
#pragma once

#include "engine/scenario.hpp"

namespace fairmc::scf {

ScenarioInfo scenario();

}  // namespace fairmc::scf
