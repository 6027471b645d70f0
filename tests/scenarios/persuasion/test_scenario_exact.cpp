// The scenario's issue-15 options end to end: exact_alpha, type_reduction, high_low, and their
// configuration errors.
#include "engine/params.hpp"
#include "scenarios/persuasion/scenario.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace fairmc;

namespace {

std::vector<double> run_one(const Model& m, std::uint64_t index) {
  std::vector<double> out(m.metrics().size(), std::numeric_limits<double>::quiet_NaN());
  m.run(Draw(99, index), out);
  return out;
}

double metric(const Model& m, const std::vector<double>& out, const std::string& name) {
  const auto names = m.metrics();
  const auto it = std::find(names.begin(), names.end(), name);
  REQUIRE(it != names.end());
  return out[static_cast<std::size_t>(it - names.begin())];
}

std::unique_ptr<const Model> prep(const std::string& yaml) {
  return persuasion::scenario().prepare(Params::parse(yaml));
}

}  // namespace

TEST_CASE("persuasion scenario: alpha_exact on every policy, inside its bracket, deterministic") {
  const auto model = prep(R"(
population: {agents: 3, V: 8, prior: {dist: two_point, low: 1, high: 8, q: [0.05, 0.5]}}
constraint: {type: uniform, k: 1}
mechanism:
  receiver: bucketed
  epsilon: 0.6
  policies: {no_information: true, full_revelation: true, full_revelation_priority: true,
             paper: true, mw: true, high_low: true}
  mw: {iterations: 100}
  exact_alpha: {enabled: true}
)");
  for (std::uint64_t d = 0; d < 4; ++d) {
    const auto out = run_one(*model, d);
    CHECK(metric(*model, out, "alpha_exact_bracket_ok") == 1.0);
    for (const char* p : {"full", "full_priority", "paper", "mw", "high_low"}) {
      const double ex = metric(*model, out, std::string("alpha_exact_") + p);
      CHECK(ex >= 1.0 - 1e-9);
      CHECK(ex >= metric(*model, out, std::string("alpha_known_canonical_") + p) * (1 - 1e-7));
      CHECK(ex <= metric(*model, out, std::string("alpha_bound_canonical_") + p) * (1 + 1e-7));
    }
    const auto again = run_one(*model, d);
    for (std::size_t i = 0; i < out.size(); ++i)
      CHECK((out[i] == again[i] || (std::isnan(out[i]) && std::isnan(again[i]))));
  }
}

TEST_CASE("persuasion scenario: type_reduction agrees with the agent-level run on Appendix A") {
  const std::string base = R"(
population: {agents: 17, prior: {dist: appendix_a}}
constraint: {type: uniform, k: 1}
mechanism:
  receiver: exact
  policies: {no_information: true, full_revelation: true, paper: true, high_low: true}
)";
  const auto full = prep(base);
  const auto reduced = prep(base + "  type_reduction: true\n");
  const auto a = run_one(*full, 0), b = run_one(*reduced, 0);
  // Welfare is the same for any selection rule realising the fake min-norm point; the baselines'
  // and HIGH/LOW's utilities are pinned (exact receiver, one true value per key), so all of their
  // metrics agree. (The paper policy's true utilities depend on the rule: Wolfe's corral need not
  // be symmetric inside a type.)
  for (const char* p : {"no_info", "full", "high_low"})
    for (const char* w : {"welfare_", "min_utility_", "nash_"})
      CHECK(metric(*reduced, b, std::string(w) + p) ==
            doctest::Approx(metric(*full, a, std::string(w) + p)).epsilon(1e-7));
  CHECK(metric(*reduced, b, "welfare_paper") ==
        doctest::Approx(metric(*full, a, "welfare_paper")).epsilon(1e-7));
  CHECK(metric(*reduced, b, "alpha_bound_paper") <= metric(*full, a, "alpha_bound_paper") + 1e-9);
}

TEST_CASE("persuasion scenario: type_reduction = agent level, bucketed receiver, every policy") {
  // Issue 15: run_types() gave the baselines their canonically majorized rule (run(): the rule
  // best in true utilities), computed alpha_exact_no_info / _full from the paper's vector, and
  // rejected full_revelation_priority and mw. ε = 1.5 puts agent 0 (2 - q) and the value-1
  // agents in one bucket, so the baselines' two rules differ there; ε = 0.5 with 10 agents has
  // K = 2 layers for Δmax and MW.
  for (const char* eps_agents : {"epsilon: 1.5\n", "epsilon: 0.5\n"}) {
    const std::string agents = std::string(eps_agents) == "epsilon: 1.5\n" ? "6" : "10";
    const std::string base =
        R"(
population: {agents: )" +
        agents + R"(, prior: {dist: appendix_a}}
constraint: {type: uniform, k: 1}
mechanism:
  receiver: bucketed
  )" + eps_agents +
        R"(  policies: {no_information: true, full_revelation: true, full_revelation_priority: true,
             paper: true, mw: true, high_low: true}
  mw: {iterations: 80}
  exact_alpha: {enabled: true}
)";
    const auto full = prep(base);
    const auto reduced = prep(base + "  type_reduction: true\n");
    const auto a = run_one(*full, 0), b = run_one(*reduced, 0);
    const auto same = [&](const std::string& name) {
      CAPTURE(name);
      const double x = metric(*reduced, b, name), y = metric(*full, a, name);
      if (std::isnan(y))  // α infinite (an agent the policy never serves): NaN on both paths
        CHECK(std::isnan(x));
      else
        CHECK(x == doctest::Approx(y).epsilon(1e-6));
    };
    for (const char* p : {"no_info", "full", "full_priority", "mw", "high_low"}) {
      for (const char* w : {"welfare_", "min_utility_", "nash_", "alpha_exact_"})
        same(std::string(w) + p);
      same(std::string("alpha_bound_") + p);
    }
    same("welfare_paper");
    same("alpha_class_full_priority");
    same("mw_prefix_gap");
    CHECK(metric(*reduced, b, "alpha_exact_bracket_ok") == 1.0);
  }
}

