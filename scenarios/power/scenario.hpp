// Scenario `power`: paper 000, "Equality of Power and Fair Public Decision-making"
// (Immorlica, Plaut, Weyl). Mechanisms:
//   equal_power - build (x, c) by one of the paper's constructions (median, Section 3; fixed
//                 point of Section 5's map; equal c, Appendix E), solve Program 1 for every agent
//                 and measure Definition 2.1 (lambda spread, net movement, welfare gradient).
//   iteration   - the Hylland-Zeckhauser and equal-power iterations of Section 1.2, their limits
//                 and their response to rescaling one issue axis.
#pragma once

#include "engine/scenario.hpp"

namespace fairmc::power {

ScenarioInfo scenario();

}  // namespace fairmc::power
