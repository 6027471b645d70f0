#include "scenarios/objective/multi_agent_bounds.hpp"

#include "scenarios/objective/fehr_schmidt.hpp"
#include "scenarios/objective/utilitarian.hpp"

#include <algorithm>
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
  Eigen::Index worst = -1;
  double ratio = -1.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (u_theta[i] <= 0.0) continue;
    const double q = u_star[i] / u_theta[i];
    if (q > ratio) ratio = q, worst = i;
  }
  const double lo = u_star.minCoeff();
  if (worst < 0 || lo <= 0.0) return out;
  const Eigen::VectorXd ineq =
      disadvantageous_inequality(u_theta) + advantageous_inequality(u_theta);
  double above = 0.0;
  for (Eigen::Index k = 0; k < n; ++k)
    if (u_theta[k] >= u_theta[worst]) above += u_theta[k] - u_theta[worst];
  const bool homogeneous =
      std::all_of(av.alpha.begin(), av.alpha.end(), [&](double v) { return v == av.alpha[0]; }) &&
      std::equal(av.alpha.begin(), av.alpha.end(), av.beta.begin());
  // The proof (Lemma G.1, Eqs. 133–137) needs Σ_i v_i = Σ_i u_i − α I <= n u_i, i.e. α I >= above;
  // the statement prints I >= above, which is weaker for α < 1 and not what the proof shows.
  out.applies = homogeneous && av.alpha[0] * ineq.sum() >= above;
  out.bound = u_star.maxCoeff() / lo;
  return out;
}

}  // namespace fairmc::objective
