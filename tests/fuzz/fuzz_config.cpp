// libFuzzer target for the experiment-file parser: any input must either load, expand and
// validate, or fail with ConfigError. A crash, hang, sanitizer report or any other exception is
// a bug, and so are an error message of more than one line and a loaded experiment that does not
// reload unchanged from its resolved text. Built and run by scripts/fuzz.sh (clang
// from Debian).
#include "engine/config.hpp"
#include "engine/prepare.hpp"
#include "scenarios/catalog.hpp"
#include "tests/fuzz/no_aliases.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Half of the inputs also go through as a command-line override.
  const std::vector<std::string> overrides =
      size > 0 && data[0] % 2 ? std::vector<std::string>{"population.agents=" + text.substr(0, 32)}
                              : std::vector<std::string>{};
  try {
    const auto e = fairmc::load_experiment_text(text, "fuzz.yaml", overrides);
    // --resume reloads the stored resolved text: it must be the same experiment.
    const auto again = fairmc::load_experiment_text(e.resolved_text(), "fuzz.yaml", {});
    if (again.config_hash() != e.config_hash()) std::abort();
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
