#include "scenarios/persuasion/population.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fairmc::persuasion {
namespace {

std::pair<double, double> range_or_value(const Params& p, std::string_view key, double fallback,
                                         Range r) {
  const std::vector<double> v = p.numbers(key, {fallback}, r);
  if (v.size() == 1) return {v[0], v[0]};
  if (v.size() != 2 || v[0] > v[1])
    p.fail(key, "give one number or a range [lo, hi] with lo <= hi");
  return {v[0], v[1]};
}

double uniform_between(Rng& rng, double lo, double hi) {
  return lo + (hi - lo) * rng.uniform01();
}

}  // namespace

PopulationSpec PopulationSpec::read(const Params& p) {
  PopulationSpec s;
  s.agents = static_cast<int>(p.integer("agents", 1, 100'000));
  const Params prior = p.child("prior");
  s.dist = prior.choice(
      "dist", {"two_point", "discrete", "uniform", "power_law", "geometric", "appendix_a"},
      "two_point");
  if (s.dist == "appendix_a") {
    // Appendix A: agent 0 has value 2 - q, agents 1..n are 1/q w.p. q and 1 otherwise, q = 1/√n.
    if (s.agents < 2) p.fail("agents", "appendix_a needs at least 2 agents (n + 1 with n >= 1)");
    s.V = std::sqrt(static_cast<double>(s.agents - 1));
    return s;
  }
  s.V = p.number("V", Range::at_least(1.0));
  s.grid = static_cast<int>(p.integer("grid", 0, 0, 1000));
  if (s.grid == 1) p.fail("grid", "use 0 (off) or at least 2 levels");
  if (s.dist == "two_point") {
    s.low = prior.number("low", 1.0, Range::closed(1.0, s.V));
    s.high = prior.number("high", s.V, Range::closed(1.0, s.V));
    std::tie(s.q_lo, s.q_hi) = range_or_value(prior, "q", 0.1, Range::unit());
  } else if (s.dist == "discrete") {
    s.values = prior.numbers("values", Range::closed(1.0, s.V));
    s.probs = prior.numbers("probs", Range::nonnegative());
    try {
      (void)DiscretePrior::make(s.values, s.probs);
    } catch (const std::invalid_argument& e) {
      prior.fail("probs", e.what());
    }
  } else if (s.dist == "uniform" || s.dist == "power_law") {
    s.support = static_cast<int>(prior.integer("support", 4, 1, 1000));
    if (s.dist == "power_law") s.exponent = prior.number("exponent", 2.0, Range::nonnegative());
  } else if (s.dist == "geometric") {
    s.levels = static_cast<int>(prior.integer("levels", 6, 2, 1000));
    std::tie(s.r_lo, s.r_hi) = range_or_value(prior, "ratio", 0.5, Range::positive());
  }
  return s;
}

std::vector<DiscretePrior> PopulationSpec::sample(Rng& rng) const {
  std::vector<DiscretePrior> priors;
  priors.reserve(static_cast<std::size_t>(agents));
  const auto snap = [&](double v) { return grid >= 2 ? snap_to_grid(v, V, grid) : v; };
  for (int i = 0; i < agents; ++i) {
    if (dist == "appendix_a") {
      const double q = 1.0 / V;
      priors.push_back(i == 0 ? DiscretePrior::point(2.0 - q)
                              : DiscretePrior::make({1.0, V}, {1.0 - q, q}));
    } else if (dist == "two_point") {
      const double q = uniform_between(rng, q_lo, q_hi);
      priors.push_back(DiscretePrior::make({low, high}, {1.0 - q, q}));
    } else if (dist == "discrete") {
      priors.push_back(DiscretePrior::make(values, probs));
    } else if (dist == "uniform" || dist == "power_law") {
      std::vector<double> v(static_cast<std::size_t>(support));
      for (double& x : v) {
        const double u = rng.uniform01();
        if (dist == "uniform") {
          x = 1.0 + (V - 1.0) * u;
        } else if (std::abs(exponent - 1.0) < 1e-12) {
          x = std::pow(V, u);  // density ∝ 1/v
        } else {               // density ∝ v^(-a) on [1, V], inverse CDF
          const double b = 1.0 - exponent;
          x = std::pow(1.0 + u * (std::pow(V, b) - 1.0), 1.0 / b);
        }
        x = std::clamp(snap(x), 1.0, V);
      }
      priors.push_back(DiscretePrior::make(v, std::vector<double>(v.size(), 1.0)));
    } else {  // geometric
      const double r = uniform_between(rng, r_lo, r_hi);
      std::vector<double> v, w;
      for (int j = 0; j < levels; ++j) {
        v.push_back(j == levels - 1 ? V : std::pow(V, static_cast<double>(j) / (levels - 1)));
        w.push_back(std::pow(r, j));
      }
      priors.push_back(DiscretePrior::make(v, w));
    }
  }
  return priors;
}

int PopulationSpec::max_support() const {
  if (dist == "discrete") return static_cast<int>(values.size());
  if (dist == "uniform" || dist == "power_law") return support;
  if (dist == "geometric") return levels;
  return 2;  // two_point, appendix_a
}

ConstraintSpec ConstraintSpec::read(const Params& p, int agents) {
  ConstraintSpec s;
  s.type = p.choice("type", {"uniform", "partition", "budgeted", "table"}, "uniform");
  if (s.type == "uniform") {
    s.k = static_cast<int>(p.integer("k", 1, 0, agents));
  } else if (s.type == "partition" || s.type == "budgeted") {
    s.groups = static_cast<int>(p.integer("groups", 1, 1, agents));
    s.random_groups = p.choice("assign", {"blocks", "random"}, "blocks") == "random";
    if (s.type == "partition") {
      s.capacity = static_cast<int>(p.integer("capacity", 1, 0, agents));
    } else {
      s.cap = p.number("cap", 1.0, Range::positive());
      s.budget = p.number("budget", 1.0, Range::positive());
      std::tie(s.demand_lo, s.demand_hi) = range_or_value(p, "demand", 1.0, Range::positive());
    }
  } else {
    if (agents > 12) p.fail("type", "a rank table is for at most 12 agents");
    s.table = p.numbers("table");
    try {
      RankTable check(agents, s.table);
    } catch (const std::invalid_argument& e) {
      p.fail("table", e.what());
    }
  }
  return s;
}

bool ConstraintSpec::random() const {
  return random_groups || (type == "budgeted" && demand_hi > demand_lo);
}

std::shared_ptr<const Polymatroid> ConstraintSpec::sample(int agents, Rng& rng) const {
  if (type == "uniform") return std::make_shared<UniformMatroid>(agents, k);
  if (type == "table") return std::make_shared<RankTable>(agents, table);
  std::vector<int> group_of(static_cast<std::size_t>(agents));
  for (int i = 0; i < agents; ++i) group_of[static_cast<std::size_t>(i)] = i * groups / agents;
  if (random_groups)  // Fisher-Yates on the block assignment keeps the group sizes
    for (int i = agents - 1; i > 0; --i) {
      const auto j = static_cast<int>(rng.uniform01() * (i + 1));
      std::swap(group_of[static_cast<std::size_t>(i)], group_of[static_cast<std::size_t>(j)]);
    }
  if (type == "partition")
    return std::make_shared<PartitionMatroid>(
        group_of, std::vector<int>(static_cast<std::size_t>(groups), capacity));
  std::vector<double> demand(static_cast<std::size_t>(agents));
  for (double& d : demand) d = uniform_between(rng, demand_lo, demand_hi);
  return std::make_shared<BudgetedCaps>(
      group_of, std::vector<double>(static_cast<std::size_t>(groups), cap), demand, budget);
}

}  // namespace fairmc::persuasion
