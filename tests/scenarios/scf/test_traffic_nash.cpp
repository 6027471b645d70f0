// Nash product of gains over the Wardrop equilibrium (Figure 5(d)) when the set of routings that
// improve every group is thin (issue 14 item 4): closed forms and an independent optimiser.
#include "scenarios/scf/traffic.hpp"
#include "scenarios/scf/traffic_nash.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace fairmc::scf;

namespace {

SocialCost nash() {
  SocialCost s;
  s.kind = Kind::nash_reference;
  return s;
}

RoutingProblem two_links(double af, double bf, double as, double bs) {
  RoutingProblem p = figure5_network();
  p.fast = {af, bf};
  p.slow = {as, bs};
  return p;
}

// Utilitarian fast flow (minimiser of the total delay, a convex quadratic), clamped to [0, N].
double utilitarian_flow(const RoutingProblem& p) {
  const double N = p.total();
  return std::clamp((2.0 * p.slow.slope * N + p.slow.offset - p.fast.offset) /
                        (2.0 * (p.fast.slope + p.slow.slope)),
                    0.0, N);
}

// sum_k n_k c_k log(J_k^eq - J_k) from the routing's own costs; -inf outside the improving set.
double nash_objective(const RoutingProblem& p, const std::vector<double>& shares) {
  const std::vector<double> ref = wardrop_equilibrium(p).group_cost;
  const Routing r = make_routing(p, shares);
  double s = 0.0;
  for (std::size_t k = 0; k < p.groups.size(); ++k) {
    const double gain = ref[k] - r.group_cost[k];
    if (!(gain > 0.0)) return -INFINITY;
    s += p.groups[k].size * p.groups[k].weight * std::log(gain);
  }
  return s;
}

// Golden-section maximum of a function that is concave on [lo, hi].
template <class F>
double golden_max(F f, double lo, double hi, int iters = 200) {
  const double r = 0.5 * (std::sqrt(5.0) - 1.0);
  double a = lo, b = hi;
  double c = b - r * (b - a), d = a + r * (b - a);
  double fc = f(c), fd = f(d);
  for (int i = 0; i < iters && b - a > 0.0; ++i) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return 0.5 * (a + b);
}

// Independent optimiser for two groups, from the costs alone: the improving fast flows are where
// the total delay is below the equilibrium's (roots of a quadratic); for each fast flow the
// Nash objective is concave in group 1's share (gains are affine in it), and its maximum over
// the share is concave in the flow. Nested golden sections.
std::vector<double> brute_force_two_groups(const RoutingProblem& p) {
  const double N = p.total();
  const double n1 = p.groups[0].size, n2 = p.groups[1].size;
  const double T_eq = [&] {
    const Routing eq = wardrop_equilibrium(p);
    return eq.fast_flow * eq.fast_delay + (N - eq.fast_flow) * eq.slow_delay;
  }();
  const double af = p.fast.slope, bf = p.fast.offset, as = p.slow.slope, bs = p.slow.offset;
  // T(x) = (af + as) x^2 + (bf - 2 as N - bs) x + N (as N + bs).
  const double qa = af + as, qb = bf - 2.0 * as * N - bs, qc = N * (as * N + bs) - T_eq;
  const double disc = std::sqrt(std::max(0.0, qb * qb - 4.0 * qa * qc));
  const double lo = std::max(0.0, (-qb - disc) / (2.0 * qa));
  const double hi = std::min(N, (-qb + disc) / (2.0 * qa));
  auto shares_at = [&](double x, double p1) { return std::vector<double>{p1, (x - n1 * p1) / n2}; };
  // For a fixed flow both gains are affine in group 1's share: the improving shares are an
  // interval found from the two lines, and the objective is concave on it.
  auto inner = [&](double x) {
    const double p1_lo = std::max(0.0, (x - n2) / n1);
    const double p1_hi = std::min(1.0, x / n1);
    const std::vector<double> ref = wardrop_equilibrium(p).group_cost;
    const Routing r0 = make_routing(p, shares_at(x, p1_lo));
    const Routing r1 = make_routing(p, shares_at(x, p1_hi));
    double a = p1_lo, b = p1_hi;
    for (std::size_t k = 0; k < 2; ++k) {
      const double g0 = ref[k] - r0.group_cost[k], g1 = ref[k] - r1.group_cost[k];
      if (g0 == g1) continue;
      const double root = p1_lo + g0 / (g0 - g1) * (p1_hi - p1_lo);  // gain k = 0
      if (g1 > g0)
        a = std::max(a, root);
      else
        b = std::min(b, root);
    }
    if (!(a < b)) return 0.5 * (p1_lo + p1_hi);
    return golden_max([&](double s) { return nash_objective(p, shares_at(x, s)); }, a, b);
  };
  const double x =
      golden_max([&](double y) { return nash_objective(p, shares_at(y, inner(y))); }, lo, hi);
  return shares_at(x, inner(x));
}

}  // namespace

