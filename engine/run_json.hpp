// `fairmc run --json`: the run's outcome and the results file it wrote, as one JSON document
// (schema: docs/cli.md, "JSON output").
#pragma once

#include "engine/runner.hpp"

#include <string>

namespace fairmc {

// "run": the outcome with `exit_code`; then the members of `fairmc show --json` of opt.results
// (left out if the file does not exist).
std::string run_json(const RunOutcome& outcome, const RunOptions& opt, int exit_code);

}  // namespace fairmc
