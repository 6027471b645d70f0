// Checks in experiment files (issue 18, items 1 and 5): validation, semantics, /checks, and the
// statistics bit-identical for any thread count and after resume.
#include "engine/checks.hpp"

#include "engine/checks_file.hpp"
#include "engine/h5io.hpp"
#include "engine/prepare.hpp"
#include "engine/results_file.hpp"
#include "engine/runner.hpp"
#include "scenarios/catalog.hpp"

#include "tests/demo_run.hpp"
#include "tests/interrupted_run.hpp"
#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>
#include <boost/math/distributions/students_t.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using fairmc::ConfigError;
using fairmc::testing::run_into;
using fairmc::testing::TempDir;
using namespace fairmc::h5;

namespace {

// The demo: E[max of n uniforms] = n/(n+1) is the scenario's constant expected_max.
const std::string base = R"(experiment: checks_test
scenario: demo
seed: 31
draws: 1000
block: 64
population: {agents: 5}
sweep:
  grid: {population.agents: [1, 5, 20, 100]}
fits: [{metric: gap, against: population.agents}]
)";

const std::string good_checks = R"(checks:
  - name: max_closed_form
    claim: E[max] = n/(n+1)
    mean: max
    equals: expected_max
  - name: max_in_unit_interval
    claim: every max lies in [0, 1]
    draws: max
    in: [0, 1]
  - name: gap_slope
    claim: the gap falls roughly like 1/n
    slope: {metric: gap, against: population.agents}
    in: [-1.05, -0.7]
  - name: max_large
    claim: the max at n = 100 exceeds 0.98
    mean: max
    exceeds: 0.98
    at: {population.agents: 100}
)";

std::string hex(double x) {
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof x);
  std::ostringstream o;
  o << std::hex << bits;
  return o.str();
}

// Everything in /checks, numbers as bits.
std::string checks_bits(const fs::path& file) {
  Hid f = open_file(file);
  if (!exists(f, "checks")) return "";
  Hid top = open_group(f, "checks");
  std::ostringstream o;
  o << read_string_attr(top, "verdict") << "\n";
  for (const auto& name : members(top)) {
    Hid g = open_group(top, name);
    o << name << " " << read_string_attr(g, "verdict") << " "
      << hex(read_attr<double>(g, "statistic")) << " " << hex(read_attr<double>(g, "threshold"))
      << " " << read_attr<std::int64_t>(g, "worst_point") << " "
      << read_attr<std::int64_t>(g, "violations") << "\n";
    for (const char* col : {"estimate", "error", "target", "lo", "hi", "statistic", "threshold"}) {
      o << " " << col;
      for (const double x : read<double>(g, col)) o << " " << hex(x);
      o << "\n";
    }
    for (const auto& v : read_strings(g, "verdict")) o << " " << v;
    o << "\n";
  }
  return o.str();
}

struct Row {
  std::int64_t point;
  double estimate, error, target, lo, hi;
  std::string verdict;
};
struct Stored {
  std::string verdict;
  double statistic = 0, threshold = 0;
  std::int64_t worst = -1, violations = -1, exact = 1, failed = 0, undetermined = 0;
  std::vector<Row> rows;
};
Stored stored_check(const fs::path& file, const std::string& name) {
  Hid f = open_file(file);
  Hid g = open_group(f, "checks/" + name);
  Stored s;
  s.verdict = read_string_attr(g, "verdict");
  s.statistic = read_attr<double>(g, "statistic");
  s.threshold = read_attr<double>(g, "threshold");
  s.worst = read_attr<std::int64_t>(g, "worst_point");
  s.violations = read_attr<std::int64_t>(g, "violations");
  s.exact = read_attr<std::int64_t>(g, "violations_exact");
  s.failed = read_attr<std::int64_t>(g, "points_failed");
  s.undetermined = read_attr<std::int64_t>(g, "points_undetermined");
  const auto point = read<std::int64_t>(g, "point");
  const auto est = read<double>(g, "estimate"), err = read<double>(g, "error"),
             tgt = read<double>(g, "target"), lo = read<double>(g, "lo"),
             hi = read<double>(g, "hi");
  const auto verdict = read_strings(g, "verdict");
  for (std::size_t i = 0; i < point.size(); ++i)
    s.rows.push_back({point[i], est[i], err[i], tgt[i], lo[i], hi[i], verdict[i]});
  return s;
}

