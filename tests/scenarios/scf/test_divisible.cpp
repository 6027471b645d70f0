// Divisible resource / water allocation (Section IV-A, Appendix A): closed forms, KKT
// conditions, and an independent GLPK LP for the linear CFC problem.
#include "scenarios/scf/divisible.hpp"

#include <doctest/doctest.h>
#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

using namespace fairmc::scf;

namespace {

SocialCost make(Kind k, std::vector<double> w = {}, double gamma = 0.0) {
  SocialCost s;
  s.kind = k;
  s.weights = std::move(w);
  s.gamma = gamma;
  return s;
}

DivisibleProblem random_problem(std::mt19937_64& g, std::size_t n, bool quadratic) {
  std::uniform_real_distribution<double> U(0.0, 1.0);
  DivisibleProblem p;
  p.supply = 0.5 * static_cast<double>(n) * (0.5 + U(g));
  for (std::size_t i = 0; i < n; ++i) {
    Claimant c;
    c.upfront = 10.0 * U(g);
    c.benefit = 0.5 + 2.0 * U(g);
    c.curvature = quadratic ? 0.5 + 2.0 * U(g) : 0.0;
    p.agents.push_back(c);
  }
  return p;
}

double sum_cost(const Allocation& a) {
  return std::accumulate(a.cost.begin(), a.cost.end(), 0.0);
}
double max_cost(const Allocation& a) {
  return *std::max_element(a.cost.begin(), a.cost.end());
}

// Independent reference: min sum_i (alpha_i - q_i x_i) + gamma t, alpha_i - q_i x_i <= t,
// sum x_i <= X, x >= 0, as an LP in GLPK (each call owns its glp_prob).
double lp_sum_plus_gamma_max(const DivisibleProblem& p, double gamma) {
  const int n = static_cast<int>(p.agents.size());
  std::unique_ptr<glp_prob, void (*)(glp_prob*)> lp(glp_create_prob(), glp_delete_prob);
  glp_set_obj_dir(lp.get(), GLP_MIN);
  glp_add_cols(lp.get(), n + 1);
  double constant = 0.0;
  for (int i = 1; i <= n; ++i) {
    glp_set_col_bnds(lp.get(), i, GLP_LO, 0.0, 0.0);
    glp_set_obj_coef(lp.get(), i, -p.agents[static_cast<std::size_t>(i - 1)].benefit);
    constant += p.agents[static_cast<std::size_t>(i - 1)].upfront;
  }
  glp_set_col_bnds(lp.get(), n + 1, GLP_FR, 0.0, 0.0);
  glp_set_obj_coef(lp.get(), n + 1, gamma);
  glp_add_rows(lp.get(), n + 1);
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0.0};
  for (int i = 1; i <= n; ++i) {
    // -q_i x_i - t <= -alpha_i
    glp_set_row_bnds(lp.get(), i, GLP_UP, 0.0, -p.agents[static_cast<std::size_t>(i - 1)].upfront);
    ia.push_back(i), ja.push_back(i),
        ar.push_back(-p.agents[static_cast<std::size_t>(i - 1)].benefit);
    ia.push_back(i), ja.push_back(n + 1), ar.push_back(-1.0);
    ia.push_back(n + 1), ja.push_back(i), ar.push_back(1.0);
  }
  glp_set_row_bnds(lp.get(), n + 1, GLP_UP, 0.0, p.supply);
  glp_load_matrix(lp.get(), static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  REQUIRE(glp_simplex(lp.get(), &parm) == 0);
  REQUIRE(glp_get_status(lp.get()) == GLP_OPT);
  return glp_get_obj_val(lp.get()) + constant;
}

}  // namespace

TEST_CASE("scf: Appendix A - Nash with reference x0 = no water gives the proportional allocation") {
  std::mt19937_64 g(3);
  for (int rep = 0; rep < 20; ++rep) {
    DivisibleProblem p = random_problem(g, 2 + static_cast<std::size_t>(rep), false);
    std::vector<double> rights;
    for (std::size_t i = 0; i < p.agents.size(); ++i)
      rights.push_back(0.5 + static_cast<double>(i % 3));
    const Allocation a = solve(p, make(Kind::nash_reference, rights));
    const std::vector<double> x = proportional_allocation(rights, p.supply);
    REQUIRE(a.feasible);
    for (std::size_t i = 0; i < x.size(); ++i)
      CHECK(a.x[i] == doctest::Approx(x[i]).epsilon(1e-12));
  }
}

