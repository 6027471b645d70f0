#include "scenarios/objective/strategic_model.hpp"

#include "engine/metric.hpp"
#include "scenarios/objective/population.hpp"
#include "scenarios/objective/strategic_report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace fairmc::objective {

namespace {

double finite_or_nan(double v) {
  return std::isfinite(v) ? v : std::numeric_limits<double>::quiet_NaN();
}

// What one draw computed: the setting, the single-item searches, item 1's response (probe: null
// unless a_11 > 0 and a'_21 > 0) and, with search: joint, the joint search.
struct StrategicDraw {
  const StrategicSetting& s;
  const StrategicSummary& sum;
  ReportBand band;
  const ItemResponse* probe = nullptr;
  const JointResponse* joint = nullptr;
  // Per-item results are undefined when a_1 = 0: there is no report to search.
  bool searched() const { return sum.items > 0; }
};
using SD = StrategicDraw;

constexpr Metric<StrategicDraw> kStrategicMetrics[] = {
    {"truthful_payoff", "1", "strategic: payoff v_1 - p_1 of reporting (a_1, alpha_1) truthfully",
     [](const SD& d) { return d.sum.truthful; }},
    {"best_payoff", "1", "strategic: best payoff over single-item deviations (and alpha'_1)",
     [](const SD& d) { return d.sum.best; }},
    {"truthful_regret", "1", "strategic: best_payoff - truthful_payoff (>= 0)",
     [](const SD& d) { return d.sum.best - d.sum.truthful; }},
    {"best_alpha_report", "1", "strategic: alpha'_1 of the best deviation",
     [](const SD& d) { return d.sum.best_alpha; }},
    {"gain_outside_band", "1",
     "strategic: max_j [best outside - best inside the r^2 band on item j], Prop. C.1 per item",
     [](const SD& d) { return d.searched() ? finite_or_nan(d.sum.gain_outside) : kUndefined; }},
    {"band_violated", "1",
     "strategic: 1 if gain_outside_band > tolerance (1e-9 of ||a_1||_1 + ||a'_2||_1 + 1)",
     [](const SD& d) {
       return d.searched() ? (d.sum.violating_items > 0 ? 1.0 : 0.0) : kUndefined;
     }},
    {"violating_item_share", "1", "strategic: share of items with a violation of the r^2 band",
     [](const SD& d) {
       return d.searched() ? static_cast<double>(d.sum.violating_items) / d.sum.items : kUndefined;
     }},
    {"gain_outside_band_global", "1",
     "strategic: max_j best outside_j - max_j best inside_j (best single-item deviation overall)",
     [](const SD& d) {
       return d.searched() ? finite_or_nan(d.sum.gain_outside_global) : kUndefined;
     }},
    {"global_band_violated", "1", "strategic: 1 if gain_outside_band_global > tolerance",
     [](const SD& d) {
       return d.searched() ? (d.sum.gain_outside_global > d.sum.tolerance ? 1.0 : 0.0) : kUndefined;
     }},
    {"gain_outside_proof_band", "1",
     "strategic: gain_outside_band for the proof's r band (end of the proof of Prop. C.1)",
     [](const SD& d) {
       return d.searched() ? finite_or_nan(d.sum.gain_outside_proof) : kUndefined;
     }},
    {"proof_band_violated", "1", "strategic: 1 if gain_outside_proof_band > tolerance",
     [](const SD& d) {
       return d.searched() ? (d.sum.violating_items_proof > 0 ? 1.0 : 0.0) : kUndefined;
     }},
    {"deviation_max", "1",
     "strategic: max_j max(rho*_j, 1/rho*_j), rho*_j the best response closest to the truth",
     [](const SD& d) { return d.searched() ? d.sum.deviation_max : kUndefined; }},
    {"band_lo", "1", "strategic: r^2(alpha_1, alpha_m), the band's lower factor (Prop. C.1)",
     [](const SD& d) { return d.band.lo; }},
    {"band_hi", "1", "strategic: 1/r^2(alpha_1, alpha_m), the band's upper factor",
     [](const SD& d) { return d.band.hi; }},
    {"alpha1", "1", "strategic: agent 1's true aversion alpha_1",
     [](const SD& d) { return d.s.alpha1; }},
    {"alpha2", "1", "strategic: belief about agent 2's reported aversion alpha'_2",
     [](const SD& d) { return d.s.alpha2; }},
    {"probe_true_ratio", "1", "strategic, item 1: a_1j / a'_2j (Figure 3's x axis with a'_2j = 1)",
     [](const SD& d) { return d.probe ? d.s.a1[0] / d.s.a2[0] : kUndefined; }},
    {"probe_br_lo", "1", "strategic, item 1: smallest best-responding rho = a'_1j / a_1j",
     [](const SD& d) { return d.probe ? d.probe->br_lo : kUndefined; }},
    {"probe_br_hi", "1", "strategic, item 1: largest best-responding rho (rho_max: unbounded)",
     [](const SD& d) { return d.probe ? d.probe->br_hi : kUndefined; }},
    {"probe_br_nearest", "1", "strategic, item 1: best-responding rho closest to 1",
     [](const SD& d) { return d.probe ? d.probe->br_nearest : kUndefined; }},
    {"probe_truthful_best", "1", "strategic, item 1: 1 if the truthful report is a best response",
     [](const SD& d) { return d.probe ? (d.probe->truthful_best ? 1.0 : 0.0) : kUndefined; }},
    {"probe_gain_outside", "1", "strategic, item 1: best outside - best inside the r^2 band",
     [](const SD& d) {
       return d.probe ? finite_or_nan(d.probe->best_outside - d.probe->best_inside) : kUndefined;
     }},
};
static_assert(well_formed(kStrategicMetrics));

// Only with search: joint, where they are defined; listed after kStrategicMetrics.
constexpr Metric<StrategicDraw> kJointMetrics[] = {
    {"joint_gain_outside_band", "1",
     "strategic, search: joint only: best with some a'_1j outside the r^2 band - best with all "
     "inside",
     [](const SD& d) {
       return d.joint ? finite_or_nan(d.joint->best_outside - d.joint->best_inside) : kUndefined;
     }},
    {"joint_band_violated", "1", "strategic: 1 if joint_gain_outside_band > tolerance",
     [](const SD& d) {
       return d.joint ? (d.joint->best_outside - d.joint->best_inside > d.sum.tolerance ? 1.0 : 0.0)
                      : kUndefined;
     }},
    {"joint_gain_outside_proof_band", "1",
     "strategic, search: joint only: the same for the proof's r band",
     [](const SD& d) {
       return d.joint ? finite_or_nan(d.joint->best_outside_proof - d.joint->best_inside_proof)
                      : kUndefined;
     }},
};
static_assert(well_formed(kJointMetrics));

class StrategicModel final : public Model {
 public:
  StrategicModel(PopulationSpec pop, bool drawn, double alpha1, double alpha2, double cap,
                 StrategicGrid grid, bool joint)
      : pop_(std::move(pop)),
        drawn_(drawn),
        alpha1_(alpha1),
        alpha2_(alpha2),
        cap_(cap),
        grid_(grid),
        joint_(joint) {}