std::string top_verdict(const fs::path& file) {
  Hid f = open_file(file);
  return exists(f, "checks") ? read_string_attr(open_group(f, "checks"), "verdict") : "";
}

// The error a malformed check gives: loading the file, or preparing its points.
std::string check_error(const std::string& checks, const std::string& text = base) {
  try {
    const auto e = fairmc::load_experiment_text(text + checks, "test.yaml", {});
    fairmc::prepare_points(e, fairmc::expand(e), fairmc::scenario_catalog().front());
  } catch (const ConfigError& err) {
    return err.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the demo's true claims pass and a wrong constant fails (issue 18, item 5)") {
  TempDir t("checks_pass_fail");
  const auto out = run_into(t.dir / "good.h5", base + good_checks);
  REQUIRE(out.complete);
  CHECK(out.checks_verdict == "pass");
  REQUIRE(out.checks.size() == 5);
  CHECK(out.checks[0] == "checks: 4 passed");
  CHECK(out.checks[1].find("pass  max_closed_form") != std::string::npos);
  const Stored max = stored_check(t.dir / "good.h5", "max_closed_form");
  CHECK(max.verdict == "pass");
  REQUIRE(max.rows.size() == 4);
  // The estimate and error are /summary's mean and sem, bit for bit; the target the constant.
  {
    Hid f = open_file(t.dir / "good.h5");
    const auto mean = read<double>(open_group(f, "summary"), "max");
    const auto sem = read<double>(open_group(f, "summary"), "max_sem");
    const auto expected = read<double>(open_group(f, "summary"), "expected_max");
    for (std::size_t p = 0; p < 4; ++p) {
      CHECK(hex(max.rows[p].estimate) == hex(mean[p]));
      CHECK(hex(max.rows[p].error) == hex(sem[p]));
      CHECK(max.rows[p].target == expected[p]);
      CHECK(max.rows[p].lo == doctest::Approx(expected[p] - 4 * sem[p]));
      CHECK(std::abs(mean[p] - expected[p]) <= 4 * sem[p]);
    }
  }
  CHECK(max.threshold == 4);
  CHECK(max.statistic <= 4);
  CHECK(stored_check(t.dir / "good.h5", "max_in_unit_interval").violations == 0);
  CHECK(stored_check(t.dir / "good.h5", "max_large").rows.size() == 1);
  CHECK(fairmc::describe_results(t.dir / "good.h5").find("checks: 4 passed") != std::string::npos);

  // E[max] = 0.5 holds only at n = 1: the other points fail, by thousands of sem.
  const std::string wrong = R"(checks:
  - {name: max_is_half, claim: "E[max] = 1/2, wrongly", mean: max, equals: 0.5}
)";
  const auto bad = run_into(t.dir / "bad.h5", base + wrong);
  CHECK(bad.checks_verdict == "fail");
  const Stored half = stored_check(t.dir / "bad.h5", "max_is_half");
  CHECK(half.verdict == "fail");
  CHECK(half.failed == 3);
  CHECK(half.rows[0].verdict == "pass");
  CHECK(half.rows[3].verdict == "fail");
  CHECK(half.worst == 3);
  CHECK(half.statistic > 100);
  CHECK(bad.checks.at(1).find("FAIL  max_is_half") != std::string::npos);
  // Without checks there is no /checks.
  REQUIRE(run_into(t.dir / "none.h5", base).complete);
  CHECK(top_verdict(t.dir / "none.h5").empty());
}

