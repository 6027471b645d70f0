// Benchmark of the scf scenario at the reference size: 100 agents, 10,000 random cost
// profiles, all SCFs (the Table I invariance check, 10 outcomes x 7 comparability levels), on 2
// threads; then the divisible allocation (100 agents, every SCF it supports, exact KKT) and the
// randomised Figure 5 routing. Target: the invariance run under a minute on 2 cores.
#include "engine/params.hpp"
#include "engine/scenario.hpp"
#include "scenarios/scf/scenario.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace {

double run(const fairmc::Model& model, std::uint64_t draws, unsigned threads) {
  const std::size_t m = model.metrics().size();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  std::vector<double> checksum(threads, 0.0);
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::vector<double> out(m);
      for (std::uint64_t d = t; d < draws; d += threads) {
        std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
        model.run(fairmc::Draw(0xbe4c, d), out);
        for (const double v : out)
          if (!std::isnan(v)) checksum[t] += v;
      }
    });
  }
  for (std::thread& th : pool) th.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double c = 0.0;
  for (const double v : checksum) c += v;
  std::printf("  checksum %.6g\n", c);
  return secs;
}

void report(const char* what, const std::string& yaml, std::uint64_t draws, unsigned threads) {
  const auto model = fairmc::scf::scenario().prepare(fairmc::Params::parse(yaml));
  std::printf("%s: %llu draws, %u threads, %zu metrics\n", what,
              static_cast<unsigned long long>(draws), threads, model->metrics().size());
  const double secs = run(*model, draws, threads);
  std::printf("  %.3f s total, %.1f draws/s, %.3f ms per draw per thread\n", secs,
              static_cast<double>(draws) / secs, 1e3 * secs * threads / static_cast<double>(draws));
}

}  // namespace

int main() {
  report("invariance (Table I), 100 agents x 10 outcomes, 11 SCFs x 7 levels",
         "population: {sampler: negative_profiles, agents: 100, outcomes: 10}\n"
         "mechanism: {name: invariance, scfs: all, levels: all}\n",
         10'000, 2);
  report("divisible, 100 agents, linear costs, 8 SCFs",
         "population: {sampler: random, agents: 100, supply: 200, upfront: {dist: uniform, lo: 0, "
         "hi: 2}, rights: {dist: uniform, lo: 0.5, hi: 2}}\nmechanism: {name: divisible}\n",
         10'000, 2);
  report("divisible, 100 agents, quadratic costs, 8 SCFs",
         "population: {sampler: random, agents: 100, supply: 60, curvature: {dist: uniform, lo: "
         "0.5, hi: 2}, upfront: {dist: uniform, lo: 0, hi: 5}}\nmechanism: {name: divisible}\n",
         2'000, 2);
  report("traffic, 4 random groups, 7 SCFs",
         "population: {sampler: random, groups: 4, size: {dist: uniform, lo: 10, hi: 40}, jitter: "
         "0.3}\nmechanism: {name: traffic}\n",
         500, 2);
  return 0;
}
