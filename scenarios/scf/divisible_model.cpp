#include "scenarios/scf/divisible_model.hpp"

#include "engine/metric.hpp"
#include "scenarios/scf/distribution.hpp"
#include "scenarios/scf/divisible.hpp"
#include "scenarios/scf/inequality.hpp"
#include "scenarios/scf/scf_settings.hpp"
#include "scenarios/scf/tradeoff.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

namespace fairmc::scf {

namespace {

constexpr std::size_t max_listed_agents = 8;

// One SCF's optimum (and, for the per-agent entries, agent i).
struct Optimum {
  const Allocation& a;
  const std::vector<double>& unit;  // weight 1 per agent
  const TradeoffEnds& ends;         // the utilitarian and max-min optima of this draw
  const std::vector<double>& rights;
  double supply = 0.0;
  std::size_t i = 0;
};

double total_of(const Allocation& a) {
  return a.feasible ? std::accumulate(a.cost.begin(), a.cost.end(), 0.0) : kUndefined;
}
double worst_of(const Allocation& a) {
  return a.feasible ? *std::max_element(a.cost.begin(), a.cost.end()) : kUndefined;
}

// Per SCF (total_cost and worst_cost mean the same as traffic's); all but feasible_<scf> are
// undefined (NaN) where the SCF's domain is empty.
constexpr Metric<Optimum> kScfMetrics[] = {
    {"total_cost_<scf>", "1",
     "sum of all agents' costs at the SCF's optimum (or the Wardrop equilibrium)",
     [](const Optimum& o) { return total_of(o.a); }},
    {"worst_cost_<scf>", "1",
     "largest agent cost at the SCF's optimum (or the Wardrop equilibrium)",
     [](const Optimum& o) { return worst_of(o.a); }},
    {"cost_sd_<scf>", "1", "divisible: standard deviation of the agents' costs",
     [](const Optimum& o) { return o.a.feasible ? weighted_sd(o.a.cost, o.unit) : kUndefined; }},
    {"alloc_gini_<scf>", "1", "divisible: Gini coefficient of the allocation",
     [](const Optimum& o) { return o.a.feasible ? weighted_gini(o.a.x, o.unit) : kUndefined; }},
    {"feasible_<scf>", "1", "divisible: 1 if the SCF's domain is non-empty (Nash SCFs)",
     [](const Optimum& o) { return o.a.feasible ? 1.0 : 0.0; }},
    {"total_cost_position_<scf>", "1",
     "total cost between the utilitarian (0) and the max-min (1) optimum's (needs both SCFs)",
     [](const Optimum& o) { return total_cost_position(total_of(o.a), o.ends); }},
    {"worst_cost_position_<scf>", "1",
     "worst-off cost between the max-min (0) and the utilitarian (1) optimum's (needs both SCFs)",
     [](const Optimum& o) { return worst_cost_position(worst_of(o.a), o.ends); }},
    {"rights_share_gap_<scf>", "1",
     "divisible: max_i |x_i / X - c_i / sum c| (0: proportional to the rights, Appendix A)",
     [](const Optimum& o) {
       return o.a.feasible ? rights_share_gap(o.a.x, o.rights, o.supply) : kUndefined;
     }},
};
static_assert(well_formed(kScfMetrics));

// Per SCF and agent i (1-based), listed for at most max_listed_agents agents.
constexpr Metric<Optimum> kAgentMetrics[] = {
    {"x<i>_<scf>", "1", "divisible, <= 8 agents: agent i's allocation at the SCF's optimum",
     [](const Optimum& o) { return o.a.feasible ? o.a.x[o.i] : kUndefined; }},
    {"cost<i>_<scf>", "1", "divisible, <= 8 agents: agent i's cost at the SCF's optimum",
     [](const Optimum& o) { return o.a.feasible ? o.a.cost[o.i] : kUndefined; }},
};
static_assert(well_formed(kAgentMetrics));

struct RandomClaimants {
  Distribution upfront = Distribution::constant(0.0);
  Distribution benefit = Distribution::constant(1.0);
  Distribution curvature = Distribution::constant(0.0);
  Distribution rights = Distribution::constant(1.0);
};

class DivisibleModel final : public Model {
 public:
  DivisibleModel(std::size_t agents, double supply, std::optional<DivisibleProblem> fixed,
                 std::vector<double> fixed_rights, RandomClaimants random, ScfSettings settings)
      : agents_(agents),
        supply_(supply),
        fixed_(std::move(fixed)),
        fixed_rights_(std::move(fixed_rights)),
        random_(random),
        settings_(std::move(settings)) {}

  std::vector<std::string> metrics() const override {
    std::vector<std::string> m;
    for (const Kind k : settings_.kinds) {
      append_names(m, kScfMetrics, {{"scf", info(k).name}});
      if (agents_ <= max_listed_agents) {
        for (std::size_t i = 0; i < agents_; ++i)
          append_names(m, kAgentMetrics, {{"i", std::to_string(i + 1)}, {"scf", info(k).name}});
      }
    }
    return m;
  }

