// LpModel on GLPK (lp_engine: glpk): the cutting-plane loop's original engine, kept as a
// cross-check of Clp's.
#include "scenarios/objective/lp_engine.hpp"

#include <glpk.h>

#include <cmath>
#include <vector>

namespace fairmc::objective {
namespace {

// GLPK 5 keeps one environment per thread and frees it only on request; a worker thread that
// solved an LP frees its own when it ends (the engine's threads come and go with TBB's pool).
void use_glpk_on_this_thread() {
  struct Environment {
    Environment() { glp_term_out(GLP_OFF); }
    ~Environment() { glp_free_env(); }
  };
  thread_local const Environment environment;
}

int bound_type(double lower, double upper) {
  const bool lo = std::isfinite(lower), up = std::isfinite(upper);
  if (lo && up) return lower == upper ? GLP_FX : GLP_DB;
  return lo ? GLP_LO : up ? GLP_UP : GLP_FR;
}

int glpk_status(LpModel::Status s, int type) {
  if (s == LpModel::Status::basic) return GLP_BS;
  if (type == GLP_FX) return GLP_NS;
  if (type == GLP_FR) return GLP_NF;
  if (type == GLP_UP) return GLP_NU;
  if (type == GLP_LO) return GLP_NL;
  return s == LpModel::Status::at_upper ? GLP_NU : GLP_NL;
}

glp_smcp simplex_params(int method) {
  glp_smcp p;
  glp_init_smcp(&p);
  p.msg_lev = GLP_MSG_OFF;
  p.meth = method;
  // Rows within GLPK's default 1e-7 of their bound let a cut's violation hide below the cut
  // tolerance; with 1e-10 the cutting-plane optimum matches the pairwise LP to ~1e-12 instead of
  // ~1e-6 (n = m = 50, α = 0.02: up to 7.7e-7 below it), for ~2% more work.
  p.tol_bnd = 1e-10;
  return p;
}

class GlpkModel final : public LpModel {
 public:
  GlpkModel() : lp_(glp_create_prob()) {
    use_glpk_on_this_thread();
    glp_set_obj_dir(lp_, GLP_MAX);
  }
  ~GlpkModel() override { glp_delete_prob(lp_); }
  GlpkModel(const GlpkModel&) = delete;
  GlpkModel& operator=(const GlpkModel&) = delete;

  int add_column(double lower, double upper, double objective, std::span<const int> rows,
                 std::span<const double> values, Status status) override {
    const int c = glp_add_cols(lp_, 1);
    const int type = bound_type(lower, upper);
    glp_set_col_bnds(lp_, c, type, lower, upper);
    glp_set_obj_coef(lp_, c, objective);
    if (!rows.empty()) {
      fill(rows, values);
      glp_set_mat_col(lp_, c, static_cast<int>(rows.size()), ind_.data(), val_.data());
    }
    glp_set_col_stat(lp_, c, glpk_status(status, type));
    return c - 1;
  }
  int add_row(double lower, double upper, std::span<const int> columns,
              std::span<const double> values, Status status) override {
    const int r = glp_add_rows(lp_, 1);
    const int type = bound_type(lower, upper);
    glp_set_row_bnds(lp_, r, type, lower, upper);
    if (!columns.empty()) {
      fill(columns, values);
      glp_set_mat_row(lp_, r, static_cast<int>(columns.size()), ind_.data(), val_.data());
    }
    glp_set_row_stat(lp_, r, glpk_status(status, type));
    return r - 1;
  }
  void delete_rows(std::span<const int> rows) override {
    if (rows.empty()) return;
    ind_.assign(1, 0);
    for (const int r : rows) ind_.push_back(r + 1);
    glp_del_rows(lp_, static_cast<int>(rows.size()), ind_.data());
  }
  int rows() const override { return glp_get_num_rows(lp_); }
  bool solve(Method method) override {
    glp_smcp p = simplex_params(method == Method::dual ? GLP_DUALP : GLP_PRIMAL);
    if (glp_simplex(lp_, &p) == 0 && glp_get_status(lp_) == GLP_OPT) return true;
    glp_adv_basis(lp_, 0);
    p = simplex_params(GLP_PRIMAL);
    return glp_simplex(lp_, &p) == 0 && glp_get_status(lp_) == GLP_OPT;
  }
  double column_value(int column) const override { return glp_get_col_prim(lp_, column + 1); }
  double row_dual(int row) const override { return glp_get_row_dual(lp_, row + 1); }
  bool row_basic(int row) const override { return glp_get_row_stat(lp_, row + 1) == GLP_BS; }

 private:
  void fill(std::span<const int> idx, std::span<const double> values) {
    ind_.assign(1, 0);  // GLPK's arrays are 1-based
    val_.assign(1, 0.0);
    for (std::size_t k = 0; k < idx.size(); ++k) {
      ind_.push_back(idx[k] + 1);
      val_.push_back(values[k]);
    }
  }
  glp_prob* lp_;
  std::vector<int> ind_;
  std::vector<double> val_;
};

}  // namespace

std::unique_ptr<LpModel> make_glpk_model() {
  return std::make_unique<GlpkModel>();
}

}  // namespace fairmc::objective