TEST_CASE("persuasion scenario: issue-15 configuration errors name the key") {
  CHECK_THROWS_AS(prep("population: {agents: 3, V: 4}\nconstraint: {type: partition, groups: 1}\n"
                       "mechanism: {type_reduction: true}"),
                  ConfigError);
  CHECK_THROWS_AS(prep("population: {agents: 3, V: 4, prior: {dist: two_point, q: [0.1, 0.2]}}\n"
                       "mechanism: {type_reduction: true}"),
                  ConfigError);
  CHECK_THROWS_AS(prep("population: {agents: 3, V: 4}\n"
                       "mechanism: {receiver: exact, exact_alpha: {enabled: true}}"),
                  ConfigError);
  CHECK_NOTHROW(
      prep("population: {agents: 5, prior: {dist: appendix_a}}\n"
           "mechanism: {type_reduction: true, policies: {high_low: true}}"));
}

TEST_CASE(
    "persuasion scenario: beyond the enumeration budget, Appendix A gets a certified bracket") {
  // max_work: 1 forces the bracket (exact_alpha_types.hpp) on an instance the enumeration solves:
  // alpha_exact_lo <= the enumerated alpha_exact <= alpha_exact_hi <= 1.01 alpha_exact_lo.
  const std::string base = R"(
population: {agents: 10, prior: {dist: appendix_a}}
constraint: {type: uniform, k: 1}
mechanism:
  receiver: bucketed
  epsilon: 0.5
  type_reduction: true
  policies: {no_information: true, full_revelation: true, full_revelation_priority: true,
             paper: true, high_low: true}
)";
  const auto exact = prep(base + "  exact_alpha: {enabled: true}\n");
  const auto bracket = prep(base + "  exact_alpha: {enabled: true, max_work: 1}\n");
  const auto a = run_one(*exact, 0), b = run_one(*bracket, 0);
  CHECK(metric(*bracket, b, "alpha_exact_bracket_ok") == 1.0);
  for (const char* p : {"no_info", "full", "full_priority", "paper", "high_low"}) {
    CAPTURE(p);
    const double ex = metric(*exact, a, std::string("alpha_exact_") + p);
    CHECK(std::isnan(metric(*bracket, b, std::string("alpha_exact_") + p)));
    CHECK(metric(*bracket, b, std::string("alpha_exact_lo_") + p) <= ex * (1 + 1e-7));
    CHECK(metric(*bracket, b, std::string("alpha_exact_hi_") + p) >= ex * (1 - 1e-7));
    CHECK(metric(*bracket, b, std::string("alpha_exact_hi_") + p) <=
          metric(*bracket, b, std::string("alpha_exact_lo_") + p) * 1.01);
    CHECK(metric(*exact, a, std::string("alpha_exact_lo_") + p) == ex);
  }
}

TEST_CASE("persuasion scenario: keep_vectors writes each policy's utility vector and x̂") {
  const std::string base = R"(
population: {agents: 7, V: 8, prior: {dist: two_point, low: 1, high: 8, q: [0.05, 0.5]}}
constraint: {type: uniform, k: 2}
mechanism:
  receiver: bucketed
  policies: {no_information: true, full_revelation: true, full_revelation_priority: true,
             paper: true, high_low: true}
)";
  const auto plain = prep(base);
  const auto vec = prep(base + "  keep_vectors: true\n");
  CHECK(vec->metrics().size() == plain->metrics().size() + 5 * 7 + 7);
  const auto a = run_one(*plain, 3), b = run_one(*vec, 3);
  for (std::size_t m = 0; m < a.size(); ++m)  // nothing else changes
    CHECK((a[m] == b[m] || (std::isnan(a[m]) && std::isnan(b[m]))));
  for (const char* p : {"no_info", "full", "full_priority", "paper", "high_low"}) {
    CAPTURE(p);
    double sum = 0.0, mn = HUGE_VAL;
    for (int i = 0; i < 7; ++i) {
      const double u = metric(*vec, b, "u_" + std::string(p) + "_" + std::to_string(i));
      sum += u;
      mn = std::min(mn, u);
    }
    CHECK(sum == doctest::Approx(metric(*vec, b, std::string("welfare_") + p)).epsilon(1e-12));
    CHECK(mn == metric(*vec, b, std::string("min_utility_") + p));
  }
  // x̂ is the paper's fake point: its coordinates sum to the fake welfare, below the true one.
  double xs = 0.0;
  for (int i = 0; i < 7; ++i) xs += metric(*vec, b, "xhat_" + std::to_string(i));
  CHECK(xs > 0.0);
  CHECK(xs <= metric(*vec, b, "welfare_paper") * (1 + 1e-12));
}
