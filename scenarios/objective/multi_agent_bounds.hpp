// Multi-agent bounds of Sections 3.2 and 5: Theorem 3.4 (Eqs. 18–19, 101–102) and Prop. 5.2.
#pragma once

#include "scenarios/objective/instance.hpp"

#include <vector>

namespace fairmc::objective {

// c̄_i(α, β) of Eq. (102): bounds c_ik = 1 − r_ik for every k.
double c_bar(const Aversion& av, int i);
// c_j(α, β) of Eq. (18) for the agents `top` = top_j.
double c_item(const Aversion& av, const std::vector<int>& top);
// The largest c_j over all possible top_j (β_{m,top_j} replaced by max_i β_i).
double c_item_max(const Aversion& av);
// Theorem 3.4 (Eq. 19): loss <= Σ_j c_j a_top_j with a_top_j = b_j Σ_{i in top_j} a_ij.
double multi_agent_loss_bound(const Eigen::MatrixXd& a, const Aversion& av, int winners);

// Proposition 5.2 (α = β = α·1) with the hypothesis its proof uses (Lemma G.1, Eqs. 133–137):
// if α Σ_i (I_i^+ + I_i^-) at x^θ is at least Σ_{i' in J^α}(u_i' − u_i) for an agent i attaining
// IT, then IT <= max_i u_i(x*) / min_i u_i(x*). The statement prints the hypothesis without the
// factor α, which the proof does not support. `applies` reports whether the hypothesis holds on
// this draw for some agent of IT's argmax (any of them serves the proof), judged at the LP's
// resolution δ = kLpTolerance (1 + max_i |u_i(x^θ)|): an agent counts as attaining IT if its ratio
// u_i*/u_i(x^θ) is the largest for some u within δ of u(x^θ), and the hypothesis may fail by as
// much as such a change moves it (2n(1 + α)δ), so that rounding noise of x^θ does not decide (at a
// tie of all agents both sides are 0). `agent` is the agent used (-1: none).
struct TradeoffBound {
  double bound = 0.0;
  bool applies = false;
  int agent = -1;
};
TradeoffBound individual_tradeoff_bound(const Eigen::VectorXd& u_star,
                                        const Eigen::VectorXd& u_theta, const Aversion& av);

}  // namespace fairmc::objective
