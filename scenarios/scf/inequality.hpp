// Summaries of an outcome's cost distribution over agents (each value carries a mass, so fluid
// commuter groups and individual agents are treated alike).
#pragma once

#include <span>

namespace fairmc::scf {

// Mass-weighted standard deviation.
double weighted_sd(std::span<const double> values, std::span<const double> mass);
// Mass-weighted Gini coefficient sum_ij m_i m_j |v_i - v_j| / (2 M^2 mean); NaN unless every
// value is >= 0 with a positive mean (a Gini is only meaningful on a ratio scale).
double weighted_gini(std::span<const double> values, std::span<const double> mass);

}  // namespace fairmc::scf
