// Mappings beyond signaling.hpp's: Appendix A's HIGH/LOW signal and the canonical-value view
// used by the exact α (Section 4's accounting, utility = m_k × allocation).
#pragma once

#include "scenarios/persuasion/signaling.hpp"

#include <vector>

namespace fairmc::persuasion {

// The same mapping with every signal's true utility per unit replaced by its receiver key (the
// canonical bucket value m_k for the bucketed receiver): evaluating it gives the utilities of
// Section 4 ("assume the utility of an agent is computed using the canonical posterior mean").
Mapping canonical_values(Mapping mapping);

// Appendix A's HIGH/LOW policy, for every two-point prior {a, b} with P(b) = q_i among the m
// two-point agents: HIGH (posterior b) with probability p_i = min(1, 1/(m q_i)) when v_i = b, so
// that P(HIGH) = 1/m; LOW otherwise, E[v | LOW] = ((1 - p_i) q_i b + (1 - q_i) a) / (1 - p_i q_i).
// Point priors send their value; priors with more values reveal nothing.
Mapping high_low(const std::vector<DiscretePrior>& priors, Receiver receiver,
                 const Buckets& buckets);

}  // namespace fairmc::persuasion
