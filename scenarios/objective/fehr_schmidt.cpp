#include "scenarios/objective/fehr_schmidt.hpp"

#include <algorithm>
#include <numeric>

namespace fairmc::objective {

Eigen::VectorXd utilities(const Eigen::MatrixXd& a, const Eigen::MatrixXd& x) {
  return a.cwiseProduct(x).rowwise().sum();
}

Eigen::VectorXd disadvantageous_inequality(const Eigen::VectorXd& u) {
  const Eigen::Index n = u.size();
  Eigen::VectorXd out = Eigen::VectorXd::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < n; ++k)
      if (k != i && u[k] >= u[i]) out[i] += u[k] - u[i];
  return n > 1 ? Eigen::VectorXd(out / static_cast<double>(n - 1)) : out;
}

Eigen::VectorXd advantageous_inequality(const Eigen::VectorXd& u) {
  const Eigen::Index n = u.size();
  Eigen::VectorXd out = Eigen::VectorXd::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < n; ++k)
      if (u[k] < u[i]) out[i] += u[i] - u[k];
  return n > 1 ? Eigen::VectorXd(out / static_cast<double>(n - 1)) : out;
}

Eigen::VectorXd fehr_schmidt_values(const Eigen::VectorXd& u, const Aversion& av) {
  const Eigen::VectorXd plus = disadvantageous_inequality(u);
  const Eigen::VectorXd minus = advantageous_inequality(u);
  Eigen::VectorXd v = u;
  for (Eigen::Index i = 0; i < u.size(); ++i) {
    const auto k = static_cast<std::size_t>(i);
    v[i] -= av.alpha[k] * plus[i] + av.beta[k] * minus[i];
  }
  return v;
}

double inequality_penalty(const Eigen::VectorXd& u, const Aversion& av) {
  const Eigen::Index n = u.size();
  if (n < 2) return 0.0;
  double p = 0.0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = i + 1; k < n; ++k) {
      const auto si = static_cast<std::size_t>(i), sk = static_cast<std::size_t>(k);
      const double d = u[i] - u[k];
      p += d > 0 ? (av.beta[si] + av.alpha[sk]) * d : (av.beta[sk] + av.alpha[si]) * -d;
    }
  return p / static_cast<double>(n - 1);
}

std::vector<int> descending_order(const Eigen::VectorXd& u) {
  std::vector<int> order(static_cast<std::size_t>(u.size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return u[x] > u[y]; });
  return order;
}

Eigen::VectorXd ordering_gradient(const std::vector<int>& order, const Aversion& av) {
  const auto n = order.size();
  Eigen::VectorXd g = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
  if (n < 2) return g;
  const double sum_alpha = std::accumulate(av.alpha.begin(), av.alpha.end(), 0.0);
  double alpha_above = 0.0, beta_above = 0.0;
  for (std::size_t r = 0; r < n; ++r) {
    const auto i = static_cast<std::size_t>(order[r]);
    const double below = static_cast<double>(n - 1 - r), above = static_cast<double>(r);
    const double alpha_below = sum_alpha - alpha_above - av.alpha[i];
    g[order[r]] = (below * av.beta[i] + alpha_below - beta_above - above * av.alpha[i]) /
                  static_cast<double>(n - 1);
    alpha_above += av.alpha[i];
    beta_above += av.beta[i];
  }
  return g;
}

}  // namespace fairmc::objective
