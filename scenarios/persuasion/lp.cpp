#include "scenarios/persuasion/lp.hpp"

#include <glpk.h>

#include <stdexcept>

namespace fairmc::persuasion {

void use_glpk_on_this_thread() {
  struct Environment {
    Environment() { glp_term_out(GLP_OFF); }
    ~Environment() { glp_free_env(); }
  };
  thread_local const Environment environment;
}

Lp::Lp(bool maximize) : p_(glp_create_prob(), [](glp_prob* p) { glp_delete_prob(p); }) {
  use_glpk_on_this_thread();
  glp_set_obj_dir(p_.get(), maximize ? GLP_MAX : GLP_MIN);
}

int Lp::col(double lo, double hi, double objective, bool free) {
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

void Lp::row(const std::vector<std::pair<int, double>>& terms, double lo, double hi) {
  const int i = glp_add_rows(p_.get(), 1);
  const bool has_lo = lo > -1e300, has_hi = hi < 1e300;
  const int type = has_lo && has_hi ? (lo == hi ? GLP_FX : GLP_DB) : has_lo ? GLP_LO : GLP_UP;
  glp_set_row_bnds(p_.get(), i, type, has_lo ? lo : 0.0, has_hi ? hi : 0.0);
  std::vector<int> idx{0};  // GLPK's arrays are 1-based
  std::vector<double> val{0.0};
  for (const auto& [j, c] : terms) {
    idx.push_back(j);
    val.push_back(c);
  }
  glp_set_mat_row(p_.get(), i, static_cast<int>(terms.size()), idx.data(), val.data());
}

double Lp::solve() {
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  if (glp_simplex(p_.get(), &parm) != 0 || glp_get_status(p_.get()) != GLP_OPT)
    throw std::runtime_error("LP not solved to optimality");
  return glp_get_obj_val(p_.get());
}

double Lp::value(int j) const {
  return glp_get_col_prim(p_.get(), j);
}

}  // namespace fairmc::persuasion
