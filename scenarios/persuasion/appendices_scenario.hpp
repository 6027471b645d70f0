// Scenario `persuasion_appendices`: Appendices B and C (1) of paper 002 as experiments — the best
// majorization factor of any allocation lottery for the non-polymatroid examples (appendices.hpp).
// Deterministic: every draw repeats the same LP.
#pragma once

#include "engine/scenario.hpp"

namespace fairmc::persuasion {

ScenarioInfo appendices_scenario();

}  // namespace fairmc::persuasion
