#include "scenarios/scf/traffic_model.hpp"

#include "engine/metric.hpp"
#include "scenarios/scf/distribution.hpp"
#include "scenarios/scf/inequality.hpp"
#include "scenarios/scf/scf_settings.hpp"
#include "scenarios/scf/tradeoff.hpp"
#include "scenarios/scf/traffic.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace fairmc::scf {

namespace {

constexpr std::size_t max_listed_groups = 8;

// Gini coefficient of the commuters' delays (non-empty groups, weighted by their sizes).
double cost_gini(const RoutingProblem& p, const Routing& r) {
  std::vector<double> cost, mass;
  for (std::size_t k = 0; k < p.groups.size(); ++k) {
    if (p.groups[k].size > 0.0) {
      cost.push_back(r.group_cost[k]);
      mass.push_back(p.groups[k].size);
    }
  }
  return weighted_gini(cost, mass);
}

// One routing (an SCF's optimum or the equilibrium) and, for the per-group entries, group k.
struct Routed {
  const RoutingProblem& p;
  const Routing& r;
  const Routing& equilibrium;  // the reference of Figure 5(d)
  const TradeoffEnds& ends;    // the utilitarian and max-min optima of this draw
  std::size_t k = 0;
};

double total_of(const RoutingProblem& p, const Routing& r) {
  return r.feasible ? total_cost(p, r) : kUndefined;
}
double worst_of(const RoutingProblem& p, const Routing& r) {
  return r.feasible ? worst_cost(p, r) : kUndefined;
}
std::vector<double> sizes(const RoutingProblem& p) {
  std::vector<double> n;
  for (const CommuterGroup& g : p.groups) n.push_back(g.size);
  return n;
}

// Per SCF and for <scf> = equilibrium; undefined (NaN) where the SCF has no feasible routing.
constexpr Metric<Routed> kScfMetrics[] = {
    {"total_cost_<scf>", "1",
     "sum of all agents' costs at the SCF's optimum (or the Wardrop equilibrium)",
     [](const Routed& d) { return d.r.feasible ? total_cost(d.p, d.r) : kUndefined; }},
    {"worst_cost_<scf>", "1",
     "largest agent cost at the SCF's optimum (or the Wardrop equilibrium)",
     [](const Routed& d) { return d.r.feasible ? worst_cost(d.p, d.r) : kUndefined; }},
    {"cost_gini_<scf>", "1", "traffic: Gini coefficient of the commuters' delays",
     [](const Routed& d) { return d.r.feasible ? cost_gini(d.p, d.r) : kUndefined; }},
    {"fast_flow_<scf>", "1", "traffic: commuters on the fast link",
     [](const Routed& d) { return d.r.feasible ? d.r.fast_flow : kUndefined; }},
    {"fast_delay_<scf>", "1", "traffic: delay of the fast link",
     [](const Routed& d) { return d.r.feasible ? d.r.fast_delay : kUndefined; }},
    {"slow_delay_<scf>", "1", "traffic: delay of the slow link",
     [](const Routed& d) { return d.r.feasible ? d.r.slow_delay : kUndefined; }},
    {"total_cost_position_<scf>", "1",
     "total cost between the utilitarian (0) and the max-min (1) optimum's (needs both SCFs)",
     [](const Routed& d) { return total_cost_position(total_of(d.p, d.r), d.ends); }},
    {"worst_cost_position_<scf>", "1",
     "worst-off cost between the max-min (0) and the utilitarian (1) optimum's (needs both SCFs)",
     [](const Routed& d) { return worst_cost_position(worst_of(d.p, d.r), d.ends); }},
    {"min_gain_<scf>", "1",
     "traffic: least gain of a group over the Wardrop equilibrium (> 0: every group better off)",
     [](const Routed& d) {
       return d.r.feasible ? min_gain(d.r.group_cost, d.equilibrium.group_cost, sizes(d.p))
                           : kUndefined;
     }},
};
static_assert(well_formed(kScfMetrics));

// Per SCF and group k (1-based), listed for at most max_listed_groups groups.
constexpr Metric<Routed> kGroupMetrics[] = {
    {"share_fast_g<k>_<scf>", "1", "traffic, <= 8 groups: share of group k on the fast link",
     [](const Routed& d) { return d.r.feasible ? d.r.share_fast[d.k] : kUndefined; }},
    {"group_cost_g<k>_<scf>", "1", "traffic, <= 8 groups: cost (delay) of a commuter of group k",
     [](const Routed& d) { return d.r.feasible ? d.r.group_cost[d.k] : kUndefined; }},
};
static_assert(well_formed(kGroupMetrics));

struct RandomNetwork {
  std::size_t groups = 2;
  Distribution size = Distribution::constant(40.0);
  Distribution detour = Distribution::uniform(0.0, 80.0);
  Distribution weight = Distribution::constant(1.0);
  double jitter = 0.0;  // link parameters scaled by U(1 - jitter, 1 + jitter)
  AffineLink fast{1.5, 0.0};
  AffineLink slow{1.0, 40.0};
};

class TrafficModel final : public Model {
 public:
  TrafficModel(std::optional<RoutingProblem> fixed, RandomNetwork random, ScfSettings settings,
               bool paper_defaults)
      : fixed_(std::move(fixed)),
        random_(std::move(random)),
        settings_(std::move(settings)),
        paper_defaults_(paper_defaults) {
    groups_ = fixed_ ? fixed_->groups.size() : random_.groups;
  }

