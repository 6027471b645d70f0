// Engine benchmarks (issue 2 targets): Philox stream throughput, engine overhead per draw,
// 1 -> 2 thread scaling on a compute-bound scenario, and peak memory as draws grow tenfold.
// Run: cmake --build build --target bench_engine && build/bench_engine
#include "engine/config.hpp"
#include "engine/runner.hpp"
#include "scenarios/catalog.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

double run_seconds(const std::vector<std::string>& overrides, int threads,
                   std::int64_t* draws_out) {
  const std::string text = "experiment: bench\nscenario: demo\nseed: 1\nblock: 1000\n";
  const auto e = fairmc::load_experiment_text(text, "bench.yaml", overrides);
  fairmc::RunOptions opt;
  opt.threads = threads;
  opt.results = std::filesystem::temp_directory_path() / "fairmc_bench_engine.h5";
  opt.progress_bar = false;
  opt.checkpoint_seconds = 1e9;
  std::ostringstream log;
  const double t0 = now();
  const auto out = fairmc::run_experiment(e, fairmc::scenario_catalog().front(), opt, log);
  const double t = now() - t0;
  if (draws_out) *draws_out = out.draws_computed;
  std::filesystem::remove(opt.results);
  return t;
}

}  // namespace

int main() {
  // 1. Raw stream throughput.
  {
    fairmc::Rng rng(1, 0, fairmc::Substream::population);
    double acc = 0;
    const int n = 50'000'000;
    const double t0 = now();
    for (int i = 0; i < n; ++i) acc += rng.uniform01();
    const double t = now() - t0;
    std::printf("rng: %.1f M uniform01/s (%.2f ns each) [checksum %.3f]\n", n / t / 1e6,
                t / n * 1e9, acc / n);
  }
  // 2. Engine overhead: a draw that does almost nothing (one uniform), one thread, 2e6 draws.
  {
    std::int64_t draws = 0;
    const double t = run_seconds({"draws=2000000", "population.agents=1"}, 1, &draws);
    // The scenario's own work here is ~3 uniforms (a few ns); the rest is engine.
    std::printf(
        "engine: %.3f us per draw all-in with a trivial mechanism (%.2f M draws/s, 1 thread)\n",
        t / draws * 1e6, draws / t / 1e6);
  }
  // 3. Scaling on a compute-bound draw (2000 uniforms per draw).
  {
    std::int64_t d1 = 0, d2 = 0;
    // Best of three each, to keep a passing hiccup of the machine out of the ratio.
    double t1 = 1e300, t2 = 1e300;
    for (int rep = 0; rep < 3; ++rep) {
      t2 = std::min(t2, run_seconds({"draws=200000", "population.agents=2000"}, 2, &d2));
      t1 = std::min(t1, run_seconds({"draws=200000", "population.agents=2000"}, 1, &d1));
    }
    std::printf("scaling: 1 thread %.0f draws/s, 2 threads %.0f draws/s, speed-up %.2fx\n", d1 / t1,
                d2 / t2, t1 / t2);
  }
  // 4. Memory: peak RSS after 1e5 and after 1e6 draws (raw draws not kept).
  {
    run_seconds({"draws=100000", "population.agents=10"}, 2, nullptr);
    const long a = peak_rss_kib();
    run_seconds({"draws=1000000", "population.agents=10"}, 2, nullptr);
    const long b = peak_rss_kib();
    std::printf("memory: peak RSS %.1f MiB after 1e5 draws, %.1f MiB after 1e6 draws\n", a / 1024.0,
                b / 1024.0);
  }
}
