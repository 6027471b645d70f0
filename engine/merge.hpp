// `fairmc merge A B ... -o C`: joins results files of one experiment (the shards of a Slurm job
// array, `fairmc run --shard i/k`, or copies interrupted at different points) into one file that
// holds, bit for bit, what a single run of the union would: each point's blocks are copied from
// the input holding most of them and its statistics are recomputed from them in block order, the
// same way a resumed run does (engine/run_start).
#pragma once

#include "engine/scenario.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace fairmc {

struct MergeOutcome {
  std::size_t points = 0, complete = 0, failed = 0, pending = 0;  // of the merged file
  bool complete_run = false;       // every point complete or failed (root attribute `complete`)
  std::vector<std::string> notes;  // one line each: which input each point came from, warnings
};

// Refuses, with a one-line reason naming the files, inputs of different experiments (config
// text), of different `draws`, or written by different builds (fairmc version, git sha, dirty
// flag of their last history entry), fewer than two inputs, an output that is one of the inputs,
// and a damaged input (every checksum is checked). `output` is the results file to write.
MergeOutcome merge_results(const std::vector<std::filesystem::path>& inputs,
                           const std::filesystem::path& output,
                           const std::vector<ScenarioInfo>& catalog,
                           const std::string& command_line);

}  // namespace fairmc