TEST_CASE("scf: Nash over the equilibrium finds thin improving sets (fast 1 x, slow 1 x + S)") {
  // Improving fast flows lie in (40, 40 + S/2); the Nash routing is the utilitarian one,
  // 40 + S/4, every commuter on the fast link (40 + S/4)/80 of the time.
  for (const double S : {0.5, 0.3, 0.1, 1e-3, 1e-6}) {
    CAPTURE(S);
    const RoutingProblem p = two_links(1.0, 0.0, 1.0, S);
    const Routing r = solve(p, nash());
    REQUIRE(r.feasible);
    CHECK(r.fast_flow == doctest::Approx(40.0 + S / 4.0).epsilon(1e-14));
    CHECK(r.share_fast[0] == doctest::Approx((40.0 + S / 4.0) / 80.0).epsilon(1e-14));
    CHECK(r.share_fast[1] == doctest::Approx((40.0 + S / 4.0) / 80.0).epsilon(1e-14));
  }
  CHECK(solve(two_links(1.0, 0.0, 1.0, 0.5), nash()).fast_flow ==
        doctest::Approx(40.125).epsilon(1e-15));
  CHECK(solve(two_links(1.0, 0.0, 1.0, 0.3), nash()).fast_flow ==
        doctest::Approx(40.075).epsilon(1e-15));
  CHECK(solve(two_links(1.0, 0.0, 1.0, 0.1), nash()).fast_flow ==
        doctest::Approx(40.025).epsilon(1e-15));
}

TEST_CASE("scf: Nash over the equilibrium, equal weights = utilitarian flow with equal shares") {
  // Closed form (traffic_nash.cpp): with equal weights the Nash routing is the utilitarian fast
  // flow (2 a_s N + b_s - b_f) / (2 A) with equal shares, defined iff it differs from the
  // equilibrium flow (then it lowers the total delay, and equal shares spread the saving).
  std::mt19937_64 g(314);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  int defined = 0, undefined = 0, corners = 0;
  for (int rep = 0; rep < 400; ++rep) {
    RoutingProblem p;
    const int K = 1 + static_cast<int>(4 * U(g));
    for (int k = 0; k < K; ++k) p.groups.push_back({5.0 + 50.0 * U(g), 80.0 * U(g), 1.0});
    const double N = p.total();
    const double af = rep % 7 == 0 ? 0.0 : 0.1 + 2.0 * U(g);
    const double as = rep % 11 == 0 ? 0.0 : 0.1 + 2.0 * U(g);
    const double base = 30.0 * U(g);
    // Offset gaps from 1e-7 to 10^3 (thin to corner equilibria); sometimes equal offsets.
    const double gap = rep % 13 == 0 ? 0.0 : std::pow(10.0, -7.0 + 10.0 * U(g));
    const bool fast_lower = U(g) < 0.5;
    p.fast = {af, fast_lower ? base : base + gap};
    p.slow = {as, fast_lower ? base + gap : base};
    CAPTURE(rep);
    CAPTURE(af);
    CAPTURE(as);
    CAPTURE(gap);
    const Routing eq = wardrop_equilibrium(p);
    const double xu = utilitarian_flow(p);
    // Two formulas for the flows: equal up to rounding when they are equal in exact arithmetic.
    const bool improvable = af + as > 0.0 && std::abs(xu - eq.fast_flow) > 1e-12 * N;
    if (eq.fast_flow == 0.0 || eq.fast_flow == N) ++corners;
    const Routing r = solve(p, nash());
    CHECK(r.feasible == improvable);
    CHECK((nash_improvement_margin(p) > 0.0) == improvable);
    if (!improvable) {
      ++undefined;
      continue;
    }
    ++defined;
    const double width = std::abs(xu - eq.fast_flow);  // half the improving interval
    CHECK(std::abs(r.fast_flow - xu) <= 1e-9 * width + 1e-13 * N);
    for (int k = 0; k < K; ++k) CHECK(std::abs(r.share_fast[k] - xu / N) <= 1e-12);
  }
  CHECK(defined > 200);
  CHECK(undefined > 20);
  CHECK(corners > 20);
}