TEST_CASE("exceeds and below are one-sided Student-t tests at the stated confidence") {
  TempDir t("checks_one_sided");
  const std::string checks = R"(checks:
  - {name: above_truth, claim: x, mean: max, exceeds: expected_max, at: {population.agents: 5}}
  - {name: above_07, claim: x, mean: max, exceeds: 0.7, at: {population.agents: 5}}
  - {name: below_09, claim: x, mean: max, below: 0.9, confidence: 0.99, at: {population.agents: 5}}
)";
  REQUIRE(run_into(t.dir / "c.h5", base + checks, {.threads = 1}).complete);
  // The truth itself cannot be exceeded with 95% confidence (except 5% of the time; seed fixed).
  const Stored truth = stored_check(t.dir / "c.h5", "above_truth");
  CHECK(truth.verdict == "fail");
  const Stored above = stored_check(t.dir / "c.h5", "above_07");
  CHECK(above.verdict == "pass");
  CHECK(above.threshold ==
        doctest::Approx(boost::math::quantile(boost::math::students_t(999), 0.95)).epsilon(1e-12));
  CHECK(above.statistic == doctest::Approx((above.rows[0].estimate - 0.7) / above.rows[0].error));
  CHECK(above.rows[0].lo == doctest::Approx(0.7 + above.threshold * above.rows[0].error));
  CHECK(std::isinf(above.rows[0].hi));
  const Stored below = stored_check(t.dir / "c.h5", "below_09");
  CHECK(below.verdict == "pass");
  CHECK(below.threshold ==
        doctest::Approx(boost::math::quantile(boost::math::students_t(999), 0.99)).epsilon(1e-12));
}

TEST_CASE("a slope's error is its sem scaled by sqrt(max(1, chi2/dof))") {
  TempDir t("checks_slope");
  REQUIRE(run_into(t.dir / "s.h5", base + good_checks).complete);
  const Stored s = stored_check(t.dir / "s.h5", "gap_slope");
  REQUIRE(s.rows.size() == 1);
  Hid f = open_file(t.dir / "s.h5");
  Hid g = open_group(f, "summary");
  const double slope = read<double>(g, "fit_gap_vs_population.agents_slope")[0];
  const double sem = read<double>(g, "fit_gap_vs_population.agents_slope_sem")[0];
  const double chi2 = read<double>(g, "fit_gap_vs_population.agents_chi2_dof")[0];
  CHECK(hex(s.rows[0].estimate) == hex(slope));
  // 1/(n+1) is not a power law at n = 1..100: the line misses the points by more than their
  // errors, and the error grows with it.
  CHECK(chi2 > 1);
  CHECK(s.rows[0].error == doctest::Approx(sem * std::sqrt(chi2)).epsilon(1e-14));
  CHECK(s.rows[0].lo == doctest::Approx(-1.05 - 4 * sem * std::sqrt(chi2)));
  CHECK(s.verdict == "pass");
}

TEST_CASE("at: selects points by swept keys; a slope is checked per entry of the fit's shape") {
  TempDir t("checks_at");
  const std::string text = R"(experiment: checks_at
scenario: demo
seed: 32
draws: 400
block: 100
sweep:
  grid: {population.agents: [2, 8, 32], mechanism.work: [1, 2]}
fits: [{metric: gap, against: population.agents}]
checks:
  - {name: at_8, claim: x, mean: max, equals: expected_max, at: {population.agents: 8}}
  - {name: at_8_32_w2, claim: x, mean: max, equals: expected_max,
     at: {population.agents: [8, 32], mechanism.work: 2}}
  - {name: slope_w2, claim: x, slope: {metric: gap, against: population.agents}, le: 0,
     at: {mechanism.work: 2}}
  - {name: slope_all, claim: x, slope: {metric: gap, against: population.agents}, le: 0}
)";
  REQUIRE(run_into(t.dir / "a.h5", text).complete);
  const auto points = [&](const char* name) {
    std::vector<std::int64_t> out;
    for (const auto& r : stored_check(t.dir / "a.h5", name).rows) out.push_back(r.point);
    return out;
  };
  // Points in row-major order: agents x work, work fastest.
  CHECK(points("at_8") == std::vector<std::int64_t>{2, 3});
  CHECK(points("at_8_32_w2") == std::vector<std::int64_t>{3, 5});
  CHECK(points("slope_w2") == std::vector<std::int64_t>{1});
  CHECK(points("slope_all") == std::vector<std::int64_t>{0, 1});
  // mechanism.work changes cost only: both slopes are the same numbers.
  const Stored all = stored_check(t.dir / "a.h5", "slope_all");
  CHECK(hex(all.rows[0].estimate) == hex(all.rows[1].estimate));
}

