// The registered scenario end to end: config reading, metrics, determinism, exact vs Monte Carlo.
#include "engine/params.hpp"
#include "scenarios/persuasion/population.hpp"
#include "scenarios/persuasion/scenario.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>

using namespace fairmc;

namespace {

std::vector<double> run_one(const Model& m, std::uint64_t index) {
  std::vector<double> out(m.metrics().size(), std::numeric_limits<double>::quiet_NaN());
  m.run(Draw(1234, index), out);
  return out;
}

bool same(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}

double metric(const Model& m, const std::vector<double>& out, const std::string& name) {
  const auto names = m.metrics();
  const auto it = std::find(names.begin(), names.end(), name);
  REQUIRE(it != names.end());
  return out[static_cast<std::size_t>(it - names.begin())];
}

double constant(const Model& m, const std::string& name) {
  for (const auto& [k, v] : m.constants())
    if (k == name) return v;
  FAIL("no constant " << name);
  return 0.0;
}

}  // namespace

TEST_CASE("persuasion: scenario runs every policy, deterministically, within the certified bound") {
  const Params p = Params::parse(R"(
population: {agents: 8, V: 16, prior: {dist: two_point, q: [0.05, 0.5]}}
constraint: {type: partition, groups: 2, capacity: 2, assign: random}
mechanism:
  receiver: bucketed
  epsilon: 1.0
  policies: {no_information: true, full_revelation: true, full_revelation_priority: true, paper: true, mw: true}
  mw: {iterations: 200}
)");
  const auto model = persuasion::scenario().prepare(p);
  CHECK(constant(*model, "buckets_K") == 4);
  const double factor = constant(*model, "certified_factor");
  CHECK(factor == doctest::Approx(8.0));
  for (std::uint64_t d = 0; d < 5; ++d) {
    const auto out = run_one(*model, d);
    CHECK(same(out, run_one(*model, d)));  // deterministic given (point, draw)
    CHECK(metric(*model, out, "utilities_exact") == 1.0);
    for (const char* pol : {"no_info", "full", "full_priority", "paper", "mw"}) {
      const std::string s = pol;
      const double inv_known = metric(*model, out, "inv_alpha_known_" + s);
      CHECK(inv_known >= 0.0);
      CHECK(inv_known <= 1.0);
      CHECK(metric(*model, out, "welfare_" + s) > 0.0);
      CHECK(metric(*model, out, "inv_alpha_bound_" + s) <= inv_known + 1e-9);
      if (inv_known > 0.0)
        CHECK(metric(*model, out, "alpha_known_" + s) == doctest::Approx(1.0 / inv_known));
    }
    CHECK(metric(*model, out, "alpha_known_paper") >= 1.0);
    CHECK(metric(*model, out, "alpha_bound_paper") <= factor + 1e-9);  // Theorem 1.1
    CHECK(metric(*model, out, "alpha_class_full_priority") >= 1.0);
    CHECK(metric(*model, out, "mw_prefix_gap") >= 0.0);
    CHECK(metric(*model, out, "mw_prefix_gap") < 0.5);
  }
  // Concurrent calls give the same numbers (run() is const and keeps no shared state).
  std::vector<double> a, b;
  std::thread t1([&] { a = run_one(*model, 3); });
  std::thread t2([&] { b = run_one(*model, 3); });
  t1.join();
  t2.join();
  CHECK(same(a, b));
  CHECK(same(a, run_one(*model, 3)));
}

TEST_CASE("persuasion: exact enumeration vs inner Monte Carlo is reported per draw") {
  const char* base = R"(
population: {agents: 5, V: 8, prior: {dist: uniform, support: 3}, grid: 4}
constraint: {type: budgeted, groups: 2, cap: 1.0, budget: 1.5, demand: [0.4, 1.0]}
mechanism: {receiver: exact, policies: {paper: false}, utilities: %s, samples: 4000}
)";
  char buf[512];
  std::snprintf(buf, sizeof buf, base, "auto");
  const auto exact = persuasion::scenario().prepare(Params::parse(buf));
  std::snprintf(buf, sizeof buf, base, "monte_carlo");
  const auto mc = persuasion::scenario().prepare(Params::parse(buf));
  for (std::uint64_t d = 0; d < 3; ++d) {
    const auto e = run_one(*exact, d);
    const auto m = run_one(*mc, d);
    CHECK(metric(*exact, e, "utilities_exact") == 1.0);
    CHECK(metric(*mc, m, "utilities_exact") == 0.0);
    // Same instance (common random numbers); welfare is a sum of U_i, within a few percent.
    CHECK(metric(*mc, m, "welfare_full") ==
          doctest::Approx(metric(*exact, e, "welfare_full")).epsilon(0.05));
    CHECK(metric(*exact, e, "alpha_known_full") == doctest::Approx(1.0).epsilon(1e-6));
  }
}

