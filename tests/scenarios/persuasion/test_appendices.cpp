// The worked examples of Appendices A, B and C with their numbers.
#include "lp.hpp"
#include "scenarios/persuasion/appendices.hpp"
#include "scenarios/persuasion/evaluator.hpp"
#include "scenarios/persuasion/majorization.hpp"
#include "scenarios/persuasion/saturation.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <numeric>

using namespace fairmc::persuasion;
using fairmc::persuasion::test::kInf;
using fairmc::persuasion::test::Lp;

namespace {

// Appendix A instance with n agents besides agent 0 (q = 1/√n, V = 1/q).
Instance appendix_a(int n) {
  const double q = 1.0 / std::sqrt(static_cast<double>(n));
  Instance inst;
  inst.priors.push_back(DiscretePrior::point(2.0 - q));
  for (int i = 0; i < n; ++i)
    inst.priors.push_back(DiscretePrior::make({1.0, 1.0 / q}, {1.0 - q, q}));
  inst.constraint = std::make_shared<UniformMatroid>(n + 1, 1);
  return inst;
}

std::vector<double> no_random(std::size_t) {
  return {};
}

}  // namespace

TEST_CASE("persuasion: Appendix A, no revelation, full revelation and the HIGH/LOW policy") {
  const int n = 100;
  const double q = 0.1, p = 1.0 / (n * q), rn = 10.0;
  const Instance inst = appendix_a(n);
  const Buckets b(rn, 0.5);
  Evaluator ev(inst, {}, no_random);

  // No revelation: identical posterior means, uniform tie-breaking; welfare 2-q, min (2-q)/(n+1).
  const PolicyResult none = ev.majorized(no_information(inst.priors, Receiver::exact, b));
  CHECK(welfare_sum(none.utility) == doctest::Approx(2.0 - q).epsilon(1e-9));
  CHECK(welfare_min(none.utility) == doctest::Approx((2.0 - q) / (n + 1)).epsilon(1e-6));

  // Full revelation: agent 0 only wins when all others are low, w.p. (1-q)^n = O(e^-√n).
  const PolicyResult full = ev.majorized(full_revelation(inst.priors, Receiver::exact, b));
  const double all_low = std::pow(1.0 - q, n);
  CHECK(full.utility[0] == doctest::Approx((2.0 - q) * all_low).epsilon(1e-9));
  CHECK(full.utility[0] <= 2.0 * std::exp(-rn));
  CHECK(full.utility[1] == doctest::Approx(rn * (1.0 - all_low) / n).epsilon(1e-6));
  CHECK(welfare_sum(full.utility) ==
        doctest::Approx(rn * (1.0 - all_low) + (2.0 - q) * all_low).epsilon(1e-9));

  // HIGH w.p. p = 1/(nq) when the value is 1/q: P(HIGH) = 1/n, E[v|LOW] = (2-q-p)/(1-pq).
  Layer hl;
  hl.agents.push_back({SignalClass{1.0, 2.0 - q, 2.0 - q, 2.0 - q}});
  const double low_mean = (2.0 - q - p) / (1.0 - p * q);
  CHECK(low_mean < 2.0 - q);  // so the receiver picks agent 0 when every signal is LOW
  CHECK(q * p == doctest::Approx(1.0 / n));
  for (int i = 0; i < n; ++i)
    hl.agents.push_back(
        {SignalClass{q * p, rn, rn, rn}, SignalClass{1.0 - q * p, low_mean, low_mean, low_mean}});
  const PolicyResult high_low = ev.majorized({hl});
  const double none_high = std::pow(1.0 - 1.0 / n, n);
  CHECK(high_low.utility[0] == doctest::Approx((2.0 - q) * none_high).epsilon(1e-9));
  CHECK(high_low.utility[1] == doctest::Approx(rn * (1.0 - none_high) / n).epsilon(1e-6));
  // A constant fraction of full revelation's welfare and at least no revelation's min utility.
  CHECK(welfare_sum(high_low.utility) >= 0.6 * welfare_sum(full.utility));
  CHECK(welfare_min(high_low.utility) >= welfare_min(none.utility));
  // Both naive policies are far from majorized relative to it; it is within a constant of both.
  std::vector<double> best;
  for (const auto* r : {&none, &full, &high_low}) raise_prefix(best, prefix_smallest(r->utility));
  CHECK(majorization_ratio(best, none.utility) >= 0.6 * rn / 2.0);
  CHECK(majorization_ratio(best, full.utility) >= 1e3);
  CHECK(majorization_ratio(best, high_low.utility) <= 2.0);

  // The paper's Δmax policy on the same instance: within its certified factor ηK of everything.
  const PolicyResult paper = ev.majorized(single_mean_maximal(inst.priors, b));
  raise_prefix(best, prefix_smallest(paper.utility));
  CHECK(majorization_ratio(best, paper.utility) <= b.eta() * b.count());
  CHECK(ev.exact());
}

