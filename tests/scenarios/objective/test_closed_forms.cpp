// The paper's closed forms and worked examples (Sections 3–5, Appendices D–F), checked exactly.
#include "scenarios/objective/fehr_schmidt.hpp"
#include "scenarios/objective/multi_agent_bounds.hpp"
#include "scenarios/objective/participatory_lp.hpp"
#include "scenarios/objective/prior.hpp"
#include "scenarios/objective/two_agent.hpp"
#include "scenarios/objective/utilitarian.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace fairmc::objective;

namespace {

Aversion homogeneous(int n, double alpha, double beta) {
  return {std::vector<double>(static_cast<std::size_t>(n), alpha),
          std::vector<double>(static_cast<std::size_t>(n), beta)};
}

double welfare(const Eigen::MatrixXd& a, const Aversion& av, const Eigen::MatrixXd& x) {
  const Eigen::VectorXd u = utilities(a, x);
  return u.sum() - inequality_penalty(u, av);
}

}  // namespace

TEST_CASE(
    "Eq. 12: two-agent welfare; P(u) = <g_pi, u> for u's own order and an upper bound otherwise") {
  const Aversion av{{0.3, 0.2}, {0.1, 0.15}};
  const Eigen::Vector2d u(3.0, 1.0);
  // f(v) = u1 + u2 − (β1 + α2)(u1 − u2) when u1 > u2.
  CHECK(fehr_schmidt_values(u, av).sum() ==
        doctest::Approx(4.0 - (0.1 + 0.2) * 2.0).epsilon(1e-15));
  CHECK(inequality_penalty(u, av) == doctest::Approx(0.6).epsilon(1e-15));
  std::mt19937_64 g(5);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const int n = 7;
  Aversion h;
  Eigen::VectorXd v(n);
  for (int i = 0; i < n; ++i) {
    h.alpha.push_back(0.4 * unit(g));
    h.beta.push_back(h.alpha.back() * unit(g));
    v[i] = unit(g);
  }
  const double p = inequality_penalty(v, h);
  CHECK(ordering_gradient(descending_order(v), h).dot(v) == doctest::Approx(p).epsilon(1e-13));
  CHECK(v.sum() - fehr_schmidt_values(v, h).sum() == doctest::Approx(p).epsilon(1e-13));
  std::vector<int> other(n);
  for (int i = 0; i < n; ++i) other[static_cast<std::size_t>(i)] = i;
  CHECK(ordering_gradient(other, h).dot(v) <= p + 1e-13);
}

TEST_CASE("Theorem 3.2 constants, Eq. 24 and the Figure 1/2/4 curves") {
  const Aversion av{{0.2, 0.15}, {0.1, 0.05}};
  // r_1 = (1 − β1 − α2)/(1 + β1 + α2) = 0.75/1.25.
  CHECK(two_agent_r(av, 0) == doctest::Approx(0.6).epsilon(1e-15));
  CHECK(two_agent_c(av, 0) == doctest::Approx(2 * 0.25 / 1.25).epsilon(1e-15));
  CHECK(two_agent_c_tilde(av, 0) == doctest::Approx(0.5).epsilon(1e-15));
  const double r = 0.6, d = 0.25;
  // loss_j (Eq. 14) peaks at a2 = r a1 with value c1 a1; zero below r a1 and above a1.
  CHECK(item_loss_bound(1.0, 0.6, r) == doctest::Approx(0.4));
  CHECK(item_loss_bound(1.0, 0.59, r) == 0.0);
  CHECK(item_loss_bound(1.0, 1.01, r) == 0.0);
  // gain_j (Eq. 23) at Δ = D: zero at a2 = r a1 (from the right), → 2 D a1 = c̃ a1 as a2 → a1.
  CHECK(item_gain_bound(1.0, 0.6 + 1e-12, d, d) == doctest::Approx(0.0).epsilon(1e-9));
  CHECK(item_gain_bound(1.0, 1.0 - 1e-12, d, d) == doctest::Approx(2 * d).epsilon(1e-9));
  // Figure 4: the quadratic (Eq. 40) majorises loss_j on [0, 1] and touches it at a2 = r a1.
  for (double a1 : {0.3, 0.7, 1.0})
    for (int k = 0; k <= 1000; ++k) {
      const double x = k / 1000.0;
      CHECK(quadratic_item_loss_bound(x, a1, r) >= item_loss_bound(a1, x, r) - 1e-12);
    }
  CHECK(quadratic_item_loss_bound(0.6 * 0.7, 0.7, r) == doctest::Approx(0.4 * 0.7).epsilon(1e-12));
  CHECK(quadratic_item_loss_bound(1.0, 0.7, r) == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(quadratic_item_loss_bound(0.0, 0.7, r) == doctest::Approx(0.0).epsilon(1e-12));
}

TEST_CASE("Lemma 3.1: threshold structure of the two-agent solution") {
  std::mt19937_64 g(9);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int rep = 0; rep < 50; ++rep) {
    Eigen::MatrixXd a(2, 15);
    for (int j = 0; j < 15; ++j) a(0, j) = unit(g), a(1, j) = unit(g);
    const Aversion av = homogeneous(2, 0.3 * unit(g), 0.0);
    const TwoAgentSolution s = two_agent_allocation(a, av);
    const int h = s.better, l = 1 - h;
    CHECK(s.delta >= 0.0);
    CHECK(s.delta <=
          av.beta[static_cast<std::size_t>(h)] + av.alpha[static_cast<std::size_t>(l)] + 1e-15);
    for (int j = 0; j < 15; ++j) {  // Eq. (13)
      const double rho = (a(h, j) - a(l, j)) / (a(h, j) + a(l, j));
      if (rho > s.delta + 1e-12) CHECK(s.x(h, j) == 1.0);
      if (rho < s.delta - 1e-12) CHECK(s.x(h, j) == 0.0);
    }
    if (!s.equalized)
      CHECK(s.delta ==
            av.beta[static_cast<std::size_t>(h)] + av.alpha[static_cast<std::size_t>(l)]);
  }
}

