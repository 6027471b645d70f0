// The /history group of a results file: the RunEntry table (engine/provenance.hpp) as parallel
// 1-D datasets over the dimension `run`, oldest first.
#pragma once

#include "engine/provenance.hpp"

#include <hdf5.h>

#include <vector>

namespace fairmc {

// Writes /history. `history`'s running
// entry gets its end time and wall seconds stamped now.
void write_history(hid_t file, const std::vector<RunEntry>& history);
// The entries of `file`; a file written before /history existed gives one entry reconstructed
// from its root attributes.
std::vector<RunEntry> read_history(hid_t file);

}  // namespace fairmc
