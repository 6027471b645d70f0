// /summary's `units` and `long_name` come from the scenario's metric declarations
// (docs/results-format.md, "CF metadata"): a statistic on the values' scale carries the metric's
// unit, a tally of draws "count", a share or flag "1"; family members find their pattern; ratios
// and linear fits combine their metrics' units; undeclared variables stay "1".
#include "engine/cf_attributes.hpp"
#include "engine/config.hpp"
#include "engine/h5io.hpp"
#include "engine/metric.hpp"
#include "engine/runner.hpp"

#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>

#include <map>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

using namespace fairmc;

namespace {

struct Walk {
  double length;
  double steps;
  int k;
};

constexpr Metric<Walk> kWalk[] = {
    {"length", "m", "distance walked", [](const Walk& w) { return w.length; }},
    {"steps", "count", "steps taken", [](const Walk& w) { return w.steps; }},
    {"share", "1", "a share of something", [](const Walk& w) { return w.length / 10.0; }},
};
static_assert(well_formed(kWalk));

constexpr Metric<Walk> kLeg[] = {
    {"leg_<k>", "s", "time of leg k", [](const Walk& w) { return w.length * w.k; }},
};
static_assert(well_formed(kLeg));

class WalkModel final : public Model {
 public:
  explicit WalkModel(double scale) : scale_(scale) {}
  std::vector<std::string> metrics() const override {
    std::vector<std::string> out = names(kWalk);
    for (const char* k : {"1", "2"}) append_names(out, kLeg, {{"k", k}});
    return out;
  }
  void run(const Draw& draw, std::span<double> out) const override {
    Rng rng = draw.stream(Substream::population);
    Walk w{scale_ * rng.uniform01(), 1.0 + rng.uniform01(), 1};
    std::size_t at = write_values(kWalk, w, out);
    for (w.k = 1; w.k <= 2; ++w.k) at += write_values(kLeg, w, out.subspan(at));
  }
  std::vector<RatioSpec> ratios() const override {
    return {{"length_per_step", "length", "steps"}, {"length_per_share", "length", "share"}};
  }
  std::vector<std::pair<std::string, double>> constants() const override {
    return {{"scale", scale_}};
  }

 private:
  double scale_;
};

ScenarioInfo walk_scenario() {
  ScenarioInfo info;
  info.name = "walk";
  info.paper = "none";
  info.help = "test scenario with units";
  info.metrics = describe(kWalk, kLeg);
  info.prepare = [](const Params& p) -> std::unique_ptr<const Model> {
    return std::make_unique<WalkModel>(p.child("population").number("scale", 1.0));
  };
  return info;
}

// Every /summary variable's `units` and `long_name`.
std::map<std::string, std::pair<std::string, std::string>> summary_attrs(
    const std::filesystem::path& file) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  const h5::Hid f = h5::open_file(file);
  const h5::Hid g = h5::open_group(f, "summary");
  for (const std::string& name : h5::members(g)) {
    const h5::Hid d = h5::open_dataset(g, name);
    out[name] = {h5::has_attr(d, "units") ? h5::read_string_attr(d, "units") : "",
                 h5::has_attr(d, "long_name") ? h5::read_string_attr(d, "long_name") : ""};
  }
  return out;
}

}  // namespace

TEST_CASE("cf attributes: /summary units and long_name come from the metric declarations") {
  testing::TempDir t("cf_units");
  const auto e = load_experiment_text(R"(experiment: cf_units
scenario: walk
seed: 7
draws: 40
block: 10
population: {scale: 2}
sweep:
  grid: {population.scale: [1, 2, 4]}
fits:
  - {metric: length, against: population.scale, log: false}
  - {metric: steps, against: population.scale, log: true}
)",
                                      "cf_units.yaml", {});
  RunOptions opt;
  opt.threads = 1;
  opt.results = t.dir / "results.h5";
  opt.progress_bar = false;
  std::ostringstream log;
  REQUIRE(run_experiment(e, walk_scenario(), opt, log).complete);
  const auto a = summary_attrs(t.dir / "results.h5");
  const auto units = [&](const std::string& v) {
    CAPTURE(v);
    REQUIRE(a.count(v) == 1);
    return a.at(v).first;
  };
  // On the values' scale: the metric's unit.
  for (const char* s :
       {"", "_sem", "_sd", "_ci_lo", "_ci_hi", "_min", "_max", "_q05", "_median", "_q95"})
    CHECK(units(std::string("length") + s) == "m");
  // Tallies of draws, whatever the metric's unit.
  for (const char* s : {"_n", "_undefined", "_inf", "_half_variance"})
    CHECK(units(std::string("length") + s) == "count");
  for (const char* s : {"_top_share", "_drift_z", "_unreliable"})
    CHECK(units(std::string("length") + s) == "1");
  CHECK(units("steps") == "count");
  CHECK(units("share_sem") == "1");
  // Family members get their pattern's unit and help.
  CHECK(units("leg_2") == "s");
  CHECK(units("leg_1_q25") == "s");
  CHECK(a.at("leg_2").second == "time of leg k (leg_2): mean over draws");
  CHECK(a.at("length_sem").second == "distance walked: standard error of the mean");
  // Ratios: num/den, "1" when they cancel; their pair counts are counts.
  CHECK(units("length_per_step") == "m/count");
  CHECK(units("length_per_step_ci_hi") == "m/count");
  CHECK(units("length_per_step_n") == "count");
  CHECK(units("length_per_share") == "m");
  // A linear fit is in the metric's units (the key has none), a log-log fit dimensionless.
  CHECK(units("fit_length_vs_population.scale_slope") == "m");
  CHECK(units("fit_length_vs_population.scale_intercept") == "m");
  CHECK(units("fit_length_vs_population.scale_chi2_dof") == "1");
  CHECK(units("fit_steps_vs_population.scale_slope") == "1");
  // Declared by nobody: "1".
  CHECK(units("scale") == "1");
  CHECK(units("draws_used") == "1");
}

