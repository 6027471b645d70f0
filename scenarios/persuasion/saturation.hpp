// Closed forms of the utility polymatroids, for small instances and tests.
//
// Lemma 3.2: for revealed values v (blocks E_1, E_2, ... of equal value, decreasing),
//   g(S; v) = Σ_j v_j [ f(P_<j ∪ (S ∩ E_j)) - f(P_<j) ],
// the largest total utility of S over the receiver's optimal face. Lemma 4.3 is the same
// formula restricted to one bucket. Theorem 3.1's polymatroid (1) is R = {y : y(S) <= E_v g(S; v)}.
#pragma once

#include "scenarios/persuasion/polymatroid.hpp"
#include "scenarios/persuasion/signaling.hpp"

#include <vector>

namespace fairmc::persuasion {

// g(S; key, util): blocks by equal key (decreasing); block j contributes
// Σ_{i in S∩E_j} util_i · x_i for S∩E_j served first within the block. With util = key this is
// Lemma 3.2 (and Lemma 4.3 when util is m_k on bucket k and 0 elsewhere).
double saturation(const Polymatroid& f, const std::vector<double>& key,
                  const std::vector<double>& util, const std::vector<int>& set);

// E over the scenarios of a mapping of g(S) with util = fake: the rank function of the
// polymatroid (1) / (2), as a table over all masks (n <= 16; enumerates every scenario).
std::vector<double> expected_saturation_table(const Polymatroid& f, const Mapping& mapping);

}  // namespace fairmc::persuasion
