#include "scenarios/scf/divisible.hpp"

#include <boost/math/tools/minima.hpp>
#include <boost/math/tools/roots.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace fairmc::scf {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// Root of a decreasing function f on [lo, hi] with f(lo) >= 0 >= f(hi), to machine precision.
template <class F>
double decreasing_root(F f, double lo, double hi) {
  double flo = f(lo);
  double fhi = f(hi);
  if (flo <= 0.0) return lo;
  if (fhi >= 0.0) return hi;
  std::uintmax_t iters = 200;
  const auto r = boost::math::tools::toms748_solve(
      f, lo, hi, flo, fhi, boost::math::tools::eps_tolerance<double>(52), iters);
  return 0.5 * (r.first + r.second);
}

// Bracket for a decreasing f with f(hi) <= 0: shrink lo towards 0 until f(lo) >= 0.
template <class F>
double bracket_low(F f, double hi) {
  double lo = hi;
  for (int i = 0; i < 2000 && f(lo) < 0.0; ++i) lo *= 0.5;
  return lo;
}
template <class F>
double bracket_high(F f, double lo) {
  double hi = lo;
  for (int i = 0; i < 2000 && f(hi) > 0.0; ++i) hi *= 2.0;
  return hi;
}

Allocation finish(const DivisibleProblem& p, std::vector<double> x) {
  Allocation a;
  a.cost.resize(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) a.cost[i] = p.agents[i].cost(x[i]);
  a.x = std::move(x);
  return a;
}

double sum(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0);
}

// Least allocation that brings agent i's cost to <= t (its satiation when t is below its floor).
double level_amount(const Claimant& a, double t) {
  if (a.upfront <= t) return 0.0;
  if (a.curvature > 0.0 && t <= a.floor_cost()) return a.satiation();
  const double d = a.upfront - t;
  return 2.0 * d / (a.benefit + std::sqrt(a.benefit * a.benefit - 2.0 * a.curvature * d));
}

// min sum_i w_i J_i(x_i) s.t. lower_i <= x_i <= s_i, sum x_i <= X (KKT water-filling on the
// weighted marginal benefit w_i (q_i - h_i x_i) = lambda). Assumes sum lower <= X.
std::vector<double> utilitarian_fill(const DivisibleProblem& p, const SocialCost& scf,
                                     const std::vector<double>& lower) {
  const std::size_t n = p.agents.size();
  double lambda_lin = -inf;
  std::size_t best_lin = n;
  double lambda_max = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double m = scf.weight(i) * p.agents[i].benefit;
    lambda_max = std::max(lambda_max, m);
    if (p.agents[i].curvature == 0.0 && m > lambda_lin) {
      lambda_lin = m;
      best_lin = i;
    }
  }
  auto amount = [&](std::size_t i, double lambda) {
    const Claimant& a = p.agents[i];
    if (a.curvature == 0.0) return lower[i];
    const double want = (a.benefit - lambda / scf.weight(i)) / a.curvature;
    return std::clamp(want, lower[i], std::max(lower[i], a.satiation()));
  };
  auto excess = [&](double lambda) {
    double d = 0.0;
    for (std::size_t i = 0; i < n; ++i) d += amount(i, lambda);
    return d - p.supply;
  };
  double lambda = 0.0;
  const double floor_lambda = best_lin < n ? lambda_lin : 0.0;
  if (excess(floor_lambda) > 0.0)
    lambda = decreasing_root(excess, floor_lambda, lambda_max);
  else
    lambda = floor_lambda;
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = amount(i, lambda);
  // A linear agent with the highest weighted benefit absorbs what the others leave.
  if (best_lin < n) x[best_lin] += std::max(0.0, p.supply - sum(x));
  return x;
}