  // The joint_* metrics (last in the list) only with search: joint, where they are defined.
  std::vector<std::string> metrics() const override {
    std::vector<std::string> m = names(kStrategicMetrics);
    if (joint_) append_names(m, kJointMetrics);
    return m;
  }

  void run(const Draw& draw, std::span<double> out) const override {
    Rng pop_rng = draw.stream(Substream::population);
    const Eigen::MatrixXd a = pop_.sample(pop_rng);
    StrategicSetting s;
    s.a1 = a.row(0).transpose();
    s.a2 = a.row(1).transpose();
    s.cap = cap_;
    s.alpha1 = alpha1_;
    s.alpha2 = alpha2_;
    if (drawn_) {
      Rng mech_rng = draw.stream(Substream::mechanism);
      s.alpha1 = cap_ * mech_rng.uniform01();
      s.alpha2 = cap_ * mech_rng.uniform01();
    }
    std::vector<ItemResponse> items;
    const StrategicSummary sum = strategic_best_responses(s, grid_, &items);
    StrategicDraw d{s, sum, statement_band(s.alpha1, s.cap)};
    // items[0] is item 0 when a_10 > 0.
    if (sum.items > 0 && s.a1[0] > 0.0 && s.a2[0] > 0.0) d.probe = &items.front();
    const std::size_t k = write_values(kStrategicMetrics, d, out);
    if (joint_) {
      JointResponse j;
      if (sum.items > 0) {
        j = joint_best_response(s, grid_);
        d.joint = &j;
      }
      write_values(kJointMetrics, d, out.subspan(k));
    }
  }

