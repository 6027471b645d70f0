// Scenario `objective`: paper 001, "Participatory Objective Design via Preference Elicitation"
// (Shirali, Finocchiaro, Abebe, FAccT 2024). m divisible items, n Fehr–Schmidt agents; compares the
// utilitarian allocation x* with the participatory allocation x^θ maximising Σ_i v_i (loss, gain,
// individual tradeoffs, price of fairness) and checks the paper's bounds draw by draw.
#pragma once

#include "engine/scenario.hpp"

namespace fairmc::objective {

ScenarioInfo scenario();

}  // namespace fairmc::objective
