#include "scenarios/objective/strategic_report.hpp"

#include "scenarios/objective/two_agent.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fairmc::objective {
namespace {

constexpr double kMinusInf = -std::numeric_limits<double>::infinity();
// One-sided probes of the jump points: close enough that the payoff there is within the tolerance
// of its supremum on that side, far enough (1e5 ulps) that the probe lands on the intended side of
// Lemma 3.1's strict comparisons after rounding.
constexpr double kSide = 1e-11;

// The multipliers ρ searched on item j: the log grid, the truthful report, both bands' edges, and
// each side of every point where the allocation or the payment can jump as a'_1j = b moves:
// b = r' c (payment; Lemma 3.1's ρ_j = −Δ when agent 2 is ahead), b = c (x*), b = c / r'
// (ρ_j = +Δ when agent 1 is ahead) for c = a'_2j and every searched r', the points where item j's
// ratio ρ_j crosses another item's (Lemma 3.1 moves items in order of ρ), and the b at which the
// reported utilities under x* tie (the better-off agent switches).
std::vector<double> rho_candidates(const StrategicSetting& s, int j, const StrategicGrid& g,
                                   const std::vector<double>& alphas) {
  std::vector<double> rho;
  const double a = s.a1[j], c = s.a2[j];
  const double span = std::log(g.rho_max / g.rho_min);
  for (int k = 0; k < g.rho_points; ++k)
    rho.push_back(g.rho_min * std::exp(span * k / std::max(1, g.rho_points - 1)));
  rho.back() = g.rho_max;  // exp(log(...)) may round past the end
  const ReportBand st = statement_band(s.alpha1, s.cap), pr = proof_band(s.alpha1, s.cap);
  for (const double v : {1.0, st.lo, st.hi, pr.lo, pr.hi}) rho.push_back(v);
  std::vector<double> jumps;
  if (c > 0.0) {
    jumps.push_back(c);
    for (const double al : alphas) {
      const double r = report_ratio(al + s.alpha2);
      jumps.push_back(r * c);
      if (r > 0.0) jumps.push_back(c / r);
    }
    for (Eigen::Index k = 0; k < s.a1.size(); ++k) {
      const double tot = s.a1[k] + s.a2[k];
      if (k == j || tot <= 0.0) continue;
      const double q = std::abs(s.a1[k] - s.a2[k]) / tot;
      if (q < 1.0) jumps.push_back(c * (1.0 + q) / (1.0 - q));
      jumps.push_back(c * (1.0 - q) / (1.0 + q));
    }
  }
  double rest1 = 0.0, rest2 = 0.0;  // reported utilities under x* without item j
  for (Eigen::Index k = 0; k < s.a1.size(); ++k) {
    if (k == j) continue;
    if (s.a1[k] >= s.a2[k])  // x* gives ties to agent 1 (utilitarian_allocation)
      rest1 += s.a1[k];
    else
      rest2 += s.a2[k];
  }
  if (rest2 - rest1 >= c) jumps.push_back(rest2 - rest1);
  // Only the sides: exactly at a jump Lemma 3.1 allows any split (ρ_j = ±Δ) and the payment test
  // and the allocation's test round differently, so the point itself is an artefact of rounding.
  for (const double b : jumps)
    for (const double side : {1.0 - kSide, 1.0 + kSide}) rho.push_back(b * side / a);
  std::erase_if(rho, [&](double v) { return !(v >= g.rho_min && v <= g.rho_max); });
  std::sort(rho.begin(), rho.end());
  rho.erase(std::unique(rho.begin(), rho.end()), rho.end());
  return rho;
}

}  // namespace

double report_ratio(double alpha_sum) {
  return (1.0 - alpha_sum) / (1.0 + alpha_sum);
}

double strategic_payment(const Eigen::VectorXd& report1, const Eigen::VectorXd& a2, double r) {
  double p = 0.0;
  for (Eigen::Index j = 0; j < a2.size(); ++j)
    if (report1[j] >= r * a2[j]) p += a2[j];
  return p;
}

