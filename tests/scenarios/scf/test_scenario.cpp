// Registration, configuration checks and the experiment models of the scf scenario.
#include "engine/params.hpp"
#include "engine/scenario.hpp"
#include "scenarios/catalog.hpp"
#include "scenarios/scf/scenario.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

using namespace fairmc;

namespace {

std::vector<double> run_once(const Model& m, std::uint64_t key, std::uint64_t draw) {
  std::vector<double> out(m.metrics().size(), std::numeric_limits<double>::quiet_NaN());
  m.run(Draw(key, draw), out);
  return out;
}

double metric(const Model& m, const std::vector<double>& out, const std::string& name) {
  const auto names = m.metrics();
  const auto it = std::find(names.begin(), names.end(), name);
  REQUIRE(it != names.end());
  return out[static_cast<std::size_t>(it - names.begin())];
}

}  // namespace

TEST_CASE("scf: registered in the catalogue") {
  const auto all = scenario_catalog();
  CHECK(std::any_of(all.begin(), all.end(), [](const ScenarioInfo& s) { return s.name == "scf"; }));
}

TEST_CASE("scf: configuration errors name the key") {
  const ScenarioInfo s = scf::scenario();
  CHECK_THROWS_AS(s.prepare(Params::parse("mechanism: {name: auction}\n")), ConfigError);
  CHECK_THROWS_AS(
      s.prepare(Params::parse(
          "population: {sampler: figure5}\nmechanism: {name: traffic, scfs: egalitarian}\n")),
      ConfigError);
  // The ratio-scale Nash SCF needs negative costs: not offered for travel delays.
  CHECK_THROWS_AS(
      s.prepare(Params::parse(
          "population: {sampler: figure5}\nmechanism: {name: traffic, scfs: nash_negative}\n")),
      ConfigError);
  CHECK_THROWS_AS(
      s.prepare(Params::parse("population: {sampler: fixed, benefit: [1, 2], upfront: [1], "
                              "supply: 3}\nmechanism: {name: divisible}\n")),
      ConfigError);
  CHECK_THROWS_AS(
      s.prepare(Params::parse("population: {sampler: negative_profiles, agents: 3, cost_lo: 2, "
                              "cost_hi: 1}\nmechanism: {name: invariance}\n")),
      ConfigError);
  try {
    s.prepare(Params::parse(
        "population: {sampler: figure5}\nmechanism: {name: traffic, mean_max_gamma: 2, "
        "scfs: mean_plus_gamma_max}\n"));
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.key_path() == "mechanism.mean_max_gamma");
  }
}

TEST_CASE("scf: the Figure 5 model reports the paper's delays next to its constants") {
  const auto m = scf::scenario().prepare(Params::parse(
      "population: {sampler: figure5}\nmechanism: {name: traffic, sum_max_gamma: 80}\n"));
  const auto out = run_once(*m, 1, 0);
  for (const auto& [name, value] : m->constants()) {
    if (name.rfind("paper_", 0) != 0) continue;
    const std::string metric_name = name.substr(6);
    CAPTURE(metric_name);
    // The paper prints delays to one decimal.
    CHECK(std::abs(metric(*m, out, metric_name) - value) < 0.05);
  }
  CHECK(metric(*m, out, "fast_delay_equilibrium") == doctest::Approx(72.0));
}

