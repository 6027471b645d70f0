// SCF formulas, tags (Theorem 1, Table I) and the admissible operations of Proposition 1.
#include "scenarios/scf/comparability.hpp"
#include "scenarios/scf/social_cost.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

using namespace fairmc::scf;

namespace {
SocialCost make(Kind k, double gamma = 0.0) {
  SocialCost s;
  s.kind = k;
  s.gamma = gamma;
  return s;
}
}  // namespace

TEST_CASE("scf: formulas of Section II-B and Theorem 1 on a small profile") {
  const std::vector<double> J{3.0, -1.0, 2.0, 0.5};  // sum 4.5, mean 1.125, max 3
  CHECK(make(Kind::utilitarian).value(J) == doctest::Approx(4.5).epsilon(1e-15));
  SocialCost w = make(Kind::weighted_sum);
  w.weights = {1.0, 2.0, 0.5, 4.0};
  CHECK(w.value(J) == doctest::Approx(3.0 - 2.0 + 1.0 + 2.0).epsilon(1e-15));
  CHECK(make(Kind::rawls_max).value(J) == 3.0);
  SocialCost kth = make(Kind::kth_largest);
  kth.k = 2;
  CHECK(kth.value(J) == 2.0);
  kth.k = 4;
  CHECK(kth.value(J) == -1.0);
  CHECK(make(Kind::sum_plus_gamma_max, 2.0).value(J) == doctest::Approx(4.5 + 6.0));
  CHECK(make(Kind::mean_plus_gamma_max, 0.5).value(J) == doctest::Approx(1.125 + 0.5 * 1.875));
  // mean |J - mean| = (1.875 + 2.125 + 0.875 + 0.625) / 4 = 1.375
  CHECK(make(Kind::mean_plus_gamma_mad, 0.5).value(J) == doctest::Approx(1.125 + 0.5 * 1.375));
  SocialCost d = make(Kind::dictator);
  d.dictator = 1;
  CHECK(d.value(J) == -1.0);
  CHECK(std::isnan(make(Kind::leximin).value(J)));
}

TEST_CASE("scf: Nash SCFs are -prod gains^c and undefined outside their domain") {
  SocialCost neg = make(Kind::nash_negative);
  neg.weights = {1.0, 2.0};
  CHECK(neg.value(std::vector<double>{-2.0, -3.0}) == doctest::Approx(-(2.0 * 9.0)));
  CHECK(std::isinf(neg.value(std::vector<double>{-2.0, 0.5})));
  SocialCost ref = make(Kind::nash_reference);
  ref.reference = {112.0, 72.0};  // Figure 5(d): equilibrium costs
  CHECK(ref.value(std::vector<double>{110.0, 70.0}) == doctest::Approx(-4.0));
  CHECK(std::isinf(ref.key(std::vector<double>{113.0, 70.0})));
  // The ranking key is monotone in the value.
  CHECK(ref.key(std::vector<double>{110.0, 70.0}) < ref.key(std::vector<double>{111.0, 70.0}));
}

TEST_CASE(
    "scf: sum + gamma max is Theorem 1's CFC form mean + g(J - mean) with g = gamma/(n+gamma) "
    "max") {
  const std::vector<double> J{5.0, 1.0, 2.0, 7.5, 3.0};
  const double n = 5.0, gamma = 80.0;
  const double mean = 18.5 / 5.0;
  const double cfc = mean + gamma / (n + gamma) * (7.5 - mean);
  CHECK(make(Kind::sum_plus_gamma_max, gamma).value(J) == doctest::Approx((n + gamma) * cfc));
}

TEST_CASE("scf: leximin refines Rawls' max") {
  const SocialCost lex = make(Kind::leximin);
  const SocialCost rawls = make(Kind::rawls_max);
  const std::vector<double> a{3.0, 1.0, 1.0}, b{2.0, 3.0, 0.0}, c{3.0, 3.0, -5.0};
  CHECK(rawls.compare(rawls.score(a), rawls.score(b), 0.0) == 0);
  CHECK(lex.compare(lex.score(a), lex.score(b), 0.0) == -1);  // (3,1,1) beats (3,2,0)
  CHECK(lex.compare(lex.score(c), lex.score(a), 0.0) == 1);   // (3,3,-5) loses to (3,1,1)
  CHECK(lex.compare(lex.score(a), lex.score(a), 0.0) == 0);
}