TEST_CASE("draws: violations are counted exactly from kept draws, as a lower bound otherwise") {
  TempDir t("checks_draws");
  const std::string checks = R"(checks:
  - {name: below_09, claim: x, draws: max, le: 0.9, at: {population.agents: 5}}
  - {name: unit, claim: x, draws: max, in: [0, 1]}
  - {name: above_01, claim: x, draws: max, ge: 0.1, tolerance: 0.05}
)";
  REQUIRE(run_into(t.dir / "kept.h5", base + checks, {.overrides = {"keep_draws=true"}}).complete);
  REQUIRE(run_into(t.dir / "sketch.h5", base + checks).complete);
  // The exact count, from the stored draws of point 1 (n = 5).
  std::int64_t exact = 0;
  double largest = 0;
  {
    Hid f = open_file(t.dir / "kept.h5");
    for (const double x : read<double>(open_group(f, "points/1/draws"), "max")) {
      exact += x > 0.9;
      largest = std::max(largest, x);
    }
  }
  REQUIRE(exact > 100);  // P(max of 5 > 0.9) = 1 - 0.9^5 = 0.41
  const Stored kept = stored_check(t.dir / "kept.h5", "below_09");
  CHECK(kept.verdict == "fail");
  CHECK(kept.violations == exact);
  CHECK(kept.exact == 1);
  CHECK(kept.rows[0].estimate == largest);
  CHECK(kept.rows[0].hi == 0.9);
  const Stored sketch = stored_check(t.dir / "sketch.h5", "below_09");
  CHECK(sketch.verdict == "fail");
  CHECK(sketch.exact == 0);
  CHECK(sketch.violations >= 1);
  CHECK(sketch.violations <= exact);
  // Buckets are 0.39% wide: only those straddling 0.9 are left out.
  CHECK(sketch.violations >= exact * 0.95);
  for (const auto* file : {"kept.h5", "sketch.h5"}) {
    const Stored unit = stored_check(t.dir / file, "unit");
    CHECK(unit.verdict == "pass");
    CHECK(unit.violations == 0);
    CHECK(unit.exact == 1);
  }
  // The maximum of one uniform falls below 0.1 - 0.05 about 5% of the time.
  CHECK(stored_check(t.dir / "kept.h5", "above_01").verdict == "fail");
  CHECK(stored_check(t.dir / "kept.h5", "above_01").rows[0].lo == doctest::Approx(0.05));
}

TEST_CASE("count_violations: zero inside, exact with draws, a lower bound from the buckets") {
  fairmc::QuantileSketch s;
  std::vector<double> draws;
  for (int i = 0; i < 1000; ++i) {
    const double x = -1.0 + 2.0 * i / 999.0;
    s.add(x);
    draws.push_back(x);
  }
  s.add(std::numeric_limits<double>::infinity());
  s.add(std::numeric_limits<double>::quiet_NaN());
  draws.push_back(std::numeric_limits<double>::infinity());
  draws.push_back(std::numeric_limits<double>::quiet_NaN());
  bool exact = false;
  CHECK(fairmc::count_violations(s, -1, std::numeric_limits<double>::infinity(), nullptr, exact) ==
        0);
  CHECK(exact);
  // Only the +inf draw is beyond 1: exact from the counts alone.
  CHECK(fairmc::count_violations(s, -1, 1, nullptr, exact) == 1);
  CHECK(exact);
  for (const double bound : {0.5, -0.5, 0.0, 0.9999}) {
    std::int64_t truth = 0;
    for (const double x : draws) truth += x > bound;  // NaN never counts
    CHECK(fairmc::count_violations(s, -2, bound, &draws, exact) == truth);
    CHECK(exact);
    const auto lower = fairmc::count_violations(s, -2, bound, nullptr, exact);
    CHECK_FALSE(exact);
    CHECK(lower <= truth);
    CHECK(lower >= 1);
    CHECK(lower >= truth - 10);  // one or two buckets straddle the bound
  }
  // Below a lower bound, negative values.
  std::int64_t truth = 0;
  for (const double x : draws) truth += x < -0.5;
  const auto lower = fairmc::count_violations(s, -0.5, 2, nullptr, exact);
  CHECK(lower <= truth + 1);  // + the +inf draw beyond 2
  CHECK(lower >= truth - 10);
}

