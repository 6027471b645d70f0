#include "scenarios/objective/metrics.hpp"

#include "scenarios/objective/fehr_schmidt.hpp"
#include "scenarios/objective/multi_agent_bounds.hpp"
#include "scenarios/objective/participatory_lp.hpp"
#include "scenarios/objective/population.hpp"
#include "scenarios/objective/two_agent.hpp"
#include "scenarios/objective/utilitarian.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fairmc::objective {
namespace {

// The two-agent bounds of Sections 3.1 and 4.1 and Appendices D–E; returns true if one fails.
bool two_agent_metrics(const Instance& inst, const Eigen::MatrixXd& xstar,
                       const Eigen::MatrixXd& xtheta, const EvalOptions& opt, double tol,
                       ParticipatoryDraw& out) {
  const Eigen::MatrixXd& a = inst.a;
  const Aversion& av = inst.aversion;
  const TwoAgentSolution cf = two_agent_allocation(a, av);
  const int h = cf.better, l = 1 - h;
  const double d = av.beta[static_cast<std::size_t>(h)] + av.alpha[static_cast<std::size_t>(l)];
  const double r = two_agent_r(av, h);
  const double c_m = std::max(two_agent_c(av, 0), two_agent_c(av, 1));
  const double loss = out.loss, gain = out.gain;
  out.delta = cf.delta;
  out.closed_form_gap = std::abs(
      out.v_theta - (utilities(a, cf.x).sum() - inequality_penalty(utilities(a, cf.x), av)));

  double items = 0, worst = 0, symmetric = 0, gain_lb = 0;
  for (Eigen::Index j = 0; j < a.cols(); ++j) {
    const double ah = a(h, j), al = a(l, j);
    items += item_loss_bound(ah, al, r);              // Eq. (14)
    if (ah > al) worst += ah;                         // Eq. (15)
    gain_lb += item_gain_bound(ah, al, d, cf.delta);  // Eq. (23)
    const double hi = std::max(ah, al), lo = std::min(ah, al);
    if (lo >= (1.0 - c_m) * hi) symmetric += hi - lo;  // Lemma E.1's integrand
  }
  out.loss_bound_items = items;
  out.loss_bound_worst = two_agent_c(av, h) * worst;
  out.loss_bound_similar = (a.row(0) - a.row(1)).cwiseAbs().sum();  // δ-similar: loss <= δ
  out.loss_bound_symmetric = symmetric;
  out.gain_bound = gain_lb;
  bool violated = loss > items + tol || loss > out.loss_bound_worst + tol ||
                  loss > out.loss_bound_similar + tol || loss > symmetric + tol ||
                  gain < gain_lb - tol;
  if (loss > tol && cf.delta > 0) {  // Prop. 4.3: gain/loss >= D/Δ − 1
    out.ratio_bound = d / cf.delta - 1.0;
    violated |= gain < out.ratio_bound * loss - tol;
  }
  const double gamma = dissimilarity(a.row(h).transpose(), a.row(l).transpose());
  out.dissimilarity = gamma;
  if (a.maxCoeff() <= 1.0) {  // Theorem D.1 assumes coefficients in [0, 1]
    const double norm1 = a.row(h).sum();
    double bound = 0;
    for (Eigen::Index j = 0; j < a.cols(); ++j)
      bound += dissimilar_item_bound(a(h, j), norm1, gamma, opt.tau, r);
    out.loss_bound_dissimilar = bound;
    violated |= loss > bound + tol;
  }
  if (a(h, 0) > a(l, 0)) {  // probe item 0 for Figures 1, 2 and 5
    const double moved = xstar(h, 0) - xtheta(h, 0);
    out.probe_a1 = a(h, 0);
    out.probe_ratio = a(l, 0) / a(h, 0);
    out.probe_loss = moved * (a(h, 0) - a(l, 0));
    out.probe_gain = moved * ((1.0 + d) * a(l, 0) - (1.0 - d) * a(h, 0));
  }
  return violated;
}

}  // namespace

ParticipatoryDraw measure(const Instance& inst, const EvalOptions& opt) {
  ParticipatoryDraw out;
  const Eigen::MatrixXd xstar = utilitarian_allocation(inst.a, inst.winners);
  Eigen::MatrixXd xtheta;
  if (opt.solver == Solver::closed_form) {
    xtheta = two_agent_allocation(inst.a, inst.aversion).x;
  } else {
    const LpSolution lp = opt.solver == Solver::pairwise ? solve_participatory_pairwise(inst)
                                                         : solve_participatory(inst);
    if (!lp.ok) return out;  // all metrics NaN: GLPK failed on this draw
    xtheta = lp.x;
    out.lp_cuts = lp.cuts;
    out.lp_columns = lp.columns;
  }
  const Aversion& av = inst.aversion;
  const Eigen::VectorXd us = utilities(inst.a, xstar), ut = utilities(inst.a, xtheta);
  out.sw_star = us.sum();
  out.sw_theta = ut.sum();
  out.v_star = us.sum() - inequality_penalty(us, av);
  out.v_theta = ut.sum() - inequality_penalty(ut, av);
  const double loss = out.sw_star - out.sw_theta, gain = out.v_theta - out.v_star;
  const double tol = 1e-7 * (1.0 + std::abs(out.sw_star));
  out.loss = loss;
  out.gain = gain;
  out.tol = tol;  // gain_to_loss, pof_bertsimas and pof_caragiannis derive in the table

  double it = 0.0;
  bool infinite = false;
  for (Eigen::Index i = 0; i < us.size(); ++i) {
    if (ut[i] > 0)
      it = std::max(it, us[i] / ut[i]);
    else if (us[i] > 0)
      infinite = true;
  }
  out.tradeoff_infinite = infinite ? 1.0 : 0.0;
  if (!infinite) out.individual_tradeoff = it;

  bool violated = loss < -tol || gain < -tol;  // x* maximises Σu, x^θ maximises Σv
  if (inst.a.cols() > 0) {
    out.loss_bound = multi_agent_loss_bound(inst.a, av, inst.winners);  // Theorem 3.4
    violated |= loss > out.loss_bound + tol;
  }
  const TradeoffBound itb = individual_tradeoff_bound(us, ut, av);  // Prop. 5.2
  if (itb.applies && !infinite) {
    out.it_bound = itb.bound;
    violated |= it > itb.bound * (1.0 + 1e-7);
  }
  if (inst.agents() == 2 && inst.winners == 1)
    violated |= two_agent_metrics(inst, xstar, xtheta, opt, tol, out);
  out.bound_violated = violated ? 1.0 : 0.0;
  return out;
}

void evaluate(const Instance& inst, const EvalOptions& opt, std::span<double> out) {
  write_values(kParticipatoryMetrics, measure(inst, opt), out);
}

}  // namespace fairmc::objective