TEST_CASE("scf: Nash over the equilibrium with weights: interior closed form") {
  // Interior equilibrium, no share at a bound: p_k = a_s / A + sign c_k (b_s - b_f) / (2 A W)
  // with W = sum n_k c_k (sign + when b_s > b_f): the fast flow is utilitarian, shares tilt to
  // the heavier weights.
  std::mt19937_64 g(2718);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  int checked = 0;
  for (int rep = 0; rep < 300; ++rep) {
    RoutingProblem p;
    const int K = 2 + static_cast<int>(3 * U(g));
    for (int k = 0; k < K; ++k)
      p.groups.push_back({5.0 + 50.0 * U(g), 80.0 * U(g), 0.2 + 3.0 * U(g)});
    p.fast = {0.2 + 2.0 * U(g), 20.0 * U(g)};
    p.slow = {0.2 + 2.0 * U(g), 20.0 * U(g)};
    const double A = p.fast.slope + p.slow.slope;
    const double db = p.slow.offset - p.fast.offset;
    double W = 0.0;
    for (const CommuterGroup& c : p.groups) W += c.size * c.weight;
    const Routing eq = wardrop_equilibrium(p);
    if (eq.fast_flow <= 0.0 || eq.fast_flow >= p.total()) continue;
    std::vector<double> closed;
    bool inside = true;
    for (const CommuterGroup& c : p.groups) {
      closed.push_back(p.slow.slope / A + c.weight * db / (2.0 * A * W));
      inside = inside && closed.back() > 0.0 && closed.back() < 1.0;
    }
    if (!inside) continue;
    ++checked;
    CAPTURE(rep);
    const Routing r = solve(p, nash());
    REQUIRE(r.feasible);
    for (int k = 0; k < K; ++k) CHECK(r.share_fast[k] == doctest::Approx(closed[k]).epsilon(1e-12));
    CHECK(r.fast_flow == doctest::Approx(utilitarian_flow(p)).epsilon(1e-12));
  }
  CHECK(checked > 50);
}

TEST_CASE("scf: Nash over the equilibrium matches an independent optimiser, shares at bounds") {
  // Two groups with unequal weights, thin and wide improving sets, interior and corner
  // equilibria; shares often at 0 or 1 (the capped case of the KKT solution).
  std::mt19937_64 g(99);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  int capped = 0, compared = 0;
  for (int rep = 0; rep < 120; ++rep) {
    RoutingProblem p;
    p.groups = {{5.0 + 60.0 * U(g), 80.0 * U(g), 0.1 + 4.0 * U(g)},
                {5.0 + 60.0 * U(g), 80.0 * U(g), 0.1 + 4.0 * U(g)}};
    if (rep % 2 == 1) {
      // A small group with a heavy weight: its gain reaches the cap (everyone on the faster link).
      p.groups[rep % 4 == 1 ? 0 : 1] = {2.0 + 8.0 * U(g), 80.0 * U(g), 4.0 + 8.0 * U(g)};
      p.groups[rep % 4 == 1 ? 1 : 0] = {30.0 + 40.0 * U(g), 80.0 * U(g), 0.1 + 0.5 * U(g)};
    }
    const double gap = std::pow(10.0, -3.0 + 5.5 * U(g));
    p.fast = {0.2 + 2.0 * U(g), 0.0};
    p.slow = {0.2 + 2.0 * U(g), 0.0};
    (U(g) < 0.5 ? p.slow : p.fast).offset = gap;
    CAPTURE(rep);
    const auto shares = nash_reference_shares(p);
    if (!shares) {
      CHECK(!(nash_improvement_margin(p) > 0.0));
      continue;
    }
    ++compared;
    const std::vector<double> bf = brute_force_two_groups(p);
    const double ours = nash_objective(p, *shares);
    const double theirs = nash_objective(p, bf);
    REQUIRE(std::isfinite(ours));
    // Ours is exact; the golden sections resolve the optimum to ~1e-8 relatively, and both
    // objectives carry the rounding of the gains J^eq - J (relative 1e-13 J^eq / gain each).
    const std::vector<double> ref = wardrop_equilibrium(p).group_cost;
    const Routing r = make_routing(p, *shares);
    double noise = 0.0;
    for (std::size_t k = 0; k < 2; ++k) {
      noise += p.groups[k].size * p.groups[k].weight * 1e-13 * ref[k] / (ref[k] - r.group_cost[k]);
    }
    CHECK(ours >= theirs - 1e-12 * std::abs(theirs) - noise);
    CHECK(std::abs((*shares)[0] - bf[0]) < 1e-5);
    CHECK(std::abs((*shares)[1] - bf[1]) < 1e-5);
    if (std::min((*shares)[0], (*shares)[1]) == 0.0 || std::max((*shares)[0], (*shares)[1]) == 1.0)
      ++capped;
  }
  CHECK(compared > 60);
  CHECK(capped > 10);
}

