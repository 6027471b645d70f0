// Helpers shared by the benchmarks: loading a reference experiment exactly as `fairmc run` does
// (experiment file + overrides -> sweep points -> prepared models), and a Model decorator that
// times every Model::run call, so a benchmark can split a run's time between the engine and the
// scenario without touching the engine.
#pragma once

#include "engine/config.hpp"
#include "engine/prepare.hpp"
#include "engine/scenario.hpp"
#include "scenarios/catalog.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace fairmc::bench {

#ifdef FAIRMC_SOURCE_DIR
inline const std::filesystem::path source_dir = FAIRMC_SOURCE_DIR;
#else
inline const std::filesystem::path source_dir = ".";
#endif

// experiments/<scenario>/bench_reference.yaml
inline std::filesystem::path reference_file(const std::string& scenario) {
  return source_dir / "experiments" / scenario / "bench_reference.yaml";
}

inline const ScenarioInfo& scenario_named(const std::string& name) {
  static const std::vector<ScenarioInfo> catalog = scenario_catalog();
  for (const auto& s : catalog)
    if (s.name == name) return s;
  throw std::invalid_argument("no scenario named " + name);
}

// One experiment, expanded and prepared (every point validated), as the runner sees it.
struct Loaded {
  Experiment experiment;
  std::vector<Point> points;
  std::vector<PreparedPoint> prepared;
};

inline Loaded load(const Experiment& e) {
  Loaded l{e, expand(e), {}};
  l.prepared = prepare_points(l.experiment, l.points, scenario_named(e.scenario));
  return l;
}
inline Loaded load_file(const std::filesystem::path& file,
                        const std::vector<std::string>& overrides = {}) {
  return load(load_experiment(file, overrides));
}
inline Loaded load_text(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return load(load_experiment_text(yaml, "<bench>", overrides, source_dir / "configs"));
}

// "population.issues=2 mechanism.construction=fixed_point" for a swept point, "" otherwise.
inline std::string point_label(const Point& p) {
  std::string s;
  for (const auto& [k, v] : p.values) s += (s.empty() ? "" : " ") + k + "=" + v;
  return s;
}

// Wall time spent inside Model::run, summed over threads (steady_clock: ~30 ns a call; a thread
// CPU clock costs ~1.6 us a call on the benchmark machine, too much for a 10 us draw).
struct RunTimer {
  std::atomic<std::int64_t> nanoseconds{0};
  std::atomic<std::int64_t> calls{0};
  double seconds() const { return 1e-9 * static_cast<double>(nanoseconds.load()); }
};

class TimedModel final : public Model {
 public:
  TimedModel(std::shared_ptr<const Model> inner, RunTimer& timer)
      : inner_(std::move(inner)), timer_(timer) {}
  std::vector<std::string> metrics() const override { return inner_->metrics(); }
  void run(const Draw& draw, std::span<double> out) const override {
    const auto t0 = std::chrono::steady_clock::now();
    inner_->run(draw, out);
    const auto dt = std::chrono::steady_clock::now() - t0;
    timer_.nanoseconds.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(dt).count(),
                                 std::memory_order_relaxed);
    timer_.calls.fetch_add(1, std::memory_order_relaxed);
  }
  std::vector<std::pair<std::string, double>> constants() const override {
    return inner_->constants();
  }

 private:
  std::shared_ptr<const Model> inner_;
  RunTimer& timer_;
};

// The scenario with every prepared Model wrapped in a TimedModel; `prepare_seconds` collects the
// time spent in the scenario's prepare().
inline ScenarioInfo timed_scenario(const ScenarioInfo& base, RunTimer& timer,
                                   std::atomic<std::int64_t>& prepare_nanoseconds) {
  ScenarioInfo s = base;
  s.prepare = [inner = base.prepare, &timer, &prepare_nanoseconds](const Params& p) {
    const auto t0 = std::chrono::steady_clock::now();
    std::shared_ptr<const Model> m = inner(p);
    prepare_nanoseconds.fetch_add(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
            .count());
    return std::unique_ptr<const Model>(std::make_unique<TimedModel>(std::move(m), timer));
  };
  return s;
}

}  // namespace fairmc::bench