std::vector<double> level_allocation(const DivisibleProblem& p, double t) {
  std::vector<double> x(p.agents.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = level_amount(p.agents[i], t);
  return x;
}

// Leximin (Rawls) level: the t with sum_i level_amount(i, t) = X.
std::vector<double> leximin_allocation(const DivisibleProblem& p) {
  bool any_linear = false;
  double t_hi = -inf;
  double t_lo = inf;
  double satiated = 0.0;
  for (const Claimant& a : p.agents) {
    t_hi = std::max(t_hi, a.upfront);
    if (a.curvature == 0.0) {
      any_linear = true;
      t_lo = std::min(t_lo, a.upfront - a.benefit * p.supply);
    } else {
      satiated += a.satiation();
    }
  }
  if (!any_linear) {
    if (satiated <= p.supply) {
      std::vector<double> x;
      for (const Claimant& a : p.agents) x.push_back(a.satiation());
      return x;
    }
    for (const Claimant& a : p.agents) t_lo = std::min(t_lo, a.floor_cost());
  }
  auto excess = [&](double t) { return sum(level_allocation(p, t)) - p.supply; };
  // excess decreases in t: positive at t_lo, <= 0 at t_hi (nothing needed).
  const double t = decreasing_root(excess, t_lo, t_hi);
  return level_allocation(p, t);
}

double max_cost(const DivisibleProblem& p, const std::vector<double>& x) {
  double m = -inf;
  for (std::size_t i = 0; i < x.size(); ++i) m = std::max(m, p.agents[i].cost(x[i]));
  return m;
}

// CFC: min sum_i J_i + gamma t s.t. J_i <= t. F(t) is convex (perturbation function of a convex
// program), piecewise smooth with kinks where an agent's constraint starts to bind (t = alpha_j)
// or its satiation caps it (t = floor_j); Brent locates smooth minima, the kinks are tried too.
std::vector<double> sum_plus_max_allocation(const DivisibleProblem& p, double gamma) {
  SocialCost plain;  // unit weights
  const std::vector<double> zero(p.agents.size(), 0.0);
  const std::vector<double> util = utilitarian_fill(p, plain, zero);
  const std::vector<double> lex = leximin_allocation(p);
  const double t_min = max_cost(p, lex);
  const double t_max = std::max(t_min, max_cost(p, util));
  auto alloc_at = [&](double t) { return utilitarian_fill(p, plain, level_allocation(p, t)); };
  auto F = [&](double t) {
    const std::vector<double> lower = level_allocation(p, t);
    if (sum(lower) > p.supply * (1.0 + 1e-12)) return inf;
    const std::vector<double> x = utilitarian_fill(p, plain, lower);
    double s = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) s += p.agents[i].cost(x[i]);
    return s + gamma * std::max(t, max_cost(p, x));
  };
  double best_t = t_min;
  double best_f = F(t_min);
  auto consider = [&](double t) {
    if (!(t >= t_min && t <= t_max)) return;
    const double f = F(t);
    if (f < best_f) {
      best_f = f;
      best_t = t;
    }
  };
  consider(t_max);
  for (const Claimant& a : p.agents) {
    consider(a.upfront);
    if (a.curvature > 0.0) consider(a.floor_cost());
  }
  if (t_max > t_min) {
    std::uintmax_t iters = 200;
    const auto r = boost::math::tools::brent_find_minima(
        F, t_min, t_max, std::numeric_limits<double>::digits / 2, iters);
    consider(r.first);
  }
  if (best_t == t_min) return lex;
  return alloc_at(best_t);
}

// Nash with gains g_i(x) = q x - h x^2/2 - offset_i (offset 0: reference x0 = no allocation,
// Appendix A; offset alpha_i: eq. (2)). KKT: w_i g_i'(x) / g_i(x) = lambda, whose relevant root
// is x = 2(w q + lambda o) / ((lambda q + w h) + sqrt(lambda^2 q^2 + w^2 h^2 - 2 lambda^2 h o)).
Allocation nash_allocation(const DivisibleProblem& p, const SocialCost& scf, bool with_upfront) {
  const std::size_t n = p.agents.size();
  auto offset = [&](std::size_t i) { return with_upfront ? p.agents[i].upfront : 0.0; };
  // Domain: every agent must reach a positive gain within the supply.
  double least = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const Claimant& a = p.agents[i];
    const double o = offset(i);
    if (a.curvature > 0.0 && o >= a.benefit * a.benefit / (2.0 * a.curvature)) {
      Allocation bad = finish(p, std::vector<double>(n, 0.0));
      bad.feasible = false;
      return bad;
    }
    if (o > 0.0) {
      least += 2.0 * o / (a.benefit + std::sqrt(a.benefit * a.benefit - 2.0 * a.curvature * o));
    }
  }
  const bool needs_positive = [&] {
    for (std::size_t i = 0; i < n; ++i)
      if (offset(i) >= 0.0) return true;
    return false;
  }();
  if (least > p.supply || (needs_positive && least >= p.supply)) {
    Allocation bad = finish(p, std::vector<double>(n, 0.0));
    bad.feasible = false;
    return bad;
  }
  auto amount = [&](std::size_t i, double lambda) {
    const Claimant& a = p.agents[i];
    const double w = scf.weight(i);
    const double o = offset(i);
    const double q = a.benefit;
    const double h = a.curvature;
    const double disc = lambda * lambda * (q * q - 2.0 * h * o) + w * w * h * h;
    const double x = 2.0 * (w * q + lambda * o) / ((lambda * q + w * h) + std::sqrt(disc));
    return std::max(0.0, x);
  };
  std::vector<double> x(n);
  bool all_satiable = true;
  double satiated = 0.0;
  for (const Claimant& a : p.agents) {
    all_satiable = all_satiable && a.curvature > 0.0;
    satiated += a.satiation();
  }
  if (all_satiable && satiated <= p.supply) {
    for (std::size_t i = 0; i < n; ++i) x[i] = p.agents[i].satiation();
    return finish(p, std::move(x));
  }
  auto excess = [&](double lambda) {
    double d = 0.0;
    for (std::size_t i = 0; i < n; ++i) d += amount(i, lambda);
    return d - p.supply;
  };
  double w_sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) w_sum += scf.weight(i);
  const double start = w_sum / p.supply;
  const double hi = bracket_high(excess, start);
  const double lo = bracket_low(excess, hi);
  const double lambda = decreasing_root(excess, lo, hi);
  for (std::size_t i = 0; i < n; ++i) x[i] = amount(i, lambda);
  return finish(p, std::move(x));
}

}  // namespace