double strategic_payoff(const StrategicSetting& s, const Eigen::VectorXd& report1,
                        double alpha1_report) {
  const Eigen::Index m = s.a1.size();
  Eigen::MatrixXd reports(2, m);
  reports.row(0) = report1.transpose();
  reports.row(1) = s.a2.transpose();
  // β = α (Appendix C), so the mechanism's Eq. (12) weight is D = α'_1 + α'_2 for either agent.
  const Aversion av{{alpha1_report, s.alpha2}, {alpha1_report, s.alpha2}};
  const Eigen::MatrixXd x = two_agent_allocation(reports, av).x;
  const double u1 = s.a1.dot(x.row(0).transpose()), u2 = s.a2.dot(x.row(1).transpose());
  const double r = report_ratio(alpha1_report + s.alpha2);
  return u1 - s.alpha1 * std::abs(u1 - u2) - strategic_payment(report1, s.a2, r);
}

double strategic_tolerance(const StrategicSetting& s) {
  return 1e-9 * (1.0 + s.a1.cwiseAbs().sum() + s.a2.cwiseAbs().sum());
}

std::vector<double> alpha_report_grid(const StrategicSetting& s, int points) {
  std::vector<double> g;
  for (int k = 0; k < points; ++k) g.push_back(points > 1 ? s.cap * k / (points - 1) : s.cap);
  g.push_back(s.alpha1);
  std::sort(g.begin(), g.end());
  g.erase(std::unique(g.begin(), g.end()), g.end());
  return g;
}

ReportBand statement_band(double alpha1, double cap) {
  const double r = report_ratio(alpha1 + cap);
  return {r * r, 1.0 / (r * r)};
}

ReportBand proof_band(double alpha1, double cap) {
  const double r = report_ratio(alpha1 + cap);
  return {r, 1.0 / r};
}

ItemResponse item_best_response(const StrategicSetting& s, int j, const StrategicGrid& g) {
  ItemResponse out;
  const std::vector<double> alphas = alpha_report_grid(s, g.alpha_points);
  out.rho = rho_candidates(s, j, g, alphas);
  out.value.assign(out.rho.size(), kMinusInf);
  out.alpha.assign(out.rho.size(), 0.0);
  Eigen::VectorXd report = s.a1;
  for (const double al : alphas)
    for (std::size_t k = 0; k < out.rho.size(); ++k) {
      report[j] = out.rho[k] * s.a1[j];
      const double v = strategic_payoff(s, report, al);
      if (v > out.value[k]) out.value[k] = v, out.alpha[k] = al;
    }
  out.truthful = strategic_payoff(s, s.a1, s.alpha1);
  const ReportBand st = statement_band(s.alpha1, s.cap), pr = proof_band(s.alpha1, s.cap);
  out.best = out.truthful;
  out.best_inside = out.best_inside_proof = out.truthful;  // ρ = 1 lies in both bands
  out.best_outside = out.best_outside_proof = kMinusInf;
  for (std::size_t k = 0; k < out.rho.size(); ++k) {
    const double v = out.value[k], rho = out.rho[k];
    out.best = std::max(out.best, v);
    double& st_side = st.contains(rho) ? out.best_inside : out.best_outside;
    st_side = std::max(st_side, v);
    double& pr_side = pr.contains(rho) ? out.best_inside_proof : out.best_outside_proof;
    pr_side = std::max(pr_side, v);
  }
  const double tol = strategic_tolerance(s);
  out.br_lo = std::numeric_limits<double>::infinity();
  out.br_hi = 0.0;
  double nearest = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < out.rho.size(); ++k) {
    if (out.value[k] < out.best - tol) continue;
    const double rho = out.rho[k];
    out.br_lo = std::min(out.br_lo, rho);
    out.br_hi = std::max(out.br_hi, rho);
    if (std::abs(std::log(rho)) < nearest) nearest = std::abs(std::log(rho)), out.br_nearest = rho;
    if (rho == 1.0) out.truthful_best = true;
  }
  if (out.truthful >= out.best - tol) {
    out.truthful_best = true;
    out.br_nearest = 1.0;
    out.br_lo = std::min(out.br_lo, 1.0);
    out.br_hi = std::max(out.br_hi, 1.0);
  }
  return out;
}