  std::vector<std::pair<std::string, double>> constants() const override {
    // With drawn aversion the widest band, α_1 = α_m.
    const double a1 = drawn_ ? cap_ : alpha1_;
    const ReportBand st = statement_band(a1, cap_), pr = proof_band(a1, cap_);
    return {{"strategic_band_lo", st.lo}, {"strategic_band_hi", st.hi}, {"proof_band_lo", pr.lo},
            {"proof_band_hi", pr.hi},     {"alpha_cap", cap_},          {"rho_min", grid_.rho_min},
            {"rho_max", grid_.rho_max}};
  }

 private:
  PopulationSpec pop_;
  bool drawn_;
  double alpha1_, alpha2_, cap_;
  StrategicGrid grid_;
  bool joint_;
};

}  // namespace

std::vector<Described> strategic_metrics() {
  return describe(kStrategicMetrics, kJointMetrics);
}

std::unique_ptr<const Model> make_strategic_model(const Params& p) {
  const Params pop = p.child("population");
  const Params mech = p.child("mechanism");
  PopulationSpec ps = PopulationSpec::parse(pop);
  if (ps.agents != 2)
    pop.fail("agents", "mechanism strategic (Appendix C) is defined for 2 agents");
  // r(α') = (1 − α'_1 − α'_2)/(1 + α'_1 + α'_2) must stay positive: aversion below 1/2.
  const Range half{0.0, 0.5, false, true};
  const bool drawn = mech.choice("aversion", {"fixed", "uniform"}, "fixed") == "uniform";
  double alpha1 = 0.0, alpha2 = 0.0, cap = 0.0;
  if (drawn) {
    cap = mech.number("alpha_max", 0.1, half);
  } else {
    std::vector<double> al = mech.numbers("alpha", {0.1}, half);
    if (al.size() == 1) al.push_back(al[0]);
    if (al.size() != 2)
      mech.fail("alpha", "give one number or [alpha_1, alpha'_2] (agent 1's truth, her belief)");
    alpha1 = al[0];
    alpha2 = al[1];
    cap = mech.number("alpha_cap", std::max(alpha1, alpha2), half);
    if (cap < std::max(alpha1, alpha2))
      mech.fail("alpha_cap", "the cap alpha_m must be at least alpha_1 and alpha'_2");
  }
  StrategicGrid g;
  g.rho_min = mech.number("rho_min", g.rho_min, Range{0.0, 1.0, true, false});
  g.rho_max = mech.number("rho_max", g.rho_max, Range::at_least(1.0));
  g.rho_points = static_cast<int>(mech.integer("rho_points", g.rho_points, 2, 1'000'000));
  g.alpha_points = static_cast<int>(mech.integer("alpha_points", g.alpha_points, 1, 10'000));
  const bool joint = mech.choice("search", {"single", "joint"}, "single") == "joint";
  if (joint && ps.items > 2)
    mech.fail("search", "joint searches the product of the item grids: population.items <= 2");
  return std::make_unique<StrategicModel>(std::move(ps), drawn, alpha1, alpha2, cap, g, joint);
}

}  // namespace fairmc::objective