TEST_CASE("scf: eq. (2) - Nash on negative costs with upfront costs, closed form and domain") {
  DivisibleProblem p;
  p.supply = 100.0;
  p.agents = {{30.0, 3.0, 0.0}, {20.0, 1.0, 0.0}, {5.0, 0.5, 0.0}};
  const std::vector<double> rights{1.0, 3.0, 2.0};
  const Allocation a = solve(p, make(Kind::nash_negative, rights));
  const std::vector<double> x = nash_negative_linear(p, rights);
  // alpha/q = (10, 20, 10); remainder 60 shared 1:3:2.
  CHECK(x[0] == doctest::Approx(20.0));
  CHECK(x[1] == doctest::Approx(50.0));
  CHECK(x[2] == doctest::Approx(30.0));
  REQUIRE(a.feasible);
  for (std::size_t i = 0; i < 3; ++i) CHECK(a.x[i] == doctest::Approx(x[i]).epsilon(1e-12));
  // With less water than sum alpha/q = 40 no allocation makes every cost negative.
  p.supply = 39.0;
  CHECK(!solve(p, make(Kind::nash_negative, rights)).feasible);
  CHECK(solve(p, make(Kind::nash_reference, rights)).feasible);
}

TEST_CASE("scf: utilitarian and weighted sums give linear water to the best marginal benefit") {
  DivisibleProblem p;
  p.supply = 10.0;
  p.agents = {{1.0, 3.0, 0.0}, {1.0, 2.0, 0.0}};
  const Allocation u = solve(p, make(Kind::utilitarian));
  CHECK(u.x[0] == doctest::Approx(10.0));
  CHECK(u.x[1] == doctest::Approx(0.0));
  const Allocation w = solve(p, make(Kind::weighted_sum, {1.0, 2.0}));  // 3 < 2 * 2
  CHECK(w.x[0] == doctest::Approx(0.0));
  CHECK(w.x[1] == doctest::Approx(10.0));
}

TEST_CASE("scf: leximin equalises linear costs (closed form for two farmers)") {
  // 50 - 3 x1 = 60 - x2, x1 + x2 = 100  ->  x1 = 22.5, costs -17.5.
  DivisibleProblem p;
  p.supply = 100.0;
  p.agents = {{50.0, 3.0, 0.0}, {60.0, 1.0, 0.0}};
  for (const Kind k : {Kind::leximin, Kind::rawls_max}) {
    const Allocation a = solve(p, make(k));
    CHECK(a.x[0] == doctest::Approx(22.5).epsilon(1e-12));
    CHECK(a.cost[0] == doctest::Approx(-17.5).epsilon(1e-12));
    CHECK(a.cost[1] == doctest::Approx(-17.5).epsilon(1e-12));
  }
  // An agent already below the level gets nothing.
  p.agents.push_back({-100.0, 1.0, 0.0});
  const Allocation a = solve(p, make(Kind::leximin));
  CHECK(a.x[2] == 0.0);
}

TEST_CASE("scf: sum + gamma max on linear costs matches an independent GLPK LP") {
  std::mt19937_64 g(5);
  for (int rep = 0; rep < 40; ++rep) {
    const DivisibleProblem p = random_problem(g, 3 + static_cast<std::size_t>(rep % 10), false);
    for (const double gamma : {0.0, 0.7, 2.0, 10.0, 100.0}) {
      const Allocation a = solve(p, make(Kind::sum_plus_gamma_max, {}, gamma));
      const double ours = sum_cost(a) + gamma * max_cost(a);
      CHECK(a.x.size() == p.agents.size());
      CHECK(std::accumulate(a.x.begin(), a.x.end(), 0.0) <= p.supply * (1.0 + 1e-12));
      CHECK(ours == doctest::Approx(lp_sum_plus_gamma_max(p, gamma)).epsilon(1e-9));
    }
  }
}

