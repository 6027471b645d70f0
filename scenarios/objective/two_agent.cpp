#include "scenarios/objective/two_agent.hpp"

#include "scenarios/objective/fehr_schmidt.hpp"
#include "scenarios/objective/utilitarian.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace fairmc::objective {

TwoAgentSolution two_agent_allocation(const Eigen::MatrixXd& a, const Aversion& av) {
  TwoAgentSolution s;
  s.x = utilitarian_allocation(a, 1);
  const Eigen::VectorXd u = utilities(a, s.x);
  const int h = u[0] >= u[1] ? 0 : 1, l = 1 - h;
  s.better = h;
  const double d = av.beta[static_cast<std::size_t>(h)] + av.alpha[static_cast<std::size_t>(l)];
  double gap = u[h] - u[l];
  std::vector<int> candidates;
  std::vector<double> rho(static_cast<std::size_t>(a.cols()), 0.0);
  for (Eigen::Index j = 0; j < a.cols(); ++j) {
    const double total = a(h, j) + a(l, j);
    if (s.x(h, j) == 0.0 || total <= 0.0) continue;
    rho[static_cast<std::size_t>(j)] = (a(h, j) - a(l, j)) / total;
    if (rho[static_cast<std::size_t>(j)] < d) candidates.push_back(static_cast<int>(j));
  }
  std::stable_sort(candidates.begin(), candidates.end(), [&](int x, int y) {
    return rho[static_cast<std::size_t>(x)] < rho[static_cast<std::size_t>(y)];
  });
  s.delta = d;
  if (gap <= 0.0) {
    s.delta = 0.0;
    s.equalized = true;
    return s;
  }
  for (const int j : candidates) {
    const double shrink = a(h, j) + a(l, j);  // a full transfer narrows the gap by this much
    const double f = std::min(1.0, gap / shrink);
    s.x(h, j) = 1.0 - f;
    s.x(l, j) = f;
    gap -= f * shrink;
    if (f < 1.0 || gap <= 0.0) {
      s.delta = rho[static_cast<std::size_t>(j)];
      s.equalized = true;
      break;
    }
  }
  return s;
}

double two_agent_r(const Aversion& av, int i) {
  const double d = two_agent_c_tilde(av, i) / 2.0;
  return (1.0 - d) / (1.0 + d);
}
double two_agent_c(const Aversion& av, int i) {
  return 1.0 - two_agent_r(av, i);
}
double two_agent_c_tilde(const Aversion& av, int i) {
  return 2.0 * (av.beta[static_cast<std::size_t>(i)] + av.alpha[static_cast<std::size_t>(1 - i)]);
}
double ratio_of_slack(double delta) {
  return (1.0 - delta) / (1.0 + delta);
}

double item_loss_bound(double a1, double a2, double r) {
  return (a1 > a2 && a2 >= r * a1) ? a1 - a2 : 0.0;
}

double item_gain_bound(double a1, double a2, double d, double delta) {
  // a_2j > r_1(Δ) a_1j  <=>  ρ_j = (a_1j − a_2j)/(a_1j + a_2j) < Δ; the margin keeps the split item
  // (ρ_j = Δ up to rounding) out, as Lemma 3.1 intends.
  if (!(a1 > a2) || !((a1 - a2) / (a1 + a2) < delta - 1e-12)) return 0.0;
  return (1.0 + d) * a2 - (1.0 - d) * a1;
}

double quadratic_item_loss_bound(double x, double a1, double r) {
  const double c = 1.0 - r;
  if (x < r * a1) return -x * (c / r) * (x / (r * a1) - 2.0);
  const double w = 1.0 - r * a1;
  return c * a1 / (w * w) * (1.0 - x) * (x + 1.0 - 2.0 * r * a1);
}

double dissimilar_item_bound(double a1, double norm1, double gamma, double tau, double r) {
  const double c = 1.0 - r, g = gamma * norm1;
  if (g > 1.0) return c * a1;  // Eq. (37)
  const double gt = std::pow(g, tau);
  if (g > a1) return c * (1.0 + 2.0 / r) * std::pow(g, 1.0 - tau);  // Eq. (38), first case
  if (a1 < g + gt) return 2.0 * c * gt;
  return 0.0;
}

double dissimilar_expected_bound(int m, double gamma, double r) {
  // Eq. (67) at τ = 2/3: per item c[(1 + 2/r)(γm)^{4/3} + 2(γm)^{4/3}] = c(3 + 2/r)(γm)^{4/3}.
  // Eq. (68) prints 2c(1 + 1/r) = c(2 + 2/r), which drops one c(γm)^{4/3} per item
  // (docs/scenarios/objective.md, "Corollary D.2").
  const double c = 1.0 - r;
  return m * c * (3.0 + 2.0 / r) * std::pow(gamma * m, 4.0 / 3.0);
}

double beta_expected_item_loss(double s, double c) {
  return s / ((s + 0.5) * (s + 1.0)) * (1.0 - (1.0 + c * s) * std::pow(1.0 - c, s));
}

double beta_item_loss_bound(double s, double c) {
  return s * s * s / ((s + 0.5) * (s + 1.0)) * c * c;
}

}  // namespace fairmc::objective
