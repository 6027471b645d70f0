#include "scenarios/objective/multi_agent_bounds.hpp"

#include "scenarios/objective/fehr_schmidt.hpp"
#include "scenarios/objective/participatory_lp.hpp"
#include "scenarios/objective/utilitarian.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace fairmc::objective {
namespace {

double c_from_beta(const Aversion& av, double beta_top) {
  const double n = static_cast<double>(av.alpha.size());
  const double alpha_m = *std::max_element(av.alpha.begin(), av.alpha.end());
  const double sa = std::accumulate(av.alpha.begin(), av.alpha.end(), 0.0);
  const double sb = std::accumulate(av.beta.begin(), av.beta.end(), 0.0);
  return (beta_top + alpha_m + (sa + sb) / (n - 1.0)) / (1.0 + alpha_m + sb / (n - 1.0));
}

}  // namespace

double c_bar(const Aversion& av, int i) {
  return c_from_beta(av, av.beta[static_cast<std::size_t>(i)]);
}

double c_item(const Aversion& av, const std::vector<int>& top) {
  double beta_top = 0.0;
  for (const int i : top) beta_top = std::max(beta_top, av.beta[static_cast<std::size_t>(i)]);
  return c_from_beta(av, beta_top);
}

double c_item_max(const Aversion& av) {
  return c_from_beta(av, *std::max_element(av.beta.begin(), av.beta.end()));
}

double multi_agent_loss_bound(const Eigen::MatrixXd& a, const Aversion& av, int winners) {
  double bound = 0.0;
  for (Eigen::Index j = 0; j < a.cols(); ++j) {
    const std::vector<int> top = top_agents(a, static_cast<int>(j), winners);
    double a_top = 0.0;
    for (const int i : top) a_top += a(i, j);
    bound += c_item(av, top) * a_top / winners;
  }
  return bound;
}

TradeoffBound individual_tradeoff_bound(const Eigen::VectorXd& u_star,
                                        const Eigen::VectorXd& u_theta, const Aversion& av) {
  TradeoffBound out;
  const Eigen::Index n = u_star.size();
  if (n == 0 || u_star.minCoeff() <= 0.0) return out;
  out.bound = u_star.maxCoeff() / u_star.minCoeff();
  const bool homogeneous =
      std::all_of(av.alpha.begin(), av.alpha.end(), [&](double v) { return v == av.alpha[0]; }) &&
      std::equal(av.alpha.begin(), av.alpha.end(), av.beta.begin());
  if (!homogeneous) return out;
  if (u_theta.minCoeff() <= 0.0) return out;  // IT is infinite (or 0/0): nothing to bound

  // x^θ is known to δ per utility only: the LP accepts cut violations and row residuals up to
  // kLpTolerance (1 + max_i |u_i|). Both decisions below are made on that resolution, so that
  // rounding noise of the LP solution (at a tie of all agents, the reference workload's end,
  // every term is 0 ± noise) cannot decide them.
  const double delta = kLpTolerance * (1.0 + u_theta.cwiseAbs().maxCoeff());
  // Agents that may attain IT (Eq. 28): u*_k/u_k is the largest ratio at some u within δ of
  // u(x^θ). Any agent of the argmax serves Lemma G.1, so the hypothesis is tested for each of them.
  double top_low = 0.0;  // the largest ratio with every u_k moved up by δ
  for (Eigen::Index k = 0; k < n; ++k)
    top_low = std::max(top_low, u_star[k] / (u_theta[k] + delta));
  // The hypothesis' margin α I(u) − Σ_{k∈J^α}(u_k − u_i) (Eqs. 134–137) moves by at most
  // 2n(1 + α)δ when every u_k moves by δ (I by 2nδ, each of the n − 1 terms of the sum by 2δ).
  const double alpha = av.alpha[0];
  const double slack = 2.0 * static_cast<double>(n) * (1.0 + alpha) * delta;
  const double ineq =
      (disadvantageous_inequality(u_theta) + advantageous_inequality(u_theta)).sum();
  double best = -std::numeric_limits<double>::infinity();
  for (Eigen::Index i = 0; i < n; ++i) {
    const double top_high = u_theta[i] > delta ? u_star[i] / (u_theta[i] - delta)
                                               : std::numeric_limits<double>::infinity();
    if (top_high < top_low) continue;  // not in the argmax of IT at any u within δ
    double above = 0.0;  // Σ_{k∈J^α}(u_k − u_i); continuous in u, J^α's boundary adds 0
    for (Eigen::Index k = 0; k < n; ++k) above += std::max(0.0, u_theta[k] - u_theta[i]);
    // The proof needs Σ_k v_k = Σ_k u_k − α I <= n u_i (Eq. 137 <= n u_i), i.e. α I >= above;
    // the statement prints I >= above, weaker for α < 1 and not what the proof shows.
    const double margin = alpha * ineq - above;
    if (margin > best) best = margin, out.agent = static_cast<int>(i);
  }
  out.applies = best >= -slack;
  return out;
}

}  // namespace fairmc::objective
