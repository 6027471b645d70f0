#include "scenarios/scf/scenario.hpp"

#include "engine/metric.hpp"
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
  s.metrics = join_described({invariance_metrics(), divisible_metrics(), traffic_metrics()});
  s.prepare = [](const Params& p) -> std::unique_ptr<const Model> {
    const std::string problem =
        p.child("mechanism").choice("name", {"invariance", "divisible", "traffic"});
    if (problem == "invariance") return make_invariance_model(p);
    if (problem == "divisible") return make_divisible_model(p);
    return make_traffic_model(p);
  };
  s.memory_estimate = [](const Params& p) {
    // invariance: each draw holds the cost profile, its transform and their sorted copies
    // (agents x outcomes doubles each; 10^5 x 10^4 is 32 GB, which failed with bad_alloc at the
    // first draw); divisible and traffic hold O(agents) numbers.
    const Params mech = p.child("mechanism");
    if (!mech.has("name") || mech.text("name") != "invariance") return 0.0;
    const Params pop = p.child("population");
    const auto n = static_cast<double>(pop.integer("agents", 1, 100'000));
    const auto o = static_cast<double>(pop.integer("outcomes", 10, 2, 10'000));
    return 4.0 * sizeof(double) * n * o;
  };
  return s;
}

}  // namespace fairmc::scf
