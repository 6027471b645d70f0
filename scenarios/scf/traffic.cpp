#include "scenarios/scf/traffic.hpp"

#include "scenarios/scf/traffic_nash.hpp"

#include <boost/math/tools/minima.hpp>
#include <boost/math/tools/roots.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <utility>

namespace fairmc::scf {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr int grid_points = 257;

// Root of a monotone f on [lo, hi] (signs at the ends differ or one is zero).
template <class F>
double monotone_root(F f, double lo, double hi) {
  const double flo = f(lo);
  const double fhi = f(hi);
  if (flo == 0.0) return lo;
  if (fhi == 0.0) return hi;
  if ((flo > 0.0) == (fhi > 0.0)) return std::abs(flo) < std::abs(fhi) ? lo : hi;
  std::uintmax_t iters = 200;
  const auto r = boost::math::tools::toms748_solve(
      f, lo, hi, flo, fhi, boost::math::tools::eps_tolerance<double>(52), iters);
  return 0.5 * (r.first + r.second);
}

double mass(const RoutingProblem& p, const std::vector<double>& shares) {
  double x = 0.0;
  for (std::size_t k = 0; k < shares.size(); ++k) {
    if (p.groups[k].size > 0.0) x += p.groups[k].size * shares[k];
  }
  return x;
}

// Shares that minimise the largest group cost at fast flow x (water-filling on the cost level
// t: the groups with the longest detours get the faster link first). Also leximin-optimal.
std::vector<double> level_shares(const RoutingProblem& p, double x) {
  const std::size_t K = p.groups.size();
  const double N = p.total();
  const double df = p.fast.delay(x);
  const double ds = p.slow.delay(N - x);
  const double delta = ds - df;  // saving of the fast link
  std::vector<double> s(K, N > 0.0 ? x / N : 0.0);
  if (delta == 0.0 || N <= 0.0) return s;
  auto shares_at = [&](double t) {
    std::vector<double> out(K);
    for (std::size_t k = 0; k < K; ++k) {
      const double base = p.groups[k].detour + ds;  // cost on the slow link
      out[k] = std::clamp((base - t) / delta, 0.0, 1.0);
    }
    return out;
  };
  double lo = inf;
  double hi = -inf;
  for (const CommuterGroup& g : p.groups) {
    lo = std::min(lo, g.detour + std::min(ds, df));
    hi = std::max(hi, g.detour + std::max(ds, df));
  }
  const double t = monotone_root([&](double t) { return mass(p, shares_at(t)) - x; }, lo, hi);
  return shares_at(t);
}

// Weighted sum at fast flow x: the saving goes to the heaviest weights (greedy, exact).
std::vector<double> weighted_shares(const RoutingProblem& p, double x) {
  const std::size_t K = p.groups.size();
  const double N = p.total();
  const double delta = p.slow.delay(N - x) - p.fast.delay(x);
  std::vector<std::size_t> order(K);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return delta >= 0.0 ? p.groups[a].weight > p.groups[b].weight
                        : p.groups[a].weight < p.groups[b].weight;
  });
  std::vector<double> s(K, 0.0);
  double left = x;
  for (const std::size_t k : order) {
    const double take = std::min(left, p.groups[k].size);
    s[k] = p.groups[k].size > 0.0 ? take / p.groups[k].size : 0.0;
    left -= take;
  }
  return s;
}

// Fluid leximin comparison of two cost profiles given as (cost, mass) lists.
int leximin_compare(std::vector<std::pair<double, double>> a,
                    std::vector<std::pair<double, double>> b, double rel_tol) {
  auto by_cost = [](const auto& u, const auto& v) { return u.first > v.first; };
  std::sort(a.begin(), a.end(), by_cost);
  std::sort(b.begin(), b.end(), by_cost);
  std::size_t i = 0, j = 0;
  double ma = a.empty() ? 0.0 : a[0].second;
  double mb = b.empty() ? 0.0 : b[0].second;
  while (i < a.size() && j < b.size()) {
    const double ca = a[i].first;
    const double cb = b[j].first;
    if (std::abs(ca - cb) > rel_tol * std::max(std::abs(ca), std::abs(cb))) return ca < cb ? -1 : 1;
    const double m = std::min(ma, mb);
    ma -= m;
    mb -= m;
    if (ma <= 0.0 && ++i < a.size()) ma = a[i].second;
    if (mb <= 0.0 && ++j < b.size()) mb = b[j].second;
  }
  return 0;
}

std::vector<std::pair<double, double>> profile(const RoutingProblem& p, const Routing& r) {
  std::vector<std::pair<double, double>> out;
  for (std::size_t k = 0; k < p.groups.size(); ++k) {
    if (p.groups[k].size > 0.0) out.emplace_back(r.group_cost[k], p.groups[k].size);
  }
  return out;
}

// SCF key of a routing, with every group member carrying the group cost (mass n_k).
double routing_key(const RoutingProblem& p, const SocialCost& scf, const Routing& r) {
  const double N = p.total();
  double sum = 0.0, wsum = 0.0, mx = -inf;
  for (std::size_t k = 0; k < p.groups.size(); ++k) {
    const CommuterGroup& g = p.groups[k];
    if (g.size <= 0.0) continue;
    const double J = r.group_cost[k];
    sum += g.size * J;
    wsum += g.size * g.weight * J;
    mx = std::max(mx, J);
  }
  switch (scf.kind) {
    case Kind::utilitarian:
      return sum;
    case Kind::weighted_sum:
      return wsum;
    case Kind::rawls_max:
    case Kind::leximin:
      return mx;
    case Kind::sum_plus_gamma_max:
      return sum + scf.gamma * mx;
    case Kind::mean_plus_gamma_max:
      return sum / N + scf.gamma * (mx - sum / N);
    default:
      throw std::invalid_argument("traffic: unsupported social cost function");
  }
}