TEST_CASE("Corollary E.2 (Eq. 77) equals the Lemma E.1 quadrature (Eq. 69); Eq. 78 bounds it") {
  for (double s : {1.0, 2.0, 3.5})
    for (double c : {0.05, 0.2, 0.5}) {
      Prior g;
      g.kind = Prior::Kind::beta;
      g.p1 = s;
      g.p2 = 1.0;
      CHECK(expected_symmetric_item_loss_quadrature(g, c) ==
            doctest::Approx(beta_expected_item_loss(s, c)).epsilon(1e-8));
      CHECK(beta_expected_item_loss(s, c) <= beta_item_loss_bound(s, c) + 1e-15);
    }
  // Uniform (s = 1): E = (1 − (1 + c)(1 − c))/3 = c^2/3 exactly, so Eq. (78) is tight.
  CHECK(beta_expected_item_loss(1.0, 0.1) == doctest::Approx(0.01 / 3.0).epsilon(1e-12));
  CHECK(beta_item_loss_bound(1.0, 0.1) == doctest::Approx(0.01 / 3.0).epsilon(1e-12));
  // κ of Corollary E.3.
  Prior e;
  e.kind = Prior::Kind::exponential;
  e.p1 = 2.0;
  CHECK(kappa(e) == 1.0);
  Prior b;
  b.kind = Prior::Kind::beta;
  b.p1 = 2.0;
  b.p2 = 0.5;
  CHECK(std::isinf(kappa(b)));  // Appendix E: Beta(s, s') with s' < 1 has unbounded κ
}

TEST_CASE("Eqs. 26–27: a multi-agent instance with vanishing loss and non-vanishing gain") {
  const int n = 4;
  const double eps = 1e-3;
  const Aversion av = homogeneous(n, 0.2, 0.1);
  const double r = reallocation_ratio(av, 0, 1);  // all r_1i are equal here
  Instance inst;
  inst.a = Eigen::MatrixXd::Constant(n, n, r - eps);
  inst.a.row(0).setOnes();
  for (int j = 1; j < n; ++j) inst.a(j, j) = 1.0 - eps;
  inst.aversion = av;
  const LpSolution s = solve_participatory(inst);
  REQUIRE(s.ok);
  const Eigen::MatrixXd xs = utilitarian_allocation(inst.a, 1);
  CHECK(s.x.isApprox(Eigen::MatrixXd::Identity(n, n), 1e-9));  // x^θ_ij = 1{i = j}
  const double loss = utilities(inst.a, xs).sum() - utilities(inst.a, s.x).sum();
  const double gain = welfare(inst.a, av, s.x) - welfare(inst.a, av, xs);
  CHECK(loss == doctest::Approx((n - 1) * eps).epsilon(1e-9));
  // Eq. (27) prints (2 − ε)Σ_{i>1}(β_1 + α_i); with the 1/(n−1) of Eqs. (10–11) the exact value is
  // (n − ε)/(n − 1)·Σ_{i>1}(β_1 + α_i) − (n − 1)ε, which is the paper's for n = 2.
  const double pair_sum = (n - 1) * (0.1 + 0.2);
  CHECK(gain == doctest::Approx(-(n - 1) * eps + (n - eps) / (n - 1.0) * pair_sum).epsilon(1e-9));
}

