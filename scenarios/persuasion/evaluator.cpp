#include "scenarios/persuasion/evaluator.hpp"

#include "scenarios/persuasion/exchangeable.hpp"
#include "scenarios/persuasion/majorization.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

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
    if (const auto k = part.rank->uniform_capacity())
      return std::make_unique<MatroidDpOracle>(*k, sub);  // `sub` outlives the oracle
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

namespace {

// True when every two signals with the same key (any agents, any layer) have the same μ: the
// receiver's ties then never separate values, and true utilities behave as fake ones.
bool ties_share_value(const Mapping& mapping) {
  std::vector<std::pair<double, double>> kv;
  for (const Layer& layer : mapping)
    for (const auto& classes : layer.agents)
      for (const SignalClass& c : classes)
        if (c.prob > 0.0) kv.emplace_back(c.key, c.value);
  std::sort(kv.begin(), kv.end());
  for (std::size_t t = 1; t < kv.size(); ++t)
    if (kv[t].first == kv[t - 1].first && kv[t].second != kv[t - 1].second) return false;
  return true;
}

double nash_log(std::span<const double> u, std::span<const double> served) {
  double s = 0.0;
  for (std::size_t i = 0; i < u.size(); ++i)
    if (served[i] > 0.0) s += std::log(u[i]);
  return s;
}

}  // namespace

PolicyResult Evaluator::true_optimal(const Mapping& mapping) {
  PolicyResult r{std::vector<double>(static_cast<std::size_t>(n_), 0.0),
                 std::vector<double>(static_cast<std::size_t>(n_), 0.0), true};
  const bool base_polytope = ties_share_value(mapping);
  for (const Part& part : parts_) {
    const Mapping sub = restrict_mapping(mapping, part.agents);
    const auto oracle = oracle_for(part, sub);
    if (!oracle) {
      r.ok = false;
      return r;
    }
    const auto m = static_cast<int>(part.agents.size());
    const auto um = part.agents.size();
    std::vector<double> u;
    if (base_polytope) {  // Wolfe on the true utilities themselves
      u = min_norm_base(m, [&](std::span<const int> priority) {
            Expected e = oracle->evaluate(sub, priority);
            std::vector<double> value = e.value;
            return Vertex{std::vector<int>(priority.begin(), priority.end()), std::move(e.value),
                          std::move(value)};
          }).value;
    } else {
      // Start: the majorized rule, whose U_i > 0 exactly for the agents some rule serves (a
      // min-norm base is positive wherever the rank of the singleton is).
      u = min_norm_base(m, [&](std::span<const int> priority) {
            Expected e = oracle->evaluate(sub, priority);
            return Vertex{std::vector<int>(priority.begin(), priority.end()), std::move(e.fake),
                          std::move(e.value)};
          }).value;
      const std::vector<double> served = u;
      std::vector<int> by_index(um);
      std::iota(by_index.begin(), by_index.end(), 0);
      double F = nash_log(u, served);
      for (int it = 0; it < 40; ++it) {
        // Newton step for Σ log u at y = u: maximise the quadratic model, i.e. the min-norm point
        // of p_i = v_i / y_i - 2 over rules v. Linear optimisation min <x, p> serves equal keys
        // by decreasing (-x_i / y_i)·μ.
        const std::vector<double> y = u;
        std::vector<double> w(um);
        const MinNormResult step = min_norm_point(
            m,
            [&](std::span<const double> x) {
              for (std::size_t i = 0; i < um; ++i) w[i] = served[i] > 0.0 ? -x[i] / y[i] : 0.0;
              Expected e = oracle->evaluate_weighted(sub, by_index, w);
              std::vector<double> p(um, 0.0);
              for (std::size_t i = 0; i < um; ++i)
                if (served[i] > 0.0) p[i] = e.value[i] / y[i] - 2.0;
              return Vertex{{}, std::move(p), std::move(e.value)};
            },
            0, 1e-20);
        // Newton decrement: model gain Σ d_i - ½ Σ d_i², d = (v - y) / y.
        double gain = 0.0;
        for (std::size_t i = 0; i < um; ++i)
          if (served[i] > 0.0) {
            const double d = (step.value[i] - y[i]) / y[i];
            gain += d - 0.5 * d * d;
          }
        if (gain <= 1e-20) break;
        bool moved = false;
        for (double t = 1.0; t >= 1.0 / 1024; t *= 0.5) {  // backtracking on the true objective
          std::vector<double> cand(um);
          bool positive = true;
          for (std::size_t i = 0; i < um; ++i) {
            cand[i] = y[i] + t * (step.value[i] - y[i]);
            positive = positive && (served[i] <= 0.0 || cand[i] > 0.0);
          }
          if (!positive) continue;
          const double Fc = nash_log(cand, served);
          if (Fc > F) {
            u = std::move(cand);
            F = Fc;
            moved = true;
            break;
          }
        }
        if (!moved) break;
      }
    }
    for (std::size_t a = 0; a < um; ++a) {
      r.utility[static_cast<std::size_t>(part.agents[a])] = u[a];
      r.fake[static_cast<std::size_t>(part.agents[a])] = u[a];
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
  subs.reserve(parts_.size());  // no reallocation: the oracles are bound to these mappings
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
