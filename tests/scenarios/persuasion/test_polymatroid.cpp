#include "scenarios/persuasion/polymatroid.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <vector>

using namespace fairmc::persuasion;

TEST_CASE("persuasion: every constraint type is a polymatroid (Definition 2.1)") {
  CHECK(check_polymatroid(UniformMatroid(6, 2)).empty());
  CHECK(check_polymatroid(PartitionMatroid({0, 0, 1, 1, 1, 2}, {1, 2, 1})).empty());
  CHECK(check_polymatroid(
            BudgetedCaps({0, 0, 1, 1, 2, 2}, {1.0, 0.7, 1.5}, {0.4, 0.9, 0.3, 0.6, 1.0, 0.2}, 2.1))
            .empty());
  // Coverage-style table on 3 agents: f(S) = |union of covered items|, items {a,b}, {b,c}, {c}.
  const std::vector<double> cover = {0, 2, 2, 3, 1, 3, 2, 3};
  CHECK(check_polymatroid(RankTable(3, cover)).empty());
  // A supermodular table is rejected.
  CHECK_THROWS(RankTable(2, {0, 1, 1, 3}));
  CHECK_THROWS(RankTable(2, {0, 1, 1}));
}

TEST_CASE("persuasion: greedy marginals agree with rank differences (Section 2.3)") {
  const BudgetedCaps f({0, 0, 1, 1, 2}, {1.0, 0.7, 1.5}, {0.4, 0.9, 0.3, 0.6, 1.0}, 1.9);
  const std::vector<int> order = {3, 0, 4, 1, 2};
  std::vector<double> marg(order.size());
  f.marginals(order, marg);
  std::vector<int> prefix;
  double before = 0.0;
  for (std::size_t t = 0; t < order.size(); ++t) {
    prefix.push_back(order[t]);
    const double now = f.rank(prefix);
    CHECK(marg[t] == doctest::Approx(now - before).epsilon(1e-12));
    before = now;
  }
  const PartitionMatroid pm({0, 1, 0, 1, 0}, {2, 1});
  std::vector<double> m2(5);
  pm.marginals(std::vector<int>{0, 1, 2, 3, 4}, m2);
  CHECK(m2 == std::vector<double>{1, 1, 1, 0, 0});
  auto shared =
      std::make_shared<PartitionMatroid>(std::vector<int>{0, 1, 0, 1, 0}, std::vector<int>{2, 1});
  const auto parts = shared->components(shared);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].agents == std::vector<int>{0, 2, 4});
  CHECK(parts[0].rank->uniform_capacity() == 2);
}
