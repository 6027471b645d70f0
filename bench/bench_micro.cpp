// Google Benchmark micro-benchmarks of the hot kernels (docs/performance.md):
//   rng/...        Philox4x32-10 streams: raw words, uniform01, a normal variate, opening a stream
//   mechanism/...  one draw (Model::run) of every scenario's reference experiment
//                  (experiments/<scenario>/bench_reference.yaml, every sweep point)
//   engine/...     per-block statistics, the in-order block merge, an HDF5 results file write,
//                  and the engine's cost per draw around a near-empty mechanism
// Run: build/bench_micro [--benchmark_filter=REGEX] (`make bench` runs it; scripts/bench.sh).
#include "bench/bench_common.hpp"
#include "engine/results_file.hpp"
#include "engine/rng.hpp"
#include "engine/runner.hpp"
#include "engine/stats.hpp"

#include <benchmark/benchmark.h>
#include <boost/random/normal_distribution.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using fairmc::Draw;
using fairmc::Rng;
using fairmc::Substream;

// --- random streams ------------------------------------------------------------------------

void rng_word(benchmark::State& s) {
  Rng rng(0x1234, 0, Substream::population);
  for (auto _ : s) benchmark::DoNotOptimize(rng());
  s.SetItemsProcessed(s.iterations());
}
BENCHMARK(rng_word)->Name("rng/word32");

void rng_uniform01(benchmark::State& s) {
  Rng rng(0x1234, 0, Substream::population);
  for (auto _ : s) benchmark::DoNotOptimize(rng.uniform01());
  s.SetItemsProcessed(s.iterations());
}
BENCHMARK(rng_uniform01)->Name("rng/uniform01");

void rng_normal(benchmark::State& s) {
  Rng rng(0x1234, 0, Substream::population);
  boost::random::normal_distribution<double> normal;
  for (auto _ : s) benchmark::DoNotOptimize(normal(rng));
  s.SetItemsProcessed(s.iterations());
}
BENCHMARK(rng_normal)->Name("rng/normal(boost)");

// What every draw pays before its first number: a stream for (point key, draw, substream).
void rng_open_stream(benchmark::State& s) {
  std::uint64_t d = 0;
  for (auto _ : s) {
    Rng rng = Draw(0x1234, d++).stream(Substream::population);
    benchmark::DoNotOptimize(rng.uniform01());
  }
  s.SetItemsProcessed(s.iterations());
}
BENCHMARK(rng_open_stream)->Name("rng/open_stream+uniform01");

// --- one draw of each scenario's reference experiment ----------------------------------------

void register_mechanisms() {
  for (const std::string scenario : {"demo", "power", "objective", "persuasion", "scf"}) {
    const fs::path file = fairmc::bench::reference_file(scenario);
    if (!fs::exists(file)) continue;
    auto loaded = std::make_shared<fairmc::bench::Loaded>(fairmc::bench::load_file(file));
    for (std::size_t p = 0; p < loaded->points.size(); ++p) {
      const std::string label = fairmc::bench::point_label(loaded->points[p]);
      const std::string name = "mechanism/" + scenario + (label.empty() ? "" : "/" + label);
      auto* b = benchmark::RegisterBenchmark(name.c_str(), [loaded, p](benchmark::State& s) {
        const auto& pp = loaded->prepared[p];
        std::vector<double> out(pp.model_metric_count);
        std::uint64_t d = 0;
        for (auto _ : s) {
          std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
          pp.model->run(Draw(loaded->points[p].key, d++), out);
          benchmark::DoNotOptimize(out.data());
        }
        s.SetItemsProcessed(s.iterations());
        s.counters["metrics"] = static_cast<double>(pp.model_metric_count);
      });
      b->Unit(benchmark::kMicrosecond);
    }
  }
}

// --- engine kernels -------------------------------------------------------------------------

// One block: `draws` draws of `metrics` metrics into Boost.Accumulators, then frozen summaries.
void block_accumulate(benchmark::State& s) {
  const auto draws = static_cast<int>(s.range(0));
  const auto metrics = static_cast<std::size_t>(s.range(1));
  Rng rng(7, 0, Substream::population);
  std::vector<double> values(static_cast<std::size_t>(draws) * metrics);
  for (double& v : values) v = rng.uniform01();
  for (auto _ : s) {
    std::vector<fairmc::BlockAccumulator> acc(metrics);
    for (int d = 0; d < draws; ++d)
      for (std::size_t m = 0; m < metrics; ++m)
        acc[m].add(values[static_cast<std::size_t>(d) * metrics + m]);
    std::vector<fairmc::Summary> out;
    out.reserve(metrics);
    for (const auto& a : acc) out.push_back(a.summary());
    benchmark::DoNotOptimize(out.data());
  }
  s.SetItemsProcessed(s.iterations() * draws * static_cast<std::int64_t>(metrics));
}
BENCHMARK(block_accumulate)
    ->Name("engine/block_accumulate")
    ->ArgNames({"draws", "metrics"})
    ->Args({100, 3})
    ->Args({100, 20})
    ->Args({100, 160});

std::vector<fairmc::Summary> random_summaries(std::size_t count, std::uint64_t seed) {
  Rng rng(seed, 0, Substream::population);
  std::vector<fairmc::Summary> out(count);
  for (auto& x : out) {
    x.n = 100;
    x.mean = rng.uniform01();
    x.m2 = 100 * rng.uniform01();
    x.min = x.mean - 1;
    x.max = x.mean + 1;
  }
  return out;
}

