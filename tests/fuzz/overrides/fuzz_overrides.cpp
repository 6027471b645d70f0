// libFuzzer target for the command-line override grammar: the input, split at newlines into up
// to 8 arguments, is applied to a valid experiment. Each must load, expand and validate, or fail
// with a one-line ConfigError; what loads must load again, unchanged, from its resolved text (what
// --resume does). A crash, hang, sanitizer report, other exception or failed check is a bug.
// Built and run by scripts/fuzz.sh (clang from Debian).
#include "engine/config.hpp"
#include "engine/prepare.hpp"
#include "scenarios/catalog.hpp"
#include "tests/fuzz/no_aliases.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {
const char* const kExperiment = R"(experiment: fuzz
scenario: demo
seed: 3
draws: 10
block: 4
population: {agents: 5, prior: {dist: uniform, high: 2}}
mechanism: {name: max, work: 1}
sweep:
  grid: {population.agents: [1, 2]}
  zip: {mechanism.work: [1, 2], mechanism.fail_from_draw: [0, 5]}
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args;
  std::size_t start = 0;
  while (start <= text.size() && args.size() < 8) {
    const std::size_t nl = std::min(text.find('\n', start), text.size());
    args.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  try {
    const auto e = fairmc::load_experiment_text(kExperiment, "fuzz.yaml", args);
    const auto again = fairmc::load_experiment_text(e.resolved_text(), "fuzz.yaml", {});
    if (again.config_hash() != e.config_hash() || again.point_count() != e.point_count())
      std::abort();  // a resumed run would not be the run that was started
    if (fairmc_fuzz::has_anchors(e.resolved_text())) std::abort();  // places share a node
    if (e.point_count() > 64) return 0;  // valid but too big to prepare quickly
    const auto catalog = fairmc::scenario_catalog();
    const auto points = fairmc::expand(e);
    fairmc::prepare_points(e, points, fairmc::find_scenario(catalog, e));
  } catch (const fairmc::ConfigError& err) {
    if (std::string(err.what()).find('\n') != std::string::npos) std::abort();  // one line
  }
  return 0;
}