TEST_CASE("scf: the water model matches Appendix A and eq. (2) constants") {
  const auto m = scf::scenario().prepare(Params::parse(R"(
population: {sampler: fixed, benefit: [3, 1], upfront: [40, 60], rights: [1, 4], supply: 120}
mechanism: {name: divisible, scfs: "nash_reference, nash_negative, utilitarian"}
)"));
  const auto out = run_once(*m, 1, 0);
  double a1 = 0.0, e1 = 0.0;
  for (const auto& [name, value] : m->constants()) {
    if (name == "appendix_a_x1") a1 = value;
    if (name == "eq2_x1") e1 = value;
  }
  CHECK(a1 == doctest::Approx(24.0));
  // alpha/q = (40/3, 60); the remaining 120 - 220/3 is shared 1:4.
  CHECK(e1 == doctest::Approx(40.0 / 3.0 + (120.0 - 40.0 / 3.0 - 60.0) / 5.0));
  CHECK(metric(*m, out, "x1_nash_reference") == doctest::Approx(a1).epsilon(1e-12));
  CHECK(metric(*m, out, "x1_nash_negative") == doctest::Approx(e1).epsilon(1e-12));
  CHECK(metric(*m, out, "x1_utilitarian") == doctest::Approx(120.0));
  CHECK(metric(*m, out, "feasible_nash_negative") == 1.0);
}

TEST_CASE("scf: randomised models are deterministic and thread-safe") {
  for (const char* yaml :
       {"population: {sampler: random, agents: 30, supply: 20, curvature: {dist: uniform, lo: 0.5, "
        "hi: 1}}\n"
        "mechanism: {name: divisible}\n",
        "population: {sampler: random, groups: 3, jitter: 0.2}\nmechanism: {name: traffic}\n",
        "population: {sampler: negative_profiles, agents: 10}\nmechanism: {name: invariance}\n"}) {
    const auto m = scf::scenario().prepare(Params::parse(yaml));
    std::vector<std::vector<double>> serial, parallel(8);
    for (std::uint64_t d = 0; d < 8; ++d) serial.push_back(run_once(*m, 42, d));
    std::thread t1([&] {
      for (std::uint64_t d = 0; d < 8; d += 2) parallel[d] = run_once(*m, 42, d);
    });
    std::thread t2([&] {
      for (std::uint64_t d = 1; d < 8; d += 2) parallel[d] = run_once(*m, 42, d);
    });
    t1.join();
    t2.join();
    for (std::size_t d = 0; d < 8; ++d) {
      // NaN marks an undefined metric; compare bit patterns through equality of non-NaN values.
      for (std::size_t j = 0; j < serial[d].size(); ++j) {
        if (std::isnan(serial[d][j]))
          CHECK(std::isnan(parallel[d][j]));
        else
          CHECK(serial[d][j] == parallel[d][j]);
      }
    }
    CHECK(serial[0] != serial[1]);
  }
}

TEST_CASE("scf: random traffic optima order total and worst-off costs as the SCFs intend") {
  const auto m = scf::scenario().prepare(
      Params::parse("population: {sampler: random, groups: 3, jitter: 0.3}\n"
                    "mechanism: {name: traffic, scfs: \"utilitarian, rawls_max, "
                    "sum_plus_gamma_max, nash_reference\"}\n"));
  for (std::uint64_t d = 0; d < 20; ++d) {
    const auto out = run_once(*m, 7, d);
    const double tu = metric(*m, out, "total_cost_utilitarian");
    const double wr = metric(*m, out, "worst_cost_rawls_max");
    for (const char* s : {"rawls_max", "sum_plus_gamma_max", "nash_reference", "equilibrium"}) {
      CHECK(tu <= metric(*m, out, std::string("total_cost_") + s) * (1.0 + 1e-9));
    }
    for (const char* s : {"utilitarian", "sum_plus_gamma_max", "nash_reference", "equilibrium"}) {
      CHECK(wr <= metric(*m, out, std::string("worst_cost_") + s) * (1.0 + 1e-7));
    }
    // Nash relative to the equilibrium never makes a group worse off than without control.
    for (int k = 1; k <= 3; ++k) {
      const std::string g = "group_cost_g" + std::to_string(k) + "_";
      const double nash = metric(*m, out, g + "nash_reference");
      if (!std::isnan(nash)) CHECK(nash <= metric(*m, out, g + "equilibrium") + 1e-9);
    }
  }
}

TEST_CASE("scf: Figure 5 sampler with links 1 x and 1 x + S - Nash over the equilibrium defined") {
  // Issue 14 item 4: the improving fast flows are (40, 40 + S/2); the Nash flow is 40 + S/4.
  for (const double S : {0.5, 0.3, 0.1}) {
    CAPTURE(S);
    const auto m = scf::scenario().prepare(Params::parse(
        "population: {sampler: figure5, fast: {slope: 1, offset: 0}, slow: {slope: 1, offset: " +
        std::to_string(S) +
        "}}\nmechanism: {name: traffic, scfs: \"utilitarian, nash_reference\"}\n"));
    const auto out = run_once(*m, 1, 0);
    CHECK(metric(*m, out, "fast_flow_nash_reference") ==
          doctest::Approx(40.0 + S / 4.0).epsilon(1e-14));
    CHECK(metric(*m, out, "fast_flow_utilitarian") ==
          doctest::Approx(40.0 + S / 4.0).epsilon(1e-14));
    for (const char* g : {"group_cost_g1_", "group_cost_g2_"}) {
      CHECK(metric(*m, out, std::string(g) + "nash_reference") <
            metric(*m, out, std::string(g) + "equilibrium"));
    }
  }
}

TEST_CASE("scf: a parameter of an SCF that is not selected is rejected naming that SCF") {
  const ScenarioInfo s = scf::scenario();
  const struct {
    const char* yaml;
    const char* key;
    const char* owner;
  } cases[] = {
      {"population: {sampler: figure5}\nmechanism: {name: traffic, scfs: utilitarian, "
       "sum_max_gamma: 80}\n",
       "mechanism.sum_max_gamma", "sum_plus_gamma_max"},
      {"population: {sampler: negative_profiles, agents: 4}\nmechanism: {name: invariance, "
       "scfs: leximin, mad_gamma: 0.3}\n",
       "mechanism.mad_gamma", "mean_plus_gamma_mad"},
      {"population: {sampler: negative_profiles, agents: 4}\nmechanism: {name: invariance, "
       "scfs: leximin, kth: 2}\n",
       "mechanism.kth", "kth_largest"},
      {"population: {sampler: figure5}\nmechanism: {name: traffic, mad_gamma: 0.3}\n",
       "mechanism.mad_gamma", "does not offer"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.yaml);
    try {
      s.prepare(Params::parse(c.yaml));
      FAIL("expected a ConfigError");
    } catch (const ConfigError& e) {
      CHECK(e.key_path() == c.key);
      CHECK(e.problem().find(c.owner) != std::string::npos);
    }
  }
}

TEST_CASE("scf: an empty commuter group gets no share and no cost") {
  const auto m = scf::scenario().prepare(
      Params::parse("population: {sampler: figure5, long: 0}\nmechanism: {name: traffic}\n"));
  const auto out = run_once(*m, 1, 0);
  for (const char* s : {"equilibrium", "utilitarian", "rawls_max", "leximin", "sum_plus_gamma_max",
                        "mean_plus_gamma_max", "weighted_sum", "nash_reference"}) {
    CAPTURE(s);
    CHECK(std::isnan(metric(*m, out, std::string("share_fast_g1_") + s)));
    CHECK(std::isnan(metric(*m, out, std::string("group_cost_g1_") + s)));
  }
  // 40 short commuters alone: equilibrium 1.5 x = 40 + (40 - x), x = 32, delay 48; the sum of
  // delays 1.5 x^2 + (80 - x)(40 - x) is minimal at x = 24 (delays 36 and 56).
  CHECK(metric(*m, out, "fast_flow_equilibrium") == doctest::Approx(32.0));
  CHECK(metric(*m, out, "total_cost_equilibrium") == doctest::Approx(40.0 * 48.0));
  CHECK(metric(*m, out, "worst_cost_equilibrium") == doctest::Approx(48.0));
  CHECK(metric(*m, out, "cost_gini_equilibrium") == doctest::Approx(0.0));
  CHECK(metric(*m, out, "fast_flow_utilitarian") == doctest::Approx(24.0));
  CHECK(metric(*m, out, "fast_flow_nash_reference") == doctest::Approx(24.0));
  CHECK(metric(*m, out, "total_cost_utilitarian") == doctest::Approx(24.0 * 36.0 + 16.0 * 56.0));
}
