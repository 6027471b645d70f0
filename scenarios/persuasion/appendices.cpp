#include "scenarios/persuasion/appendices.hpp"

#include <glpk.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace fairmc::persuasion {
namespace {

// GLPK keeps one environment per thread; free it when the thread ends (as objective/ does).
void use_glpk_on_this_thread() {
  struct Environment {
    Environment() { glp_term_out(GLP_OFF); }
    ~Environment() { glp_free_env(); }
  };
  thread_local const Environment environment;
}

// A maximisation LP built row by row (1-based columns).
class Lp {
 public:
  Lp() : p_(glp_create_prob(), &glp_delete_prob) {
    use_glpk_on_this_thread();
    glp_set_obj_dir(p_.get(), GLP_MAX);
  }
  int col(double lo, double hi, double objective, bool free = false) {
    const int j = glp_add_cols(p_.get(), 1);
    if (free)
      glp_set_col_bnds(p_.get(), j, GLP_FR, 0.0, 0.0);
    else if (hi == HUGE_VAL)
      glp_set_col_bnds(p_.get(), j, GLP_LO, lo, 0.0);
    else
      glp_set_col_bnds(p_.get(), j, GLP_DB, lo, hi);
    glp_set_obj_coef(p_.get(), j, objective);
    return j;
  }
  // Σ coef·x >= lo (or == lo when `equal`).
  void row(const std::vector<std::pair<int, double>>& terms, double lo, bool equal = false) {
    const int i = glp_add_rows(p_.get(), 1);
    glp_set_row_bnds(p_.get(), i, equal ? GLP_FX : GLP_LO, lo, lo);
    std::vector<int> idx{0};
    std::vector<double> val{0.0};
    for (const auto& [j, c] : terms) {
      idx.push_back(j);
      val.push_back(c);
    }
    glp_set_mat_row(p_.get(), i, static_cast<int>(terms.size()), idx.data(), val.data());
  }
  double solve() {
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_ON;
    if (glp_simplex(p_.get(), &parm) != 0 || glp_get_status(p_.get()) != GLP_OPT)
      throw std::runtime_error("appendix LP not solved to optimality");
    return glp_get_obj_val(p_.get());
  }

 private:
  std::unique_ptr<glp_prob, decltype(&glp_delete_prob)> p_;
};

// Simplex columns p_1..p_n (Σ p = 1).
std::vector<int> lottery(Lp& lp, int n) {
  std::vector<int> p;
  std::vector<std::pair<int, double>> sum;
  for (int i = 0; i < n; ++i) {
    p.push_back(lp.col(0.0, 1.0, 0.0));
    sum.emplace_back(p.back(), 1.0);
  }
  lp.row(sum, 1.0, true);
  return p;
}

// Rows "Q_j(u) >= target·t" for utilities u_a = coef_a · p_{group_a}: Q_j(u) = max_M jM - Σ(M-u)^+.
void prefix_at_least(Lp& lp, const std::vector<std::pair<int, double>>& u, int j, int t,
                     double target) {
  const int M = lp.col(0.0, 0.0, 0.0, true);
  std::vector<std::pair<int, double>> row{{M, static_cast<double>(j)}, {t, -target}};
  for (const auto& [col, coef] : u) {
    const int s = lp.col(0.0, HUGE_VAL, 0.0);  // s >= M - u
    lp.row({{s, 1.0}, {M, -1.0}, {col, coef}}, 0.0);
    row.emplace_back(s, -1.0);
  }
  lp.row(row, 0.0);
}

}  // namespace

double appendix_b_best_beta(int n, double M) {
  Lp lp;
  const std::vector<int> p = lottery(lp, n);
  const int t = lp.col(0.0, HUGE_VAL, 1.0);
  for (int j = 1; j <= n; ++j) {
    std::vector<std::pair<int, double>> row{{t, -1.0}};
    for (int i = 1; i <= j; ++i) {
      // Terms below 1e-15 of the leading p_j are dropped: GLPK's scaling fails on 1e-100s.
      const double c = std::pow(M, i - j) * (j - i + 1);
      if (c >= 1e-15) row.emplace_back(p[static_cast<std::size_t>(i - 1)], c);
    }
    lp.row(row, 0.0);
  }
  return 1.0 / lp.solve();
}

double appendix_c_best_alpha(int n) {
  // Utilities scaled by 1/N (the ratio is scale free): low_i = n^(2i)/N, high_i = 1 - low_i.
  const double N = std::pow(n, 2 * n + 2);
  std::vector<double> low(static_cast<std::size_t>(n));
  for (int i = 1; i <= n; ++i) low[static_cast<std::size_t>(i - 1)] = std::pow(n, 2 * i) / N;
  const auto utilities = [&](const std::vector<int>& p, double scale) {
    std::vector<std::pair<int, double>> u;
    for (std::size_t i = 0; i < p.size(); ++i) {
      u.emplace_back(p[i], low[i] * scale);
      u.emplace_back(p[i], (1.0 - low[i]) * scale);
    }
    return u;
  };
  std::vector<double> best;  // Q_j*
  for (int j = 1; j <= 2 * n; ++j) {
    Lp lp;
    const std::vector<int> p = lottery(lp, n);
    const int t = lp.col(0.0, HUGE_VAL, 1.0);
    prefix_at_least(lp, utilities(p, 1.0), j, t, 1.0);
    best.push_back(lp.solve());
  }
  Lp lp;
  const std::vector<int> p = lottery(lp, n);
  const int t = lp.col(0.0, HUGE_VAL, 1.0);
  for (int j = 1; j <= 2 * n; ++j)  // row j scaled by 1/Q_j*: Q_j(u)/Q_j* >= t
    prefix_at_least(lp, utilities(p, 1.0 / best[static_cast<std::size_t>(j - 1)]), j, t, 1.0);
  return 1.0 / lp.solve();
}

}  // namespace fairmc::persuasion
