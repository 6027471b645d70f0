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

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
// Under `valgrind --tool=callgrind --collect-atstart=no` only the timed sections are counted,
// so the instruction counts of the floor and of the real draw compare directly.
#define TIMED_ON CALLGRIND_TOGGLE_COLLECT
#define TIMED_OFF CALLGRIND_TOGGLE_COLLECT
#else
#define TIMED_ON
#define TIMED_OFF
#endif

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

// The floor kernel for one oracle call on one layer: the prefix/suffix Poisson-binomial
// products per distinct key (see MatroidDpOracle) on caller-owned buffers, capacity K fixed at
// compile time, agents already in priority order. Returns the flop count.
template <int K>
long kernel(const MatroidDpOracle::Tables& t, const int* by_rank, int n, double* sfx,
            double* out_value, double* out_fake) {
  long ops = 0;
  for (std::size_t q = 0; q < t.keys.size(); ++q) {
    const double* above = &t.above[q * static_cast<std::size_t>(n)];
    const double* at_least = &t.at_least[q * static_cast<std::size_t>(n)];
    double* last = sfx + (n - 1) * K;
    last[0] = 1.0;
    for (int s = 1; s < K; ++s) last[s] = 0.0;
    for (int r = n - 2; r >= 0; --r) {
      const double p = above[by_rank[r + 1]];
      const double* from = sfx + (r + 1) * K;
      double* to = sfx + r * K;
      to[0] = from[0] * (1.0 - p);
      for (int s = 1; s < K; ++s) to[s] = from[s] * (1.0 - p) + from[s - 1] * p;
    }
    double pre[K] = {1.0};
    for (int r = 0; r < n; ++r) {
      const int i = by_rank[r];
      const std::size_t at = q * static_cast<std::size_t>(n) + static_cast<std::size_t>(i);
      if (t.has[at]) {
        double sum = 0.0;
        for (int a = 0; a < K; ++a)
          for (int b = 0; a + b < K; ++b) sum += pre[a] * sfx[r * K + b];
        out_value[i] += sum * t.value_coef[at];
        out_fake[i] += sum * t.fake_coef[at];
        ops += K * (K + 1) + 4;
      }
      const double p = at_least[i];
      for (int s = K - 1; s > 0; --s) pre[s] = pre[s] * (1.0 - p) + pre[s - 1] * p;
      pre[0] *= 1.0 - p;
    }
    ops += static_cast<long>(2 * n - 1) * (3 * K - 2);
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
  std::vector<double> sfx, val(128), fk(128);
  if (con.capacity != 3) return 1;  // the kernel is instantiated for the reference quota
  for (int d = 0; d < draws; ++d) {
    const Draw draw(20261125, static_cast<std::uint64_t>(d));
    TIMED_ON;
    auto t0 = std::chrono::steady_clock::now();
    Rng prng = draw.stream(Substream::population);
    Rng crng = draw.stream(static_cast<std::uint32_t>(Substream::first_free) + 1);
    const std::vector<DiscretePrior> priors = pop.sample(prng);
    const auto f = con.sample(pop.agents, crng);
    const Mapping full = full_revelation(priors, Receiver::bucketed, buckets);
    const Mapping dmax = single_mean_maximal(priors, buckets);
    timed += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    TIMED_OFF;
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
      std::vector<int> by_rank(static_cast<std::size_t>(m));
      std::iota(by_rank.begin(), by_rank.end(), 0);
      sfx.resize(static_cast<std::size_t>(m) * 3);
      TIMED_ON;
      t0 = std::chrono::steady_clock::now();
      // The per-mapping tables are built once (timed), then one kernel pass per oracle call.
      const auto tf = MatroidDpOracle::tables(sf), td = MatroidDpOracle::tables(sd);
      for (const auto& [layers, n] : {std::pair{&tf, n_full}, std::pair{&td, n_paper}})
        for (int call = 0; call < n; ++call) {
          std::fill(val.begin(), val.begin() + m, 0.0);
          std::fill(fk.begin(), fk.begin() + m, 0.0);
          std::rotate(by_rank.begin(), by_rank.begin() + 1, by_rank.end());  // another order
          for (const auto& l : *layers)
            ops += kernel<3>(l, by_rank.data(), m, sfx.data(), val.data(), fk.data());
          sink += val[0];
          ++calls;
        }
      timed += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      TIMED_OFF;
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
  TIMED_ON;
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
  TIMED_OFF;
  std::printf("persuasion bench (%s): n=100 partition matroid, %d draws in %.3f s on 1 thread\n",
              variant.c_str(), draws, secs);
  std::printf("  %.1f draws/s, %.3f ms per draw; 10,000 draws on 2 cores ~ %.1f s\n", draws / secs,
              1e3 * secs / draws, 1e4 * secs / draws / 2.0);
  for (std::size_t m = 0; m < names.size(); ++m)
    std::printf("  mean %-34s %-12.6g (%d finite draws)\n", names[m].c_str(),
                sum[m] / std::max(1, finite[m]), finite[m]);
  return 0;
}
