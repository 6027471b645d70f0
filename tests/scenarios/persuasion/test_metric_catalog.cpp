// Every persuasion metric is declared once (scenarios/persuasion/metrics.hpp): `fairmc list`
// describes each recorded name by its own entry, with a unit and a help line, and run() writes
// exactly one value per name, in the order of the names.
#include "engine/metric.hpp"
#include "engine/params.hpp"
#include "scenarios/persuasion/appendices_scenario.hpp"
#include "scenarios/persuasion/majorization.hpp"
#include "scenarios/persuasion/metrics.hpp"
#include "scenarios/persuasion/scenario.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

using namespace fairmc;
using namespace fairmc::persuasion;

namespace {

constexpr double kSentinel = -12345.678;

// The entry describing `name` must be its own: filling its pattern with a policy's metric id
// and an agent index gives `name` back (so alpha_known_<policy> does not claim
// alpha_known_canonical_paper, whose "policy" would be "canonical_paper").
bool described_by_own_entry(const std::vector<Described>& list, const std::string& name) {
  const Described* d = find_described(list, name);
  if (d == nullptr) return false;
  for (const PolicyId& p : kPolicies)
    for (int i = 0; i < 50; ++i)
      if (fill_name(d->name, {{"policy", p.metric}, {"i", std::to_string(i)}}) == name) return true;
  return false;
}

const char* const kConfigs[] = {
    // defaults: no information, full revelation, the paper's policy
    "population: {agents: 4, V: 8}\n",
    // every policy, per-agent vectors
    "population: {agents: 5, V: 16, prior: {dist: two_point, q: [0.05, 0.5]}}\n"
    "constraint: {type: partition, groups: 2, capacity: 2, assign: random}\n"
    "mechanism: {keep_vectors: true, mw: {iterations: 20}, policies: {no_information: true,\n"
    "  full_revelation: true, full_revelation_priority: true, paper: true, mw: true,\n"
    "  high_low: true}}\n",
    // exact receiver without Δmax: no alpha_bound_*, no xhat_*
    "population: {agents: 3, V: 8}\n"
    "mechanism: {receiver: exact, keep_vectors: true,\n"
    "  policies: {paper: false, full_revelation_priority: true}}\n",
    // the exact α
    "population: {agents: 3, V: 8, prior: {dist: two_point, low: 1, high: 8, q: [0.05, 0.5]}}\n"
    "constraint: {type: uniform, k: 1}\n"
    "mechanism: {epsilon: 0.6, exact_alpha: {enabled: true}, mw: {iterations: 20},\n"
    "  policies: {full_revelation_priority: true, mw: true, high_low: true}}\n",
    // type reduction with the exact α and per-agent vectors
    "population: {agents: 9, prior: {dist: appendix_a}}\n"
    "constraint: {type: uniform, k: 1}\n"
    "mechanism: {type_reduction: true, keep_vectors: true, exact_alpha: {enabled: true},\n"
    "  policies: {full_revelation_priority: true, high_low: true}}\n",
    // MW alone, Monte Carlo utilities
    "population: {agents: 4, V: 8}\n"
    "mechanism: {utilities: monte_carlo, samples: 50, mw: {iterations: 10},\n"
    "  policies: {no_information: false, full_revelation: false, paper: false, mw: true}}\n"};

}  // namespace

TEST_CASE("persuasion metrics: every entry has a unit and a help line; counts are counts") {
  for (const ScenarioInfo& info : {scenario(), appendices_scenario()}) {
    CAPTURE(info.name);
    CHECK(!info.metrics.empty());
    for (const Described& d : info.metrics) {
      CAPTURE(d.name);
      CHECK(!d.unit.empty());
      CHECK(!d.help.empty());
      CHECK(d.unit == (d.name == "exact_profiles" ? "count" : "1"));
    }
  }
}

