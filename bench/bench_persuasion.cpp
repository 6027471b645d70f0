// Benchmark for the persuasion scenario at the issue's reference size: n = 100 agents under a
// partition matroid (10 groups, quota 3), full revelation with its 1-majorized selection rule
// and its majorization ratio. One draw = one sampled instance (100 priors with 4 support points
// on a 6-level grid of [1, 16], random group assignment); U_i exact (matroid DP).
//   variant "class":  ratio of the index tie-break against the full-revelation optimum (Thm 3.1)
//   variant "bound":  also the paper's Δmax polytope, giving alpha_known/alpha_bound of full
//                     revelation against all bucketed-receiver policies (Thm 1.1); this is
//                     experiments/persuasion/bench_reference.yaml
//   variant "floor":  the arithmetic floor of a "bound" draw (issue 19): the work no
//                     implementation avoids — sampling the instance, the signal mappings, and for
//                     every oracle call Wolfe's algorithm makes (counted untimed, per group and
//                     policy), the per-key tables P(key_j > key), P(key_j >= key) and one
//                     truncated Poisson-binomial DP per (agent, distinct key) in a flat kernel
//                     without allocations; the operation count is printed
// Usage: bench_persuasion [draws] [class|bound|floor]
#include "engine/params.hpp"
#include "engine/scenario.hpp"
#include "scenarios/persuasion/buckets.hpp"
#include "scenarios/persuasion/min_norm.hpp"
#include "scenarios/persuasion/population.hpp"
#include "scenarios/persuasion/scenario.hpp"
#include "scenarios/persuasion/signaling.hpp"
#include "scenarios/persuasion/utility_oracle.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace {

using namespace fairmc;
using namespace fairmc::persuasion;

// One layer of one group, flattened: per agent its signals as (key index, prob, value, fake).
struct FlatLayer {
  double weight = 1.0;
  int m = 0;
  std::vector<double> keys;  // distinct keys
  std::vector<int> start;    // signals of agent i: [start[i], start[i+1])
  std::vector<int> q;        // key index of each signal
  std::vector<double> prob, value, fake;
};

FlatLayer flatten(const Layer& layer) {
  FlatLayer f;
  f.weight = layer.weight;
  f.m = static_cast<int>(layer.agents.size());
  for (const auto& cls : layer.agents)
    for (const SignalClass& c : cls) f.keys.push_back(c.key);
  std::sort(f.keys.begin(), f.keys.end());
  f.keys.erase(std::unique(f.keys.begin(), f.keys.end()), f.keys.end());
  f.start.push_back(0);
  for (const auto& cls : layer.agents) {
    for (const SignalClass& c : cls) {
      f.q.push_back(
          static_cast<int>(std::lower_bound(f.keys.begin(), f.keys.end(), c.key) - f.keys.begin()));
      f.prob.push_back(c.prob);
      f.value.push_back(c.value);
      f.fake.push_back(c.fake);
    }
    f.start.push_back(static_cast<int>(f.q.size()));
  }
  return f;
}

// The floor kernel: tables and DPs into caller-owned buffers. Returns the flop count.
long kernel(const FlatLayer& f, const int* priority, int k, double* gt, double* ge, double* alloc,
            double* out_value, double* out_fake) {
  const int m = f.m;
  const auto nq = static_cast<int>(f.keys.size());
  long ops = 0;
  for (int j = 0; j < m; ++j) {
    for (int q = 0; q < nq; ++q) gt[q * m + j] = ge[q * m + j] = 0.0;
    for (int s = f.start[static_cast<std::size_t>(j)]; s < f.start[static_cast<std::size_t>(j) + 1];
         ++s) {
      const int qs = f.q[static_cast<std::size_t>(s)];
      const double p = f.prob[static_cast<std::size_t>(s)];
      for (int q = 0; q < qs; ++q) gt[q * m + j] += p;  // key_s > keys[q]
      for (int q = 0; q <= qs; ++q) ge[q * m + j] += p;
      ops += 2 * qs + 1;
    }
  }
  double dist[16];
  for (int i = 0; i < m; ++i) {
    for (int q = 0; q < nq; ++q) alloc[q] = -1.0;
    for (int s = f.start[static_cast<std::size_t>(i)]; s < f.start[static_cast<std::size_t>(i) + 1];
         ++s) {
      const int q = f.q[static_cast<std::size_t>(s)];
      if (alloc[q] < 0.0) {
        for (int t = 0; t < k; ++t) dist[t] = 0.0;
        dist[0] = 1.0;
        for (int j = 0; j < m; ++j) {
          if (j == i) continue;
          const double p = priority[j] < priority[i] ? ge[q * m + j] : gt[q * m + j];
          for (int t = k - 1; t > 0; --t) dist[t] = dist[t] * (1.0 - p) + dist[t - 1] * p;
          dist[0] *= 1.0 - p;
        }
        double sum = 0.0;
        for (int t = 0; t < k; ++t) sum += dist[t];
        alloc[q] = sum;
        ops += static_cast<long>(m - 1) * (3 * k - 1) + k;
      }
      const double w = f.weight * f.prob[static_cast<std::size_t>(s)] * alloc[q];
      out_value[i] += w * f.value[static_cast<std::size_t>(s)];
      out_fake[i] += w * f.fake[static_cast<std::size_t>(s)];
      ops += 5;
    }
  }
  return ops;
}