TEST_CASE("scf: catalogue tags follow Theorem 1 and Table I") {
  CHECK(info(Kind::rawls_max).level == Level::olc);
  CHECK(info(Kind::leximin).level == Level::olc);
  CHECK(info(Kind::nash_reference).level == Level::cnc);
  CHECK(info(Kind::nash_negative).level == Level::cnc_ratio);
  CHECK(info(Kind::utilitarian).level == Level::cuc);
  CHECK(info(Kind::weighted_sum).level == Level::cuc);
  CHECK(info(Kind::sum_plus_gamma_max).level == Level::cfc);
  CHECK(info(Kind::mean_plus_gamma_max).level == Level::cfc);
  // (PI) replaces (IIA) for the Nash SCF with a reference outcome.
  CHECK(!info(Kind::nash_reference).axioms.iia);
  CHECK(info(Kind::nash_reference).axioms.partial_independence);
  // Anonymity: weighted forms and the dictator are not anonymous.
  CHECK(!info(Kind::weighted_sum).axioms.anonymity);
  CHECK(!info(Kind::dictator).axioms.anonymity);
  CHECK(info(Kind::utilitarian).axioms.anonymity);
  // Max only satisfies the weak Pareto principle; leximin the strong one.
  CHECK(!info(Kind::rawls_max).axioms.strong_pareto);
  CHECK(info(Kind::leximin).axioms.strong_pareto);
  for (const KindInfo& k : catalogue()) {
    CHECK(k.axioms.weak_pareto);
    CHECK(kind_from_name(k.name) == k.kind);
  }
  CHECK_THROWS_AS(kind_from_name("egalitarian"), std::invalid_argument);
}

TEST_CASE("scf: comparability levels nest as in Figure 2") {
  CHECK(is_subgroup(Level::cfc, Level::cuc));
  CHECK(is_subgroup(Level::cuc, Level::cnc));
  CHECK(is_subgroup(Level::cfc, Level::olc));
  CHECK(is_subgroup(Level::rfc, Level::cnc_ratio));
  CHECK(is_subgroup(Level::cnc, Level::onc));
  CHECK(!is_subgroup(Level::cuc, Level::olc));
  CHECK(!is_subgroup(Level::olc, Level::cnc));
  CHECK(!is_subgroup(Level::cnc, Level::cuc));
  CHECK(!is_subgroup(Level::cfc, Level::cnc_ratio));
  for (const Level a : all_levels) {
    CHECK(level_from_name(name(a)) == a);
    for (const Level b : all_levels) {
      for (const Level c : all_levels) {
        // Transitive, as set inclusion must be.
        if (is_subgroup(a, b) && is_subgroup(b, c)) CHECK(is_subgroup(a, c));
      }
    }
  }
}

