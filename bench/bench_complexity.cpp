// Complexity of each scenario's per-draw mechanism against the population size n (Google
// Benchmark). A curve is one scenario configuration (its reference experiment,
// experiments/<scenario>/bench_reference.yaml, with population.agents overridden) measured over at
// least two decades of n; every iteration is one draw (Model::run) with a new draw index.
// The label of each row states the exponent the algorithm should show; bench/complexity.py fits
// the measured one (least squares on log t against log n) and draws the PNG.
// Run: build/bench_complexity --benchmark_out=complexity.json --benchmark_out_format=json
#include "bench/bench_common.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Curve {
  std::string name;  // complexity/<name>/<n>
  std::string file;  // reference experiment (scenario name) or empty when `yaml` is given
  std::string yaml;  // inline experiment text, "{n}" replaced by n
  std::vector<std::string> overrides;  // "{n}" replaced by n
  std::size_t point = 0;               // which sweep point of the experiment
  std::vector<std::int64_t> ns;
  double expected_exponent = 1.0;
  std::string expected;  // the algorithm's cost
  benchmark::BigO big_o = benchmark::oAuto;
};

std::string with_n(std::string s, std::int64_t n) {
  const std::string key = "{n}";
  for (auto at = s.find(key); at != std::string::npos; at = s.find(key))
    s.replace(at, key.size(), std::to_string(n));
  return s;
}

// 10^a .. 10^b in half decades, rounded.
std::vector<std::int64_t> half_decades(int a, int b) {
  std::vector<std::int64_t> out;
  for (int k = 2 * a; k <= 2 * b; ++k)
    out.push_back(static_cast<std::int64_t>(std::llround(std::pow(10.0, k / 2.0))));
  return out;
}

// The reasons for each expected exponent are in docs/performance.md ("Complexity").
std::vector<Curve> curves() {
  const std::string greedy =
      "experiment: complexity\nscenario: persuasion\nseed: 1\n"
      "population: {agents: {n}, V: 16, prior: {dist: uniform, support: 4}, grid: 6}\n"
      "constraint: {type: uniform, k: 3}\n"
      "mechanism: {receiver: exact, utilities: monte_carlo, samples: 100, policies: "
      "{no_information: false, full_revelation: false, full_revelation_priority: true, "
      "paper: false}}\n";
  const std::vector<std::string> agents = {"population.agents={n}"};
  return {
      {"demo", "demo", "", agents, 0, half_decades(1, 5), 1.0, "O(n)", benchmark::oN},
      {"power_median_m1", "power", "", agents, 0, half_decades(2, 5), 1.0, "O(n)", benchmark::oN},
      {"power_fixed_point_m2", "power", "", agents, 1, half_decades(2, 5), 1.0, "O(n)",
       benchmark::oN},
      {"objective_lp_m50",
       "objective",
       "",
       agents,
       0,
       {2, 5, 10, 20, 50, 100, 200},
       2.0,
       "simplex ~(n+m)^2",
       benchmark::oNSquared},
      {"persuasion_partition_10groups", "persuasion", "", agents, 0, half_decades(1, 3), 3.0,
       "Wolfe x DP: n^3..n^4", benchmark::oNCubed},
      {"persuasion_greedy_montecarlo",
       "",
       greedy,
       {},
       0,
       half_decades(1, 4),
       1.0,
       "O(n log n)",
       benchmark::oNLogN},
      {"scf_invariance_10outcomes", "scf", "", agents, 0, half_decades(1, 4), 1.0, "O(n log n)",
       benchmark::oNLogN},
  };
}

void register_curve(const Curve& c) {
  // Prepared lazily, on the first run of each n, so that a --benchmark_filter skips the cost.
  auto cache = std::make_shared<std::map<std::int64_t, std::shared_ptr<fairmc::bench::Loaded>>>();
  auto* b = benchmark::RegisterBenchmark(
      ("complexity/" + c.name).c_str(), [c, cache](benchmark::State& s) {
        const std::int64_t n = s.range(0);
        auto& loaded = (*cache)[n];
        if (!loaded) {
          std::vector<std::string> overrides;
          for (const auto& o : c.overrides) overrides.push_back(with_n(o, n));
          loaded = std::make_shared<fairmc::bench::Loaded>(
              c.file.empty()
                  ? fairmc::bench::load_text(with_n(c.yaml, n), overrides)
                  : fairmc::bench::load_file(fairmc::bench::reference_file(c.file), overrides));
        }
        const auto& pp = loaded->prepared.at(c.point);
        const std::uint64_t key = loaded->points.at(c.point).key;
        std::vector<double> out(pp.model_metric_count);
        std::uint64_t d = 0;
        for (auto _ : s) {
          std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
          pp.model->run(fairmc::Draw(key, d++), out);
          benchmark::DoNotOptimize(out.data());
        }
        s.SetComplexityN(n);
        s.SetItemsProcessed(s.iterations());
        s.counters["expected_exponent"] = c.expected_exponent;
        s.SetLabel("expected " + c.expected);
      });
  b->ArgName("n")->Unit(benchmark::kMicrosecond)->Complexity(c.big_o);
  for (const std::int64_t n : c.ns) b->Arg(n);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  for (const Curve& c : curves()) register_curve(c);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
