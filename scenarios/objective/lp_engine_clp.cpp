// LpModel on COIN-OR Clp (lp_engine: clp). Rows and columns are buffered and handed to Clp in one
// call each before a solve (Clp copies its arrays on every addition); the cutting-plane loop
// assigns their indices at once, as GLPK does.
#include "scenarios/objective/lp_engine.hpp"

#include <ClpSimplex.hpp>
#include <CoinHelperFunctions.hpp>

#include <cmath>
#include <vector>

namespace fairmc::objective {
namespace {

ClpSimplex::Status clp_status(LpModel::Status s, double lower, double upper) {
  if (s == LpModel::Status::basic) return ClpSimplex::basic;
  if (lower == upper) return ClpSimplex::isFixed;
  if (!std::isfinite(lower) && !std::isfinite(upper)) return ClpSimplex::isFree;
  if (s == LpModel::Status::at_upper ? std::isfinite(upper) : !std::isfinite(lower))
    return ClpSimplex::atUpperBound;
  return ClpSimplex::atLowerBound;
}

double clp_bound(double v) {
  return std::isfinite(v) ? v : (v > 0 ? COIN_DBL_MAX : -COIN_DBL_MAX);
}

// Entries pending for Clp, in its column- or row-major input format.
struct Pending {
  std::vector<double> lower, upper, objective;
  std::vector<CoinBigIndex> starts{0};
  std::vector<int> index;
  std::vector<double> value;
  std::vector<ClpSimplex::Status> status;
  int size() const { return static_cast<int>(lower.size()); }
  void add(double lo, double up, double obj, std::span<const int> idx, std::span<const double> v,
           ClpSimplex::Status st) {
    lower.push_back(clp_bound(lo));
    upper.push_back(clp_bound(up));
    objective.push_back(obj);
    index.insert(index.end(), idx.begin(), idx.end());
    value.insert(value.end(), v.begin(), v.end());
    starts.push_back(static_cast<CoinBigIndex>(index.size()));
    status.push_back(st);
  }
  void clear() {
    lower.clear();
    upper.clear();
    objective.clear();
    starts.assign(1, 0);
    index.clear();
    value.clear();
    status.clear();
  }
};

class ClpModel final : public LpModel {
 public:
  ClpModel() {
    model_.setLogLevel(0);
    model_.setOptimizationDirection(-1.0);  // maximise
    // See participatory_lp.cpp: cut violations are tested at 1e-10 relative.
    model_.setPrimalTolerance(1e-10);
  }

  int add_column(double lower, double upper, double objective, std::span<const int> rows,
                 std::span<const double> values, Status status) override {
    for (const int r : rows)
      if (r >= model_.numberRows()) flush();  // a column on a pending row
    cols_.add(lower, upper, objective, rows, values, clp_status(status, lower, upper));
    return model_.numberColumns() + cols_.size() - 1;
  }
  int add_row(double lower, double upper, std::span<const int> columns,
              std::span<const double> values, Status status) override {
    rows_.add(lower, upper, 0.0, columns, values, clp_status(status, lower, upper));
    return model_.numberRows() + rows_.size() - 1;
  }
  void delete_rows(std::span<const int> rows) override {
    flush();
    if (!rows.empty()) model_.deleteRows(static_cast<int>(rows.size()), rows.data());
  }
  int rows() const override { return model_.numberRows() + rows_.size(); }
  bool solve(Method method) override {
    flush();
    if ((method == Method::dual ? model_.dual(0) : model_.primal(0)) == 0 && model_.status() == 0)
      return true;
    model_.allSlackBasis(true);
    return model_.primal(0) == 0 && model_.status() == 0;
  }
  double column_value(int column) const override { return model_.primalColumnSolution()[column]; }
  double row_dual(int row) const override { return model_.dualRowSolution()[row]; }
  bool row_basic(int row) const override {
    return const_cast<ClpSimplex&>(model_).getRowStatus(row) == ClpSimplex::basic;
  }

 private:
  void flush() {
    if (cols_.size() > 0) {
      const int first = model_.numberColumns();
      model_.addColumns(cols_.size(), cols_.lower.data(), cols_.upper.data(),
                        cols_.objective.data(), cols_.starts.data(), cols_.index.data(),
                        cols_.value.data());
      ensure_status();
      for (int k = 0; k < cols_.size(); ++k)
        model_.setColumnStatus(first + k, cols_.status[static_cast<std::size_t>(k)]);
      cols_.clear();
    }
    if (rows_.size() > 0) {
      const int first = model_.numberRows();
      model_.addRows(rows_.size(), rows_.lower.data(), rows_.upper.data(), rows_.starts.data(),
                     rows_.index.data(), rows_.value.data());
      ensure_status();
      for (int k = 0; k < rows_.size(); ++k)
        model_.setRowStatus(first + k, rows_.status[static_cast<std::size_t>(k)]);
      rows_.clear();
    }
  }
  void ensure_status() {
    if (model_.statusArray() == nullptr) model_.createStatus();
  }
  ClpSimplex model_;
  Pending cols_, rows_;
};

}  // namespace

std::unique_ptr<LpModel> make_clp_model() {
  return std::make_unique<ClpModel>();
}

}  // namespace fairmc::objective
