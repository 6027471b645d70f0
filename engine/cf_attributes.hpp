// netCDF Climate and Forecast (CF-1.8) metadata for /summary, so that a Dataset opened with
// xarray.open_dataset(path, group="summary") or netCDF4 keeps its provenance and describes its
// variables (docs/results-format.md, "CF metadata").
#pragma once

#include "engine/results.hpp"

#include <hdf5.h>

namespace fairmc {

// Adds the group and variable attributes to an already written /summary: `Conventions`,
// `title`, `history`, `source`, `references`, `comment`; per data variable `long_name` (the
// metric's description before the statistic's role), `units`, `coordinates` (zipped keys),
// `ancillary_variables` (a mean's sem, interval and n); and the `status` variable over the sweep
// dimensions (integer codes with CF flag_values / flag_meanings). Works on whatever variables
// /summary holds, so statistics added later are covered too.
void write_cf_attributes(hid_t summary, const RunRecord& run);

}  // namespace fairmc
