// `fairmc show --json` and the results part of `fairmc run --json`: a results file as one JSON
// document (schema: docs/cli.md, "JSON output").
#pragma once

#include "engine/json_writer.hpp"

#include <filesystem>
#include <string>

namespace fairmc {

// Writes the file's members (file, format_version, experiment, provenance, sweep, points, fits,
// checks) into the object `w` has open. Every checksum is checked first, as `fairmc show` does;
// numbers are the stored ones (17 significant digits), non-finite ones null and named.
void write_results_members(JsonWriter& w, const std::filesystem::path& path);

// The whole document of `fairmc show --json`.
std::string results_json(const std::filesystem::path& path);

// Closes a document: "nonfinite_values": {"nan": N, "inf": N, "-inf": N}, the count of nulls
// written for non-finite doubles, then the top-level object.
void end_document(JsonWriter& w);

}  // namespace fairmc
