#include "scenarios/objective/utilitarian.hpp"

#include <algorithm>
#include <numeric>

namespace fairmc::objective {

std::vector<int> top_agents(const Eigen::MatrixXd& a, int item, int winners) {
  std::vector<int> order(static_cast<std::size_t>(a.rows()));
  std::iota(order.begin(), order.end(), 0);
  const auto k = static_cast<std::ptrdiff_t>(std::min<Eigen::Index>(winners, a.rows()));
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int x, int y) {
    return a(x, item) > a(y, item) || (a(x, item) == a(y, item) && x < y);
  });
  order.resize(static_cast<std::size_t>(k));
  return order;
}

Eigen::MatrixXd utilitarian_allocation(const Eigen::MatrixXd& a, int winners) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(a.rows(), a.cols());
  const double b = 1.0 / winners;
  for (Eigen::Index j = 0; j < a.cols(); ++j)
    for (const int i : top_agents(a, static_cast<int>(j), winners)) x(i, j) = b;
  return x;
}

}  // namespace fairmc::objective