TEST_CASE("persuasion: Appendix B non-polymatroid constraints force Ω(n) majorization") {
  // Q_j^* = M^j, attained by the pure strategy p_j = 1 (checked over all vertices u^(k)): the
  // normalisation appendix_b_best_beta's rows rely on.
  for (const int n : {4, 6, 8}) {
    const double M = std::pow(n, 3);
    for (int j = 1; j <= n; ++j) {
      double best = 0.0;
      for (int k = 1; k <= j; ++k)
        best = std::max(best, (j - k + 1) * std::pow(M, k - j));  // / M^j
      CHECK(best == doctest::Approx(1.0));
    }
    const double beta = appendix_b_best_beta(n, M);
    CHECK(beta >= n / (1.0 + n * n / M) - 1e-9);  // the paper's bound β >= n / (1 + n²/M)
    CHECK(beta <= n + 1e-9);                      // uniform p gives Q_j >= M^j / n
  }
  // The LP against a grid search over the lotteries: t(p) = min_j Σ_{i<=j} c_ij p_i, c_ij =
  // M^(i-j)(j-i+1), β = 1 / max_p t(p). Every lottery is within h of a grid point in its first
  // n-1 coordinates and (n-1)h in the last, so max t <= grid max + (n-1)h·max_j Σ_i c_ij.
  for (const int n : {2, 3}) {
    const double M = std::pow(n, 3);
    const auto c = [&](int i, int j) { return std::pow(M, i - j) * (j - i + 1); };
    const int steps = 1000;
    const double h = 1.0 / steps;
    double grid = 0.0, lipschitz = 0.0;
    for (int j = 1; j <= n; ++j) {
      double row = 0.0;
      for (int i = 1; i <= j; ++i) row += c(i, j);
      lipschitz = std::max(lipschitz, row);
    }
    std::vector<int> k(static_cast<std::size_t>(n), 0);  // p_i = k_i h, Σ k = steps
    const std::function<void(int, int)> visit = [&](int i, int left) {
      if (i == n - 1) {
        k[static_cast<std::size_t>(i)] = left;
        double t = HUGE_VAL;
        for (int j = 1; j <= n; ++j) {
          double s = 0.0;
          for (int a = 1; a <= j; ++a) s += c(a, j) * k[static_cast<std::size_t>(a - 1)] * h;
          t = std::min(t, s);
        }
        grid = std::max(grid, t);
        return;
      }
      for (int v = 0; v <= left; ++v) {
        k[static_cast<std::size_t>(i)] = v;
        visit(i + 1, left - v);
      }
    };
    visit(0, steps);
    const double t_lp = 1.0 / appendix_b_best_beta(n, M);
    CHECK(t_lp >= grid - 1e-9);
    CHECK(t_lp <= grid + (n - 1) * h * lipschitz + 1e-9);
  }
}