TEST_CASE("failed and unfinished points are undetermined; a check fails only on evidence") {
  TempDir t("checks_failed_point");
  const std::string text = R"(experiment: checks_failing
scenario: demo
seed: 5
draws: 300
block: 100
mechanism: {fail_for_agents: 4}
sweep: {grid: {population.agents: [3, 4, 5]}}
checks:
  - {name: max_closed_form, claim: x, mean: max, equals: expected_max}
  - {name: max_wrong, claim: x, mean: max, equals: 0.5}
  - {name: only_failed, claim: x, mean: max, equals: expected_max, at: {population.agents: 4}}
)";
  const auto out = run_into(t.dir / "f.h5", text, {.overrides = {"mechanism.fail_from_draw=150"}});
  CHECK(out.failed_points == 1);
  CHECK(out.checks_verdict == "fail");
  const Stored good = stored_check(t.dir / "f.h5", "max_closed_form");
  CHECK(good.verdict == "undetermined");
  CHECK(good.undetermined == 1);
  CHECK(good.rows[1].verdict == "undetermined");
  CHECK(std::isnan(good.rows[1].estimate));
  CHECK(good.rows[0].verdict == "pass");
  CHECK(stored_check(t.dir / "f.h5", "max_wrong").verdict == "fail");
  const Stored only = stored_check(t.dir / "f.h5", "only_failed");
  CHECK(only.verdict == "undetermined");
  CHECK(only.worst == -1);
  CHECK(std::isnan(only.statistic));
}

TEST_CASE("malformed checks are refused before the first draw, with place, key and the fix") {
  const auto refused = [](const std::string& checks, std::vector<std::string> expect) {
    const std::string msg = check_error(checks);
    INFO(checks);
    INFO(msg);
    for (const auto& e : expect) CHECK(msg.find(e) != std::string::npos);
  };
  const std::string head = "checks:\n  - name: c\n    claim: x\n";
  // base has 9 lines: the check's item starts at line 11, its third key at line 13.
  refused(head + "    mean: max\n    equals: 1\n    sigma: 3\n",
          {"test.yaml:15:5", "checks.0.sigma", "unknown check key", "sigmas, tolerance"});
  refused(head + "    equals: 1\n", {"test.yaml:11:5", "'checks.0'", "needs a subject", "mean"});
  refused(head + "    mean: max\n", {"'checks.0'", "needs a comparison", "exceeds"});
  refused(head + "    mean: max\n    ratio: r\n    le: 1\n",
          {"test.yaml:14:5", "checks.0.ratio", "exactly one subject"});
  refused(head + "    mean: max\n    le: 1\n    ge: 0\n",
          {"checks.0.ge", "exactly one comparison"});
  refused(head + "    mean: nope\n    le: 1\n",
          {"test.yaml:13:5", "unknown or unrecorded metric 'nope'", "max, gap, mean"});
  refused(head + "    ratio: nope\n    le: 1\n", {"unknown ratio 'nope'", "ratios:"});
  refused(head + "    ratio: max\n    le: 1\n", {"unknown ratio 'max'", "write mean: max"});
  refused(head + "    mean: max\n    le: expected_nope\n",
          {"test.yaml:14:5", "'expected_nope'", "expected_max, expected_gap"});
  refused(head + "    mean: max\n    le: 1 2\n", {"checks.0.le", "neither a number"});
  refused(head + "    mean: max\n    le: .inf\n", {"checks.0.le", "finite"});
  refused(head + "    mean: max\n    le: -inf\n", {"checks.0.le", "finite"});
  refused(head + "    mean: max\n    in: [2, 1]\n", {"checks.0.in", "above hi"});
  refused(head + "    mean: max\n    in: [1]\n", {"checks.0.in", "[lo, hi]"});
  refused(head + "    slope: {metric: max, against: population.agents}\n    le: 1\n",
          {"checks.0.slope", "no fit of 'max'", "gap vs population.agents"});
  refused(head + "    slope: {metric: gap, against: population.agents}\n    le: expected_gap\n",
          {"checks.0.le", "compared with numbers"});
  refused(head +
              "    slope: {metric: gap, against: population.agents}\n    le: 0\n"
              "    at: {population.agents: 5}\n",
          {"checks.0.at.population.agents", "fitted along"});
  refused(head + "    slope: gap\n    le: 0\n", {"checks.0.slope", "{metric: M, against: K}"});
  const std::string zipped = R"(experiment: z
scenario: demo
sweep: {zip: {population.agents: [1, 2, 4], mechanism.work: [1, 2, 3]}}
fits: [{metric: gap, against: population.agents}]
)";
  CHECK(check_error(head + "    slope: {metric: gap, against: population.agents}\n    le: 0\n"
                           "    at: {mechanism.work: 2}\n",
                    zipped)
            .find("zipped with mechanism.work") != std::string::npos);
  refused(head + "    draws: max\n    exceeds: 0.5\n",
          {"checks.0.exceeds", "equals, le, ge or in"});
  refused(head + "    draws: max\n    le: 1\n    sigmas: 2\n", {"checks.0.sigmas", "exactly"});
  refused(head + "    mean: max\n    exceeds: 0.5\n    sigmas: 2\n",
          {"checks.0.sigmas", "takes confidence"});
  refused(head + "    mean: max\n    le: 1\n    confidence: 0.9\n",
          {"checks.0.confidence", "exceeds and below"});
  refused(head + "    mean: max\n    exceeds: 1\n    confidence: 1\n",
          {"checks.0.confidence", "(0, 1)"});
  refused(head + "    mean: max\n    le: 1\n    tolerance: -1\n", {"checks.0.tolerance"});
  refused(head + "    mean: max\n    le: 1\n    at: {population.agents: 7}\n",
          {"test.yaml:15:10", "checks.0.at.population.agents", "never takes the value 7",
           "1, 5, 20, 100"});
  refused(head + "    mean: max\n    le: 1\n    at: {population.size: 7}\n",
          {"checks.0.at.population.size", "not a swept key", "population.agents"});
  refused(head + "    mean: max\n    le: 1\n    at: {population.agents: []}\n",
          {"checks.0.at.population.agents", "selects nothing"});
  refused(head + "    mean: max\n    le: 1\n    at: [1]\n", {"checks.0.at", "mapping"});
  refused(
      head + "    mean: max\n    le: 1\n" + "  - name: c\n    claim: y\n    mean: max\n    le: 1\n",
      {"test.yaml:15:5", "checks.1.name", "declared twice"});
  refused("checks:\n  - name: a b\n    claim: x\n    mean: max\n    le: 1\n",
          {"checks.0.name", "not a check name"});
  refused("checks:\n  - name: a\n    mean: max\n    le: 1\n", {"checks.0.claim", "required"});
  refused("checks: {name: a}\n", {"'checks'", "list of mappings"});
  CHECK(check_error(head + "    mean: max\n    le: 1\n") == "no error");
}