// Chan et al.'s pairwise merge of one metric's block summaries, in block order.
void merge_blocks(benchmark::State& s) {
  const auto blocks = random_summaries(static_cast<std::size_t>(s.range(0)), 3);
  for (auto _ : s) benchmark::DoNotOptimize(fairmc::Summary::merge_all(blocks));
  s.SetItemsProcessed(s.iterations() * s.range(0));
}
BENCHMARK(merge_blocks)->Name("engine/merge_blocks")->ArgName("blocks")->Arg(100)->Arg(10'000);

// A run record like the runner's: `points` points (a demo sweep), `blocks` blocks each of
// `metrics` metrics, optionally with every draw kept (block of 100 draws).
fairmc::RunRecord synthetic_run(int points, int blocks, int metrics, bool keep_draws) {
  std::string yaml =
      "experiment: bench_write\nscenario: demo\nseed: 1\nblock: 100\ndraws: " +
      std::to_string(100 * blocks) + "\nkeep_draws: " + (keep_draws ? "true" : "false") +
      "\nsweep: {grid: {population.agents: \"range(1," + std::to_string(points + 1) + ")\"}}\n";
  fairmc::RunRecord run;
  run.experiment = fairmc::load_experiment_text(yaml, "<bench>", {});
  run.points = fairmc::expand(run.experiment);
  run.created_utc = fairmc::utc_now();
  run.complete = true;
  run.results.resize(run.points.size());
  Rng rng(11, 0, Substream::population);
  for (auto& r : run.results) {
    for (int m = 0; m < metrics; ++m) r.metrics.push_back("metric_" + std::to_string(m));
    r.constants = {{"expected", 0.5}};
    for (int b = 0; b < blocks; ++b) {
      fairmc::BlockRecord rec;
      rec.length = 100;
      rec.metrics = random_summaries(static_cast<std::size_t>(metrics), 100 + b);
      if (keep_draws) {
        rec.draws.assign(static_cast<std::size_t>(metrics), std::vector<double>(100));
        for (auto& d : rec.draws)
          for (double& x : d) x = rng.uniform01();
      }
      r.add(b, std::move(rec));
    }
  }
  return run;
}

// The whole results file, as a checkpoint writes it (temporary file, fsync, rename).
void write_results(benchmark::State& s) {
  const auto run = synthetic_run(static_cast<int>(s.range(0)), static_cast<int>(s.range(1)),
                                 static_cast<int>(s.range(2)), s.range(3) != 0);
  const fs::path path = fs::temp_directory_path() / "fairmc_bench_write.h5";
  for (auto _ : s) fairmc::write_results(path, run);
  s.counters["file_KiB"] = static_cast<double>(fs::file_size(path)) / 1024.0;
  s.SetBytesProcessed(s.iterations() * static_cast<std::int64_t>(fs::file_size(path)));
  fs::remove(path);
}
BENCHMARK(write_results)
    ->Name("engine/write_results")
    ->ArgNames({"points", "blocks", "metrics", "keep_draws"})
    ->Args({1, 100, 20, 0})
    ->Args({1, 100, 160, 0})
    ->Args({1, 400, 160, 0})
    ->Args({21, 20, 20, 0})
    ->Args({1, 1500, 3, 0})
    ->Args({1, 100, 20, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// A checkpoint late in a long run: every block is already saved in the previous file, so the
// write copies them chunk by chunk (the runner's memory stays flat; this is what it costs).
void rewrite_results(benchmark::State& s) {
  auto run = synthetic_run(static_cast<int>(s.range(0)), static_cast<int>(s.range(1)),
                           static_cast<int>(s.range(2)), false);
  const fs::path path = fs::temp_directory_path() / "fairmc_bench_rewrite.h5";
  fairmc::write_results(path, run);
  run.mark_saved(path);
  for (auto _ : s) fairmc::write_results(path, run);
  s.counters["file_KiB"] = static_cast<double>(fs::file_size(path)) / 1024.0;
  s.SetItemsProcessed(s.iterations() * s.range(0) * s.range(1));  // blocks copied
  fs::remove(path);
}
BENCHMARK(rewrite_results)
    ->Name("engine/rewrite_results")
    ->ArgNames({"points", "blocks", "metrics"})
    ->Args({1, 1'000, 3})
    ->Args({1, 100'000, 3})
    ->Args({1, 1'000, 160})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The engine around a mechanism that draws one uniform (demo, agents = 1), one thread: stream
// set-up, NaN pre-fill, the virtual call, per-metric accumulation, merge and the results file
// (written at the start and at the end). draws = 1 gives the fixed cost of a run; the cost per
// draw is (time(2e6) - time(1)) / 2e6.
void engine_run(benchmark::State& s) {
  const std::int64_t draws = s.range(0);
  const auto e = fairmc::load_experiment_text(
      "experiment: bench_engine\nscenario: demo\nseed: 1\nblock: 1000\npopulation: {agents: 1}\n",
      "<bench>", {"draws=" + std::to_string(draws)});
  fairmc::RunOptions opt;
  opt.threads = 1;
  opt.results = fs::temp_directory_path() / "fairmc_bench_engine.h5";
  opt.progress_bar = false;
  opt.checkpoint_seconds = 1e9;
  for (auto _ : s) {
    std::ostringstream log;
    benchmark::DoNotOptimize(
        fairmc::run_experiment(e, fairmc::bench::scenario_named("demo"), opt, log));
  }
  fs::remove(opt.results);
  s.SetItemsProcessed(s.iterations() * draws);
}
BENCHMARK(engine_run)
    ->Name("engine/run(demo agents=1)")
    ->ArgName("draws")
    ->Arg(1)
    ->Arg(2'000'000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_mechanisms();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