TEST_CASE("Proposition 4.4 (Eqs. 129–131): γ-dissimilar agents with gain/loss -> infinity") {
  const int n = 3;
  const Aversion av = homogeneous(n, 0.2, 0.1);
  double previous = 0.0;
  for (double eps : {1e-2, 3e-3, 1e-3}) {
    Instance inst;
    inst.a = Eigen::MatrixXd::Zero(n, 2 * n - 1);
    inst.a(0, 0) = 1.0 + eps;
    for (int i = 1; i < n; ++i) {
      inst.a(i, i) = 1.0;
      inst.a(0, n + i - 1) = eps;
      inst.a(i, n + i - 1) = eps * (1.0 - eps);
    }
    inst.aversion = av;
    const LpSolution s = solve_participatory(inst);
    REQUIRE(s.ok);
    const Eigen::MatrixXd xs = utilitarian_allocation(inst.a, 1);
    const double loss = utilities(inst.a, xs).sum() - utilities(inst.a, s.x).sum();
    const double gain = welfare(inst.a, av, s.x) - welfare(inst.a, av, xs);
    CHECK(loss == doctest::Approx((n - 1) * eps * eps).epsilon(1e-6));  // Eq. (131)
    // Eq. (130) prints ε(2 − ε)Σ_{i>1}(β_1 + α_i) − (n−1)ε², the slip of Eq. (27): with the
    // 1/(n−1) of Eqs. (10–11) the gain is ε(n − ε)/(n − 1)·Σ_{i>1}(β_1 + α_i) − (n−1)ε².
    const double pair_sum = (n - 1) * (0.1 + 0.2);
    CHECK(gain == doctest::Approx(-(n - 1) * eps * eps + eps * (n - eps) / (n - 1.0) * pair_sum)
                      .epsilon(1e-6));
    CHECK(gain / loss > previous);
    previous = gain / loss;
  }
  CHECK(previous > 50.0);
}

TEST_CASE("Proposition F.1: two δ-similar agents with loss -> δ/2") {
  const int m = 10;
  const double delta = 1.0, eps = 1e-4;
  Eigen::MatrixXd a(2, m);
  for (int j = 0; j < m; ++j) {
    a(0, j) = 1.0;
    a(1, j) = 1.0 - delta / m + ((j + 1) % 2 == 1 ? eps : 0.0);  // paper's items are 1-based
  }
  // Choose D = β1 + α2 so that r_1 = 1 − δ/m + ε/2: only the "odd" items move.
  const double r = 1.0 - delta / m + eps / 2, d = (1.0 - r) / (1.0 + r);
  const Aversion av{{d, d}, {0.0, 0.0}};
  const TwoAgentSolution s = two_agent_allocation(a, av);
  const double loss = utilities(a, utilitarian_allocation(a, 1)).sum() - utilities(a, s.x).sum();
  CHECK(loss == doctest::Approx(delta / 2 - m * eps / 2).epsilon(1e-12));
  CHECK(loss <= delta + 1e-12);  // the δ-similar bound
}

TEST_CASE("Eqs. 30–31: two agents, two goods, individual tradeoff -> 2") {
  for (double e : {1e-1, 1e-2, 1e-3}) {
    const double a1 = 1.0 - e, a2 = 1.0 - 2 * e;
    Eigen::MatrixXd a(2, 2);
    a << a1, 1 - a1, a2, 1 - a2;
    const Aversion av = homogeneous(2, 0.45, 0.45);  // β1 + α2 >= (a1 − a2)/(a1 + a2)
    const TwoAgentSolution s = two_agent_allocation(a, av);
    const double f = (a1 - (1 - a2)) / (a1 + a2);
    Eigen::MatrixXd expect(2, 2);
    expect << 1 - f, 0, f, 1;
    CHECK(s.x.isApprox(expect, 1e-12));  // Eq. (30)
    const double it = a1 / utilities(a, s.x)[0];
    // Eq. (31) prints a1/(a1 − f); u_1(x^{α,β}) = a1(1 − f), so IT = 1/(1 − f) = 2 − e1 − e2.
    CHECK(it == doctest::Approx(1.0 / (1.0 - f)).epsilon(1e-12));
    CHECK(it == doctest::Approx(2.0 - e - 2 * e).epsilon(1e-12));
  }
}

