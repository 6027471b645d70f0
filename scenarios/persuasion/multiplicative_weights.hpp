// The multiplicative-weights computation of Theorem 1.2 (Section 3.2, after Bhalgat et al.).
//
// Q_j(x) = j · min{λ·x : λ in the capped simplex Σλ = 1, 0 <= λ_i <= 1/j}, so "Q_j(x) >= T_j for
// every j" is a zero-sum game between a constraint player (Hedge over j, and for each j Hedge
// over agents projected onto the capped simplex) and the policy player, whose best response to
// the weights w = Σ_j ρ_j j λ_j is the dual oracle of Section 3.2: maximise Σ_i w_i u_i over the
// utility polytope, i.e. the receiver's greedy allocation with ties broken by decreasing w. The
// policy is the uniform mixture of the T best responses ("sample a random time step and use its
// dual variables"); standard regret bounds give Q_j(x̄) >= T_j - O(W sqrt(log n / T)) for all j,
// W = total utility. Phase one finds each target T_j as the value of the single-j game instead
// of a binary search over feasibility programs (same quantity, fewer runs). In this game the
// targets never change a best response: every per-j agent Hedge sees the same losses, so all
// λ_j share one order, and so does w whatever ρ (the only place the targets act). The measured
// error falls like 1/T (experiments/persuasion/mw_convergence.yaml), below the O(T^-1/2) bound.
#pragma once

#include "scenarios/persuasion/min_norm.hpp"

#include <span>
#include <vector>

namespace fairmc::persuasion {

struct MwResult {
  std::vector<double> fake;   // x̄: average best response (utilities the game is about)
  std::vector<double> value;  // true utilities of the same mixture of selection rules
  std::vector<double> targets;
  int iterations = 0;
};

// Projection of positive weights onto {Σλ = 1, λ <= cap} in relative entropy (cap >= 1/n).
void project_capped_simplex(std::vector<double>& w, double cap);

// Phase one: an MW estimate of OPT_j = max Q_j over the polytope (a value achieved by the
// returned mixture, so it is a lower bound within O(W sqrt(log n / T)) of OPT_j).
double mw_prefix_value(int n, const VertexOracle& oracle, int j, int iterations);

// Phase two: a single mixture whose prefix sums approach all targets at once.
MwResult mw_majorize(int n, const VertexOracle& oracle, std::vector<double> targets,
                     int iterations);

}  // namespace fairmc::persuasion