TEST_CASE("checks, like claim, do not enter config_hash; a pinned fit's slope is undetermined") {
  const auto plain = fairmc::load_experiment_text(base, "test.yaml", {});
  const auto with = fairmc::load_experiment_text(base + good_checks, "test.yaml", {});
  CHECK(plain.config_hash() == with.config_hash());
  CHECK(with.checks.size() == 4);
  // Pinning the fit's axis drops the fit (nothing to fit); its check stays, with no point. The
  // at: of another check names the pinned key's value.
  TempDir t("checks_pinned");
  REQUIRE(run_into(t.dir / "p.h5", base + good_checks,
                   {.threads = 1, .overrides = {"population.agents=100", "draws=200"}})
              .complete);
  CHECK(stored_check(t.dir / "p.h5", "gap_slope").verdict == "undetermined");
  CHECK(stored_check(t.dir / "p.h5", "gap_slope").rows.empty());
  CHECK(stored_check(t.dir / "p.h5", "max_large").rows.size() == 1);
  CHECK(stored_check(t.dir / "p.h5", "max_large").verdict == "pass");
  // A sweep changed on the command line may leave out values at: names: they select nothing.
  REQUIRE(run_into(t.dir / "o.h5", base + good_checks,
                   {.threads = 1, .overrides = {"population.agents=1,5", "draws=200"}})
              .complete);
  CHECK(stored_check(t.dir / "o.h5", "max_large").rows.empty());
  CHECK(stored_check(t.dir / "o.h5", "max_large").verdict == "undetermined");
  CHECK(stored_check(t.dir / "o.h5", "max_closed_form").rows.size() == 2);
}

