#include "scenarios/demo/demo.hpp"

#include <algorithm>
#include <stdexcept>

namespace fairmc::demo {
namespace {

class MaxOfUniforms final : public Model {
 public:
  // fail_from < 0: never fails; otherwise every draw from that index on throws.
  MaxOfUniforms(std::int64_t agents, std::int64_t work, std::int64_t fail_from)
      : agents_(agents), work_(work), fail_from_(fail_from) {}

  std::vector<std::string> metrics() const override { return {"max", "gap", "mean"}; }

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
    out[0] = max;
    out[1] = 1.0 - max;  // E[1 - max] = 1/(n+1): log-log slope -> -1
    out[2] = sum / static_cast<double>(agents_);
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
  info.metrics = {{"max", "largest of the n values"},
                  {"gap", "1 - max (expectation 1/(n+1))"},
                  {"mean", "average of the n values"}};
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