TEST_CASE("persuasion metrics: every recorded name is described by its own entry, once") {
  const ScenarioInfo info = scenario();
  std::set<std::string> used;  // catalogue entries some configuration records
  for (const char* yaml : kConfigs) {
    CAPTURE(yaml);
    const auto model = info.prepare(Params::parse(yaml));
    const std::vector<std::string> names = model->metrics();
    CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
    for (const std::string& n : names) {
      CAPTURE(n);
      CHECK(described_by_own_entry(info.metrics, n));
      if (const Described* d = find_described(info.metrics, n)) used.insert(d->name);
    }
    // One value per name: a draw leaves no slot unvisited and writes something defined.
    std::vector<double> out(names.size(), std::numeric_limits<double>::quiet_NaN());
    model->run(Draw(7, 0), out);
    CHECK(std::any_of(out.begin(), out.end(), [](double v) { return std::isfinite(v); }));
  }
  for (const Described& d : info.metrics) {  // the configurations cover the whole catalogue
    CAPTURE(d.name);
    CHECK(used.count(d.name) == 1);
  }
}

TEST_CASE("persuasion metrics: write_metrics fills exactly metric_names' slots, in their order") {
  MetricLayout layout;
  layout.enabled = {true, true, true, true, true, true};
  layout.exact_alpha = true;
  layout.keep_vectors = true;
  layout.agents = 3;
  Outcome o;
  for (int p = 0; p < kPolicyCount; ++p) {  // policy p gives agent i utility 10p + i + 1
    PolicyResult& r = o.result[static_cast<std::size_t>(p)];
    for (int i = 0; i < layout.agents; ++i) r.utility.push_back(10.0 * p + i + 1);
    r.fake = r.utility;
    o.exact.alpha[static_cast<std::size_t>(p)] = 1.0 + p;
  }
  o.result[kHighLow].ok = false;  // not computed: its metrics undefined
  o.exact.alpha[kMw] = std::numeric_limits<double>::infinity();
  o.xhat = {0.5, 0.25, 0.125};
  o.best = prefix_smallest(o.result[kHighLow].utility);
  o.upper = prefix_smallest(o.xhat);
  o.mw_prefix_gap = 0.01;
  o.utilities_exact = true;

  const std::vector<std::string> names = metric_names(layout);
  // 1 + 6·(5 + 2) + 1 + 1 + 6·6 + 2 + 6·3 + 3
  CHECK(names.size() == 104);
  std::vector<double> out(names.size() + 1, kSentinel);
  write_metrics(layout, o, std::span<double>(out).first(names.size()));
  CHECK(out.back() == kSentinel);  // nothing beyond the names
  CHECK(std::count(out.begin(), out.end(), kSentinel) == 1);
  const auto at = [&](const std::string& n) {
    const auto it = std::find(names.begin(), names.end(), n);
    REQUIRE(it != names.end());
    return out[static_cast<std::size_t>(it - names.begin())];
  };
  CHECK(at("utilities_exact") == 1.0);
  CHECK(at("welfare_no_info") == 1.0 + 2.0 + 3.0);
  CHECK(at("min_utility_paper") == 31.0);
  CHECK(at("nash_full") == doctest::Approx(std::cbrt(11.0 * 12.0 * 13.0)));
  CHECK(at("alpha_known_full") == majorization_ratio(o.best, o.result[kFull].utility));
  CHECK(at("inv_alpha_bound_mw") == 1.0 / majorization_ratio(o.upper, o.result[kMw].utility));
  CHECK(std::isnan(at("welfare_high_low")));
  CHECK(std::isnan(at("u_high_low_0")));
  CHECK(at("mw_prefix_gap") == 0.01);
  CHECK(at("alpha_exact_paper") == 4.0);
  CHECK(std::isnan(at("alpha_exact_mw")));  // α = +inf: undefined, and 1/α = 0
  CHECK(at("inv_alpha_exact_mw") == 0.0);
  CHECK(std::isnan(at("alpha_exact_lo_paper")));
  CHECK(at("u_full_priority_2") == 23.0);
  CHECK(at("u_mw_0") == 41.0);
  CHECK(at("xhat_1") == 0.25);
}