TEST_CASE("Proposition 5.1: individual tradeoff approaches n") {
  const int n = 5;
  const Aversion av = homogeneous(n, 0.2, 0.1);
  // The proof's utility matrix read transposed (rows = items, columns = agents), the only reading
  // in which every agent is normalised: agent 1 values item 1 at 1 − ε1 and each other item at
  // ε1/(m−1), agents 2..n value item 1 at 1 − ε2 and the others at ε2/(m−1). x* gives item 1 to
  // agent 1; x^θ equalises everyone: u = (1 − y)(1 − ε1) for agent 1 and, with items 2..m shared
  // by agents 2..n, (n − 1)(1 − y)(1 − ε1) = y(1 − ε2) + ε2, so IT = 1/(1 − y) =
  // n − (n − 1)ε1 − ε2 -> n. (The proof's x^θ shares items 2..m as 1/(m − 1) where a complete
  // allocation needs 1/(n − 1); equal for m = n, irrelevant in the limit.)
  for (const int m : {3, 5, 8}) {
    for (const double e1 : {1e-2, 1e-3}) {
      const double e2 = 2 * e1;
      Instance inst;
      inst.a.resize(n, m);
      inst.a(0, 0) = 1 - e1;
      for (int j = 1; j < m; ++j) inst.a(0, j) = e1 / (m - 1);
      for (int i = 1; i < n; ++i) {
        inst.a(i, 0) = 1 - e2;
        for (int j = 1; j < m; ++j) inst.a(i, j) = e2 / (m - 1);
      }
      for (int i = 0; i < n; ++i) REQUIRE(inst.a.row(i).sum() == doctest::Approx(1.0));
      inst.aversion = av;
      const LpSolution s = solve_participatory(inst);
      REQUIRE(s.ok);
      const Eigen::VectorXd us = utilities(inst.a, utilitarian_allocation(inst.a, 1)),
                            ut = utilities(inst.a, s.x);
      CHECK(us[0] == doctest::Approx(1 - e1).epsilon(1e-14));
      CHECK(ut.maxCoeff() - ut.minCoeff() <= 1e-9);  // equalised
      CHECK(us[0] / ut[0] == doctest::Approx(n - (n - 1) * e1 - e2).epsilon(1e-9));
    }
  }
  // What the text describes ("all agents have similar preferences"): one item, a_1 = 1 and
  // a_i = 1 − ε. x^θ splits the item to equalise utilities, so IT = u_1(x*)/u_1(x^θ) -> n while the
  // loss is O(ε).
  for (double eps : {1e-2, 1e-3, 1e-4}) {
    Instance inst;
    inst.a = Eigen::MatrixXd::Constant(n, 1, 1.0 - eps);
    inst.a(0, 0) = 1.0;
    inst.aversion = av;
    const LpSolution s = solve_participatory(inst);
    REQUIRE(s.ok);
    const Eigen::VectorXd us = utilities(inst.a, utilitarian_allocation(inst.a, 1)),
                          ut = utilities(inst.a, s.x);
    const double it = us[0] / ut[0];
    // Equal utilities: x_1 = (1 − ε)/(1 − ε + (n − 1)·1)·... solve x_1 = (1 − ε) x_i, Σ x = 1.
    const double x1 = (1.0 - eps) / (1.0 - eps + (n - 1));
    CHECK(it == doctest::Approx(1.0 / x1).epsilon(1e-9));
    CHECK(us.sum() - ut.sum() <= eps + 1e-12);
  }
}

TEST_CASE("Theorem 3.4 constants (Eqs. 17, 18, 101, 102)") {
  const Aversion av{{0.3, 0.2, 0.1}, {0.1, 0.2, 0.05}};
  // r_ik = (1 − β_i − (||α|| − α_i)/(n−1)) / (1 + α_k + (||β|| − β_k)/(n−1)).
  CHECK(reallocation_ratio(av, 0, 1) ==
        doctest::Approx((1 - 0.1 - 0.3 / 2) / (1 + 0.2 + 0.15 / 2)).epsilon(1e-14));
  // c̄_i >= c_ik = 1 − r_ik for all k (Eq. 102).
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k)
      if (i != k) CHECK(c_bar(av, i) >= 1.0 - reallocation_ratio(av, i, k) - 1e-14);
  CHECK(c_item(av, {1}) ==
        doctest::Approx((0.2 + 0.3 + 0.95 / 2) / (1 + 0.3 + 0.35 / 2)).epsilon(1e-14));
  CHECK(c_item_max(av) == doctest::Approx(c_item(av, {1})).epsilon(1e-15));
}

