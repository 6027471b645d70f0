// The defaults a scenario filled in for keys the configuration left out (recorded by Params'
// fallback accessors), as the YAML text of /config/defaults: with /config/resolved it is the whole
// configuration each point ran with.
#pragma once

#include "engine/results.hpp"

#include <string>

namespace fairmc {

// One line per dotted key, sorted: `key: value` when every point that read the key got the same
// default, otherwise `key: {<point>: value, ...}`. Empty when no default was used.
std::string defaults_text(const RunRecord& run);

}  // namespace fairmc