// results_file labels /summary's variables as it creates them (CfLabels::label) and leaves the
// rest to write_cf_attributes' pass over the group: both must give every variable the same
// attributes, values and order, as the pass alone gave before (issue 19: the pass reopened and
// rewrote ~3,000 variables per write of a 154-metric scenario).
TEST_CASE("cf attributes: labelling at creation equals the pass over /summary") {
  testing::TempDir t("cf_label");
  const auto e = load_experiment_text(R"(experiment: cf_label
scenario: walk
seed: 7
draws: 40
block: 10
)",
                                      "cf_label.yaml", {});
  RunRecord run;
  run.experiment = e;
  // A linear fit's variables are in the metric's units (no sweep here: the fit is declared only
  // for the names).
  run.experiment.fits.push_back(Fit{"length", "population.scale", false});
  run.results.resize(1);
  run.results[0].metrics = {"length", "steps", "share", "leg_1", "leg_2"};
  run.results[0].constants = {{"scale", 2.0}};
  run.results[0].ratios = {{"length_per_step", "length", "steps"},
                           {"length_per_share", "length", "share"}};
  run.metric_info = describe(kWalk, kLeg);
  // Variables as results_file names them, with their plain long_name.
  std::vector<std::pair<std::string, std::string>> vars;
  for (const auto& m : run.results[0].metrics)
    for (const char* s : {"", "_sem", "_sd", "_ci_lo", "_ci_hi", "_n", "_min", "_max", "_median",
                          "_undefined", "_top_share", "_unreliable"})
      vars.emplace_back(m + s, m + ": statistic " + s);
  for (const char* s : {"", "_sem", "_bias_corrected", "_n"}) {
    vars.emplace_back(std::string("length_per_step") + s, "length / steps: " + std::string(s));
    vars.emplace_back(std::string("length_per_share") + s, "length / share: " + std::string(s));
  }
  vars.emplace_back("scale", "scale: per-point constant (closed form or bound)");
  vars.emplace_back("draws_used", "draws each point took");
  vars.emplace_back("leg_3_odd", "leg_3_odd: not a metric of this run");

  const h5::Hid f = h5::create_file(t.dir / "labels.h5");
  const CfLabels labels(run);
  const double value = 1.5;
  const auto make = [&](const char* group, bool label) {
    const h5::Hid g = h5::create_group(f, group);
    std::unordered_set<std::string> labelled;
    for (const auto& [name, long_name] : vars) {
      const h5::Hid d = h5::write<double>(g, name, {}, &value);
      if (label) {
        labels.label(d, name, long_name, false);
        labelled.insert(name);
      } else {
        h5::attr(d, "long_name", long_name);
      }
    }
    // A fit variable, created outside the labelling writer in both groups.
    const h5::Hid fit = h5::write<double>(g, "fit_length_vs_population.scale_slope", {}, &value);
    h5::attr(fit, "long_name", "slope of the linear least-squares fit");
    write_cf_attributes(g, run, labels, labelled);
  };
  make("pass", false);
  make("labelled", true);
  const h5::Hid pass = h5::open_group(f, "pass"), lab = h5::open_group(f, "labelled");
  const auto names = h5::members(pass);
  CHECK(names == h5::members(lab));
  int described = 0;
  for (const auto& name : names) {
    CAPTURE(name);
    const h5::Hid a = h5::open_dataset(pass, name), b = h5::open_dataset(lab, name);
    const auto attrs = h5::attributes(a);
    REQUIRE(attrs == h5::attributes(b));  // names, kinds and creation order
    for (const auto& [attr, kind] : attrs)
      if (kind == h5::AttrKind::string) {
        CAPTURE(attr);
        CHECK(h5::read_string_attr(a, attr) == h5::read_string_attr(b, attr));
        described +=
            attr == "long_name" && h5::read_string_attr(a, attr).rfind("distance walked: ", 0) == 0;
      }
  }
  CHECK(described >= 10);
  CHECK(h5::read_string_attr(h5::open_dataset(lab, "length_per_step_sem"), "units") == "m/count");
  CHECK(h5::read_string_attr(h5::open_dataset(lab, "leg_2_n"), "units") == "count");
  CHECK(h5::read_string_attr(h5::open_dataset(lab, "length"), "ancillary_variables") ==
        "length_sem length_sd length_ci_lo length_ci_hi length_n");
}
