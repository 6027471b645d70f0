#include "scenarios/scf/scenario.hpp"

#include "scenarios/scf/divisible_model.hpp"
#include "scenarios/scf/invariance_model.hpp"
#include "scenarios/scf/social_cost.hpp"
#include "scenarios/scf/traffic_model.hpp"

#include <string>

namespace fairmc::scf {

ScenarioInfo scenario() {
  ScenarioInfo s;
  s.name = "scf";
  s.paper = "003 Welfare and Cost Aggregation for Multi-Agent Control (social cost functions)";
  s.help =
      "Social cost functions per comparability level: invariance check (Table I), divisible "
      "resource / water allocation (Sec. IV-A), traffic routing (Fig. 5).";
  s.samplers = {
      {"negative_profiles", "invariance: J_i(x) ~ -U(cost_lo, cost_hi), outcome 0 = reference x0"},
      {"fixed", "divisible: listed agents (upfront, benefit, curvature, rights) and supply"},
      {"random",
       "divisible: agents with sampled upfront/benefit/curvature/rights; traffic: "
       "groups with sampled sizes, detours, weights, jittered links"},
      {"figure5", "traffic: Figure 5(a), 40 long (detour 40) + 40 short commuters"},
  };
  s.mechanisms = {
      {"invariance",
       "per SCF and comparability level: does choice / ranking survive a random "
       "admissible transformation (Definition 3, Table I)"},
      {"divisible", "minimise each SCF over shares of a divisible supply (KKT, exact)"},
      {"traffic", "minimise each SCF over fast-link shares of commuter groups (Fig. 5)"},
  };
  for (const KindInfo& k : catalogue()) {
    s.mechanisms.push_back({"scfs: " + std::string(k.name),
                            std::string(k.formula) + " [" + std::string(name(k.level)) + "]"});
  }
  s.metrics = {
      {"choice_changed_<scf>_<level>", "1 if the best outcome changed under the transformation"},
      {"ranking_changed_<scf>_<level>", "1 if some strictly ranked pair changed order"},
      {"total_cost_<scf>", "sum of agents' costs at the SCF's optimum"},
      {"worst_cost_<scf>", "largest agent cost at the optimum"},
      {"cost_sd_<scf>", "divisible: standard deviation of agents' costs"},
      {"alloc_gini_<scf>", "divisible: Gini coefficient of the allocation"},
      {"feasible_<scf>", "divisible: 1 if the SCF's domain is non-empty (Nash SCFs)"},
      {"x<i>_<scf>, cost<i>_<scf>", "divisible, <= 8 agents: allocation and cost of agent i"},
      {"cost_gini_<scf>", "traffic: Gini coefficient of commuters' delays"},
      {"fast_flow_<scf>, fast_delay_<scf>, slow_delay_<scf>", "traffic: link flows and delays"},
      {"share_fast_g<k>_<scf>, group_cost_g<k>_<scf>", "traffic: group k's fast share and cost"},
  };
  s.prepare = [](const Params& p) -> std::unique_ptr<const Model> {
    const std::string problem =
        p.child("mechanism").choice("name", {"invariance", "divisible", "traffic"});
    if (problem == "invariance") return make_invariance_model(p);
    if (problem == "divisible") return make_divisible_model(p);
    return make_traffic_model(p);
  };
  return s;
}

}  // namespace fairmc::scf
