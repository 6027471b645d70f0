// `fairmc show --csv`: /summary as one CSV table, a row per sweep point, for spreadsheets and
// tools that read no HDF5.
#pragma once

#include <filesystem>
#include <string>

namespace fairmc {

// Columns: point, each swept key, status, then every /summary variable with the sweep's shape,
// in the file's order (statistics, constants, ratios, draws_used); fits, which lack an axis, are
// left out (`fairmc show` prints them). Numbers with 17 significant digits (they read back
// exactly), "nan" and "inf"/"-inf" for non-finite values; strings quoted when they hold a comma,
// quote or line break. Every checksum is checked first, as `fairmc show` does.
std::string results_csv(const std::filesystem::path& path);

}  // namespace fairmc
