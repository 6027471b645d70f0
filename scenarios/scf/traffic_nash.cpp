#include "scenarios/scf/traffic_nash.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

// Derivation. Links d_f(x) = a_f x + b_f (fast flow x) and d_s = a_s (N - x) + b_s. Call F the
// link with the lower offset and S the other one, db = b_S - b_F >= 0, A = a_F + a_S.
//
// Equilibrium: F carries z_e = min(N, (a_S N + db) / A) at delay D; S is at D too when used, and
// at b_S = D + sigma, sigma = max(0, db - a_F N), when z_e = N. Moving y commuters from F to S
// (z = z_e - y on F) gives d_F = D - a_F y, d_S = D + sigma + a_S y, and a group that uses F a
// share phi_k of the time (footnote 5) gains, whatever its detour,
//   g_k = J_k^eq - J_k = phi_k (sigma + A y) - (sigma + a_S y),           (1)
// so phi_k in [0, 1] means g_k in [-(sigma + a_S y), a_F y]. The total gain is
//   H(y) = sum_k n_k g_k = y (kappa - A y),  kappa = min(db, 2 N a_F - db)  (2)
// (interior equilibrium: kappa = db; corner z_e = N: kappa = N a_F - sigma). Moving commuters the
// other way (y < 0) makes the total gain negative. Hence some routing improves every group iff
// kappa > 0: then equal shares phi = z / N give everybody H(y) / N > 0 for 0 < y < kappa / A, and
// otherwise H <= 0 for every flow. Conversely any gains 0 < h_k <= a_F y with sum n_k h_k = H(y)
// are realised by phi_k = (h_k + sigma + a_S y) / (sigma + A y) from (1).
//
// The Nash problem is therefore: maximise sum_k w_k log h_k (w_k = n_k c_k) over (h, y) with
// sum_k n_k h_k <= H(y) and h_k <= a_F y. The objective is concave and the set convex (H is
// concave), so the KKT conditions are sufficient; equality holds at the optimum because
// H(y) <= N a_F y (kappa <= N a_F). With nu the multiplier of the sum and beta_k >= 0 of the caps:
//   w_k / h_k = nu n_k + beta_k,   nu H'(y) + a_F sum_k beta_k = 0.
// Uncapped groups get h_k = c_k lambda (lambda = 1 / nu); the capped set C (h_k = a_F y) holds
// the largest c_k (beta_k >= 0 iff c_k lambda >= a_F y). Eliminating beta and lambda,
//   y = W (kappa - a_F n_C) / (A (W + W_F)),  lambda = y (kappa - A y - a_F n_C) / W_F,      (3)
// with W = sum w_k, W_F the uncapped groups' part, n_C the capped mass. With no group capped
// y = kappa / (2 A), the utilitarian flow, whatever the weights; with equal weights no group is
// ever capped (H / N <= a_F y), so the Nash routing is the utilitarian one with equal shares:
// fast flow (2 a_s N + b_s - b_f) / (2 A) (40 + S / 4 for fast 1 x, slow 1 x + S, N = 80).
// C is found by trying the top sets of c in order and keeping the one that satisfies every KKT
// condition (the optimum is unique: the objective is strictly concave in h).

namespace fairmc::scf {

namespace {

struct Frame {
  bool fast_is_F = true;
  double a_F = 0.0;
  double a_S = 0.0;
  double A = 0.0;
  double sigma = 0.0;
  double kappa = 0.0;
};

Frame frame(const RoutingProblem& p) {
  Frame f;
  const double N = p.total();
  f.fast_is_F = p.fast.offset <= p.slow.offset;
  const AffineLink& F = f.fast_is_F ? p.fast : p.slow;
  const AffineLink& S = f.fast_is_F ? p.slow : p.fast;
  const double db = S.offset - F.offset;
  f.a_F = F.slope;
  f.a_S = S.slope;
  f.A = f.a_F + f.a_S;
  f.sigma = std::max(0.0, db - f.a_F * N);
  f.kappa = std::min(db, 2.0 * f.a_F * N - db);
  return f;
}

}  // namespace

double nash_improvement_margin(const RoutingProblem& problem) {
  return frame(problem).kappa;
}

std::optional<std::vector<double>> nash_reference_shares(const RoutingProblem& p) {
  const Frame f = frame(p);
  if (!(f.kappa > 0.0) || !(p.total() > 0.0)) return std::nullopt;
  std::vector<std::size_t> order;
  for (std::size_t k = 0; k < p.groups.size(); ++k) {
    if (p.groups[k].size > 0.0) order.push_back(k);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return p.groups[a].weight > p.groups[b].weight;
  });
  const std::size_t K = order.size();
  // Uncapped groups are a suffix of `order`: their weight W_F as suffix sums (no cancellation).
  std::vector<double> w_suffix(K + 1, 0.0);
  for (std::size_t i = K; i-- > 0;) {
    const CommuterGroup& g = p.groups[order[i]];
    w_suffix[i] = w_suffix[i + 1] + g.size * g.weight;
  }
  const double W = w_suffix[0];
  const double y_max = f.kappa / f.A;  // H(y_max) = 0
  double best_violation = std::numeric_limits<double>::infinity();
  double y = 0.0, lambda = 0.0;
  double n_capped = 0.0;
  std::size_t m = 0;  // order[0, m) capped
  while (m < K) {
    const double W_F = w_suffix[m];
    const double cy = W * (f.kappa - f.a_F * n_capped) / (f.A * (W + W_F));
    const double cl = m == 0 ? f.kappa * f.kappa / (4.0 * f.A * W)
                             : cy * (f.kappa - f.A * cy - f.a_F * n_capped) / W_F;
    const double cap = f.a_F * cy;
    // Relative violation of the KKT sign conditions at the two ends of the capped set.
    double violation = (p.groups[order[m]].weight * cl - cap) / cap;
    if (m > 0) violation = std::max(violation, (cap - p.groups[order[m - 1]].weight * cl) / cap);
    violation = std::max(violation, 0.0);
    if (cy > 0.0 && cy < y_max && cl > 0.0 && violation < best_violation) {
      best_violation = violation;
      y = cy;
      lambda = cl;
      if (violation == 0.0) break;
    }
    // Groups of equal weight are capped together.
    const double c = p.groups[order[m]].weight;
    while (m < K && p.groups[order[m]].weight == c) n_capped += p.groups[order[m++]].size;
  }
  if (!(y > 0.0)) return std::nullopt;  // unreachable for kappa > 0 (KKT point exists)
  const double cap = f.a_F * y;
  const double slower = f.sigma + f.a_S * y;  // the gain deficit of a commuter on S, from (1)
  const double saving = f.sigma + f.A * y;    // what F saves over S
  std::vector<double> shares(p.groups.size(), 0.0);
  for (const std::size_t k : order) {
    const double h = p.groups[k].weight * lambda;
    const double phi = h >= cap ? 1.0 : std::clamp((h + slower) / saving, 0.0, 1.0);
    shares[k] = f.fast_is_F ? phi : 1.0 - phi;
  }
  return shares;
}

}  // namespace fairmc::scf
