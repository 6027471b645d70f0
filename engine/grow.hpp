// `fairmc run --resume DIR key=more,values`: the stored experiment with a larger sweep. Every
// stored point is a point of the larger sweep with the same configuration, hence the same random
// stream (engine/rng.hpp: the key hashes the point's parameters, not its index), so its blocks are
// reused unchanged wherever the point now sits; the new points are computed. The file then holds,
// bit for bit, what a single run of the larger sweep would.
#pragma once

#include "engine/config.hpp"
#include "engine/results_file.hpp"

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace fairmc {

inline constexpr std::size_t new_point = std::numeric_limits<std::size_t>::max();

struct GrowPlan {
  // Per point of the grown sweep: the index of the stored point with its configuration, or
  // new_point. Empty: no growing (point p continues stored point p).
  std::vector<std::size_t> from;
  std::string note;  // for the history entry: what was added
  std::size_t added() const;
};

// The stored experiment with `overrides` applied (the experiment a grow runs). An error in them is
// a ConfigError that also says which sweep the file holds, e.g. for zip lists of unequal length.
Experiment load_grown(const StoredRun& stored, const std::vector<std::string>& overrides);

// Checks that `grown` (the stored configuration with the command-line overrides applied) is the
// experiment of `stored` with more sweep values (appended or inserted, grid or zip; or a fixed key
// newly swept in the grid over values that include its stored one) and possibly more draws, and
// matches its points to the stored ones by their configuration. Anything else is a ConfigError
// naming the results file, the key and the values it accepts: a removed value or zipped
// combination, a swept key pinned, a key newly swept without its stored value (or that the stored
// run left to the scenario's default), any other changed key (scenario, seed, a parameter, block).
GrowPlan plan_grow(const StoredRun& stored, const Experiment& grown);

}  // namespace fairmc
