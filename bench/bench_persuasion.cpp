// Benchmark for the persuasion scenario at the issue's reference size: n = 100 agents under a
// partition matroid (10 groups, quota 3), full revelation with its 1-majorized selection rule
// and its majorization ratio. One draw = one sampled instance (100 priors with 4 support points
// on a 6-level grid of [1, 16], random group assignment); U_i exact (matroid DP).
//   variant "class":  ratio of the index tie-break against the full-revelation optimum (Thm 3.1)
//   variant "bound":  also the paper's Δmax polytope, giving alpha_known/alpha_bound of full
//                     revelation against all bucketed-receiver policies (Thm 1.1)
// Usage: bench_persuasion [draws] [class|bound]
#include "engine/params.hpp"
#include "scenarios/persuasion/scenario.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  const int draws = argc > 1 ? std::atoi(argv[1]) : 500;
  const std::string variant = argc > 2 ? argv[2] : "class";
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