TEST_CASE("persuasion: Appendix C (1) majorized allocations, unmajorizable utilities") {
  // Agents 1..2n; group g_i = {i, 2n+1-i} (the paper's {i, 2n-i} collides at i = n); a lottery
  // p over the groups gives u_i = p_i n^(2i), u_(2n+1-i) = p_i (N - n^(2i)), N = n^(2n+2).
  for (const int n : {3, 4}) {
    const double N = std::pow(n, 2 * n + 2);
    const std::vector<double> best = appendix_c_best_prefixes(n);  // Q_j* / N
    REQUIRE(best.size() == static_cast<std::size_t>(2 * n));
    for (int j = 1; j <= n; ++j)  // the allocations A_i give Q_i >= n^(2i) - n^(2i-1)
      CHECK(best[static_cast<std::size_t>(j - 1)] * N >=
            (std::pow(n, 2 * j) - std::pow(n, 2 * j - 1)) * (1 - 1e-6));
    const double alpha = appendix_c_best_alpha(n);
    CHECK(alpha >= (n - 1.0) / (1.0 + 2.0 / n));  // α >= n(1 - o(1)) / (1 + 2/n)
    CHECK(alpha <= n + 1e-6);
    MESSAGE("Appendix C(1): n = " << n << ", best utility majorization α = " << alpha);
  }
  // n = 2 against a grid search over p = (x, 1-x), utilities / N: Q_j(u) is j-Lipschitz in the
  // max norm and u moves by at most h between grid points, so Q_j* <= grid max + j·h; α(x) =
  // max_j Q_j*/Q_j(u(x)) is then within a relative ~2·2n·h/Q_1(u) (Q_1 >= Q_1*/α ≈ 0.035) of
  // the grid's minimum: below 1e-3 with h = 1e-5.
  const int n = 2;
  const double N = std::pow(n, 2 * n + 2), lo1 = std::pow(n, 2) / N, lo2 = std::pow(n, 4) / N;
  const auto prefixes = [&](double x) {
    std::vector<double> u{x * lo1, x * (1 - lo1), (1 - x) * lo2, (1 - x) * (1 - lo2)};
    return prefix_smallest(u);
  };
  const int steps = 100000;
  const double h = 1.0 / steps;
  std::vector<double> grid_best(2 * n, 0.0);
  for (int s = 0; s <= steps; ++s) raise_prefix(grid_best, prefixes(s * h));
  const std::vector<double> best = appendix_c_best_prefixes(n);
  for (std::size_t j = 0; j < best.size(); ++j) {
    CHECK(best[j] >= grid_best[j] - 1e-9);
    CHECK(best[j] <= grid_best[j] + static_cast<double>(j + 1) * h + 1e-9);
  }
  double grid_alpha = HUGE_VAL;
  for (int s = 1; s < steps; ++s)
    grid_alpha = std::min(
        grid_alpha, majorization_ratio(grid_best, std::vector<double>{
                                                      s * h * lo1, s * h * (1 - lo1),
                                                      (1 - s * h) * lo2, (1 - s * h) * (1 - lo2)}));
  CHECK(appendix_c_best_alpha(n) == doctest::Approx(grid_alpha).epsilon(1e-3));
}

TEST_CASE("persuasion: Appendix C (2) a submodular saturation function does not give B(g) = U") {
  // g(S) = h(|S|), h = (0, 1, 1.9, 2.5): B(g) is the hexagon with vertices the permutations of
  // (1, 0.9, 0.6); U = B(g) ∩ {x - y <= 0.39} has the same saturation function.
  const RankTable g(3, {0, 1, 1, 1.9, 1, 1.9, 1.9, 2.5});
  std::vector<double> marg(3);
  g.marginals(std::vector<int>{0, 2, 1}, marg);
  // vertex (x, y, z) = (1, 0.6, 0.9)
  CHECK(marg[0] == doctest::Approx(1.0));
  CHECK(marg[1] == doctest::Approx(0.9));
  CHECK(marg[2] == doctest::Approx(0.6));
  CHECK(1.0 - 0.6 > 0.39);  // ... which the halfspace cuts off
  for (std::size_t mask = 1; mask < 8; ++mask) {
    Lp lp(true);
    std::vector<int> c;
    for (int i = 0; i < 3; ++i) c.push_back(lp.col(0.0, kInf, (mask >> i & 1U) ? 1.0 : 0.0));
    for (std::size_t a = 1; a < 8; ++a) {
      std::vector<std::pair<int, double>> row;
      for (int i = 0; i < 3; ++i)
        if (a >> i & 1U) row.emplace_back(c[static_cast<std::size_t>(i)], 1.0);
      std::vector<int> set;
      for (int i = 0; i < 3; ++i)
        if (a >> i & 1U) set.push_back(i);
      lp.row(row, a == 7 ? 2.5 : -kInf, g.rank(set));
    }
    lp.row({{c[0], 1.0}, {c[1], -1.0}}, -kInf, 0.39);
    std::vector<int> set;
    for (int i = 0; i < 3; ++i)
      if (mask >> i & 1U) set.push_back(i);
    CHECK(lp.solve() == doctest::Approx(g.rank(set)).epsilon(1e-9));
  }
}