  std::vector<std::string> metrics() const override {
    std::vector<std::string> m;
    for (const std::string& s : labels()) {
      append_names(m, kScfMetrics, {{"scf", s}});
      if (groups_ <= max_listed_groups) {
        for (std::size_t k = 0; k < groups_; ++k)
          append_names(m, kGroupMetrics, {{"k", std::to_string(k + 1)}, {"scf", s}});
      }
    }
    return m;
  }

  void run(const Draw& draw, std::span<double> out) const override {
    const RoutingProblem problem = fixed_ ? *fixed_ : sample(draw);
    std::vector<double> weights;
    for (const CommuterGroup& g : problem.groups) weights.push_back(g.weight);
    // In the order of labels(): the equilibrium, then each SCF's optimum.
    std::vector<Routing> routed{wardrop_equilibrium(problem)};
    TradeoffEnds ends;
    for (const Kind k : settings_.kinds) {
      routed.push_back(solve(problem, settings_.make(k, weights)));
      if (k == Kind::utilitarian) {
        ends.util_total = total_of(problem, routed.back());
        ends.util_worst = worst_of(problem, routed.back());
      } else if (k == Kind::rawls_max || (k == Kind::leximin && std::isnan(ends.maxmin_worst))) {
        ends.maxmin_total = total_of(problem, routed.back());
        ends.maxmin_worst = worst_of(problem, routed.back());
      }
    }
    std::size_t j = 0;
    for (const Routing& r : routed) {
      j += write_values(kScfMetrics, Routed{problem, r, routed.front(), ends}, out.subspan(j));
      if (groups_ <= max_listed_groups) {
        for (std::size_t k = 0; k < groups_; ++k)
          j += write_values(kGroupMetrics, Routed{problem, r, routed.front(), ends, k},
                            out.subspan(j));
      }
    }
  }

  std::vector<std::pair<std::string, double>> constants() const override {
    if (!paper_defaults_) return {};
    // Link delays printed in Figure 5(b)-(d).
    std::vector<std::pair<std::string, double>> c{{"paper_fast_delay_utilitarian", 60.0},
                                                  {"paper_slow_delay_utilitarian", 80.0},
                                                  {"paper_fast_delay_sum_plus_gamma_max", 52.0},
                                                  {"paper_slow_delay_sum_plus_gamma_max", 85.3},
                                                  {"paper_fast_delay_nash_reference", 60.0},
                                                  {"paper_slow_delay_nash_reference", 80.0},
                                                  {"paper_share_fast_g1_nash_reference", 0.5},
                                                  {"paper_share_fast_g2_nash_reference", 0.5}};
    // Sigma J + gamma max J on this network: only the (worst-off) long commuters use the fast
    // link and the first-order condition in the fast flow gives x = (200 + 4 gamma)/(5 + gamma/8):
    // 40 (utilitarian) at gamma = 0, 104/3 at gamma = 80, -> 32 (max-min) (test_traffic.cpp).
    if (std::find(settings_.kinds.begin(), settings_.kinds.end(), Kind::sum_plus_gamma_max) !=
        settings_.kinds.end()) {
      const double g = settings_.sum_max_gamma;
      c.emplace_back("closed_form_fast_flow_sum_plus_gamma_max",
                     (200.0 + 4.0 * g) / (5.0 + g / 8.0));
    }
    return c;
  }

