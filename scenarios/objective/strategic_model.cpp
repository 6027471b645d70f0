#include "scenarios/objective/strategic_model.hpp"

#include "scenarios/objective/population.hpp"
#include "scenarios/objective/strategic_report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace fairmc::objective {

const std::array<std::string_view, kSrMetricCount> kStrategicMetricHelp = {
    "payoff v_1 - p_1 of reporting (a_1, alpha_1) truthfully",
    "best payoff over single-item deviations (and alpha'_1)",
    "best_payoff - truthful_payoff (>= 0)",
    "alpha'_1 of the best deviation",
    "max_j [best outside - best inside the r^2 band on item j], Prop. C.1 per item",
    "1 if gain_outside_band > tolerance (1e-9 of ||a_1||_1 + ||a'_2||_1 + 1)",
    "share of items with a violation of the r^2 band",
    "max_j best outside_j - max_j best inside_j (best single-item deviation overall)",
    "1 if gain_outside_band_global > tolerance",
    "gain_outside_band for the proof's r band (end of the proof of Prop. C.1)",
    "1 if gain_outside_proof_band > tolerance",
    "max_j max(rho*_j, 1/rho*_j), rho*_j the best response closest to the truth",
    "r^2(alpha_1, alpha_m), the band's lower factor",
    "1/r^2(alpha_1, alpha_m)",
    "agent 1's true aversion alpha_1",
    "belief about agent 2's reported aversion alpha'_2",
    "item 1: a_1j / a'_2j (Figure 3's x axis with a'_2j = 1)",
    "item 1: smallest best-responding rho = a'_1j / a_1j",
    "item 1: largest best-responding rho (rho_max: unbounded)",
    "item 1: best-responding rho closest to 1",
    "item 1: 1 if the truthful report is a best response",
    "item 1: best outside - best inside the r^2 band",
    "search: joint only: best with some a'_1j outside the r^2 band - best with all inside",
    "1 if joint_gain_outside_band > tolerance",
    "search: joint only: the same for the proof's r band"};

namespace {

double finite_or_nan(double v) {
  return std::isfinite(v) ? v : std::numeric_limits<double>::quiet_NaN();
}

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
    const auto count = joint_ ? kSrMetricCount : kSrJointGainOutsideBand;
    return {kStrategicMetricNames.begin(), kStrategicMetricNames.begin() + count};
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
    const double tol = sum.tolerance;
    const ReportBand band = statement_band(s.alpha1, s.cap);
    out[kSrTruthfulPayoff] = sum.truthful;
    out[kSrBestPayoff] = sum.best;
    out[kSrTruthfulRegret] = sum.best - sum.truthful;
    out[kSrBestAlphaReport] = sum.best_alpha;
    out[kSrBandLo] = band.lo;
    out[kSrBandHi] = band.hi;
    out[kSrAlpha1] = s.alpha1;
    out[kSrAlpha2] = s.alpha2;
    if (sum.items == 0) return;  // a_1 = 0: no report to search
    // −∞ when the grid has no point outside the band (α_1 + α_m near 1): left NaN.
    out[kSrGainOutsideBand] = finite_or_nan(sum.gain_outside);
    out[kSrBandViolated] = sum.violating_items > 0 ? 1.0 : 0.0;
    out[kSrViolatingItemShare] = static_cast<double>(sum.violating_items) / sum.items;
    out[kSrGainOutsideBandGlobal] = finite_or_nan(sum.gain_outside_global);
    out[kSrGlobalBandViolated] = sum.gain_outside_global > tol ? 1.0 : 0.0;
    out[kSrGainOutsideProofBand] = finite_or_nan(sum.gain_outside_proof);
    out[kSrProofBandViolated] = sum.violating_items_proof > 0 ? 1.0 : 0.0;
    out[kSrDeviationMax] = sum.deviation_max;
    if (s.a1[0] > 0.0 && s.a2[0] > 0.0) {  // items[0] is item 0 when a_10 > 0
      const ItemResponse& p = items.front();
      out[kSrProbeTrueRatio] = s.a1[0] / s.a2[0];
      out[kSrProbeBrLo] = p.br_lo;
      out[kSrProbeBrHi] = p.br_hi;
      out[kSrProbeBrNearest] = p.br_nearest;
      out[kSrProbeTruthfulBest] = p.truthful_best ? 1.0 : 0.0;
      out[kSrProbeGainOutside] = finite_or_nan(p.best_outside - p.best_inside);
    }
    if (joint_) {
      const JointResponse j = joint_best_response(s, grid_);
      out[kSrJointGainOutsideBand] = finite_or_nan(j.best_outside - j.best_inside);
      out[kSrJointBandViolated] = j.best_outside - j.best_inside > tol ? 1.0 : 0.0;
      out[kSrJointGainOutsideProofBand] = finite_or_nan(j.best_outside_proof - j.best_inside_proof);
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