TEST_CASE("scf: Proposition 1 - ratios of SCF differences (CUC, CFC) and of SCF values (CNC)") {
  // Three outcomes for three agents.
  const std::vector<std::vector<double>> J{{1.0, 4.0, 2.0}, {3.0, 1.0, 2.5}, {2.0, 2.0, 0.5}};
  const std::vector<double> a{2.0, 2.0, 2.0}, b{1.0, -3.0, 0.25};  // CUC: a J_i + b_i
  SocialCost u = make(Kind::weighted_sum);
  u.weights = {1.0, 0.5, 2.0};
  auto C = [&](const SocialCost& s, const std::vector<double>& x, bool tf) {
    std::vector<double> y = x;
    if (tf)
      for (std::size_t i = 0; i < 3; ++i) y[i] = a[i] * x[i] + b[i];
    return s.value(y);
  };
  const double t0 =
      (C(u, J[0], false) - C(u, J[2], false)) / (C(u, J[1], false) - C(u, J[2], false));
  const double t1 = (C(u, J[0], true) - C(u, J[2], true)) / (C(u, J[1], true) - C(u, J[2], true));
  CHECK(t1 == doctest::Approx(t0).epsilon(1e-13));
  // A difference itself is not invariant (it scales by a).
  CHECK(C(u, J[0], true) - C(u, J[1], true) !=
        doctest::Approx(C(u, J[0], false) - C(u, J[1], false)));
  // CNC with b_i = 0: C scales by prod a_i^{c_i}, so C(x)/C(y) is invariant.
  SocialCost nash = make(Kind::nash_negative);
  nash.weights = {1.0, 2.0, 0.5};
  const std::vector<double> x{-1.0, -2.0, -3.0}, y{-2.0, -0.5, -4.0}, s{3.0, 0.2, 7.0};
  std::vector<double> xs(3), ys(3);
  for (std::size_t i = 0; i < 3; ++i) {
    xs[i] = s[i] * x[i];
    ys[i] = s[i] * y[i];
  }
  CHECK(nash.value(xs) / nash.value(ys) ==
        doctest::Approx(nash.value(x) / nash.value(y)).epsilon(1e-13));
  CHECK(nash.value(xs) != doctest::Approx(nash.value(x)));
}

TEST_CASE(
    "scf: mean + gamma MAD (gamma <= 1/2) and mean + gamma (max - mean) (gamma < 1) are "
    "strongly Paretian") {
  std::mt19937_64 g(17);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  for (const Kind k : {Kind::mean_plus_gamma_mad, Kind::mean_plus_gamma_max}) {
    CHECK(info(k).axioms.strong_pareto);
    const double top = k == Kind::mean_plus_gamma_mad ? 0.5 : 0.999;
    for (int rep = 0; rep < 3000; ++rep) {
      const std::size_t n = 1 + static_cast<std::size_t>(12 * U(g));
      const SocialCost s = make(k, rep % 5 == 0 ? top : top * U(g));
      CHECK(s.axioms().strong_pareto);
      std::vector<double> J(n), Jp(n);
      for (std::size_t i = 0; i < n; ++i) J[i] = rep % 3 == 0 ? std::floor(4 * U(g)) : U(g);
      // A Pareto improvement: nobody worse, one (sometimes several) strictly better.
      Jp = J;
      const std::size_t who = static_cast<std::size_t>(n * U(g)) % n;
      Jp[who] -= 0.01 + U(g);
      if (rep % 2 == 0) {
        for (std::size_t i = 0; i < n; ++i) Jp[i] -= (U(g) < 0.5 ? 0.0 : U(g));
      }
      CAPTURE(rep);
      CHECK(s.value(Jp) < s.value(J));
    }
  }
}

TEST_CASE("scf: just outside the Pareto ranges a strict Pareto improvement does not lower C") {
  // mean + gamma (max - mean) at gamma = 1 is max: lowering a cost below the maximum keeps C.
  {
    const SocialCost s = make(Kind::mean_plus_gamma_max, 1.0);
    CHECK(!s.axioms().strong_pareto);
    CHECK(s.value(std::vector<double>{0.0, 1.0}) == s.value(std::vector<double>{-0.5, 1.0}));
  }
  // mean + gamma MAD with one agent below the mean and n - 1 above: lowering the low cost by d
  // changes C by d (2 gamma (n - 1) / n - 1) / n > 0 once gamma > n / (2 (n - 1)) (0.50505 at
  // n = 100): gamma = 0.51 is not Paretian, gamma = 0.5 is.
  std::vector<double> J(100, 1.0);
  J[0] = 0.0;
  std::vector<double> Jp = J;
  Jp[0] = -0.1;
  const SocialCost outside = make(Kind::mean_plus_gamma_mad, 0.51);
  CHECK(!outside.axioms().strong_pareto);
  CHECK(outside.value(Jp) > outside.value(J));
  CHECK(make(Kind::mean_plus_gamma_mad, 0.5).value(Jp) <
        make(Kind::mean_plus_gamma_mad, 0.5).value(J));
}
