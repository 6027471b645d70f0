// Benchmark of the `power` scenario: one draw (sample the population, build (x, c), solve
// Program 1 for every agent, compute all metrics) at the reference size n = 10^5 in one
// dimension (target: under 50 ms on one core), plus the fixed-point construction for m = 2, 5.
#include "scenarios/power/scenario.hpp"

#include "engine/params.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

namespace {

// CPU time of this thread: on a shared machine wall time also counts time spent descheduled.
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void bench(const std::string& label, const std::string& yaml, int draws) {
  const auto model = fairmc::power::scenario().prepare(fairmc::Params::parse(yaml));
  std::vector<double> out(model->metrics().size());
  model->run(fairmc::Draw(1, 1'000'000), out);  // warm-up
  std::vector<double> times;
  double cpu = 0.0;
  for (int d = 0; d < draws; ++d) {
    std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
    const double c0 = thread_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    model->run(fairmc::Draw(1, static_cast<std::uint64_t>(d)), out);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    cpu += thread_seconds() - c0;
  }
  std::sort(times.begin(), times.end());
  double total = 0.0;
  for (const double t : times) total += t;
  std::printf(
      "%-34s %7.2f draws/s  wall median %8.2f ms  max %8.2f ms  cpu mean %8.2f ms  (%d draws)\n",
      label.c_str(), draws / total, 1e3 * times[times.size() / 2], 1e3 * times.back(),
      1e3 * cpu / draws, draws);
}

std::string config(int n, int m, const std::string& construction) {
  return "population: {agents: " + std::to_string(n) + ", issues: " + std::to_string(m) +
         ", ideal_points: {dist: normal}, weights: {dist: lognormal, sigma: 0.5}}\n"
         "mechanism: {name: equal_power, construction: " +
         construction + "}\n";
}

}  // namespace

// bench_power [FILTER [DRAWS]]: only the cases whose label contains FILTER, DRAWS draws each
// (for callgrind: `valgrind --tool=callgrind build/bench_power "m=2 fixed" 3`).
int main(int argc, char** argv) {
  const std::string filter = argc > 1 ? argv[1] : "";
  const int draws = argc > 2 ? std::stoi(argv[2]) : 0;
  struct Case {
    std::string label, yaml;
    int draws;
  };
  const Case cases[] = {{"n=1e5 m=1 median (target <50 ms)", config(100'000, 1, "median"), 40},
                        {"n=1e5 m=1 fixed_point", config(100'000, 1, "fixed_point"), 10},
                        {"n=1e5 m=2 fixed_point", config(100'000, 2, "fixed_point"), 10},
                        {"n=1e5 m=5 fixed_point", config(100'000, 5, "fixed_point"), 10},
                        {"n=1e5 m=2 equal_c", config(100'000, 2, "equal_c"), 10}};
  for (const Case& c : cases)
    if (c.label.find(filter) != std::string::npos)
      bench(c.label, c.yaml, draws > 0 ? draws : c.draws);
  return 0;
}
