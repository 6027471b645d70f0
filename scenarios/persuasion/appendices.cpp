#include "scenarios/persuasion/appendices.hpp"

#include "scenarios/persuasion/lp.hpp"

#include <cmath>
#include <utility>
#include <vector>

namespace fairmc::persuasion {
namespace {

// Simplex columns p_1..p_n (Σ p = 1).
std::vector<int> lottery(Lp& lp, int n) {
  std::vector<int> p;
  std::vector<std::pair<int, double>> sum;
  for (int i = 0; i < n; ++i) {
    p.push_back(lp.col(0.0, 1.0, 0.0));
    sum.emplace_back(p.back(), 1.0);
  }
  lp.row(sum, 1.0, 1.0);
  return p;
}

// Rows "Q_j(u) >= target·t" for utilities u_a = coef_a · p_{group_a}: Q_j(u) = max_M jM - Σ(M-u)^+.
void prefix_at_least(Lp& lp, const std::vector<std::pair<int, double>>& u, int j, int t,
                     double target) {
  const int M = lp.col(0.0, 0.0, 0.0, true);
  std::vector<std::pair<int, double>> row{{M, static_cast<double>(j)}, {t, -target}};
  for (const auto& [col, coef] : u) {
    const int s = lp.col(0.0, Lp::kInf, 0.0);  // s >= M - u
    lp.row({{s, 1.0}, {M, -1.0}, {col, coef}}, 0.0, Lp::kInf);
    row.emplace_back(s, -1.0);
  }
  lp.row(row, 0.0, Lp::kInf);
}

// Appendix C's utilities scaled by 1/N (the ratios are scale free): agent pair i gets
// low_i = n^(2i)/N and 1 - low_i times p_i, each term multiplied by `scale`.
std::vector<std::pair<int, double>> appendix_c_utilities(const std::vector<int>& p, double scale) {
  const auto n = static_cast<int>(p.size());
  const double N = std::pow(n, 2 * n + 2);
  std::vector<std::pair<int, double>> u;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double low = std::pow(n, 2 * static_cast<int>(i + 1)) / N;
    u.emplace_back(p[i], low * scale);
    u.emplace_back(p[i], (1.0 - low) * scale);
  }
  return u;
}

}  // namespace

double appendix_b_best_beta(int n, double M) {
  Lp lp(true);
  const std::vector<int> p = lottery(lp, n);
  const int t = lp.col(0.0, Lp::kInf, 1.0);
  for (int j = 1; j <= n; ++j) {
    std::vector<std::pair<int, double>> row{{t, -1.0}};
    for (int i = 1; i <= j; ++i) {
      // Terms below 1e-15 of the leading p_j are dropped: GLPK's scaling fails on 1e-100s.
      const double c = std::pow(M, i - j) * (j - i + 1);
      if (c >= 1e-15) row.emplace_back(p[static_cast<std::size_t>(i - 1)], c);
    }
    lp.row(row, 0.0, Lp::kInf);
  }
  return 1.0 / lp.solve();
}

std::vector<double> appendix_c_best_prefixes(int n) {
  std::vector<double> best;
  for (int j = 1; j <= 2 * n; ++j) {
    Lp lp(true);
    const std::vector<int> p = lottery(lp, n);
    const int t = lp.col(0.0, Lp::kInf, 1.0);
    prefix_at_least(lp, appendix_c_utilities(p, 1.0), j, t, 1.0);
    best.push_back(lp.solve());
  }
  return best;
}

double appendix_c_best_alpha(int n) {
  const std::vector<double> best = appendix_c_best_prefixes(n);
  Lp lp(true);
  const std::vector<int> p = lottery(lp, n);
  const int t = lp.col(0.0, Lp::kInf, 1.0);
  for (int j = 1; j <= 2 * n; ++j)  // row j scaled by 1/Q_j*: Q_j(u)/Q_j* >= t
    prefix_at_least(lp, appendix_c_utilities(p, 1.0 / best[static_cast<std::size_t>(j - 1)]), j, t,
                    1.0);
  return 1.0 / lp.solve();
}

}  // namespace fairmc::persuasion
