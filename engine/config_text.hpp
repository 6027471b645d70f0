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

// A plain decimal number (an optional '+', no spaces), or nothing.
std::optional<double> as_number(const std::string& s);
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
