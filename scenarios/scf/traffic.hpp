// The traffic routing example of Section IV-B (Figure 5), generalised to K commuter groups.
//
// Groups of commuters (fluid masses n_k) share a bottleneck O2 -> D with two parallel links of
// affine delay d(x) = slope * x + offset (Figure 5(a): fast 1.5 x, slow 40 + x). Group k first
// travels a fixed detour tau_k (the long commuters' O1 -> O2 leg, 40 in Figure 5). A routing sends
// the share p_k of group k over the fast link, read in the paper's frequentist sense (footnote 5:
// each commuter of the group uses the fast link a fraction p_k of the days), so every member of a
// group has the expected cost J_k = tau_k + p_k d_fast + (1 - p_k) d_slow.
//
// For a fixed fast flow x every SCF's inner problem over the shares is solved exactly (the sum is
// fixed by x; max and leximin by water-filling on the cost level; weighted sums greedily); the
// fast flow itself is found by a fine grid over [0, N] refined with Brent. The Nash product over
// the equilibrium is solved in closed form over flow and shares together (traffic_nash.hpp).
// Within-group symmetric shares are optimal for every anonymous SCF here because the costs are
// linear in the individual shares once x is fixed.
#pragma once

#include "scenarios/scf/social_cost.hpp"

#include <vector>

namespace fairmc::scf {

struct CommuterGroup {
  double size = 1.0;    // n_k (mass of commuters)
  double detour = 0.0;  // tau_k: delay before the bottleneck
  double weight = 1.0;  // c_k for weighted SCFs
};

struct AffineLink {
  double slope = 1.0;
  double offset = 0.0;
  double delay(double flow) const { return slope * flow + offset; }
};

struct RoutingProblem {
  std::vector<CommuterGroup> groups;
  AffineLink fast{1.5, 0.0};
  AffineLink slow{1.0, 40.0};
  double total() const;
};

struct Routing {
  std::vector<double> share_fast;  // p_k
  std::vector<double> group_cost;  // J_k
  double fast_flow = 0.0;
  double fast_delay = 0.0;
  double slow_delay = 0.0;
  bool feasible = true;
};

// Figure 5(a): 40 long-distance commuters (detour 40) and 40 short-distance commuters.
RoutingProblem figure5_network();

// The routing given shares (flow, costs and delays filled in). Groups of size 0 have no
// members: their share and cost are NaN and every summary and SCF skips them.
Routing make_routing(const RoutingProblem& problem, std::vector<double> shares);
// Non-controlled (Wardrop) equilibrium: both links equally fast where used; every group splits
// in the same proportion. Its costs are the reference J^eq of Figure 5(d). Two constant links
// (both slopes 0): everybody on the faster one, half on each when they are equally fast.
Routing wardrop_equilibrium(const RoutingProblem& problem);

bool traffic_supports(Kind kind);
// The routing minimising `scf` (nash_reference: gains relative to the Wardrop equilibrium). The
// utilitarian optimum only fixes the fast flow (Figure 5(b)); its shares are reported equal.
Routing solve(const RoutingProblem& problem, const SocialCost& scf);

// Agent-level summaries of a routing (every group member has the group's cost).
double total_cost(const RoutingProblem& problem, const Routing& r);
double worst_cost(const RoutingProblem& problem, const Routing& r);

}  // namespace fairmc::scf