TEST_CASE("scf: quadratic costs - KKT conditions of the utilitarian, leximin and Nash optima") {
  std::mt19937_64 g(9);
  for (int rep = 0; rep < 20; ++rep) {
    const DivisibleProblem p = random_problem(g, 4 + static_cast<std::size_t>(rep % 5), true);
    // Utilitarian: equal marginal benefit q - h x among agents strictly inside (0, q/h).
    const Allocation u = solve(p, make(Kind::utilitarian));
    double lam = -1.0;
    for (std::size_t i = 0; i < u.x.size(); ++i) {
      const Claimant& c = p.agents[i];
      const double m = c.benefit - c.curvature * u.x[i];
      if (u.x[i] > 1e-9 && u.x[i] < c.satiation() - 1e-9) {
        if (lam < 0.0) lam = m;
        CHECK(m == doctest::Approx(lam).epsilon(1e-9));
      }
    }
    for (std::size_t i = 0; i < u.x.size(); ++i) {
      // Agents left at 0 have marginal benefit below the common level.
      if (u.x[i] <= 1e-12 && lam >= 0.0) CHECK(p.agents[i].benefit <= lam + 1e-9);
    }
    // Leximin: every agent that receives water and is not satiated sits at one cost level.
    const Allocation l = solve(p, make(Kind::leximin));
    double level = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < l.x.size(); ++i) {
      if (l.x[i] > 1e-9 && l.x[i] < p.agents[i].satiation() - 1e-9) {
        if (std::isnan(level)) level = l.cost[i];
        CHECK(l.cost[i] == doctest::Approx(level).epsilon(1e-9));
      }
    }
    CHECK(max_cost(l) <= max_cost(u) + 1e-9);
    CHECK(sum_cost(u) <= sum_cost(l) + 1e-9);
    // Nash (x0 = no allocation): no transfer between two agents raises sum log gains.
    const std::vector<double> rights(p.agents.size(), 1.0);
    const Allocation nash = solve(p, make(Kind::nash_reference, rights));
    auto objective = [&](const std::vector<double>& x) {
      double s = 0.0;
      for (std::size_t i = 0; i < x.size(); ++i)
        s += std::log(p.agents[i].upfront - p.agents[i].cost(x[i]));
      return s;
    };
    const double base = objective(nash.x);
    for (std::size_t i = 0; i < nash.x.size(); ++i) {
      for (std::size_t j = 0; j < nash.x.size(); ++j) {
        if (i == j) continue;
        std::vector<double> y = nash.x;
        const double eps = 1e-4 * std::min(y[j], 1.0);
        y[i] += eps;
        y[j] -= eps;
        if (y[i] <= p.agents[i].satiation()) CHECK(objective(y) <= base + 1e-12);
      }
    }
  }
}

TEST_CASE("scf: quadratic sum + gamma max moves from the utilitarian to the leximin optimum") {
  std::mt19937_64 g(13);
  for (int rep = 0; rep < 10; ++rep) {
    const DivisibleProblem p = random_problem(g, 6, true);
    const Allocation u = solve(p, make(Kind::utilitarian));
    const Allocation l = solve(p, make(Kind::leximin));
    const Allocation z = solve(p, make(Kind::sum_plus_gamma_max, {}, 0.0));
    CHECK(sum_cost(z) == doctest::Approx(sum_cost(u)).epsilon(1e-9));
    const Allocation big = solve(p, make(Kind::sum_plus_gamma_max, {}, 1e6));
    CHECK(max_cost(big) == doctest::Approx(max_cost(l)).epsilon(1e-7));
    double prev_max = std::numeric_limits<double>::infinity();
    for (const double gamma : {0.5, 2.0, 8.0, 32.0}) {
      const Allocation a = solve(p, make(Kind::sum_plus_gamma_max, {}, gamma));
      // The optimum beats the utilitarian and leximin allocations on its own objective ...
      const double f = sum_cost(a) + gamma * max_cost(a);
      CHECK(f <= sum_cost(u) + gamma * max_cost(u) + 1e-9);
      CHECK(f <= sum_cost(l) + gamma * max_cost(l) + 1e-9);
      // ... and small transfers do not improve it.
      for (std::size_t i = 0; i < a.x.size(); ++i) {
        for (std::size_t j = 0; j < a.x.size(); ++j) {
          if (i == j || a.x[j] < 1e-3) continue;
          std::vector<double> y = a.x;
          y[i] += 1e-3;
          y[j] -= 1e-3;
          if (y[i] > p.agents[i].satiation()) continue;
          double s = 0.0, m = -1e300;
          for (std::size_t k = 0; k < y.size(); ++k) {
            s += p.agents[k].cost(y[k]);
            m = std::max(m, p.agents[k].cost(y[k]));
          }
          CHECK(s + gamma * m >= f - 1e-6);
        }
      }
      // Larger gamma never raises the worst-off cost.
      CHECK(max_cost(a) <= prev_max + 1e-7);
      prev_max = max_cost(a);
    }
  }
}