TEST_CASE(
    "scf: Nash over the equilibrium is undefined exactly when nobody-worse-off is impossible") {
  // Equal offsets: the equilibrium is utilitarian-optimal, total gain <= 0 everywhere.
  // Corner equilibrium with db >= 2 N a_F: likewise. Check by a dense grid over both shares that
  // no routing gives both groups a positive gain.
  for (const RoutingProblem& p : {two_links(1.0, 5.0, 1.0, 5.0), two_links(1.5, 0.0, 1.0, 0.0),
                                  two_links(0.5, 0.0, 1.0, 80.0), two_links(0.5, 0.0, 1.0, 81.0),
                                  two_links(1.0, 170.0, 1.0, 0.0)}) {
    CHECK(!nash_reference_shares(p));
    CHECK(!solve(p, nash()).feasible);
    const std::vector<double> ref = wardrop_equilibrium(p).group_cost;
    double best = -INFINITY;
    for (int a = 0; a <= 400; ++a) {
      for (int b = 0; b <= 400; ++b) {
        const Routing r = make_routing(p, {a / 400.0, b / 400.0});
        best = std::max(best, std::min(ref[0] - r.group_cost[0], ref[1] - r.group_cost[1]));
      }
    }
    CHECK(best <= 1e-12);
  }
  // Just inside: db slightly below 2 N a_F at a corner equilibrium still improves everybody.
  const RoutingProblem p = two_links(0.5, 0.0, 1.0, 79.9);
  const auto s = nash_reference_shares(p);
  REQUIRE(s);
  CHECK(std::isfinite(nash_objective(p, *s)));
}

TEST_CASE("scf: Nash over the equilibrium, many weighted groups: no feasible perturbation helps") {
  // K = 3..8 groups with unequal weights and sizes, interior and corner equilibria: the
  // objective computed from the costs alone never rises along random feasible directions.
  std::mt19937_64 g(4242);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  int tried = 0;
  for (int rep = 0; rep < 150; ++rep) {
    RoutingProblem p;
    const int K = 3 + rep % 6;
    for (int k = 0; k < K; ++k)
      p.groups.push_back({1.0 + 40.0 * U(g) * U(g), 80.0 * U(g), 0.1 + 6.0 * U(g) * U(g)});
    p.fast = {0.2 + 2.0 * U(g), 0.0};
    p.slow = {0.2 + 2.0 * U(g), 0.0};
    (U(g) < 0.5 ? p.slow : p.fast).offset = std::pow(10.0, -1.0 + 3.0 * U(g));
    const auto shares = nash_reference_shares(p);
    if (!shares) continue;
    ++tried;
    CAPTURE(rep);
    const double best = nash_objective(p, *shares);
    REQUIRE(std::isfinite(best));
    for (int dir = 0; dir < 60; ++dir) {
      std::vector<double> q = *shares;
      for (double& s : q) s = std::clamp(s + 1e-4 * (2.0 * U(g) - 1.0), 0.0, 1.0);
      // Relative rounding of the objective: gains are J^eq - J with J ~ 10^2.
      CHECK(nash_objective(p, q) <= best + 1e-9 * std::abs(best) + 1e-9);
    }
  }
  CHECK(tried > 100);
}