StrategicSummary strategic_best_responses(const StrategicSetting& s, const StrategicGrid& g,
                                          std::vector<ItemResponse>* per_item) {
  StrategicSummary sum;
  sum.tolerance = strategic_tolerance(s);
  sum.truthful = sum.best = strategic_payoff(s, s.a1, s.alpha1);
  sum.best_alpha = s.alpha1;
  sum.gain_outside = sum.gain_outside_proof = kMinusInf;
  double inside_all = sum.truthful, outside_all = kMinusInf;
  if (per_item) per_item->clear();
  for (Eigen::Index j = 0; j < s.a1.size(); ++j) {
    if (!(s.a1[j] > 0.0)) continue;  // ρ a_1j = 0 for every ρ: nothing to search
    ItemResponse r = item_best_response(s, static_cast<int>(j), g);
    ++sum.items;
    const double gain = r.best_outside - r.best_inside;
    const double gain_proof = r.best_outside_proof - r.best_inside_proof;
    sum.gain_outside = std::max(sum.gain_outside, gain);
    sum.gain_outside_proof = std::max(sum.gain_outside_proof, gain_proof);
    inside_all = std::max(inside_all, r.best_inside);
    outside_all = std::max(outside_all, r.best_outside);
    if (gain > sum.tolerance) ++sum.violating_items;
    if (gain_proof > sum.tolerance) ++sum.violating_items_proof;
    sum.deviation_max = std::max(sum.deviation_max, std::max(r.br_nearest, 1.0 / r.br_nearest));
    for (std::size_t k = 0; k < r.rho.size(); ++k)
      if (r.value[k] > sum.best + sum.tolerance) sum.best = r.value[k], sum.best_alpha = r.alpha[k];
    if (per_item) per_item->push_back(std::move(r));
  }
  sum.gain_outside_global = outside_all - inside_all;
  return sum;
}

JointResponse joint_best_response(const StrategicSetting& s, const StrategicGrid& g) {
  const Eigen::Index m = s.a1.size();
  const std::vector<double> alphas = alpha_report_grid(s, g.alpha_points);
  std::vector<std::vector<double>> rho(static_cast<std::size_t>(m));
  for (Eigen::Index j = 0; j < m; ++j)
    rho[static_cast<std::size_t>(j)] =
        s.a1[j] > 0.0 ? rho_candidates(s, static_cast<int>(j), g, alphas) : std::vector{1.0};
  const ReportBand st = statement_band(s.alpha1, s.cap), pr = proof_band(s.alpha1, s.cap);
  JointResponse out;
  out.best_inside = out.best_inside_proof = strategic_payoff(s, s.a1, s.alpha1);
  out.best_outside = out.best_outside_proof = kMinusInf;
  std::vector<std::size_t> at(static_cast<std::size_t>(m), 0);  // odometer over the product grid
  Eigen::VectorXd report(m);
  while (true) {
    bool in_st = true, in_pr = true;
    for (Eigen::Index j = 0; j < m; ++j) {
      const auto u = static_cast<std::size_t>(j);
      const double q = rho[u][at[u]];
      report[j] = q * s.a1[j];
      in_st = in_st && (s.a1[j] <= 0.0 || st.contains(q));
      in_pr = in_pr && (s.a1[j] <= 0.0 || pr.contains(q));
    }
    double v = kMinusInf;
    for (const double al : alphas) v = std::max(v, strategic_payoff(s, report, al));
    double& st_side = in_st ? out.best_inside : out.best_outside;
    st_side = std::max(st_side, v);
    double& pr_side = in_pr ? out.best_inside_proof : out.best_outside_proof;
    pr_side = std::max(pr_side, v);
    std::size_t j = 0;
    while (j < at.size() && ++at[j] == rho[j].size()) at[j++] = 0;
    if (j == at.size()) break;
  }
  return out;
}

}  // namespace fairmc::objective
