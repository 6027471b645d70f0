// Exchangeable agents of one (mapping, constraint) pair, and the symmetrised selection rule.
//
// Two agents are exchangeable when some permutation of the agents that maps one to the other
// leaves the problem unchanged: it preserves every agent's signals (the mapping) and the rank
// function. Generators used here: swapping two agents with identical signals inside one
// component whose rank function allows the swap (Polymatroid::exchangeable_classes), and
// swapping two isomorphic uniform-matroid components (same capacity, same multiset of signal
// lists), e.g. two partition groups with identical members. Averaging a selection rule over the
// group these permutations generate is again a selection rule (a mixture of permuted rules); its
// utilities are the orbit averages of the original ones, and since the min-norm point is unique
// and hence symmetric, the averaged rule realises the same optimised point. Averaging equalises
// within orbits at a fixed orbit total, so the result majorizes the unsymmetrised utilities
// (every prefix sum Q_k weakly rises). Issue 14, item 9: Wolfe's final corral is not symmetric.
#pragma once

#include "scenarios/persuasion/polymatroid.hpp"
#include "scenarios/persuasion/signaling.hpp"

#include <span>
#include <vector>

namespace fairmc::persuasion {

// Orbit label per agent (dense ids 0..orbits-1): agents with the same label
// are exchangeable. `parts` must partition the agents (a direct-sum decomposition of the
// constraint, as Polymatroid::components returns).
std::vector<int> exchangeable_orbits(const Mapping& mapping, std::span<const Component> parts);

// Replaces each entry by the mean over its orbit (summed in agent order, so orbit-mates get
// bit-identical values).
void average_over_orbits(std::span<const int> orbit, std::span<double> x);

}  // namespace fairmc::persuasion
