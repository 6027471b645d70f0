// Exchangeable agents in the type-level problem (issue 15 item 3): for a k-uniform matroid whose
// agents fall into at most two types (identical priors, hence identical mappings: Appendix A's
// agent 0 + n i.i.d. agents, or fully i.i.d. instances), every policy here is computed with
// per-type numbers only, in O(types · signals · layers · k²) instead of Wolfe's algorithm on n
// coordinates.
//
// Why it is exact. The utility polytope B(G) of a mapping is invariant under permutations within a
// type, so its (unique) minimum-norm point is type-constant and lies in the type-symmetric slice
// (the average of B(G) over those permutations). A type-constant weight vector is optimised over
// that slice by a "type-block" order: types in some order, uniformly random order inside a type
// (the average of the greedy vertices over within-type permutations). With one type the slice is
// one point; with two types it is the segment between the two type-block vertices, and the
// minimum-norm point (norm Σ_c count_c y_c²) is found in closed form on it. Its selection rule is
// the mixture of the two type-block orders, so its true utilities follow from the same mixture.
//
// The type-block vertex: agent i of type c with key κ is allocated iff fewer than k agents precede
// it. Other types contribute Bin(count_c', P(key > κ) [+ P(key = κ) if c' is ahead]); its own
// type contributes N_> ~ Bin(m, P(key > κ)) (m = count_c - 1) plus a uniform position among its
// N_= tied mates, so P(alloc) = Σ_{x + a < k} P(X = x) P(N_> = a) E[min(1, (k-x-a)/(N_= + 1))],
// N_= | N_> = a ~ Bin(m - a, P(key = κ)/P(key <= κ)), and E[1/(Y+1)] = (1-(1-p)^(M+1))/((M+1)p).
#pragma once

#include "scenarios/persuasion/prior.hpp"
#include "scenarios/persuasion/signaling.hpp"

#include <optional>
#include <vector>

namespace fairmc::persuasion {

struct AgentTypes {
  std::vector<int> representative;  // one agent per type (the first)
  std::vector<int> count;           // agents per type
  std::vector<int> type_of;         // per agent
};

// Groups agents by identical prior; nullopt when there are more than `max_types` types.
std::optional<AgentTypes> agent_types(const std::vector<DiscretePrior>& priors, int max_types);

struct TypeUtilities {
  std::vector<double> value;  // true expected utility of one agent of each type
  std::vector<double> fake;   // the optimised utility (fake for Δmax layers)
};

// Per-type utilities under a k-uniform matroid for the type-block order `order` (type indices,
// earlier = ahead on equal keys). `mapping` holds one agent per type (restrict_mapping to the
// representatives).
TypeUtilities type_block_vertex(const Mapping& mapping, const std::vector<int>& count, int k,
                                const std::vector<int>& order);

// The 1-majorized selection rule (minimum-norm point of B(G) in fake utilities), <= 2 types.
TypeUtilities type_majorized(const Mapping& mapping, const std::vector<int>& count, int k);

// Q_j, j = 1..n, of the vector with count[c] copies of u[c].
std::vector<double> type_prefix_smallest(const std::vector<double>& u,
                                         const std::vector<int>& count);

// Σ count·u, min u, and the geometric mean of the expanded vector.
double type_welfare(const std::vector<double>& u, const std::vector<int>& count);
double type_nash(const std::vector<double>& u, const std::vector<int>& count);

}  // namespace fairmc::persuasion
