#include "scenarios/objective/scenario.hpp"

#include "scenarios/objective/aversion_spec.hpp"
#include "scenarios/objective/metrics.hpp"
#include "scenarios/objective/multi_agent_bounds.hpp"
#include "scenarios/objective/population.hpp"
#include "scenarios/objective/strategic_model.hpp"
#include "scenarios/objective/two_agent.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

namespace fairmc::objective {
namespace {

class ObjectiveModel final : public Model {
 public:
  ObjectiveModel(PopulationSpec pop, AversionSpec aversion, int winners, EvalOptions opt)
      : pop_(std::move(pop)), aversion_(std::move(aversion)), winners_(winners), opt_(opt) {}

  std::vector<std::string> metrics() const override { return names(kParticipatoryMetrics); }

  void run(const Draw& draw, std::span<double> out) const override {
    Rng pop_rng = draw.stream(Substream::population);
    Rng mech_rng = draw.stream(Substream::mechanism);
    Instance inst;
    inst.a = pop_.sample(pop_rng);
    inst.aversion = aversion_.sample(mech_rng, pop_.agents);
    inst.winners = winners_;
    evaluate(inst, opt_, out);
  }

  // The paper's gain/loss claim (Section 4, "gain/loss is large") is about E[gain] / E[loss];
  // gain_to_loss, the mean of per-draw ratios, is heavy-tailed and not that quantity.
  std::vector<RatioSpec> ratios() const override { return {{"gain_over_loss", "gain", "loss"}}; }

  std::vector<std::pair<std::string, double>> constants() const override {
    std::vector<std::pair<std::string, double>> c;
    const int n = pop_.agents, m = pop_.items;
    const Aversion env = aversion_.envelope(n);
    const double c_multi = c_item_max(env);
    c.emplace_back("c_multi", c_multi);              // max_j c_j of Eq. (18)
    c.emplace_back("relative_loss_bound", c_multi);  // Theorem 3.4: loss/SW <= max_j c_j
    const double k = kappa(pop_.prior);
    const bool iid = pop_.structure == PopulationSpec::Structure::iid && !pop_.normalize;
    if (iid && std::isfinite(k)) {
      c.emplace_back("kappa", k);
      // Theorem 3.6's rate without its O(·) constant: Σ_j c_j^2 κ_j^2 b_j n.
      c.emplace_back("thm36_rate", m * c_multi * c_multi * k * k * n / winners_);
    }
    if (n != 2 || winners_ != 1) return c;
    const double r1 = two_agent_r(env, 0), c1 = two_agent_c(env, 0);
    const double c_m = std::max(c1, two_agent_c(env, 1));
    c.emplace_back("r1", r1);
    c.emplace_back("c1", c1);
    c.emplace_back("c_m", c_m);
    c.emplace_back("c_tilde1", two_agent_c_tilde(env, 0));
    // Appendix C (β = α): no report outside [r^2(α_1, α_m) a, a / r^2(α_1, α_m)] is worthwhile.
    const double am = *std::max_element(env.alpha.begin(), env.alpha.end());
    const double rs = (1.0 - env.alpha[0] - am) / (1.0 + env.alpha[0] + am);
    c.emplace_back("strategic_band_lo", rs * rs);
    c.emplace_back("strategic_band_hi", 1.0 / (rs * rs));
    if (iid && !aversion_.drawn) {
      // Lemma E.1 / Eq. (77): exact expectation of the per-draw metric loss_bound_symmetric.
      c.emplace_back("expected_loss_bound_symmetric",
                     m * expected_symmetric_item_loss(pop_.prior, c_m));
      // Eq. (79) needs finite κ and coefficients in [0, 1] (Eq. 82 uses E[ā] <= 1); else NaN.
      const bool e3 = std::isfinite(k) && pop_.prior.upper() <= 1.0;
      c.emplace_back("expected_loss_leading_e3",
                     e3 ? c_m * c_m * m * k / 2.0 : std::numeric_limits<double>::quiet_NaN());
      const bool beta_s1 = pop_.prior.kind == Prior::Kind::beta && pop_.prior.p2 == 1.0;
      const bool unif01 =
          pop_.prior.kind == Prior::Kind::uniform && pop_.prior.p1 == 0.0 && pop_.prior.p2 == 1.0;
      if (beta_s1 || unif01) {
        const double s = beta_s1 ? pop_.prior.p1 : 1.0;
        if (s >= 1.0) c.emplace_back("expected_loss_bound_e2", c_m * c_m * m * s);  // Eq. (74)
      }
    }
    if (pop_.structure == PopulationSpec::Structure::dissimilar &&
        pop_.prior.kind == Prior::Kind::uniform && pop_.prior.p1 == 0.0 && pop_.prior.p2 == 1.0 &&
        pop_.gamma * m <= 1.0 && !aversion_.drawn)
      c.emplace_back("expected_loss_bound_d2",
                     dissimilar_expected_bound(m, pop_.gamma, r1));  // Eq. (68)
    return c;
  }

