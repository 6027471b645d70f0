#include "scenarios/persuasion/min_norm.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fairmc::persuasion {
namespace {

double dot(std::span<const double> a, std::span<const double> b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// Minimum-norm point of the affine hull of the corral: min ||Σ α_t s_t|| s.t. Σ α_t = 1, from the
// KKT system [SᵀS 1; 1ᵀ 0] [α; μ] = [0; 1].
Eigen::VectorXd affine_minimizer(const std::vector<Vertex>& corral) {
  const auto m = static_cast<Eigen::Index>(corral.size());
  Eigen::MatrixXd kkt = Eigen::MatrixXd::Zero(m + 1, m + 1);
  for (Eigen::Index a = 0; a < m; ++a) {
    for (Eigen::Index b = a; b < m; ++b) {
      const double d =
          dot(corral[static_cast<std::size_t>(a)].fake, corral[static_cast<std::size_t>(b)].fake);
      kkt(a, b) = d;
      kkt(b, a) = d;
    }
    kkt(a, m) = 1.0;
    kkt(m, a) = 1.0;
  }
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(m + 1);
  rhs(m) = 1.0;
  const Eigen::VectorXd sol = kkt.fullPivLu().solve(rhs);
  return sol.head(m);
}

void combine(const std::vector<Vertex>& corral, const std::vector<double>& lambda,
             std::vector<double>& x) {
  std::fill(x.begin(), x.end(), 0.0);
  for (std::size_t t = 0; t < corral.size(); ++t)
    for (std::size_t i = 0; i < x.size(); ++i) x[i] += lambda[t] * corral[t].fake[i];
}

}  // namespace

std::vector<int> increasing_priority(std::span<const double> x) {
  std::vector<int> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return x[static_cast<std::size_t>(a)] < x[static_cast<std::size_t>(b)];
  });
  std::vector<int> priority(x.size());
  for (std::size_t r = 0; r < order.size(); ++r)
    priority[static_cast<std::size_t>(order[r])] = static_cast<int>(r);
  return priority;
}

MinNormResult min_norm_base(int n, const VertexOracle& oracle, int max_iterations) {
  return min_norm_point(
      n, [&](std::span<const double> x) { return oracle(increasing_priority(x)); }, max_iterations);
}

MinNormResult min_norm_point(int n, const LinearOracle& oracle, int max_iterations,
                             double tolerance) {
  const auto un = static_cast<std::size_t>(n);
  if (max_iterations <= 0) max_iterations = 20 * n + 200;
  MinNormResult r;
  std::vector<double> zero(un, 0.0);
  r.corral.push_back(oracle(zero));
  r.lambda = {1.0};
  r.x = r.corral.front().fake;
  const double scale = std::max(1e-300, dot(r.x, r.x));
  const double tol = tolerance * scale;
  for (r.iterations = 0; r.iterations < max_iterations; ++r.iterations) {
    Vertex q = oracle(r.x);
    // Wolfe's optimality test: x is the min-norm point iff <x, x> <= <x, q> for the best q.
    if (dot(r.x, r.x) - dot(r.x, q.fake) <= tol) {
      r.converged = true;
      break;
    }
    const bool known = std::any_of(r.corral.begin(), r.corral.end(), [&](const Vertex& v) {
      return v.priority == q.priority && (!v.priority.empty() || v.fake == q.fake);
    });
    if (known) {  // numerical stall: the new vertex is already in the corral
      r.converged = true;
      break;
    }
    r.corral.push_back(std::move(q));
    r.lambda.push_back(0.0);
    while (true) {  // minor cycle: move to the affine minimiser, dropping vertices on the way
      const Eigen::VectorXd alpha = affine_minimizer(r.corral);
      const double eps = 1e-14;
      bool interior = true;
      for (Eigen::Index t = 0; t < alpha.size(); ++t) interior = interior && alpha(t) > eps;
      if (interior) {
        for (std::size_t t = 0; t < r.lambda.size(); ++t)
          r.lambda[t] = alpha(static_cast<Eigen::Index>(t));
        break;
      }
      double theta = 1.0;
      for (std::size_t t = 0; t < r.lambda.size(); ++t) {
        const double a = alpha(static_cast<Eigen::Index>(t));
        if (a <= eps) theta = std::min(theta, r.lambda[t] / (r.lambda[t] - a));
      }
      for (std::size_t t = 0; t < r.lambda.size(); ++t)
        r.lambda[t] = theta * alpha(static_cast<Eigen::Index>(t)) + (1.0 - theta) * r.lambda[t];
      std::vector<Vertex> kept;
      std::vector<double> kept_lambda;
      for (std::size_t t = 0; t < r.lambda.size(); ++t)
        if (r.lambda[t] > eps) {
          kept.push_back(std::move(r.corral[t]));
          kept_lambda.push_back(r.lambda[t]);
        }
      if (kept.empty()) {  // cannot happen in exact arithmetic; keep the best single vertex
        kept.push_back(std::move(r.corral.back()));
        kept_lambda = {1.0};
      }
      const double total = std::accumulate(kept_lambda.begin(), kept_lambda.end(), 0.0);
      for (double& l : kept_lambda) l /= total;
      r.corral = std::move(kept);
      r.lambda = std::move(kept_lambda);
      if (r.corral.size() == 1) break;
    }
    combine(r.corral, r.lambda, r.x);
  }
  r.value.assign(un, 0.0);
  for (std::size_t t = 0; t < r.corral.size(); ++t)
    for (std::size_t i = 0; i < un; ++i) r.value[i] += r.lambda[t] * r.corral[t].value[i];
  combine(r.corral, r.lambda, r.x);
  return r;
}

}  // namespace fairmc::persuasion
