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
//
// Baselines with the bucketed receiver (type_true_optimal): the rule best in TRUE utilities, as
// Evaluator::true_optimal at agent level. Its Nash-welfare maximiser is unique, hence
// type-constant; the type-symmetric slice of the true-utility set is optimised in a type-constant
// direction w by serving equal keys in order of decreasing w_c·μ (ties inside a type uniform), so
// its Pareto frontier is the chain of those vertices over the finitely many orders of w_1/w_0
// (breakpoints μ_a/μ_b), and Σ_c count_c log y_c is maximised on it in closed form per edge.
//
// Index tie-break and MW (type_priority_vertex): a global priority over the agents is not
// type-symmetric, but agent i's utility still needs only per-type numbers: the agents of type d
// before i in the priority count if their key is >= κ, those after it if > κ, two binomials.
#pragma once

#include "scenarios/persuasion/prior.hpp"
#include "scenarios/persuasion/signaling.hpp"

#include <optional>
#include <span>
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

// The selection rule best in true utilities (maximiser of Σ_i log U_i over every rule, ties may
// depend on the signals), <= 2 types; `fake` is set to the true utilities (as at agent level).
TypeUtilities type_true_optimal(const Mapping& mapping, const std::vector<int>& count, int k);

// Per-AGENT utilities (value, fake indexed by agent) for the global priority `priority`
// (priority[i] = rank of agent i, lower served first among equal keys), from the per-type
// mapping (one agent per type) and type_of[i]: the agent-level greedy vertex, exactly.
TypeUtilities type_priority_vertex(const Mapping& mapping, const std::vector<int>& type_of, int k,
                                   std::span<const int> priority);

// The MW mixture of Theorem 1.2 (multiplicative_weights.hpp) with this vertex oracle, per TYPE
// (averaged inside each type, as the agent-level result is symmetrised). Every per-prefix Hedge
// sees the same losses and the j = 1 one is never capped, so the dual weights' order is the order
// of increasing cumulative fake utility, ties by agent index: the iteration needs only that
// order, O(n log n) per step instead of O(n²).
TypeUtilities type_multiplicative_weights(const Mapping& mapping, const std::vector<int>& type_of,
                                          int k, int iterations);

// Q_j, j = 1..n, of the vector with count[c] copies of u[c].
std::vector<double> type_prefix_smallest(const std::vector<double>& u,
                                         const std::vector<int>& count);

// Σ count·u, min u, and the geometric mean of the expanded vector.
double type_welfare(const std::vector<double>& u, const std::vector<int>& count);
double type_nash(const std::vector<double>& u, const std::vector<int>& count);

}  // namespace fairmc::persuasion
