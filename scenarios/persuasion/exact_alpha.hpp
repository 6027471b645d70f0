// The exact best prefix sums Q_k* = max over all independent signaling policies and selection
// rules of the sum of the k smallest expected utilities (Definition 2.2), in the accounting of
// Section 4 ("utility = canonical bucket value m_k × allocation", the (1+ε)-bucketed receiver).
// Derivation (docs/scenarios/persuasion.md, "The exact α"):
//  1. Only each agent's bucket distribution p_i matters: signals in one bucket can be merged (the
//     pooled mean stays in the bucket, utilities use m_k) and a selection rule that reads signal
//     labels is replaced by its average per bucket profile. p_i ranges over a polytope Π_i.
//  2. For a fixed profile p the utilities over selection rules form B(G_p),
//     G_p(S) = E_{b~p}[g(S; m_b)] (Lemma 3.2 with the canonical values + Lemma 2.6).
//  3. Mixtures make the achievable set conv ∪_p B(G_p); its support function max_p Ĝ_p(λ)
//     (Ĝ = Lovász extension) is multilinear in (p_1..p_n), so vertex profiles suffice.
//  4. Q_k* = min_{λ in [0,1]^n, Σλ = k} max_v Ĝ_v(λ) (minimax, Q_k(U) = min_λ λ·U), a convex
//     piecewise-linear minimisation solved exactly by Kelley's cutting planes (GLPK).
//  5. λ may be taken constant on classes of exchangeable agents (identical prior and constraint
//     role), and the max over profiles runs over multisets per class and splits over the direct
//     summands of f.
// Π_i is enumerated for point and two-point priors (any distribution on [a, b] with mean c is a
// garbling of the two-point prior, so Π_i = {p : Σ p_k l_k <= c <= Σ p_k h_k}, vertices of
// support <= 3); other priors, or more profiles than the budget, report failure.
#pragma once

#include "scenarios/persuasion/buckets.hpp"
#include "scenarios/persuasion/polymatroid.hpp"
#include "scenarios/persuasion/prior.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fairmc::persuasion {

// Vertices (a superset, every point feasible) of Π for one prior: bucket distributions of
// Bayes-plausible signals, closed at the open upper bucket ends (a supremum, approached).
// nullopt for priors with more than two support points.
std::optional<std::vector<std::vector<double>>> bucket_polytope_vertices(const DiscretePrior& prior,
                                                                         const Buckets& buckets);

// Classes of exchangeable agents: equal priors and f invariant under swapping them (checked on
// all subsets for n <= 14; uniform matroids always). Each class lies inside one component.
std::vector<std::vector<int>> exchangeable_agent_classes(const std::vector<DiscretePrior>& priors,
                                                         const Polymatroid& f);

struct ExactSettings {
  std::uint64_t max_work = 10'000'000'000;  // profiles × agents² × K per enumeration, else give up
  double tolerance = 1e-9;                  // relative gap of the cutting-plane LP
  bool symmetry = true;                     // false: every agent its own class (tests)
};

struct ExactPrefix {
  bool ok = false;
  std::string reason;          // why not, when !ok
  std::vector<double> best;    // Q_k*, k = 1..n
  std::uint64_t profiles = 0;  // vertex profiles enumerated per oracle call
  int oracle_calls = 0;
};

ExactPrefix exact_best_prefix(const std::vector<DiscretePrior>& priors,
                              std::shared_ptr<const Polymatroid> f, const Buckets& buckets,
                              const ExactSettings& settings = {});

}  // namespace fairmc::persuasion

namespace fairmc::persuasion {

// α per policy from Q_k* and the policies' canonical utilities (max_k Q_k*/Q_k(U), +inf when
// some Q_k(U) = 0 < Q_k*), and the per-draw check of the bracket in the same accounting:
// max_k best-known Q_k/Q_k(U) <= α_exact <= max_k K·Q_k(x̂)/Q_k(U) (x̂ the 1-majorized fake
// utilities of R̂(Δmax); every policy's canonical utility lies in P(K·Ĝ), proof of Thm 1.1).
// `upper` may be empty (then only the lower side is checked).
struct ExactAlpha {
  std::vector<double> alpha;  // α_exact per policy
  std::vector<double> known;  // the bracket's lower side (best known Q_k, canonical)
  std::vector<double> bound;  // its upper side (NaN when `upper` is empty)
  bool bracket_ok = true;
};
ExactAlpha exact_alpha(const std::vector<double>& best,
                       const std::vector<std::vector<double>>& canonical_utilities,
                       const std::vector<double>& upper);

}  // namespace fairmc::persuasion
