#include "scenarios/persuasion/multiplicative_weights.hpp"

#include "scenarios/persuasion/majorization.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fairmc::persuasion {
namespace {

double total(std::span<const double> x) {
  return std::accumulate(x.begin(), x.end(), 0.0);
}

// Priority that serves agents in order of decreasing weight (maximises w·u over the polytope).
std::vector<int> decreasing_priority(std::span<const double> w) {
  std::vector<double> neg(w.begin(), w.end());
  for (double& v : neg) v = -v;
  return increasing_priority(neg);
}

// Hedge over agents for one prefix size j, kept as log-weights to avoid underflow.
struct CappedHedge {
  std::vector<double> log_w;
  double cap;
  std::vector<double> lambda() const {
    const double mx = *std::max_element(log_w.begin(), log_w.end());
    std::vector<double> w(log_w.size());
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = std::exp(log_w[i] - mx);
    project_capped_simplex(w, cap);
    return w;
  }
};

}  // namespace

void project_capped_simplex(std::vector<double>& w, double cap) {
  const std::size_t n = w.size();
  std::vector<bool> capped(n, false);
  // Iteratively cap the entries that exceed `cap` after rescaling the free ones (KL projection).
  for (std::size_t round = 0; round <= n; ++round) {
    double free_mass = 0.0;
    std::size_t n_capped = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (capped[i])
        ++n_capped;
      else
        free_mass += w[i];
    }
    const double room = 1.0 - cap * static_cast<double>(n_capped);
    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (capped[i]) continue;
      const double v =
          free_mass > 0.0 ? w[i] * room / free_mass : room / static_cast<double>(n - n_capped);
      if (v > cap * (1.0 + 1e-12)) {
        capped[i] = true;
        changed = true;
      }
    }
    if (!changed) {
      for (std::size_t i = 0; i < n; ++i)
        w[i] = capped[i] ? cap
                         : (free_mass > 0.0 ? w[i] * room / free_mass
                                            : room / static_cast<double>(n - n_capped));
      return;
    }
  }
}

double mw_prefix_value(int n, const VertexOracle& oracle, int j, int iterations) {
  const auto un = static_cast<std::size_t>(n);
  CappedHedge hedge{std::vector<double>(un, 0.0), 1.0 / j};
  std::vector<double> avg(un, 0.0);
  const double rate = std::sqrt(8.0 * std::log(std::max(2, n)) / iterations);
  double width = 0.0;
  for (int t = 0; t < iterations; ++t) {
    const std::vector<double> lambda = hedge.lambda();
    const Vertex v = oracle(decreasing_priority(lambda));
    if (t == 0) width = std::max(1e-300, total(v.fake));
    for (std::size_t i = 0; i < un; ++i) {
      avg[i] += v.fake[i] / iterations;
      hedge.log_w[i] -= rate * v.fake[i] / width;  // the minimiser leans on small utilities
    }
  }
  return prefix_smallest(avg)[static_cast<std::size_t>(j - 1)];
}

MwResult mw_majorize(int n, const VertexOracle& oracle, std::vector<double> targets,
                     int iterations) {
  const auto un = static_cast<std::size_t>(n);
  MwResult r;
  r.targets = std::move(targets);
  r.fake.assign(un, 0.0);
  r.value.assign(un, 0.0);
  std::vector<CappedHedge> agents;
  for (int j = 1; j <= n; ++j) agents.push_back({std::vector<double>(un, 0.0), 1.0 / j});
  std::vector<double> log_rho(un, 0.0);
  const double rate = std::sqrt(8.0 * std::log(std::max(2, n)) / iterations);
  double width = 0.0;
  std::vector<std::vector<double>> lambdas(un);
  for (int t = 0; t < iterations; ++t) {
    const double mx = *std::max_element(log_rho.begin(), log_rho.end());
    std::vector<double> rho(un);
    for (std::size_t j = 0; j < un; ++j) rho[j] = std::exp(log_rho[j] - mx);
    const double rs = total(rho);
    std::vector<double> w(un, 0.0);
    for (std::size_t j = 0; j < un; ++j) {
      lambdas[j] = agents[j].lambda();
      for (std::size_t i = 0; i < un; ++i)
        w[i] += rho[j] / rs * static_cast<double>(j + 1) * lambdas[j][i];
    }
    const Vertex v = oracle(decreasing_priority(w));
    if (t == 0) width = std::max(1e-300, total(v.fake));
    for (std::size_t i = 0; i < un; ++i) {
      r.fake[i] += v.fake[i] / iterations;
      r.value[i] += v.value[i] / iterations;
    }
    for (std::size_t j = 0; j < un; ++j) {
      double lx = 0.0;
      for (std::size_t i = 0; i < un; ++i) lx += lambdas[j][i] * v.fake[i];
      // Slack of constraint j in [-1, 1]; the constraint player favours violated ones.
      const double slack = (static_cast<double>(j + 1) * lx - r.targets[j]) / width;
      log_rho[j] -= rate * slack;
      for (std::size_t i = 0; i < un; ++i) agents[j].log_w[i] -= rate * v.fake[i] / width;
    }
  }
  r.iterations = iterations;
  return r;
}

}  // namespace fairmc::persuasion
