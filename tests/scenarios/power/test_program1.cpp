// Program 1 (Lemma C.2 / Lemma 3.2 / Lemma 3.3) on hand-computed cases.
#include "scenarios/power/equilibrium.hpp"
#include "scenarios/power/program1.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace fairmc::power;

namespace {

Population one_issue(std::vector<double> y, std::vector<double> w) {
  Population p;
  p.n = y.size();
  p.m = 1;
  p.y = std::move(y);
  p.w = std::move(w);
  return p;
}

}  // namespace

TEST_CASE("Lemma C.2: two issues with a hand-picked root lambda = 1") {
  // a = c w = (1, 2), e = y - x = (3, -1), q = (4, 1). At lambda = 1, delta = (3/5, -2/3) and
  // the power used is 4 * 9/25 + 4/9 = 424/225, so gamma = 424/225 must give lambda = 1 exactly.
  const std::vector<double> a{1.0, 2.0}, e{3.0, -1.0}, q{4.0, 1.0};
  std::vector<double> delta(2);
  const Program1Result r = solve_program1(a, e, q, {}, 424.0 / 225.0, delta);
  CHECK(r.exhausted);
  // Newton on a nearly linear function: the root is correct to a few ulps.
  CHECK(r.lambda == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(delta[0] == doctest::Approx(0.6).epsilon(1e-14));
  CHECK(delta[1] == doctest::Approx(-2.0 / 3.0).epsilon(1e-14));
  CHECK(power_used(delta, q, {}) == doctest::Approx(424.0 / 225.0).epsilon(1e-14));
}

TEST_CASE("Program 1: an agent who can reach her ideal point does not exhaust her power") {
  const std::vector<double> a{1.0, 2.0}, e{0.1, -0.2}, q{4.0, 1.0};
  std::vector<double> delta(2);
  // Power needed: 4 * 0.01 + 0.04 = 0.08 < gamma.
  const Program1Result r = solve_program1(a, e, q, {}, 0.1, delta);
  CHECK_FALSE(r.exhausted);
  CHECK(r.lambda == 0.0);
  CHECK(delta[0] == 0.1);
  CHECK(delta[1] == -0.2);
}

TEST_CASE("Program 1 with a welfare gradient: KKT conditions hold to rounding") {
  // x is not the maximiser (g != 0): the constraint is sum q d^2 - g.d <= gamma. Stationarity
  // -2 a (d - e) - lambda (2 q d - g) = 0 plus a tight constraint and lambda > 0 certify the
  // optimum of this convex program (KKT conditions are sufficient).
  const std::vector<double> a{0.7, 1.3, 2.0}, e{1.5, -0.4, 0.9}, q{3.0, 0.5, 8.0},
      g{0.2, -0.1, 0.5};
  std::vector<double> delta(3);
  const double gamma = 0.05;
  const Program1Result r = solve_program1(a, e, q, g, gamma, delta);
  REQUIRE(r.exhausted);
  CHECK(r.lambda > 0.0);
  for (std::size_t j = 0; j < 3; ++j) {
    const double stationarity =
        -2.0 * a[j] * (delta[j] - e[j]) - r.lambda * (2.0 * q[j] * delta[j] - g[j]);
    CHECK(std::abs(stationarity) <= 1e-13 * (std::abs(a[j] * e[j]) + 1.0));
  }
  CHECK(power_used(delta, q, g) == doctest::Approx(gamma).epsilon(1e-14));
}

TEST_CASE("Program 1: the scalar lambda equation is solved to machine precision") {
  // Widely different rho_j = a_j/q_j make the equation far from linear; the residual of
  // sum_j A_j/(rho_j + lambda)^2 = gamma must still be at rounding level.
  const std::vector<double> a{1e-3, 5.0, 40.0, 0.2}, e{2.0, -0.01, 0.3, -7.0},
      q{1.0, 2.0, 0.01, 30.0};
  std::vector<double> delta(4);
  for (const double gamma : {1e-8, 1e-4, 1e-1, 10.0}) {
    const Program1Result r = solve_program1(a, e, q, {}, gamma, delta);
    REQUIRE(r.exhausted);
    CHECK(power_used(delta, q, {}) == doctest::Approx(gamma).epsilon(4e-15));
  }
}

TEST_CASE("Lemma 3.2 and Lemma 3.3 on a five-agent population") {
  // y = (-2, -1, 0.5, 1, 3), w = (1, 2, 1, 0.5, 1): the median is x = 0.5 and
  // c = 1/(w|x - y|) = (0.4, 1/3, -, 4, 0.4); the agent at x gets the mean of the others,
  // 5.1333.../4 = 1.28333..., so q = 0.4 + 2/3 + 1.28333... + 2 + 0.4 = 4.75.
  const Population pop = one_issue({-2.0, -1.0, 0.5, 1.0, 3.0}, {1.0, 2.0, 1.0, 0.5, 1.0});
  const double gamma = 0.01;
  const Equilibrium eq = median_construction(pop, gamma);
  CHECK(eq.x[0] == 0.5);
  CHECK(eq.c[0] == doctest::Approx(0.4));
  CHECK(eq.c[1] == doctest::Approx(1.0 / 3.0));
  CHECK(eq.c[3] == doctest::Approx(4.0));
  const double q = issue_weights(pop, eq.c)[0];
  CHECK(q == doctest::Approx(4.75).epsilon(1e-15));
  CHECK(eq.lambda_ref == doctest::Approx(1.0 / std::sqrt(4.75 * gamma)).epsilon(1e-15));
  CHECK(welfare_gradient(pop, eq.c, eq.x)[0] == doctest::Approx(0.0).epsilon(1e-15));  // Lemma 3.1

  const std::vector<double> qv{q}, g{0.0};
  for (std::size_t i = 0; i < pop.n; ++i) {
    const double d = std::abs(pop.y[i] - eq.x[0]);
    const double a = eq.c[i] * pop.w[i], e = pop.y[i] - eq.x[0];
    double delta = 0.0;
    const Program1Result r = solve_program1({&a, 1}, {&e, 1}, qv, g, gamma, {&delta, 1});
    if (d == 0.0) {  // the median agent is already at x
      CHECK_FALSE(r.exhausted);
      CHECK(delta == 0.0);
      continue;
    }
    // Lemma 3.2: delta_i = (y_i - x) / (|x - y_i| (|x - y_i|^-1 + lambda_i q)).
    CHECK(delta == doctest::Approx(e / (d * (1.0 / d + r.lambda * q))).epsilon(1e-14));
    // Lemma 3.3 (all four exhaust: |x - y_i| >= 0.5 > sqrt(gamma/q) = 0.0459):
    // lambda_i = 1/sqrt(q gamma) - 1/(q |x - y_i|) <= 1/sqrt(q gamma), and |delta_i| =
    // sqrt(gamma/q).
    CHECK(r.exhausted);
    CHECK(r.lambda ==
          doctest::Approx(1.0 / std::sqrt(4.75 * gamma) - 1.0 / (4.75 * d)).epsilon(1e-14));
    CHECK(r.lambda <= 1.0 / std::sqrt(q * gamma));
    CHECK(std::abs(delta) == doctest::Approx(std::sqrt(gamma / 4.75)).epsilon(1e-14));
  }
  // Lemma 3.3 with a budget the agent at distance 0.5 can afford: sqrt(2/4.75) = 0.649 > 0.5.
  const double a = eq.c[3] * pop.w[3], e = 0.5;
  double delta = 0.0;
  const Program1Result r = solve_program1({&a, 1}, {&e, 1}, qv, g, 2.0, {&delta, 1});
  CHECK_FALSE(r.exhausted);
  CHECK(delta == 0.5);
}

namespace {

// lambda of Program 1 with g = 0 by bisection in long double on the bracket of program1_kernel.hpp
// (no overflow up to 1e4932): phi(lambda) = sum_j A_j / (rho_j + lambda)^2 = gamma.
long double lambda_by_bisection(const std::vector<double>& a, const std::vector<double>& e,
                                const std::vector<double>& q, double gamma) {
  long double S = 0.0L, rlo = 1e4000L, rhi = 0.0L;
  std::vector<long double> A, rho;
  for (std::size_t j = 0; j < a.size(); ++j) {
    const long double aj = a[j], ej = e[j], qj = q[j];
    A.push_back(aj * aj * ej * ej / qj);
    rho.push_back(aj / qj);
    S += A.back();
    rlo = std::min(rlo, rho.back());
    rhi = std::max(rhi, rho.back());
  }
  const long double s = std::sqrt(S / static_cast<long double>(gamma));
  long double lo = std::max(0.0L, s - rhi), hi = s - rlo;
  for (int it = 0; it < 2000; ++it) {  // from up to ~1e300 down to ulps
    const long double mid = 0.5L * (lo + hi);
    long double phi = 0.0L;
    for (std::size_t j = 0; j < A.size(); ++j) phi += A[j] / ((rho[j] + mid) * (rho[j] + mid));
    (phi > gamma ? lo : hi) = mid;
  }
  return 0.5L * (lo + hi);
}

}  // namespace

TEST_CASE("Program 1, two issues: the second-order start and the paired reciprocals (issue 19)") {
  // program1 starts Newton at s - rbar + 1.5 V / s and, for two active issues, takes 1/(rho_j +
  // lambda) and delta's divisions from 1/((rho_0 + lambda)(rho_1 + lambda)), term by term where
  // that product is not a normal number. Cases: rho << lambda (Section 5's fixed point), rho >>
  // lambda (the start is clamped into the bracket) and the product overflowing. (It cannot
  // underflow unless S / gamma' does, where s itself has lost its digits.) Each: lambda to a few
  // ulp of a long double bisection, the constraint tight to rounding, KKT stationarity.
  struct Case {
    std::vector<double> a, e, q;
    double gamma;
  };
  const Case cases[] = {
      {{1e-5, 3e-5}, {1.0, -2.0}, {1.0, 1.0}, 0.01},
      {{2e-5, 2.5e-5}, {0.3, 0.01}, {0.7, 1.9}, 1e-6},
      {{100.0, 1.0}, {0.1, 3.0}, {1.0, 1.0}, 1.0},
      {{3.0, 0.01}, {-2.0, 5.0}, {0.2, 4.0}, 0.5},
      // rho_0 = 1e308: (rho_0 + lambda)(rho_1 + lambda) overflows (and A_0 rho_0 in rbar).
      {{1.0, 1.0}, {1e-5, 10.0}, {1e-308, 1.0}, 1.0},
  };
  for (const Case& c : cases) {
    std::vector<double> delta(2);
    const Program1Result r = solve_program1(c.a, c.e, c.q, {}, c.gamma, delta);
    INFO("a = " << c.a[0] << ", " << c.a[1] << ", gamma = " << c.gamma << ": lambda " << r.lambda);
    REQUIRE(r.exhausted);
    const long double ref = lambda_by_bisection(c.a, c.e, c.q, c.gamma);
    CHECK(std::abs(static_cast<long double>(r.lambda) - ref) <= 1e-14L * ref);
    CHECK(power_used(delta, c.q, {}) == doctest::Approx(c.gamma).epsilon(1e-14));
    for (std::size_t j = 0; j < 2; ++j) {
      // -2 a_j (delta_j - e_j) - 2 lambda q_j delta_j = 0 (Lemma C.2), relative to its terms.
      const double t1 = 2.0 * c.a[j] * (delta[j] - c.e[j]), t2 = 2.0 * r.lambda * c.q[j] * delta[j];
      CHECK(std::abs(t1 + t2) <= 1e-13 * (std::abs(t1) + std::abs(t2)) + 1e-300);
    }
  }
}