TEST_CASE("persuasion: configuration errors name the key") {
  const auto prep = [](const char* yaml) {
    return persuasion::scenario().prepare(Params::parse(yaml));
  };
  CHECK_THROWS_AS(prep("population: {agents: 3, V: 0.5}"), ConfigError);
  CHECK_THROWS_AS(
      prep("population: {agents: 3, V: 4}\nconstraint: {type: table, table: [0, 1, 1, 3]}"),
      ConfigError);
  CHECK_THROWS_AS(
      prep("population: {agents: 3, V: 4}\nmechanism: {policies: {no_information: false, "
           "full_revelation: false, paper: false}}"),
      ConfigError);
  CHECK_NOTHROW(
      prep("population: {agents: 2, V: 4}\nconstraint: {type: table, table: [0, 1, 1, 1.5]}"));
  CHECK_NOTHROW(prep("population: {agents: 11, prior: {dist: appendix_a}}"));
  // Issue 14 #11: the MW target option changed nothing and is rejected with the reason.
  for (const char* t : {"exact", "game"}) {
    const std::string yaml = std::string(
                                 "population: {agents: 3, V: 4}\nmechanism: {policies: "
                                 "{mw: true}, mw: {targets: ") +
                             t + "}}";
    try {
      (void)prep(yaml.c_str());
      FAIL("mechanism.mw.targets accepted");
    } catch (const ConfigError& e) {
      CHECK(std::string(e.what()).find("targets") != std::string::npos);
      CHECK(e.problem().find("removed") != std::string::npos);
    }
  }
}

TEST_CASE("persuasion: one estimator per sweep point, decided from the parameters (issue 14 #12)") {
  // Budgeted caps, 6 agents with 3 values on 4 grid levels: a draw has at most 3^6 = 729 full-
  // revelation scenarios (Δmax: K·2^6 = 384), fewer when snapping merges values. With
  // max_scenarios 200 the old per-draw choice enumerated about 7 draws in 8 and sampled the rest;
  // the point must use one estimator, here Monte Carlo, for all of them.
  const char* base = R"(
population: {agents: 6, V: 8, prior: {dist: uniform, support: 3}, grid: 4}
constraint: {type: budgeted, groups: 2, cap: 1.0, budget: 1.5, demand: [0.4, 1.0]}
mechanism: {policies: {no_information: true, full_revelation: true, paper: true},
            max_scenarios: %d, samples: 300}
)";
  char buf[512];
  for (const int cap : {200, 729}) {
    std::snprintf(buf, sizeof buf, base, cap);
    const auto m = persuasion::scenario().prepare(Params::parse(buf));
    const double expect = cap >= 729 ? 1.0 : 0.0;
    CHECK(constant(*m, "estimator_exact") == expect);
    for (std::uint64_t d = 0; d < 16; ++d)
      CHECK(metric(*m, run_one(*m, d), "utilities_exact") == expect);
  }
  // Uniform and partition matroids are always exact (Poisson-binomial DP), whatever n.
  const auto big = persuasion::scenario().prepare(
      Params::parse("population: {agents: 40, V: 8, prior: {dist: uniform, support: 4}}\n"
                    "constraint: {type: partition, groups: 4, capacity: 2}\n"
                    "mechanism: {max_scenarios: 1}"));
  CHECK(constant(*big, "estimator_exact") == 1.0);
  const auto mc = persuasion::scenario().prepare(
      Params::parse("population: {agents: 4, V: 8}\nmechanism: {utilities: monte_carlo}"));
  CHECK(constant(*mc, "estimator_exact") == 0.0);
}

TEST_CASE("persuasion: every prior family samples priors on [1, V] and runs") {
  const char* priors[] = {"{dist: two_point, low: 2, high: 9, q: 0.3}",
                          "{dist: discrete, values: [1, 3, 9], probs: [0.5, 0.3, 0.2]}",
                          "{dist: uniform, support: 3}",
                          "{dist: power_law, exponent: 1.0, support: 3}",
                          "{dist: power_law, exponent: 2.5, support: 3}",
                          "{dist: geometric, levels: 4, ratio: [0.3, 0.9]}"};
  for (const char* prior : priors) {
    const std::string yaml = std::string("population: {agents: 6, V: 9, grid: 5, prior: ") + prior +
                             "}\nconstraint: {type: uniform, k: 2}\n";
    const Params p = Params::parse(yaml);
    const persuasion::PopulationSpec spec = persuasion::PopulationSpec::read(p.child("population"));
    Rng rng(5, 0, 0);
    for (const auto& d : spec.sample(rng)) {
      CHECK(d.values.front() >= 1.0);
      CHECK(d.values.back() <= 9.0);
      CHECK(std::accumulate(d.probs.begin(), d.probs.end(), 0.0) == doctest::Approx(1.0));
    }
    const auto model = persuasion::scenario().prepare(p);
    const auto out = run_one(*model, 0);
    CHECK(metric(*model, out, "utilities_exact") == 1.0);
    CHECK(metric(*model, out, "inv_alpha_known_paper") > 0.0);
  }
}
