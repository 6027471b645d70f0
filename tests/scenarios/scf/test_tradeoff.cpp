// The per-draw quantities behind the scf experiments' checks (scenarios/scf/tradeoff.hpp): where
// an optimum lies between the utilitarian and max-min optima, the least gain over the equilibrium,
// the distance from the proportional rule, and the closed form of Figure 5(c) over gamma.
#include "engine/params.hpp"
#include "scenarios/scf/scenario.hpp"
#include "scenarios/scf/tradeoff.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace fairmc;

namespace {

struct Run {
  std::unique_ptr<const Model> model;
  std::vector<double> out;
  double operator[](const std::string& name) const {
    const auto names = model->metrics();
    const auto it = std::find(names.begin(), names.end(), name);
    REQUIRE_MESSAGE(it != names.end(), name);
    return out[static_cast<std::size_t>(it - names.begin())];
  }
  double constant(const std::string& name) const {
    for (const auto& [k, v] : model->constants())
      if (k == name) return v;
    FAIL("no constant " << name);
    return 0.0;
  }
};

Run run(const char* yaml, std::uint64_t draw = 0) {
  Run r{scf::scenario().prepare(Params::parse(yaml)), {}};
  r.out.assign(r.model->metrics().size(), std::numeric_limits<double>::quiet_NaN());
  r.model->run(Draw(7, draw), r.out);
  return r;
}

}  // namespace

TEST_CASE("scf: positions between the utilitarian and max-min optima") {
  const scf::TradeoffEnds e{10.0, 8.0, 14.0, 5.0};  // util (10, 8), max-min (14, 5)
  CHECK(scf::total_cost_position(10.0, e) == 0.0);
  CHECK(scf::total_cost_position(14.0, e) == 1.0);
  CHECK(scf::total_cost_position(11.0, e) == doctest::Approx(0.25));
  CHECK(scf::worst_cost_position(5.0, e) == 0.0);
  CHECK(scf::worst_cost_position(8.0, e) == 1.0);
  CHECK(scf::worst_cost_position(6.5, e) == doctest::Approx(0.5));
  // Ends that agree, or a missing end: no position.
  CHECK(std::isnan(scf::total_cost_position(10.0, {10.0, 8.0, 10.0, 5.0})));
  CHECK(std::isnan(scf::worst_cost_position(6.0, {10.0, 8.0})));
}

TEST_CASE("scf: least gain over a reference and distance from the proportional rule") {
  const std::vector<double> ref{112.0, 72.0, 50.0}, cost{110.0, 70.5, 99.0};
  CHECK(scf::min_gain(cost, ref, std::vector<double>{40.0, 40.0, 0.0}) == 1.5);  // empty group
  CHECK(scf::min_gain(cost, ref, std::vector<double>{40.0, 40.0, 1.0}) == -49.0);
  CHECK(scf::rights_share_gap(std::vector<double>{20.0, 80.0}, std::vector<double>{1.0, 4.0},
                              100.0) == doctest::Approx(0.0));
  CHECK(scf::rights_share_gap(std::vector<double>{100.0, 0.0}, std::vector<double>{1.0, 4.0},
                              100.0) == doctest::Approx(0.8));
}

TEST_CASE("scf: Figure 5 model reports the trade-off, the gains and the gamma closed form") {
  const Run r =
      run("population: {sampler: figure5}\n"
          "mechanism: {name: traffic, scfs: \"utilitarian, sum_plus_gamma_max, nash_reference, "
          "rawls_max\", sum_max_gamma: 80}\n");
  // 5(d): the Nash routing improves both groups by 2 over the equilibrium (112, 72 -> 110, 70).
  CHECK(r["min_gain_nash_reference"] == doctest::Approx(2.0));
  CHECK(r["min_gain_equilibrium"] == 0.0);
  CHECK(r["min_gain_rawls_max"] < 0.0);  // max-min: the short commuters lose (72 -> 88)
  // Utilitarian (7200, 110), max-min (7360, 96); sum + 80 max (7271.1, 96.44) in between.
  CHECK(r["total_cost_position_utilitarian"] == 0.0);
  CHECK(r["worst_cost_position_rawls_max"] == 0.0);
  CHECK(r["total_cost_position_sum_plus_gamma_max"] ==
        doctest::Approx((7271.0 + 1.0 / 9.0 - 7200.0) / 160.0).epsilon(1e-7));
  CHECK(r["worst_cost_position_sum_plus_gamma_max"] ==
        doctest::Approx((96.0 + 4.0 / 9.0 - 96.0) / 14.0).epsilon(1e-7));
  CHECK(r.constant("closed_form_fast_flow_sum_plus_gamma_max") == doctest::Approx(104.0 / 3.0));
  CHECK(r["fast_flow_sum_plus_gamma_max"] ==
        doctest::Approx(r.constant("closed_form_fast_flow_sum_plus_gamma_max")).epsilon(1e-9));
}

TEST_CASE("scf: random farmers - Nash with rights is proportional on every draw") {
  for (std::uint64_t d = 0; d < 5; ++d) {
    const Run r =
        run("population: {sampler: random, agents: 30, supply: 50, upfront: {dist: uniform, lo: 0, "
            "hi: 2}, rights: {dist: uniform, lo: 0.5, hi: 2}}\n"
            "mechanism: {name: divisible, scfs: \"utilitarian, leximin, sum_plus_gamma_max, "
            "nash_reference\"}\n",
            d);
    CHECK(r["rights_share_gap_nash_reference"] < 1e-12);
    CHECK(r["rights_share_gap_utilitarian"] > 0.5);  // everything to one farmer
    CHECK(r["total_cost_position_utilitarian"] == 0.0);
    CHECK(r["worst_cost_position_leximin"] == 0.0);  // leximin is the max-min end without rawls
    CHECK(r["total_cost_position_sum_plus_gamma_max"] >= 0.0);
    CHECK(r["total_cost_position_sum_plus_gamma_max"] <= 1.0);
    CHECK(r["worst_cost_position_sum_plus_gamma_max"] >= 0.0);
    CHECK(r["worst_cost_position_sum_plus_gamma_max"] <= 1.0);
  }
}
