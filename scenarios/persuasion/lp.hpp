// A small GLPK linear program built column by column and row by row, for the persuasion LPs
// (Appendices B and C, appendices.hpp) and the tests' reference LPs. Each Lp owns its glp_prob,
// so separate instances never share state.
#pragma once

#include <memory>
#include <utility>
#include <vector>

struct glp_prob;

namespace fairmc::persuasion {

// GLPK keeps one environment per thread: silence its terminal output and free the environment
// when the thread ends. Call before the first GLPK call on a thread (Lp does).
void use_glpk_on_this_thread();

class Lp {
 public:
  static constexpr double kInf = 1e301;  // an open side of a bound

  explicit Lp(bool maximize);
  // A new column with bounds [lo, hi] (hi >= 1e300: no upper bound; `free`: none at all) and
  // objective coefficient `objective`; returns its 1-based index.
  int col(double lo, double hi, double objective, bool free = false);
  // The row lo <= Σ coef·x_j <= hi over (j, coef) terms; ±kInf for an open side.
  void row(const std::vector<std::pair<int, double>>& terms, double lo, double hi);
  // The optimal objective (presolved primal simplex); throws std::runtime_error when GLPK does
  // not report an optimum.
  double solve();
  double value(int j) const;  // column j's value at the optimum

 private:
  std::unique_ptr<glp_prob, void (*)(glp_prob*)> p_;
};

}  // namespace fairmc::persuasion
