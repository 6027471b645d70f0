#include "scenarios/demo/demo.hpp"

#include "engine/metric.hpp"

#include <algorithm>
#include <stdexcept>

namespace fairmc::demo {
namespace {

// What one draw computed.
struct Sample {
  double max;
  double sum;
  std::int64_t agents;
};

// The demo's only list of metrics.
constexpr Metric<Sample> kMetrics[] = {
    {"max", "1", "largest of the n values", [](const Sample& s) { return s.max; }},
    // E[1 - max] = 1/(n+1): log-log slope -> -1
    {"gap", "1", "1 - max (expectation 1/(n+1))", [](const Sample& s) { return 1.0 - s.max; }},
    {"mean", "1", "average of the n values",
     [](const Sample& s) { return s.sum / static_cast<double>(s.agents); }},
};
static_assert(well_formed(kMetrics));

class MaxOfUniforms final : public Model {
 public:
  // fail_from < 0: never fails; otherwise every draw from that index on throws.
  MaxOfUniforms(std::int64_t agents, std::int64_t work, std::int64_t fail_from)
      : agents_(agents), work_(work), fail_from_(fail_from) {}

  std::vector<std::string> metrics() const override { return names(kMetrics); }

  void run(const Draw& draw, std::span<double> out) const override {
    if (fail_from_ >= 0 && draw.index() >= static_cast<std::uint64_t>(fail_from_))
      throw std::runtime_error("demo mechanism failing on purpose (mechanism.fail_for_agents)");
    double max = 0.0;
    double sum = 0.0;
    for (std::int64_t rep = 0; rep < work_; ++rep) {
      // Every repetition re-reads the same stream, so `work` changes cost but not results.
      Rng rng = draw.stream(Substream::population);
      max = 0.0;
      sum = 0.0;
      for (std::int64_t i = 0; i < agents_; ++i) {
        const double u = rng.uniform01();
        max = std::max(max, u);
        sum += u;
      }
    }
    write_values(kMetrics, Sample{max, sum, agents_}, out);
  }

  std::vector<std::pair<std::string, double>> constants() const override {
    const double n = static_cast<double>(agents_);
    return {
        {"expected_max", n / (n + 1.0)}, {"expected_gap", 1.0 / (n + 1.0)}, {"expected_mean", 0.5}};
  }

 private:
  std::int64_t agents_;
  std::int64_t work_;
  std::int64_t fail_from_;
};

}  // namespace

ScenarioInfo scenario() {
  ScenarioInfo info;
  info.name = "demo";
  info.paper = "none (engine test scenario)";
  info.help = "Maximum and mean of n i.i.d. U(0,1) draws; E[max] = n/(n+1).";
  info.samplers = {{"uniform", "population.agents values i.i.d. U(0,1)"}};
  info.mechanisms = {{"max", "take the maximum (mechanism.work repeats it for benchmarks)"}};
  info.metrics = describe(kMetrics);
  info.prepare = [](const Params& p) -> std::unique_ptr<const Model> {
    const Params pop = p.child("population");
    const Params mech = p.child("mechanism");
    mech.choice("name", {"max"}, "max");
    const std::int64_t agents = pop.integer("agents", 1, 100'000'000);
    // Failure injection for the engine's tests: the point with this many agents throws, from
    // draw `fail_from_draw` on.
    const std::int64_t fail_for = mech.integer("fail_for_agents", 0, 0, 100'000'000);
    const std::int64_t fail_from = mech.integer("fail_from_draw", 0, 0, 1'000'000'000'000);
    return std::make_unique<MaxOfUniforms>(agents, mech.integer("work", 1, 1, 1'000'000),
                                           fail_for == agents ? fail_from : -1);
  };
  return info;
}

}  // namespace fairmc::demo
