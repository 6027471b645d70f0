// The few LP operations the cutting-plane solver of x^θ needs (participatory_lp.cpp), behind one
// interface so that the same loop runs on GLPK or on COIN-OR Clp (`lp_engine: glpk | clp`).
// Indices are 0-based; bounds may be ±infinity. The model maximises. Statuses are warm-start hints:
// the engines re-solve from the basis they describe (new rows basic = their slack basic).
#pragma once

#include <memory>
#include <span>
#include <string_view>

namespace fairmc::objective {

enum class LpEngine { glpk, clp };

// "glpk" or "clp".
std::string_view lp_engine_name(LpEngine e);

class LpModel {
 public:
  enum class Status { basic, at_lower, at_upper };
  enum class Method { primal, dual };

  virtual ~LpModel() = default;
  virtual int add_column(double lower, double upper, double objective, std::span<const int> rows,
                         std::span<const double> values, Status status) = 0;
  virtual int add_row(double lower, double upper, std::span<const int> columns,
                      std::span<const double> values, Status status) = 0;
  virtual void delete_rows(std::span<const int> rows) = 0;  // ascending
  virtual int rows() const = 0;
  // Re-solves from the current basis (falls back to a fresh start if the engine gives up); true
  // iff an optimum was found. Row tolerance: 1e-10 (see participatory_lp.cpp).
  virtual bool solve(Method method) = 0;
  virtual double column_value(int column) const = 0;
  // d(objective)/d(row bound): the reduced cost of a column is c_j − Σ_r dual_r A_rj.
  virtual double row_dual(int row) const = 0;
  virtual bool row_basic(int row) const = 0;
};

std::unique_ptr<LpModel> make_lp_model(LpEngine engine);

}  // namespace fairmc::objective
