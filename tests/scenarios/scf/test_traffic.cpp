// Figure 5: the traffic routing example, its closed forms and a brute-force check.
#include "scenarios/scf/traffic.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace fairmc::scf;

namespace {

SocialCost make(Kind k, double gamma = 0.0) {
  SocialCost s;
  s.kind = k;
  s.gamma = gamma;
  return s;
}

// SCF value of a routing over the commuters (each group member has the group's cost).
double objective(const RoutingProblem& p, const Routing& r, const SocialCost& s,
                 const std::vector<double>& ref) {
  double sum = 0.0, wsum = 0.0, mx = -1e300, nash = 0.0;
  for (std::size_t k = 0; k < p.groups.size(); ++k) {
    sum += p.groups[k].size * r.group_cost[k];
    wsum += p.groups[k].weight * p.groups[k].size * r.group_cost[k];
    mx = std::max(mx, r.group_cost[k]);
    const double gain = ref.empty() ? 1.0 : ref[k] - r.group_cost[k];
    nash += gain > 0.0 ? -p.groups[k].weight * p.groups[k].size * std::log(gain) : 1e300;
  }
  switch (s.kind) {
    case Kind::utilitarian:
      return sum;
    case Kind::rawls_max:
      return mx;
    case Kind::sum_plus_gamma_max:
      return sum + s.gamma * mx;
    case Kind::nash_reference:
      return nash;
    default:
      return 0.0;
  }
}

}  // namespace

TEST_CASE("scf: Figure 5 - Wardrop equilibrium (reference of 5(d)) has both links at 72") {
  const RoutingProblem p = figure5_network();
  const Routing eq = wardrop_equilibrium(p);
  // 1.5 x = 40 + (80 - x)  ->  x = 48.
  CHECK(eq.fast_flow == doctest::Approx(48.0).epsilon(1e-12));
  CHECK(eq.fast_delay == doctest::Approx(72.0).epsilon(1e-12));
  CHECK(eq.slow_delay == doctest::Approx(72.0).epsilon(1e-12));
  CHECK(eq.group_cost[0] == doctest::Approx(112.0));
  CHECK(eq.group_cost[1] == doctest::Approx(72.0));
}

TEST_CASE("scf: Figure 5(b) - CUC, sum of delays: link delays 60 and 80") {
  const Routing r = solve(figure5_network(), make(Kind::utilitarian));
  // d/dx [1.5 x^2 + (120 - x)(80 - x)] = 5x - 200 = 0.
  CHECK(r.fast_flow == doctest::Approx(40.0).epsilon(1e-12));
  CHECK(r.fast_delay == doctest::Approx(60.0).epsilon(1e-12));
  CHECK(r.slow_delay == doctest::Approx(80.0).epsilon(1e-12));
}

TEST_CASE("scf: Figure 5(c) - CFC, sum + gamma max with gamma = 80: delays 52 and 85.3") {
  const RoutingProblem p = figure5_network();
  const Routing r = solve(p, make(Kind::sum_plus_gamma_max, 80.0));
  // Closed form for this network: x = (200 + 4 gamma) / (5 + gamma / 8) = 104/3, the long
  // commuters take all of the fast link (share x / 40), the short ones none.
  CHECK(r.fast_flow == doctest::Approx(104.0 / 3.0).epsilon(1e-7));
  CHECK(r.fast_delay == doctest::Approx(52.0).epsilon(1e-7));
  CHECK(std::abs(r.slow_delay - 85.3) < 0.05);  // the paper prints one decimal (85.33)
  CHECK(r.share_fast[0] == doctest::Approx(104.0 / 120.0).epsilon(1e-7));
  CHECK(r.share_fast[1] == doctest::Approx(0.0));
  for (const double gamma : {10.0, 40.0, 200.0}) {
    CAPTURE(gamma);
    const Routing g = solve(p, make(Kind::sum_plus_gamma_max, gamma));
    CHECK(g.fast_flow ==
          doctest::Approx((200.0 + 4.0 * gamma) / (5.0 + gamma / 8.0)).epsilon(1e-7));
  }
}

TEST_CASE(
    "scf: Figure 5(d) - CNC, Nash relative to the equilibrium: 60/80 and half the time fast") {
  const Routing r = solve(figure5_network(), make(Kind::nash_reference));
  CHECK(r.fast_flow == doctest::Approx(40.0).epsilon(1e-7));
  CHECK(r.fast_delay == doctest::Approx(60.0).epsilon(1e-7));
  CHECK(r.slow_delay == doctest::Approx(80.0).epsilon(1e-7));
  CHECK(r.share_fast[0] == doctest::Approx(0.5).epsilon(1e-6));
  CHECK(r.share_fast[1] == doctest::Approx(0.5).epsilon(1e-6));
  // Both groups gain 2 minutes over the equilibrium (112 -> 110, 72 -> 70).
  CHECK(r.group_cost[0] == doctest::Approx(110.0).epsilon(1e-7));
  CHECK(r.group_cost[1] == doctest::Approx(70.0).epsilon(1e-7));
}

TEST_CASE("scf: Rawls' max (OLC) on Figure 5: x = 32, worst-off 96") {
  // Long commuters' cost 40 + (x/40) 1.5 x + (1 - x/40)(120 - x) is minimal at x = 32.
  for (const Kind k : {Kind::rawls_max, Kind::leximin}) {
    const Routing r = solve(figure5_network(), make(k));
    CHECK(r.fast_flow == doctest::Approx(32.0).epsilon(1e-7));
    CHECK(r.group_cost[0] == doctest::Approx(96.0).epsilon(1e-7));
    CHECK(r.group_cost[1] == doctest::Approx(88.0).epsilon(1e-7));
  }
}

TEST_CASE("scf: routing optima beat a brute-force grid over both groups' shares") {
  std::mt19937_64 g(21);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  for (int rep = 0; rep < 15; ++rep) {
    RoutingProblem p;
    p.groups = {{10.0 + 60.0 * U(g), 80.0 * U(g), 0.5 + U(g)},
                {10.0 + 60.0 * U(g), 80.0 * U(g), 0.5 + U(g)}};
    p.fast = {0.5 + 2.0 * U(g), 10.0 * U(g)};
    p.slow = {0.5 + 2.0 * U(g), 60.0 * U(g)};
    const std::vector<double> ref = wardrop_equilibrium(p).group_cost;
    for (const SocialCost& s :
         {make(Kind::utilitarian), make(Kind::rawls_max), make(Kind::sum_plus_gamma_max, p.total()),
          make(Kind::nash_reference)}) {
      CAPTURE(static_cast<int>(s.kind));
      const Routing r = solve(p, s);
      const std::vector<double> rr = s.kind == Kind::nash_reference ? ref : std::vector<double>{};
      const double ours = objective(p, r, s, rr);
      double grid = 1e300;
      const int G = 200;
      for (int a = 0; a <= G; ++a) {
        for (int b = 0; b <= G; ++b) {
          const Routing t =
              make_routing(p, {static_cast<double>(a) / G, static_cast<double>(b) / G});
          grid = std::min(grid, objective(p, t, s, rr));
        }
      }
      if (grid >= 1e299) continue;  // no routing improves on the equilibrium for everybody
      // Brent locates the fast flow to ~1e-8 relatively; at a kink (max) that costs ~slope * dx.
      CHECK(ours <= grid + 1e-7 * std::abs(grid));
    }
  }
}
