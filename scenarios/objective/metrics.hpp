// Per-draw metrics of mechanism `participatory`: loss (Eq. 4), gain (Eq. 5), price of fairness
// (Eqs. 6–7), individual tradeoffs (Eq. 8), and every bound that must hold draw by draw, stored
// beside the simulated value with a `bound_violated` flag (1 if any applicable bound fails beyond
// a 1e-7 relative tolerance). kParticipatoryMetrics is the only list of them: names, units, help
// and values all come from it.
#pragma once

#include "engine/metric.hpp"
#include "scenarios/objective/instance.hpp"

#include <cmath>
#include <span>

namespace fairmc::objective {

enum class Solver { cutting_plane, pairwise, closed_form };

struct EvalOptions {
  Solver solver = Solver::cutting_plane;
  double tau = 0.5;  // Theorem D.1's free exponent
};

// What one draw computed; quantities that do not apply stay undefined (NaN).
struct ParticipatoryDraw {
  double sw_star = kUndefined, sw_theta = kUndefined, v_star = kUndefined, v_theta = kUndefined;
  double loss = kUndefined, gain = kUndefined;
  double tol = kUndefined;  // 1e-7 (1 + |Σu(x*)|): what "> 0" and "bound holds" allow
  double individual_tradeoff = kUndefined, tradeoff_infinite = kUndefined;
  double loss_bound = kUndefined, it_bound = kUndefined;
  double lp_cuts = kUndefined, lp_columns = kUndefined;
  // Two agents, winners = 1 only; agent "1" is the better-off agent under x*.
  double delta = kUndefined, closed_form_gap = kUndefined;
  double loss_bound_items = kUndefined, loss_bound_worst = kUndefined;
  double loss_bound_similar = kUndefined, loss_bound_symmetric = kUndefined;
  double gain_bound = kUndefined, ratio_bound = kUndefined;
  double dissimilarity = kUndefined, loss_bound_dissimilar = kUndefined;
  double probe_a1 = kUndefined, probe_ratio = kUndefined;
  double probe_loss = kUndefined, probe_gain = kUndefined;
  double bound_violated = kUndefined;
};

using PD = ParticipatoryDraw;

// A bound's margin in units of 1 + |sum u(x*)|, the scale of bound_violated's tolerance: a bound
// holds on a draw (as bound_violated judges it) iff its slack is >= -1e-7. Experiment checks
// (`draws: slack_..., ge: 0, tolerance: 1e-7`) count the violations of each bound separately.
inline double scaled_slack(const PD& d, double margin) {
  return margin / (1.0 + std::abs(d.sw_star));
}

// Units: utilities and welfare are in the a_ij's own (abstract) units, written "1".
inline constexpr Metric<ParticipatoryDraw> kParticipatoryMetrics[] = {
    {"sw_star", "1",
     "utilitarian welfare sum_i u_i (Eq. 1) at the utilitarian allocation x* (Eq. 2)",
     [](const PD& d) { return d.sw_star; }},
    {"sw_theta", "1",
     "utilitarian welfare sum_i u_i at the participatory allocation x^theta (Eq. 3)",
     [](const PD& d) { return d.sw_theta; }},
    {"v_star", "1", "Fehr-Schmidt welfare sum_i v_i (Eq. 9) at x*",
     [](const PD& d) { return d.v_star; }},
    {"v_theta", "1", "Fehr-Schmidt welfare sum_i v_i (Eq. 9) at x^theta, the LP optimum",
     [](const PD& d) { return d.v_theta; }},
    {"loss", "1", "Eq. 4: sum u(x*) - sum u(x^theta)", [](const PD& d) { return d.loss; }},
    {"gain", "1", "Eq. 5: sum v(x^theta) - sum v(x*)", [](const PD& d) { return d.gain; }},
    {"gain_to_loss", "1", "gain / loss (Eq. 5 over Eq. 4), where loss > 0 (Prop. 4.3's ratio)",
     [](const PD& d) { return d.loss > d.tol ? d.gain / d.loss : kUndefined; }},
    {"pof_bertsimas", "1", "Eq. 6: loss / sum u(x*)",
     [](const PD& d) { return d.sw_star > 0 ? d.loss / d.sw_star : kUndefined; }},
    {"pof_caragiannis", "1", "Eq. 7: 1 + loss / sum u(x^theta)",
     [](const PD& d) { return d.sw_theta > 0 ? 1.0 + d.loss / d.sw_theta : kUndefined; }},
    {"individual_tradeoff", "1",
     "Eq. 8: max_i u_i(x*) / u_i(x^theta) (undefined where tradeoff_infinite)",
     [](const PD& d) { return d.individual_tradeoff; }},
    {"tradeoff_infinite", "1", "1 if some u_i(x^theta) = 0 < u_i(x*): Eq. 8's IT is infinite",
     [](const PD& d) { return d.tradeoff_infinite; }},
    {"loss_bound", "1", "Theorem 3.4, Eq. 19: sum_j c_j(alpha, beta) a_top_j >= loss",
     [](const PD& d) { return d.loss_bound; }},
    {"it_bound", "1",
     "Prop. 5.2, Eq. 32: max_i u_i(x*) / min_i u_i(x*) >= IT (alpha = beta = alpha 1 and the "
     "proof's hypothesis hold)",
     [](const PD& d) { return d.it_bound; }},
    {"lp_cuts", "count", "cutting planes the participatory LP (Eq. 3) used",
     [](const PD& d) { return d.lp_cuts; }},
    {"lp_columns", "count", "x columns the LP used (column generation, Lemma 3.3 screening)",
     [](const PD& d) { return d.lp_columns; }},
    {"delta", "1", "two agents: Delta_1 of Lemma 3.1 (Eq. 13), the reallocation threshold",
     [](const PD& d) { return d.delta; }},
    {"closed_form_gap", "1",
     "two agents: |sum v(x^theta) - sum v(Lemma 3.1's allocation)|, LP against closed form (Eq. "
     "12)",
     [](const PD& d) { return d.closed_form_gap; }},
    {"loss_bound_items", "1", "two agents: Theorem 3.2, sum over j: a_1j > a_2j of loss_j (Eq. 14)",
     [](const PD& d) { return d.loss_bound_items; }},
    {"loss_bound_worst", "1",
     "two agents: Eq. 15, c_1(alpha, beta) sum over j: a_1j > a_2j of a_1j",
     [](const PD& d) { return d.loss_bound_worst; }},
    {"loss_bound_similar", "1",
     "two agents: ||a_1 - a_2||_1, the delta-similar bound loss <= delta (Sec. 3.1, from Eq. 14)",
     [](const PD& d) { return d.loss_bound_similar; }},
    {"loss_bound_symmetric", "1",
     "two agents: sum_j 1{min >= (1 - c_m) max} (max - min), Lemma E.1's integrand (Eq. 69)",
     [](const PD& d) { return d.loss_bound_symmetric; }},
    {"gain_bound", "1",
     "two agents: Prop. 4.1, sum_j gain_j (Eq. 23) with the draw's Delta_1 <= gain",
     [](const PD& d) { return d.gain_bound; }},
    {"ratio_bound", "1",
     "two agents: Prop. 4.3, (beta_1 + alpha_2) / Delta_1 - 1 <= gain / loss (where loss > 0)",
     [](const PD& d) { return d.ratio_bound; }},
    {"dissimilarity", "1",
     "two agents: the draw's gamma = <a_1, a_2> / (||a_1||_1 ||a_2||_1) (Appendix D)",
     [](const PD& d) { return d.dissimilarity; }},
    {"loss_bound_dissimilar", "1",
     "two agents: Theorem D.1, sum_j of Eqs. 37-38 with the draw's gamma (a_ij in [0, 1] only)",
     [](const PD& d) { return d.loss_bound_dissimilar; }},
    {"probe_a1", "1", "two agents, item 1 if a_1j > a_2j: a_1j (Figures 1, 2 and 5)",
     [](const PD& d) { return d.probe_a1; }},
    {"probe_ratio", "1", "two agents, item 1: a_2j / a_1j (x axis of Figures 1 and 2)",
     [](const PD& d) { return d.probe_ratio; }},
    {"probe_loss", "1",
     "two agents, item 1: realised loss (x*_1j - x^theta_1j)(a_1j - a_2j) (Eq. 14)",
     [](const PD& d) { return d.probe_loss; }},
    {"probe_gain", "1",
     "two agents, item 1: realised gain (x*_1j - x^theta_1j)((1 + D) a_2j - (1 - D) a_1j), "
     "D = beta_1 + alpha_2 (Eq. 23)",
     [](const PD& d) { return d.probe_gain; }},
    {"bound_violated", "1",
     "1 if loss < 0, gain < 0 or any bound above that must hold on this draw fails (1e-7 relative)",
     [](const PD& d) { return d.bound_violated; }},
    {"slack_loss_bound", "1",
     "(loss_bound - loss) / (1 + sum u(x*)): Theorem 3.4 holds on the draw iff >= -1e-7",
     [](const PD& d) { return scaled_slack(d, d.loss_bound - d.loss); }},
    {"slack_loss_bound_items", "1",
     "two agents: (loss_bound_items - loss) / (1 + sum u(x*)), Theorem 3.2 (Eq. 14)",
     [](const PD& d) { return scaled_slack(d, d.loss_bound_items - d.loss); }},
    {"slack_loss_bound_worst", "1",
     "two agents: (loss_bound_worst - loss) / (1 + sum u(x*)), Eq. 15",
     [](const PD& d) { return scaled_slack(d, d.loss_bound_worst - d.loss); }},
    {"slack_loss_bound_similar", "1",
     "two agents: (||a_1 - a_2||_1 - loss) / (1 + sum u(x*)), delta-similar agents (Sec. 3.1)",
     [](const PD& d) { return scaled_slack(d, d.loss_bound_similar - d.loss); }},
    {"slack_loss_bound_symmetric", "1",
     "two agents: (loss_bound_symmetric - loss) / (1 + sum u(x*)), Lemma E.1's integrand",
     [](const PD& d) { return scaled_slack(d, d.loss_bound_symmetric - d.loss); }},
    {"slack_loss_bound_dissimilar", "1",
     "two agents: (loss_bound_dissimilar - loss) / (1 + sum u(x*)), Theorem D.1 (Eqs. 37-38)",
     [](const PD& d) { return scaled_slack(d, d.loss_bound_dissimilar - d.loss); }},
    {"slack_gain_bound", "1",
     "two agents: (gain - gain_bound) / (1 + sum u(x*)), Prop. 4.1 (Eq. 23)",
     [](const PD& d) { return scaled_slack(d, d.gain - d.gain_bound); }},
    {"slack_ratio_bound", "1",
     "two agents: (gain - ratio_bound loss) / (1 + sum u(x*)), Prop. 4.3 (where loss > 0)",
     [](const PD& d) { return scaled_slack(d, d.gain - d.ratio_bound * d.loss); }},
    {"probe_loss_rel", "1",
     "two agents, item 1: probe_loss / a_1j, at most c_1 (the peak of Figure 1, Eq. 14)",
     [](const PD& d) { return d.probe_loss / d.probe_a1; }},
    {"probe_gain_rel", "1",
     "two agents, item 1: probe_gain / a_1j, at most c~_1 = 2(beta_1 + alpha_2) (Figure 2, Eq. 24)",
     [](const PD& d) { return d.probe_gain / d.probe_a1; }},
};
static_assert(well_formed(kParticipatoryMetrics));

// One draw: x*, x^theta and everything kParticipatoryMetrics reads.
ParticipatoryDraw measure(const Instance& inst, const EvalOptions& opt);

// Fills `out` (one entry per kParticipatoryMetrics, pre-set to NaN) in the table's order.
void evaluate(const Instance& inst, const EvalOptions& opt, std::span<double> out);

}  // namespace fairmc::objective