// Minimise key(x) over [0, N]: grid, then Brent inside the best grid cell's neighbours.
template <class Key>
double minimise_flow(double N, Key key) {
  double best_x = 0.0;
  double best = key(0.0);
  for (int j = 1; j < grid_points; ++j) {
    const double x = N * j / (grid_points - 1);
    const double v = key(x);
    if (v < best) {
      best = v;
      best_x = x;
    }
  }
  const double h = N / (grid_points - 1);
  const double lo = std::max(0.0, best_x - h);
  const double hi = std::min(N, best_x + h);
  if (hi > lo) {
    std::uintmax_t iters = 200;
    const auto r = boost::math::tools::brent_find_minima(
        key, lo, hi, std::numeric_limits<double>::digits / 2, iters);
    if (r.second <= best) best_x = r.first;
  }
  return best_x;
}

}  // namespace

double RoutingProblem::total() const {
  double n = 0.0;
  for (const CommuterGroup& g : groups) n += g.size;
  return n;
}

RoutingProblem figure5_network() {
  RoutingProblem p;
  p.groups = {{40.0, 40.0, 1.0}, {40.0, 0.0, 1.0}};
  p.fast = {1.5, 0.0};
  p.slow = {1.0, 40.0};
  return p;
}

Routing make_routing(const RoutingProblem& p, std::vector<double> shares) {
  Routing r;
  r.fast_flow = mass(p, shares);
  r.fast_delay = p.fast.delay(r.fast_flow);
  r.slow_delay = p.slow.delay(p.total() - r.fast_flow);
  r.group_cost.resize(shares.size());
  for (std::size_t k = 0; k < shares.size(); ++k) {
    if (p.groups[k].size > 0.0) {
      r.group_cost[k] =
          p.groups[k].detour + shares[k] * r.fast_delay + (1.0 - shares[k]) * r.slow_delay;
    } else {
      // An empty group has no commuters: no share, no cost (NaN), and no say in any SCF.
      shares[k] = r.group_cost[k] = std::numeric_limits<double>::quiet_NaN();
    }
  }
  r.share_fast = std::move(shares);
  return r;
}

Routing wardrop_equilibrium(const RoutingProblem& p) {
  const double N = p.total();
  const double A = p.fast.slope + p.slow.slope;
  const double num = p.slow.slope * N + p.slow.offset - p.fast.offset;
  const double x = A > 0.0 ? std::clamp(num / A, 0.0, N) : num > 0.0 ? N : num < 0.0 ? 0.0 : N / 2;
  return make_routing(p, std::vector<double>(p.groups.size(), N > 0.0 ? x / N : 0.0));
}

bool traffic_supports(Kind kind) {
  switch (kind) {
    case Kind::utilitarian:
    case Kind::weighted_sum:
    case Kind::rawls_max:
    case Kind::leximin:
    case Kind::sum_plus_gamma_max:
    case Kind::mean_plus_gamma_max:
    case Kind::nash_reference:
      return true;
    default:
      return false;
  }
}

Routing solve(const RoutingProblem& p, const SocialCost& scf) {
  const double N = p.total();
  const std::size_t K = p.groups.size();
  if (scf.kind == Kind::utilitarian) {
    // Total delay x d_f(x) + (N - x) d_s(N - x) is a convex quadratic in x (Figure 5(b)).
    const double x = std::clamp((2.0 * p.slow.slope * N + p.slow.offset - p.fast.offset) /
                                    (2.0 * (p.fast.slope + p.slow.slope)),
                                0.0, N);
    return make_routing(p, std::vector<double>(K, N > 0.0 ? x / N : 0.0));
  }
  if (scf.kind == Kind::nash_reference) {
    // Closed-form KKT solution (traffic_nash.cpp): a grid misses thin improving sets.
    std::optional<std::vector<double>> shares = nash_reference_shares(p);
    if (!shares) {
      Routing r = wardrop_equilibrium(p);
      r.feasible = false;
      return r;
    }
    return make_routing(p, std::move(*shares));
  }
  std::function<std::vector<double>(double)> inner;
  switch (scf.kind) {
    case Kind::weighted_sum:
      inner = [&](double x) { return weighted_shares(p, x); };
      break;
    default:
      inner = [&](double x) { return level_shares(p, x); };
      break;
  }
  auto key = [&](double x) { return routing_key(p, scf, make_routing(p, inner(x))); };
  double x = minimise_flow(N, key);
  if (scf.kind == Kind::leximin) {
    // Among fast flows whose worst-off cost is (numerically) minimal, take the leximin-best.
    Routing best = make_routing(p, inner(x));
    for (int j = 0; j < grid_points; ++j) {
      const double y = N * j / (grid_points - 1);
      Routing cand = make_routing(p, inner(y));
      if (leximin_compare(profile(p, cand), profile(p, best), 1e-9) < 0) {
        best = std::move(cand);
        x = y;
      }
    }
  }
  Routing r = make_routing(p, inner(x));
  r.feasible = std::isfinite(key(x));
  return r;
}

double total_cost(const RoutingProblem& p, const Routing& r) {
  double s = 0.0;
  for (std::size_t k = 0; k < p.groups.size(); ++k) {
    if (p.groups[k].size > 0.0) s += p.groups[k].size * r.group_cost[k];
  }
  return s;
}

double worst_cost(const RoutingProblem& p, const Routing& r) {
  double m = -inf;
  for (std::size_t k = 0; k < p.groups.size(); ++k) {
    if (p.groups[k].size > 0.0) m = std::max(m, r.group_cost[k]);
  }
  return m;
}

}  // namespace fairmc::scf
