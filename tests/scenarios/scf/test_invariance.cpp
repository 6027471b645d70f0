// The invariance experiment must reproduce Table I: an SCF's ranking never changes under the
// transformations of its comparability level (or any level nested inside it, Figure 2), and
// does change, for a clear share of random profiles, under every other level.
#include "engine/params.hpp"
#include "engine/scenario.hpp"
#include "scenarios/scf/invariance.hpp"
#include "scenarios/scf/scenario.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

using namespace fairmc;
using namespace fairmc::scf;

namespace {

struct Counts {
  std::map<std::string, double> sum;
  std::map<std::string, double> expected;
  int draws = 0;
};

Counts run_invariance(const std::string& yaml, int draws) {
  const auto model = scf::scenario().prepare(Params::parse(yaml));
  const auto names = model->metrics();
  Counts c;
  c.draws = draws;
  std::vector<double> out(names.size());
  for (int d = 0; d < draws; ++d) {
    std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
    model->run(Draw(0x5cf, static_cast<std::uint64_t>(d)), out);
    for (std::size_t j = 0; j < names.size(); ++j) {
      REQUIRE(!std::isnan(out[j]));
      c.sum[names[j]] += out[j];
    }
  }
  for (const auto& [k, v] : model->constants()) c.expected[k] = v;
  return c;
}

}  // namespace

TEST_CASE("scf: invariance check reproduces Table I") {
  // 6 agents, 6 outcomes; 300 profiles. A non-admissible transformation must change the ranking
  // in at least 10% of profiles (observed rates are far higher; see experiments/scf/table1.yaml).
  const int draws = 300;
  const Counts c = run_invariance(R"(
population: {sampler: negative_profiles, agents: 6, outcomes: 6}
mechanism: {name: invariance, scfs: all, kth: 2, dictator: 0}
)",
                                  draws);
  int checked = 0;
  for (const KindInfo& k : catalogue()) {
    for (const Level l : all_levels) {
      const std::string tag = std::string(k.name) + "_" + std::string(name(l));
      CAPTURE(tag);
      const double ranking = c.sum.at("ranking_changed_" + tag) / draws;
      const double choice = c.sum.at("choice_changed_" + tag) / draws;
      const bool invariant = c.expected.at("table1_invariant_" + tag) == 1.0;
      CHECK(invariant == is_subgroup(l, k.level));
      if (invariant) {
        CHECK(ranking == 0.0);
        CHECK(choice == 0.0);
      } else {
        CHECK(ranking >= 0.10);
        CHECK(choice <= ranking);  // a changed choice is a changed ranking
      }
      ++checked;
    }
  }
  CHECK(checked == 11 * 7);
}

TEST_CASE("scf: admissible transformations keep profiles negative and x0 the worst outcome") {
  Rng rng(7, 0, 0);
  const CostProfile p = CostProfile::sample(5, 4, 0.1, 1.0, rng);
  for (const Level l : all_levels) {
    const CostProfile t = p.transformed(Transform::sample(l, 5, rng, 1.0));
    for (std::size_t i = 0; i < 5; ++i) {
      for (std::size_t x = 0; x < 4; ++x) CHECK(t.at(x, i) < 0.0);
      for (std::size_t x = 1; x < 4; ++x) CHECK(t.at(0, i) > t.at(x, i));
    }
  }
}

TEST_CASE("scf: common-scale levels use one scale for all agents, per-agent levels do not") {
  Rng rng(11, 0, 0);
  for (const Level l : {Level::cfc, Level::cuc, Level::rfc, Level::olc}) {
    const Transform t = Transform::sample(l, 3, rng, 1.0);
    // Differences between two costs of different agents scale alike under a common scale.
    const double r0 = (t.apply(0, -0.5) - t.apply(0, -0.25)) / 0.25;
    const double r1 = (t.apply(1, -0.5) - t.apply(1, -0.25)) / 0.25;
    CHECK(r0 == doctest::Approx(r1).epsilon(1e-12));
  }
  const Transform cnc = Transform::sample(Level::cnc, 3, rng, 1.0);
  CHECK((cnc.apply(0, -0.5) - cnc.apply(0, -0.25)) !=
        doctest::Approx(cnc.apply(1, -0.5) - cnc.apply(1, -0.25)));
}

TEST_CASE("scf: invariance draws are deterministic per (point, draw)") {
  const auto model =
      scf::scenario().prepare(Params::parse("population: {sampler: negative_profiles, agents: 4, "
                                            "outcomes: 5}\nmechanism: {name: invariance}\n"));
  std::vector<double> a(model->metrics().size()), b(a.size());
  model->run(Draw(99, 3), a);
  model->run(Draw(99, 3), b);
  CHECK(a == b);
}

TEST_CASE("scf: one agent - every Table I cell is trivially invariant, no prediction printed") {
  const int draws = 60;
  const Counts c = run_invariance(R"(
population: {sampler: negative_profiles, agents: 1, outcomes: 6}
mechanism: {name: invariance, scfs: all}
)",
                                  draws);
  for (const KindInfo& k : catalogue()) {
    for (const Level l : all_levels) {
      const std::string tag = std::string(k.name) + "_" + std::string(name(l));
      CAPTURE(tag);
      CHECK(c.expected.count("table1_invariant_" + tag) == 0);
      CHECK(c.expected.at("table1_trivial_" + tag) == 1.0);
      CHECK(c.sum.at("ranking_changed_" + tag) == 0.0);
    }
  }
}

TEST_CASE("scf: gamma 0 or 1 - the degenerate CFC cells are marked trivial, others predicted") {
  const int draws = 100;
  const Counts c = run_invariance(R"(
population: {sampler: negative_profiles, agents: 5, outcomes: 6}
mechanism: {name: invariance, scfs: "sum_plus_gamma_max, mean_plus_gamma_max, mean_plus_gamma_mad",
            sum_max_gamma: 0, mean_max_gamma: 1, mad_gamma: 0.25}
)",
                                  draws);
  // sum + 0 max is the sum (CUC); mean + 1 (max - mean) is max (OLC); MAD with 0.25 is CFC.
  for (const Level l : all_levels) {
    const std::string lv(name(l));
    CAPTURE(lv);
    const bool sum_trivial = l == Level::cuc;
    const bool max_trivial = l == Level::olc;
    CHECK(c.expected.count("table1_trivial_sum_plus_gamma_max_" + lv) == (sum_trivial ? 1 : 0));
    CHECK(c.expected.count("table1_invariant_sum_plus_gamma_max_" + lv) == (sum_trivial ? 0 : 1));
    CHECK(c.expected.count("table1_trivial_mean_plus_gamma_max_" + lv) == (max_trivial ? 1 : 0));
    CHECK(c.expected.count("table1_trivial_mean_plus_gamma_mad_" + lv) == 0);
    if (sum_trivial) CHECK(c.sum.at("ranking_changed_sum_plus_gamma_max_" + lv) == 0.0);
    if (max_trivial) CHECK(c.sum.at("ranking_changed_mean_plus_gamma_max_" + lv) == 0.0);
  }
}
