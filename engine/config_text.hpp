// How values are spelled in experiment text and on the command line: numbers, comma-separated
// lists and the sweep functions range() / linspace() / logspace(). Shared by the loader and the
// sweep expansion; engine-private.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace fairmc {

// A number as experiment text spells it, or nothing: decimal, as YAML 1.2's core schema and
// YAML 1.1 agree ([-+]? digits [. digits] [e[-+]digits], ".5", "5."; .inf, -.inf, .nan, inf, nan in
// any case: non-finite values, which ranges refuse), the whole text (no spaces), within the range
// of a double (no overflow, no underflow to 0). Every reader of numbers uses it (Params, sweeps,
// hashing), so what one reads as a number all do. Refused spellings that other YAML readers take as
// numbers, so that no reader sees another value: hex, octal and binary (0x10, 0o10), digit
// separators (1_000) and integers with a leading zero (010 is 8 in YAML 1.1, 10 in YAML 1.2).
std::optional<double> as_number(const std::string& s);
// Why `s`, which as_number refused, is not read as a number: " (...)" or "" when it does not
// look like a number at all. For error messages.
std::string number_note(const std::string& s);
// The shortest text that reads back as `v`.
std::string shortest(double v);
YAML::Node number_node(double v);
// Splits "1,2,[3,4]" at commas outside brackets and quotes.
std::vector<std::string> split_top_level(const std::string& s);
// Matches "range(...)", "linspace(...)", "logspace(...)": [1] the function, [2] its arguments.
const std::regex& sweep_fn();
bool is_sweep_function(const std::string& s);

// A YAML node's value at a dotted path of `root` ("population.agents"), or an undefined node.
YAML::Node at_path(const YAML::Node& root, const std::string& path);

}  // namespace fairmc
