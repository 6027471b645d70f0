#include "scenarios/persuasion/evaluator.hpp"

#include "scenarios/persuasion/exchangeable.hpp"
#include "scenarios/persuasion/majorization.hpp"

namespace fairmc::persuasion {

Evaluator::Evaluator(const Instance& instance, EvaluatorSettings settings,
                     std::function<std::vector<double>(std::size_t)> uniforms)
    : n_(instance.constraint->size()), settings_(settings), uniform_source_(std::move(uniforms)) {
  parts_ = instance.constraint->components(instance.constraint);
}

void Evaluator::symmetrise(const Mapping& mapping, PolicyResult& r) const {
  const std::vector<int> orbit = exchangeable_orbits(mapping, parts_);
  average_over_orbits(orbit, r.utility);
  average_over_orbits(orbit, r.fake);
}

std::unique_ptr<UtilityOracle> Evaluator::oracle_for(const Part& part, const Mapping& sub) {
  if (settings_.mode != UtilityMode::monte_carlo) {
    if (const auto k = part.rank->uniform_capacity()) return std::make_unique<MatroidDpOracle>(*k);
    if (scenario_count(sub) <= settings_.max_scenarios)
      return std::make_unique<EnumerationOracle>(part.rank);
    if (settings_.mode == UtilityMode::exact) {
      failed_ = true;
      return nullptr;
    }
  }
  exact_ = false;
  const auto un = static_cast<std::size_t>(n_);
  const auto samples = static_cast<std::size_t>(settings_.samples);
  if (uniforms_.empty()) uniforms_ = uniform_source_(samples * un);
  std::vector<double> local(samples * part.agents.size());
  for (std::size_t s = 0; s < samples; ++s)
    for (std::size_t a = 0; a < part.agents.size(); ++a)
      local[s * part.agents.size() + a] =
          uniforms_[s * un + static_cast<std::size_t>(part.agents[a])];
  return std::make_unique<MonteCarloOracle>(part.rank, std::move(local), settings_.samples);
}

PolicyResult Evaluator::majorized(const Mapping& mapping) {
  PolicyResult r{std::vector<double>(static_cast<std::size_t>(n_), 0.0),
                 std::vector<double>(static_cast<std::size_t>(n_), 0.0), true};
  for (const Part& part : parts_) {
    const Mapping sub = restrict_mapping(mapping, part.agents);
    const auto oracle = oracle_for(part, sub);
    if (!oracle) {
      r.ok = false;
      return r;
    }
    const auto m = static_cast<int>(part.agents.size());
    const MinNormResult mn = min_norm_base(m, [&](std::span<const int> priority) {
      Expected e = oracle->evaluate(sub, priority);
      return Vertex{std::vector<int>(priority.begin(), priority.end()), std::move(e.fake),
                    std::move(e.value)};
    });
    for (std::size_t a = 0; a < part.agents.size(); ++a) {
      r.utility[static_cast<std::size_t>(part.agents[a])] = mn.value[a];
      r.fake[static_cast<std::size_t>(part.agents[a])] = mn.x[a];
    }
  }
  symmetrise(mapping, r);
  return r;
}

Vertex Evaluator::vertex(const Mapping& mapping, std::span<const int> priority) {
  Vertex v{std::vector<int>(priority.begin(), priority.end()),
           std::vector<double>(static_cast<std::size_t>(n_), 0.0),
           std::vector<double>(static_cast<std::size_t>(n_), 0.0)};
  for (const Part& part : parts_) {
    const Mapping sub = restrict_mapping(mapping, part.agents);
    const auto oracle = oracle_for(part, sub);
    if (!oracle) return v;
    std::vector<int> local(part.agents.size());
    for (std::size_t a = 0; a < part.agents.size(); ++a)
      local[a] = priority[static_cast<std::size_t>(part.agents[a])];
    const Expected e = oracle->evaluate(sub, local);
    for (std::size_t a = 0; a < part.agents.size(); ++a) {
      v.value[static_cast<std::size_t>(part.agents[a])] = e.value[a];
      v.fake[static_cast<std::size_t>(part.agents[a])] = e.fake[a];
    }
  }
  return v;
}

PolicyResult Evaluator::fixed_priority(const Mapping& mapping, std::span<const int> priority) {
  Vertex v = vertex(mapping, priority);
  return {std::move(v.value), std::move(v.fake), !failed_};
}

PolicyResult Evaluator::multiplicative_weights(const Mapping& mapping, std::vector<double> targets,
                                               int iterations) {
  // Oracles are built once here: restricting the mapping per call would dominate the cost.
  std::vector<Mapping> subs;
  std::vector<std::unique_ptr<UtilityOracle>> oracles;
  for (const Part& part : parts_) {
    subs.push_back(restrict_mapping(mapping, part.agents));
    oracles.push_back(oracle_for(part, subs.back()));
    if (!oracles.back()) return {{}, {}, false};
  }
  const VertexOracle oracle = [&](std::span<const int> priority) {
    Vertex v{std::vector<int>(priority.begin(), priority.end()),
             std::vector<double>(static_cast<std::size_t>(n_), 0.0),
             std::vector<double>(static_cast<std::size_t>(n_), 0.0)};
    for (std::size_t p = 0; p < parts_.size(); ++p) {
      const auto& agents = parts_[p].agents;
      std::vector<int> local(agents.size());
      for (std::size_t a = 0; a < agents.size(); ++a)
        local[a] = priority[static_cast<std::size_t>(agents[a])];
      const Expected e = oracles[p]->evaluate(subs[p], local);
      for (std::size_t a = 0; a < agents.size(); ++a) {
        v.value[static_cast<std::size_t>(agents[a])] = e.value[a];
        v.fake[static_cast<std::size_t>(agents[a])] = e.fake[a];
      }
    }
    return v;
  };
  if (targets.empty())
    for (int j = 1; j <= n_; ++j) targets.push_back(mw_prefix_value(n_, oracle, j, iterations));
  MwResult mw = mw_majorize(n_, oracle, std::move(targets), iterations);
  PolicyResult r{std::move(mw.value), std::move(mw.fake), true};
  symmetrise(mapping, r);
  return r;
}

}  // namespace fairmc::persuasion