int floor_bench(int draws) {
  const Params p = Params::parse(R"(
population: {agents: 100, V: 16, prior: {dist: uniform, support: 4}, grid: 6}
constraint: {type: partition, groups: 10, capacity: 3, assign: random}
)");
  const PopulationSpec pop = PopulationSpec::read(p.child("population"));
  const ConstraintSpec con = ConstraintSpec::read(p.child("constraint"), pop.agents);
  const Buckets buckets(pop.V, 0.5);
  const int k = con.capacity;
  double timed = 0.0, sink = 0.0;
  long ops = 0, calls = 0;
  std::vector<double> gt, ge, alloc(64), val(128), fk(128);
  for (int d = 0; d < draws; ++d) {
    const Draw draw(20261125, static_cast<std::uint64_t>(d));
    auto t0 = std::chrono::steady_clock::now();
    Rng prng = draw.stream(Substream::population);
    Rng crng = draw.stream(static_cast<std::uint32_t>(Substream::first_free) + 1);
    const std::vector<DiscretePrior> priors = pop.sample(prng);
    const auto f = con.sample(pop.agents, crng);
    const Mapping full = full_revelation(priors, Receiver::bucketed, buckets);
    const Mapping dmax = single_mean_maximal(priors, buckets);
    timed += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (const Component& c : f->components(f)) {
      const int m = static_cast<int>(c.agents.size());
      // Untimed: how many oracle calls Wolfe's algorithm needs on this group (full revelation
      // in true utilities, the paper's policy in fake ones; the index tie-break needs one).
      const MatroidDpOracle dp(k);
      const Mapping sf = restrict_mapping(full, c.agents), sd = restrict_mapping(dmax, c.agents);
      int n_full = 1, n_paper = 0;  // 1 for full_priority
      (void)min_norm_base(m, [&](std::span<const int> pr) {
        ++n_full;
        Expected e = dp.evaluate(sf, pr);
        std::vector<double> v = e.value;
        return Vertex{std::vector<int>(pr.begin(), pr.end()), std::move(e.value), std::move(v)};
      });
      (void)min_norm_base(m, [&](std::span<const int> pr) {
        ++n_paper;
        Expected e = dp.evaluate(sd, pr);
        return Vertex{std::vector<int>(pr.begin(), pr.end()), std::move(e.fake),
                      std::move(e.value)};
      });
      std::vector<FlatLayer> lf, ld;
      for (const Layer& l : sf) lf.push_back(flatten(l));
      for (const Layer& l : sd) ld.push_back(flatten(l));
      std::vector<int> pr(static_cast<std::size_t>(m));
      std::iota(pr.begin(), pr.end(), 0);
      gt.resize(64 * static_cast<std::size_t>(m));
      ge.resize(gt.size());
      t0 = std::chrono::steady_clock::now();
      for (const auto& [layers, n] : {std::pair{&lf, n_full}, std::pair{&ld, n_paper}})
        for (int call = 0; call < n; ++call) {
          std::fill(val.begin(), val.begin() + m, 0.0);
          std::fill(fk.begin(), fk.begin() + m, 0.0);
          std::rotate(pr.begin(), pr.begin() + 1, pr.end());  // another order each call
          for (const FlatLayer& l : *layers)
            ops +=
                kernel(l, pr.data(), k, gt.data(), ge.data(), alloc.data(), val.data(), fk.data());
          sink += val[0];
          ++calls;
        }
      timed += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
  }
  std::printf(
      "persuasion floor (bound workload): %d draws, %.3f ms per draw (sampling, mappings and "
      "the oracle arithmetic only)\n",
      draws, 1e3 * timed / draws);
  std::printf("  %.1f oracle calls and %.0f flops per draw (%.2f ns per flop); checksum %g\n",
              static_cast<double>(calls) / draws, static_cast<double>(ops) / draws,
              1e9 * timed / static_cast<double>(ops), sink);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int draws = argc > 1 ? std::atoi(argv[1]) : 500;
  const std::string variant = argc > 2 ? argv[2] : "class";
  if (variant == "floor") return floor_bench(draws);
  const std::string yaml = std::string(R"(
population: {agents: 100, V: 16, prior: {dist: uniform, support: 4}, grid: 6}
constraint: {type: partition, groups: 10, capacity: 3, assign: random}
mechanism:
  receiver: )") + (variant == "bound" ? "bucketed" : "exact") +
                           R"(
  epsilon: 0.5
  policies: {no_information: false, full_revelation: true, full_revelation_priority: true, paper: )" +
                           (variant == "bound" ? "true" : "false") + "}\n";
  const auto model = fairmc::persuasion::scenario().prepare(fairmc::Params::parse(yaml));
  const auto names = model->metrics();
  std::vector<double> out(names.size());
  std::vector<double> sum(names.size(), 0.0);
  std::vector<int> finite(names.size(), 0);  // α = +inf draws are NaN and skipped
  const auto start = std::chrono::steady_clock::now();
  for (int d = 0; d < draws; ++d) {
    std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
    model->run(fairmc::Draw(20261125, static_cast<std::uint64_t>(d)), out);
    for (std::size_t m = 0; m < out.size(); ++m)
      if (std::isfinite(out[m])) {
        sum[m] += out[m];
        ++finite[m];
      }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("persuasion bench (%s): n=100 partition matroid, %d draws in %.3f s on 1 thread\n",
              variant.c_str(), draws, secs);
  std::printf("  %.1f draws/s, %.3f ms per draw; 10,000 draws on 2 cores ~ %.1f s\n", draws / secs,
              1e3 * secs / draws, 1e4 * secs / draws / 2.0);
  for (std::size_t m = 0; m < names.size(); ++m)
    std::printf("  mean %-34s %-12.6g (%d finite draws)\n", names[m].c_str(),
                sum[m] / std::max(1, finite[m]), finite[m]);
  return 0;
}