double Claimant::satiation() const {
  return curvature > 0.0 ? benefit / curvature : inf;
}
double Claimant::floor_cost() const {
  return curvature > 0.0 ? upfront - benefit * benefit / (2.0 * curvature) : -inf;
}

bool divisible_supports(Kind kind) {
  switch (kind) {
    case Kind::utilitarian:
    case Kind::weighted_sum:
    case Kind::rawls_max:
    case Kind::leximin:
    case Kind::sum_plus_gamma_max:
    case Kind::mean_plus_gamma_max:
    case Kind::nash_reference:
    case Kind::nash_negative:
      return true;
    default:
      return false;
  }
}

Allocation solve(const DivisibleProblem& p, const SocialCost& scf) {
  const std::size_t n = p.agents.size();
  if (n == 0) return {};
  if (p.supply <= 0.0) {
    Allocation a = finish(p, std::vector<double>(n, 0.0));
    if (scf.kind == Kind::nash_reference || scf.kind == Kind::nash_negative) a.feasible = false;
    return a;
  }
  switch (scf.kind) {
    case Kind::utilitarian: {
      SocialCost plain;
      return finish(p, utilitarian_fill(p, plain, std::vector<double>(n, 0.0)));
    }
    case Kind::weighted_sum:
      return finish(p, utilitarian_fill(p, scf, std::vector<double>(n, 0.0)));
    case Kind::rawls_max:
    case Kind::leximin:
      return finish(p, leximin_allocation(p));
    case Kind::sum_plus_gamma_max:
      return finish(p, sum_plus_max_allocation(p, scf.gamma));
    case Kind::mean_plus_gamma_max: {
      // mean + g (max - mean) is proportional to sum + [n g / (1 - g)] max for g < 1.
      if (scf.gamma >= 1.0) return finish(p, leximin_allocation(p));
      const double dn = static_cast<double>(n);
      return finish(p, sum_plus_max_allocation(p, dn * scf.gamma / (1.0 - scf.gamma)));
    }
    case Kind::nash_reference:
      return nash_allocation(p, scf, false);
    case Kind::nash_negative:
      return nash_allocation(p, scf, true);
    default:
      throw std::invalid_argument("divisible allocation: unsupported social cost function");
  }
}

std::vector<double> proportional_allocation(const std::vector<double>& rights, double supply) {
  const double total = std::accumulate(rights.begin(), rights.end(), 0.0);
  std::vector<double> x;
  for (const double c : rights) x.push_back(c / total * supply);
  return x;
}

std::vector<double> nash_negative_linear(const DivisibleProblem& p,
                                         const std::vector<double>& rights) {
  const double total = std::accumulate(rights.begin(), rights.end(), 0.0);
  double need = 0.0;
  for (const Claimant& a : p.agents) need += a.upfront / a.benefit;
  std::vector<double> x;
  for (std::size_t i = 0; i < p.agents.size(); ++i) {
    x.push_back(p.agents[i].upfront / p.agents[i].benefit + rights[i] / total * (p.supply - need));
  }
  return x;
}

}  // namespace fairmc::scf
