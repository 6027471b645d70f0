// The /checks group of a results file (docs/results-format.md, "/checks"): written from the
// evaluated checks at every write, and read back for the table `fairmc run` and `fairmc show`
// print.
#pragma once

#include "engine/checks.hpp"

#include <hdf5.h>

#include <filesystem>
#include <string>
#include <vector>

namespace fairmc {

// Writes /checks (nothing when there are no checks).
void write_checks(hid_t file, const std::vector<CheckResult>& checks);

struct ChecksTable {
  std::string verdict;             // "pass" | "fail" | "undetermined"; "" without /checks
  std::vector<std::string> lines;  // "checks: 3 passed, 1 failed", then one line per check
};
// Reads /checks of an open results file or of a file on disk.
ChecksTable describe_checks(hid_t file);
ChecksTable describe_checks(const std::filesystem::path& file);

}  // namespace fairmc
