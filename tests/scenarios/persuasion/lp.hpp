// A minimal GLPK wrapper for the persuasion tests (each Lp owns its own glp_prob, so separate
// instances never share state).
#pragma once

#include <glpk.h>

#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace fairmc::persuasion::test {

class Lp {
 public:
  explicit Lp(bool maximize) : p_(glp_create_prob(), &glp_delete_prob) {
    glp_term_out(GLP_OFF);
    glp_set_obj_dir(p_.get(), maximize ? GLP_MAX : GLP_MIN);
  }
  // Returns the 1-based column index.
  int col(double lo, double hi, double objective, bool free = false) {
    const int j = glp_add_cols(p_.get(), 1);
    if (free)
      glp_set_col_bnds(p_.get(), j, GLP_FR, 0.0, 0.0);
    else if (hi >= 1e300)
      glp_set_col_bnds(p_.get(), j, GLP_LO, lo, 0.0);
    else if (lo == hi)
      glp_set_col_bnds(p_.get(), j, GLP_FX, lo, hi);
    else
      glp_set_col_bnds(p_.get(), j, GLP_DB, lo, hi);
    glp_set_obj_coef(p_.get(), j, objective);
    return j;
  }
  // Σ coef·x in [lo, hi]; pass ±1e301 for an open side.
  void row(const std::vector<std::pair<int, double>>& terms, double lo, double hi) {
    const int i = glp_add_rows(p_.get(), 1);
    const bool has_lo = lo > -1e300, has_hi = hi < 1e300;
    const int type = has_lo && has_hi ? (lo == hi ? GLP_FX : GLP_DB) : has_lo ? GLP_LO : GLP_UP;
    glp_set_row_bnds(p_.get(), i, type, has_lo ? lo : 0.0, has_hi ? hi : 0.0);
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
      throw std::runtime_error("LP not solved to optimality");
    return glp_get_obj_val(p_.get());
  }
  double value(int j) const { return glp_get_col_prim(p_.get(), j); }

 private:
  std::unique_ptr<glp_prob, decltype(&glp_delete_prob)> p_;
};

constexpr double kInf = 1e301;

// Rows x(A) <= f(A) for every nonempty A (n <= 6).
inline void add_polymatroid_rows(Lp& lp, const std::vector<int>& cols, const std::vector<double>& f,
                                 bool base) {
  const std::size_t n = cols.size();
  for (std::size_t mask = 1; mask < (std::size_t{1} << n); ++mask) {
    std::vector<std::pair<int, double>> terms;
    for (std::size_t i = 0; i < n; ++i)
      if (mask >> i & 1U) terms.emplace_back(cols[i], 1.0);
    const bool all = mask == (std::size_t{1} << n) - 1;
    lp.row(terms, base && all ? f[mask] : -kInf, f[mask]);
  }
}

// Goel–Meyerson LP of Section 3.2 over B(G): max Σ U'_i - (n-k) M, U'_i <= U_i, U'_i <= M.
inline double goel_meyerson(const std::vector<double>& G, int n, int k) {
  Lp lp(true);
  std::vector<int> u, up;
  for (int i = 0; i < n; ++i) u.push_back(lp.col(0.0, kInf, 0.0));
  for (int i = 0; i < n; ++i) up.push_back(lp.col(0.0, 0.0, 1.0, true));
  const int M = lp.col(0.0, 0.0, -(n - k), true);
  add_polymatroid_rows(lp, u, G, true);
  for (int i = 0; i < n; ++i) {
    lp.row({{up[static_cast<std::size_t>(i)], 1.0}, {u[static_cast<std::size_t>(i)], -1.0}}, -kInf,
           0.0);
    lp.row({{up[static_cast<std::size_t>(i)], 1.0}, {M, -1.0}}, -kInf, 0.0);
  }
  return lp.solve();
}

}  // namespace fairmc::persuasion::test