TEST_CASE("/checks is bit-identical for 1 and 2 threads, after extension and after interruption") {
  TempDir t("checks_bits");
  const std::string text =
      base + good_checks + R"(  - {name: below_09, claim: x, draws: max, le: 0.9}
  - {name: wrong, claim: x, mean: max, equals: 0.5}
)";
  REQUIRE(run_into(t.dir / "one.h5", text, {.threads = 1}).complete);
  REQUIRE(run_into(t.dir / "two.h5", text, {.checkpoint_every_wave = true}).complete);
  const std::string one = checks_bits(t.dir / "one.h5");
  CHECK(one.find("max_closed_form") != std::string::npos);
  CHECK(one == checks_bits(t.dir / "two.h5"));
  // 250 draws end in a short block, recomputed when the run is extended to 1000.
  REQUIRE(run_into(t.dir / "part.h5", text, {.overrides = {"draws=250"}}).complete);
  const auto stored = fairmc::read_results(t.dir / "part.h5");
  REQUIRE(run_into(t.dir / "part.h5", text,
                   {.overrides = {"draws=1000"}, .resume = &stored, .checkpoint_every_wave = true})
              .complete);
  CHECK(one == checks_bits(t.dir / "part.h5"));

  // Interrupted (Ctrl-C while the run goes on), then resumed.
  const std::string slow = text + "mechanism: {work: 300}\n";
  REQUIRE(run_into(t.dir / "straight.h5", slow).complete);
  const fs::path part = t.dir / "interrupted.h5";
  const fairmc::RunOutcome first = fairmc::testing::interrupted_run(
      part, std::chrono::milliseconds(100),
      [&] { return run_into(part, slow, {.checkpoint_every_wave = true}); });
  MESSAGE("interrupted: " << first.interrupted);
  if (first.interrupted) {
    // Unfinished points are undetermined, so nothing passes on partial evidence.
    CHECK(first.checks_verdict != "pass");
    const auto resumed_from = fairmc::read_results(part);
    REQUIRE(
        run_into(part, slow, {.resume = &resumed_from, .checkpoint_every_wave = true}).complete);
  }
  CHECK(checks_bits(part) == checks_bits(t.dir / "straight.h5"));
}

TEST_CASE("a ratio whose denominator's mean may be 0 is undetermined, not decided") {
  // Two draws in two blocks (t with 1 dof = 12.7): the mean of gap is not distinguishable from
  // 0, so E[max]/E[gap] has no bounded 95% interval (Fieller) and no claim about it is decided.
  // With 64 draws in 8 blocks it is, and the closed form n = 1: E[max]/E[gap] = 1 passes.
  TempDir t("checks_unbounded_ratio");
  const std::string text = R"(experiment: checks_ratio
scenario: demo
seed: 3
draws: 2
block: 1
population: {agents: 1}
ratios: [{name: max_over_gap, num: max, den: gap}]
checks:
  - {name: ratio_le, claim: x, ratio: max_over_gap, le: 1000}
  - {name: ratio_exceeds, claim: x, ratio: max_over_gap, exceeds: -1000}
  - {name: ratio_one, claim: x, ratio: max_over_gap, equals: 1, sigmas: 5}
)";
  REQUIRE(run_into(t.dir / "r.h5", text).complete);
  for (const char* name : {"ratio_le", "ratio_exceeds", "ratio_one"}) {
    const Stored s = stored_check(t.dir / "r.h5", name);
    INFO(name << " estimate " << s.rows.at(0).estimate << " error " << s.rows.at(0).error);
    CHECK(s.verdict == "undetermined");
    CHECK(std::isfinite(s.rows.at(0).estimate));  // the estimate is still reported
  }
  {
    Hid f = open_file(t.dir / "r.h5");
    CHECK(std::isinf(read<double>(f, "summary/max_over_gap_ci_lo").at(0)));
    CHECK(std::isinf(read<double>(f, "summary/max_over_gap_ci_hi").at(0)));
  }
  REQUIRE(run_into(t.dir / "big.h5", text, {.overrides = {"draws=64", "block=8"}}).complete);
  CHECK(stored_check(t.dir / "big.h5", "ratio_le").verdict == "pass");
  CHECK(stored_check(t.dir / "big.h5", "ratio_one").verdict == "pass");
}
