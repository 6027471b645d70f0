// The record a run starts from: every sweep point prepared, and the blocks results files already
// hold adopted (a resumed run from its own file; `fairmc merge` from several files of one
// experiment, e.g. the shards of a Slurm job array). Runner and merge share it, so a point
// adopted from a file is set up exactly as a resumed one.
#pragma once

#include "engine/prepare.hpp"
#include "engine/results.hpp"
#include "engine/results_file.hpp"

#include <cstddef>

namespace fairmc {

// run.experiment, points, per-point metrics / constants / defaults / ratios / precision limits,
// the scenario's paper and metric descriptions; no blocks yet. Every point is prepared (and so
// validated) on the way; `prepared`, when given, receives them (the runner computes with them).
RunRecord new_run_record(const Experiment& e, const ScenarioInfo& scenario,
                         std::vector<PreparedPoint>* prepared = nullptr);

// Adopts what `stored` holds for its point p (which may sit at another index now: engine/grow.hpp),
// when it recorded the same metrics and ratios: the blocks that still cover the same draws (after
// `draws` grew, the old short last block is recomputed), the quantile sketches and the precision
// state. The blocks stay in the file: the next write copies them from stored.file
// (PointRecord::saved_from). Returns the number of blocks adopted.
std::int64_t adopt_stored_point(const StoredRun& stored, std::size_t p, PointRecord& r,
                                const Experiment& e);

}  // namespace fairmc