TEST_CASE("Corollary D.2: Eq. 68 is m times the U(0,1) mean of Eq. 67's integrand at τ = 2/3") {
  // Eq. (67) bounds loss_j by Theorem D.1's Eq. (38) with ||a_1||_1 replaced by its maximum m and
  // averages it over a_1j ~ U(0,1). At τ = 2/3 the two terms have the same exponent and the mean
  // is exactly c(3 + 2/r)(γm)^{4/3} per item while γm + (γm)^{2/3} <= 1 (the middle case fits in
  // [0, 1]); beyond that the mean is smaller. The printed 2c(1 + 1/r) is below the mean.
  // The integrand is piecewise constant with two jumps, so the midpoint rule with N points is off
  // by at most 2 · max/N.
  const int N = 200'000;
  struct Case {
    int m;
    double gamma, r;
    bool tight;
  };
  for (const Case k :
       {Case{20, 0.01, 0.7, true}, Case{10, 0.005, 0.5, true}, Case{50, 0.006, 0.9, true},
        Case{4, 0.05, 0.8, true}, Case{10, 0.05, 0.6, false}, Case{8, 0.1, 0.75, false}}) {
    CAPTURE(k.m);
    CAPTURE(k.gamma);
    const double tau = 2.0 / 3.0;
    double mean = 0.0, top = 0.0;
    for (int q = 0; q < N; ++q) {
      const double v = dissimilar_item_bound((q + 0.5) / N, k.m, k.gamma, tau, k.r);
      mean += v / N;
      top = std::max(top, v);
    }
    const double expect = k.m * mean, bound = dissimilar_expected_bound(k.m, k.gamma, k.r);
    const double quad_err = k.m * 2.0 * top / N;
    CHECK(bound >= expect - quad_err);
    if (k.tight) CHECK(std::abs(bound - expect) <= quad_err);
    // the printed constant, for the record: it misses one c(γm)^{4/3} per item
    const double c = 1.0 - k.r, gm = k.gamma * k.m;
    const double printed = 2.0 * k.m * c * (1.0 + 1.0 / k.r) * std::pow(gm, 4.0 / 3.0);
    CHECK(bound - printed == doctest::Approx(k.m * c * std::pow(gm, 4.0 / 3.0)).epsilon(1e-12));
    if (k.tight) CHECK(printed < expect - quad_err);
  }
}

TEST_CASE("Proposition 5.2: the hypothesis is the proof's α·I(x^θ) >= Σ_{J^α}(u_i' − u_i)") {
  // u^θ = (1, 2, 3), u* = (3, 2, 3): agent 0 attains IT = 3; Σ_{J^α}(u_i' − u_0) = 1 + 2 = 3 and
  // I = Σ_i I_i^+ + I_i^- = (1/(n−1)) Σ_i Σ_k |u_i − u_k| = 4. The printed hypothesis (I >= 3)
  // holds, the proof's (α I >= 3) does not for any α < 1/2: Lemma G.1 then gives nothing.
  const Eigen::Vector3d ut(1.0, 2.0, 3.0), us(3.0, 2.0, 3.0);
  CHECK_FALSE(individual_tradeoff_bound(us, ut, homogeneous(3, 0.45, 0.45)).applies);
  // Agent 1 attains IT = 2 and is the best off under x^θ (Σ_J = 0): the hypothesis holds for
  // every α and the bound is max u*/min u* = 6.
  const Eigen::Vector3d ut2(1.0, 3.0, 1.0), us2(1.0, 6.0, 1.5);
  const TradeoffBound b = individual_tradeoff_bound(us2, ut2, homogeneous(3, 0.1, 0.1));
  CHECK(b.applies);
  CHECK(b.bound == 6.0);
  // Heterogeneous aversion: the proposition says nothing.
  CHECK_FALSE(
      individual_tradeoff_bound(us2, ut2, Aversion{{0.1, 0.2, 0.1}, {0.1, 0.2, 0.1}}).applies);
}