 private:
  std::vector<std::string> labels() const {
    std::vector<std::string> l{"equilibrium"};
    for (const Kind k : settings_.kinds) l.emplace_back(info(k).name);
    return l;
  }

  RoutingProblem sample(const Draw& draw) const {
    Rng rng = draw.stream(Substream::population);
    RoutingProblem p;
    for (std::size_t k = 0; k < random_.groups; ++k) {
      CommuterGroup g;
      g.size = random_.size.sample(rng);
      g.detour = random_.detour.sample(rng);
      g.weight = random_.weight.sample(rng);
      p.groups.push_back(g);
    }
    auto jitter = [&](double v) {
      return v * (1.0 + random_.jitter * (2.0 * rng.uniform01() - 1.0));
    };
    p.fast = {jitter(random_.fast.slope), jitter(random_.fast.offset)};
    p.slow = {jitter(random_.slow.slope), jitter(random_.slow.offset)};
    return p;
  }

  std::optional<RoutingProblem> fixed_;
  RandomNetwork random_;
  ScfSettings settings_;
  bool paper_defaults_;
  std::size_t groups_ = 0;
};

AffineLink read_link(const Params& p, AffineLink fallback) {
  return {p.number("slope", fallback.slope, Range::nonnegative()),
          p.number("offset", fallback.offset, Range::nonnegative())};
}

}  // namespace

std::vector<Described> traffic_metrics() {
  return describe(kScfMetrics, kGroupMetrics);
}

std::unique_ptr<const Model> make_traffic_model(const Params& p) {
  const Params pop = p.child("population");
  const Params mech = p.child("mechanism");
  const std::string sampler = pop.choice("sampler", {"figure5", "random"});
  std::optional<RoutingProblem> fixed;
  RandomNetwork random;
  bool paper = false;
  double commuters = 0.0;
  if (sampler == "figure5") {
    RoutingProblem f = figure5_network();
    f.groups[0].size = pop.number("long", 40.0, Range::nonnegative());
    f.groups[1].size = pop.number("short", 40.0, Range::nonnegative());
    f.groups[0].detour = pop.number("detour", 40.0, Range::nonnegative());
    f.fast = read_link(pop.child("fast"), f.fast);
    f.slow = read_link(pop.child("slow"), f.slow);
    const RoutingProblem d = figure5_network();
    paper = f.groups[0].size == 40.0 && f.groups[1].size == 40.0 && f.groups[0].detour == 40.0 &&
            f.fast.slope == d.fast.slope && f.fast.offset == d.fast.offset &&
            f.slow.slope == d.slow.slope && f.slow.offset == d.slow.offset;
    if (f.total() <= 0.0) pop.fail("long", "the network needs some commuters");
    commuters = f.total();
    fixed = f;
  } else {
    random.groups = static_cast<std::size_t>(pop.integer("groups", 1, 10'000));
    random.size = Distribution::read(pop.child("size"), random.size, Range::positive());
    random.detour = Distribution::read(pop.child("detour"), random.detour, Range::nonnegative());
    random.weight = Distribution::read(pop.child("weights"), random.weight, Range::positive());
    random.jitter = pop.number("jitter", 0.0, Range::closed(0.0, 0.99));
    random.fast = read_link(pop.child("fast"), random.fast);
    random.slow = read_link(pop.child("slow"), random.slow);
    commuters = static_cast<double>(random.groups) * random.size.mean();
  }
  // Default gamma of sum + gamma max: the number of commuters (80 in Figure 5(c), i.e.
  // mean + (1/2)(max - mean) in Theorem 1's CFC form).
  ScfSettings settings = ScfSettings::read(mech, commuters, 0, traffic_supports);
  return std::make_unique<TrafficModel>(std::move(fixed), std::move(random), std::move(settings),
                                        paper);
}

}  // namespace fairmc::scf
