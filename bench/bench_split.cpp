// Engine versus mechanism: runs an experiment through the engine exactly as `fairmc run` does
// (run_experiment, checkpoints every 5 s), with every Model wrapped so that the wall time spent
// inside Model::run is summed over threads (~60 ns per draw of timing; the engine is untouched).
// Prints one JSON object: wall and CPU seconds of the run, the scenario's prepare() and run()
// seconds, and the shares derived from them. bench/reference_table.py calls it.
// Usage: bench_split EXPERIMENT.yaml [key=value ...] [-j THREADS] [-o RESULTS.h5]
#include "bench/bench_common.hpp"
#include "engine/runner.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::string file;
  std::vector<std::string> overrides;
  int threads = 1;
  fs::path results =
      fs::temp_directory_path() / ("fairmc_bench_split_" + std::to_string(::getpid()) + ".h5");
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-j" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (a == "-o" && i + 1 < argc) {
      results = argv[++i];
    } else if (a.find('=') != std::string::npos) {
      overrides.push_back(a);
    } else if (file.empty() && a.front() != '-') {
      file = a;
    } else {
      std::fprintf(stderr, "usage: bench_split EXPERIMENT.yaml [key=value ...] [-j N] [-o F]\n");
      return 2;
    }
  }
  if (file.empty()) {
    std::fprintf(stderr, "usage: bench_split EXPERIMENT.yaml [key=value ...] [-j N] [-o F]\n");
    return 2;
  }
  try {
    const auto e = fairmc::load_experiment(file, overrides);
    fairmc::bench::RunTimer timer;
    std::atomic<std::int64_t> prepare_ns{0};
    const auto scenario =
        fairmc::bench::timed_scenario(fairmc::bench::scenario_named(e.scenario), timer, prepare_ns);
    fairmc::RunOptions opt;
    opt.threads = threads;
    opt.results = results;
    opt.progress_bar = false;
    opt.checkpoint_seconds = 5.0;  // the CLI's default
    std::ostringstream log;
    const double cpu0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    const auto outcome = fairmc::run_experiment(e, scenario, opt, log);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpu_seconds() - cpu0;
    const double mech = timer.seconds();
    const double prep = 1e-9 * static_cast<double>(prepare_ns.load());
    const auto bytes = fs::exists(results) ? fs::file_size(results) : 0;
    fs::remove(results);
    // engine_share: the fraction of the workers' time (threads x wall) not spent in the scenario
    // (run() and prepare()); at one thread this is the engine's overhead, at more threads it also
    // counts workers idle at the end of a wave or while the main thread writes a checkpoint.
    const double busy = threads * wall;
    std::printf(
        "{\"experiment\": \"%s\", \"threads\": %d, \"points\": %zu, \"draws\": %lld, "
        "\"wall_s\": %.6f, \"cpu_s\": %.6f, \"mechanism_s\": %.6f, \"prepare_s\": %.6f, "
        "\"run_calls\": %lld, \"engine_share\": %.6f, \"cpu_utilisation\": %.6f, "
        "\"peak_rss_kib\": %ld, \"file_bytes\": %llu, \"complete\": %s}\n",
        e.name.c_str(), threads, e.point_count(), static_cast<long long>(outcome.draws_computed),
        wall, cpu, mech, prep, static_cast<long long>(timer.calls.load()),
        1.0 - (mech + prep) / busy, cpu / busy, peak_rss_kib(),
        static_cast<unsigned long long>(bytes), outcome.complete ? "true" : "false");
    return outcome.complete && outcome.failed_points == 0 ? 0 : 1;
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "bench_split: %s\n", ex.what());
    return 2;
  }
}
