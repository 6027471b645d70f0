#include "scenarios/objective/population.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace fairmc::objective {

PopulationSpec PopulationSpec::parse(const Params& p) {
  PopulationSpec s;
  s.agents = static_cast<int>(p.integer("agents", 2, 2, 100'000));
  s.items = static_cast<int>(p.integer("items", 10, 1, 1'000'000));
  s.prior = Prior::parse(p.child("prior"));
  const std::string st =
      p.choice("structure", {"iid", "scaled_copy", "dissimilar", "two_point", "clustered"}, "iid");
  if (st == "scaled_copy") {
    s.structure = Structure::scaled_copy;
    s.ratio = p.number("ratio", 0.9, Range::unit());
  } else if (st == "dissimilar") {
    s.structure = Structure::dissimilar;
    if (s.agents != 2) p.fail("agents", "structure: dissimilar is defined for 2 agents");
    s.gamma = p.number("gamma", 0.01, Range::positive());
    s.w_lo = p.number("w_lo", 0.0, Range::unit());
  } else if (st == "two_point") {
    s.structure = Structure::two_point;
    s.low = p.number("low", 0.5, Range::unit());
  } else if (st == "clustered") {
    s.structure = Structure::clustered;
    s.clusters = static_cast<int>(p.integer("clusters", 2, 1, 100'000));
    s.radius = p.number("radius", 0.1, Range::nonnegative());
    if (s.clusters > s.items)
      p.fail("clusters", "needs at least one item per cluster (clusters <= items)");
  }
  s.normalize = p.flag("normalize", false);
  return s;
}

double dissimilarity(const Eigen::VectorXd& a1, const Eigen::VectorXd& a2) {
  const double den = a1.sum() * a2.sum();
  return den > 0 ? a1.dot(a2) / den : 0.0;
}

Eigen::MatrixXd PopulationSpec::sample(Rng& rng) const {
  Eigen::MatrixXd a(agents, items);
  switch (structure) {
    case Structure::iid:
      for (int i = 0; i < agents; ++i)
        for (int j = 0; j < items; ++j) a(i, j) = prior.sample(rng);
      break;
    case Structure::scaled_copy:
      for (int j = 0; j < items; ++j) a(0, j) = prior.sample(rng);
      for (int i = 1; i < agents; ++i) a.row(i) = ratio * a.row(0);
      break;
    case Structure::dissimilar: {
      for (int j = 0; j < items; ++j) a(0, j) = prior.sample(rng);
      std::vector<double> w(static_cast<std::size_t>(items));
      for (auto& v : w) v = w_lo + (1.0 - w_lo) * rng.uniform01();
      std::vector<int> order(static_cast<std::size_t>(items));
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return a(0, x) < a(0, y); });
      a.row(1).setZero();
      const double norm1 = a.row(0).sum();
      double dot = 0.0, norm2 = 0.0;
      for (const int j : order) {
        const double v = a(0, j) * w[static_cast<std::size_t>(j)];
        if (dot + a(0, j) * v > gamma * norm1 * (norm2 + v)) break;
        a(1, j) = v;
        dot += a(0, j) * v;
        norm2 += v;
      }
      break;
    }
    case Structure::two_point:
      for (int i = 0; i < agents; ++i)
        for (int j = 0; j < items; ++j) a(i, j) = rng.uniform01() < 0.5 ? 1.0 : low;
      break;
    case Structure::clustered: {
      Eigen::MatrixXd centre = Eigen::MatrixXd::Zero(clusters, items);
      for (int j = 0; j < items; ++j)
        centre(static_cast<Eigen::Index>(j) * clusters / items, j) = prior.sample(rng);
      for (int i = 0; i < agents; ++i)
        for (int j = 0; j < items; ++j)
          a(i, j) = centre(i % clusters, j) + radius / items * rng.uniform01();
      break;
    }
  }
  if (!normalize) return a;
  if (structure == Structure::scaled_copy && ratio > 0.0) {
    // ratio · a_1 / Σ_j ratio · a_1j = a_1 / Σ_j a_1j exactly, but not in floating point: dividing
    // each row separately leaves the copies different in the last bit, and x* then splits items
    // by rounding noise instead of the documented tie rule (lowest index wins).
    const double s = a.row(0).sum();
    if (s > 0) a.row(0) /= s;
    for (int i = 1; i < agents; ++i) a.row(i) = a.row(0);
    return a;
  }
  for (int i = 0; i < agents; ++i) {
    const double s = a.row(i).sum();
    if (s > 0) a.row(i) /= s;
  }
  return a;
}

}  // namespace fairmc::objective