  void run(const Draw& draw, std::span<double> out) const override {
    DivisibleProblem problem;
    std::vector<double> rights;
    if (fixed_) {
      problem = *fixed_;
      rights = fixed_rights_;
    } else {
      Rng rng = draw.stream(Substream::population);
      problem.supply = supply_;
      for (std::size_t i = 0; i < agents_; ++i) {
        Claimant c;
        c.upfront = random_.upfront.sample(rng);
        c.benefit = random_.benefit.sample(rng);
        c.curvature = random_.curvature.sample(rng);
        problem.agents.push_back(c);
        rights.push_back(random_.rights.sample(rng));
      }
    }
    const std::vector<double> unit(agents_, 1.0);
    std::vector<Allocation> optima;
    TradeoffEnds ends;
    for (const Kind k : settings_.kinds) {
      optima.push_back(solve(problem, settings_.make(k, rights)));
      if (k == Kind::utilitarian) {
        ends.util_total = total_of(optima.back());
        ends.util_worst = worst_of(optima.back());
      } else if (k == Kind::rawls_max || (k == Kind::leximin && std::isnan(ends.maxmin_worst))) {
        ends.maxmin_total = total_of(optima.back());
        ends.maxmin_worst = worst_of(optima.back());
      }
    }
    std::size_t j = 0;
    for (const Allocation& a : optima) {
      j +=
          write_values(kScfMetrics, Optimum{a, unit, ends, rights, problem.supply}, out.subspan(j));
      if (agents_ <= max_listed_agents) {
        for (std::size_t i = 0; i < agents_; ++i)
          j += write_values(kAgentMetrics, Optimum{a, unit, ends, rights, problem.supply, i},
                            out.subspan(j));
      }
    }
  }

  std::vector<std::pair<std::string, double>> constants() const override {
    std::vector<std::pair<std::string, double>> c;
    if (!fixed_) return c;
    const bool linear = std::all_of(fixed_->agents.begin(), fixed_->agents.end(),
                                    [](const Claimant& a) { return a.curvature == 0.0; });
    if (!linear) return c;
    const std::vector<double> prop = proportional_allocation(fixed_rights_, fixed_->supply);
    const std::vector<double> eq2 = nash_negative_linear(*fixed_, fixed_rights_);
    // Eq. (2) is only defined when every cost can be made negative: X > sum alpha_j / q_j.
    double need = 0.0;
    for (const Claimant& a : fixed_->agents) need += a.upfront / a.benefit;
    const bool eq2_defined = fixed_->supply > need;
    for (std::size_t i = 0; i < agents_; ++i) {
      c.emplace_back("appendix_a_x" + std::to_string(i + 1), prop[i]);
      c.emplace_back("eq2_x" + std::to_string(i + 1),
                     eq2_defined ? eq2[i] : std::numeric_limits<double>::quiet_NaN());
    }
    return c;
  }

 private:
  std::size_t agents_;
  double supply_;
  std::optional<DivisibleProblem> fixed_;
  std::vector<double> fixed_rights_;
  RandomClaimants random_;
  ScfSettings settings_;
};

}  // namespace

std::vector<Described> divisible_metrics() {
  return describe(kScfMetrics, kAgentMetrics);
}

std::unique_ptr<const Model> make_divisible_model(const Params& p) {
  const Params pop = p.child("population");
  const Params mech = p.child("mechanism");
  const std::string sampler = pop.choice("sampler", {"fixed", "random"});
  const double supply = pop.number("supply", Range::positive());
  std::optional<DivisibleProblem> fixed;
  std::vector<double> rights;
  RandomClaimants random;
  std::size_t agents = 0;
  if (sampler == "fixed") {
    const std::vector<double> benefit = pop.numbers("benefit", Range::positive());
    agents = benefit.size();
    const std::vector<double> upfront = pop.numbers("upfront", std::vector<double>(agents, 0.0));
    const std::vector<double> curvature =
        pop.numbers("curvature", std::vector<double>(agents, 0.0), Range::nonnegative());
    rights = pop.numbers("rights", std::vector<double>(agents, 1.0), Range::positive());
    if (upfront.size() != agents) pop.fail("upfront", "needs one value per agent (as benefit)");
    if (curvature.size() != agents) pop.fail("curvature", "needs one value per agent");
    if (rights.size() != agents) pop.fail("rights", "needs one value per agent");
    DivisibleProblem d;
    d.supply = supply;
    for (std::size_t i = 0; i < agents; ++i)
      d.agents.push_back({upfront[i], benefit[i], curvature[i]});
    fixed = d;
  } else {
    agents = static_cast<std::size_t>(pop.integer("agents", 1, 1'000'000));
    random.upfront = Distribution::read(pop.child("upfront"), Distribution::constant(0.0), Range{});
    random.benefit = Distribution::read(pop.child("benefit"), Distribution::lognormal(0.0, 0.5),
                                        Range::positive());
    random.curvature = Distribution::read(pop.child("curvature"), Distribution::constant(0.0),
                                          Range::nonnegative());
    random.rights =
        Distribution::read(pop.child("rights"), Distribution::constant(1.0), Range::positive());
  }
  ScfSettings settings =
      ScfSettings::read(mech, static_cast<double>(agents), agents - 1, divisible_supports);
  return std::make_unique<DivisibleModel>(agents, supply, std::move(fixed), std::move(rights),
                                          random, std::move(settings));
}

}  // namespace fairmc::scf