 private:
  PopulationSpec pop_;
  AversionSpec aversion_;
  int winners_;
  EvalOptions opt_;
};

}  // namespace

ScenarioInfo scenario() {
  ScenarioInfo info;
  info.name = "objective";
  info.paper = "001 Participatory Objective Design via Preference Elicitation";
  info.help =
      "Loss, gain and individual tradeoffs of maximising Fehr-Schmidt welfare instead of "
      "utilitarian welfare";
  info.samplers = {
      {"iid", "a_ij i.i.d. from population.prior (uniform, exponential, beta, lognormal)"},
      {"scaled_copy", "agent 1 from the prior, the others ratio * a_1 (aligned agents)"},
      {"dissimilar", "two gamma-dissimilar agents (Appendix D)"},
      {"two_point", "a_ij in {low, 1} with probability 1/2 (Proposition F.2)"},
      {"clustered", "K clusters of radius delta on disjoint item blocks (Theorem 3.5)"}};
  info.mechanisms = {
      {"participatory",
       "x* = utilitarian; x^theta = argmax sum of Fehr-Schmidt values (GLPK LP, exact); "
       "solver: cutting_plane | pairwise | closed_form (two agents)"},
      {"strategic",
       "Appendix C: agent 1's best report against the Prop. C.1 payment rule, searched over "
       "single-item (search: single) or, for m <= 2, joint (search: joint) deviations"}};
  info.metrics = join_described({describe(kParticipatoryMetrics), strategic_metrics()});
  info.ratios = {{"gain_over_loss", "E[gain] / E[loss] (participatory; the paper's gain/loss)"}};
  info.prepare = [](const Params& p) -> std::unique_ptr<const Model> {
    const Params pop = p.child("population");
    const Params mech = p.child("mechanism");
    if (mech.choice("name", {"participatory", "strategic"}, "participatory") == "strategic")
      return make_strategic_model(p);
    PopulationSpec ps = PopulationSpec::parse(pop);
    AversionSpec as = AversionSpec::parse(mech, ps.agents);
    const int winners = static_cast<int>(mech.integer("winners", 1, 1, 1'000'000));
    if (winners > ps.agents) mech.fail("winners", "1/b_j must not exceed the number of agents");
    EvalOptions opt;
    const std::string solver =
        mech.choice("solver", {"cutting_plane", "pairwise", "closed_form"}, "cutting_plane");
    opt.solver = solver == "pairwise"      ? Solver::pairwise
                 : solver == "closed_form" ? Solver::closed_form
                                           : Solver::cutting_plane;
    if (opt.solver == Solver::closed_form && (ps.agents != 2 || winners != 1))
      mech.fail("solver", "closed_form (Lemma 3.1) needs population.agents = 2 and winners = 1");
    opt.tau = mech.number("tau", 0.5, Range::unit());
    return std::make_unique<ObjectiveModel>(std::move(ps), std::move(as), winners, opt);
  };
  info.memory_estimate = [](const Params& p) {
    // Each draw holds a, x* and x^theta (n x m doubles) and the LP's copy of the coefficients.
    const Params pop = p.child("population");
    const auto n = static_cast<double>(pop.integer("agents", 2, 2, 100'000));
    const auto m = static_cast<double>(pop.integer("items", 10, 1, 1'000'000));
    return 4.0 * sizeof(double) * n * m;
  };
  return info;
}

}  // namespace fairmc::objective
