#include "engine/merge.hpp"

#include "engine/prepare.hpp"
#include "engine/provenance.hpp"
#include "engine/results_file.hpp"
#include "engine/run_start.hpp"

#include <algorithm>
#include <stdexcept>

namespace fs = std::filesystem;

namespace fairmc {

namespace {

std::string build_of(const StoredRun& s) {
  if (s.history.empty()) return "an unknown build";
  const RunEntry& last = s.history.back();
  return "fairmc " + last.fairmc_version + " " + last.git_sha +
         (last.git_dirty == 1 ? " dirty" : "");
}

[[noreturn]] void refuse(const std::string& why) {
  throw std::runtime_error("merge refused: " + why);
}

// The inputs must hold one experiment, at one size, from one build: then a point's blocks are
// the same numbers in every input that has them, and any input may supply them.
void check_compatible(const std::vector<StoredRun>& in) {
  const StoredRun& a = in.front();
  for (const StoredRun& b : in) {
    if (fs::equivalent(a.file, b.file) && &a != &b) refuse(b.file.string() + " is given twice");
    if (b.draws != a.draws)
      refuse(a.file.string() + " has draws=" + std::to_string(a.draws) + " and " + b.file.string() +
             " draws=" + std::to_string(b.draws) +
             ": resume the smaller one to the same draws first (fairmc run --resume DIR draws=N)");
    // The hash covers everything that determines the numbers except draws (config_hash()).
    if (b.config_hash != a.config_hash)
      refuse(
          a.file.string() + " and " + b.file.string() +
          " hold different experiments (configuration hashes " + std::to_string(a.config_hash) +
          " and " + std::to_string(b.config_hash) +
          "; `fairmc show` prints each one's configuration): merge joins files of one experiment");
    if (build_of(b) != build_of(a))
      refuse(a.file.string() + " was written by " + build_of(a) + " and " + b.file.string() +
             " by " + build_of(b) +
             ": numbers of different builds may differ; rerun one of them with the other's build");
  }
}

// How many blocks `s` holds for point p (0 when it recorded other metrics there).
std::int64_t blocks_in(const StoredRun& s, std::size_t p) {
  std::int64_t n = 0;
  for_each_stored_block(s.file, p, [&](std::int64_t, const BlockRecord&) { ++n; });
  return n;
}

}  // namespace

MergeOutcome merge_results(const std::vector<fs::path>& inputs, const fs::path& output,
                           const std::vector<ScenarioInfo>& catalog,
                           const std::string& command_line) {
  if (inputs.size() < 2) refuse("give at least two results files to merge");
  std::vector<StoredRun> in;
  for (const auto& path : inputs) {
    if (fs::exists(output) && fs::equivalent(path, output))
      refuse("the output " + output.string() + " is one of the inputs; write to a new directory");
    in.push_back(read_results(path));  // checks every checksum
  }
  check_compatible(in);

  const Experiment e =
      load_stored_experiment(in.front().config_text, in.front().experiment_file, {});
  RunRecord run = new_run_record(e, find_scenario(catalog, e));
  run.command_line = command_line;
  run.created_utc = in.front().created_utc;
  MergeOutcome out;
  out.points = run.points.size();
  for (std::size_t p = 0; p < run.points.size(); ++p) {
    // The input holding most of the point's blocks supplies all of them (the first on a tie).
    std::size_t best = 0;
    std::int64_t most = -1;
    std::vector<std::int64_t> held(in.size(), 0);
    for (std::size_t i = 0; i < in.size(); ++i) {
      held[i] = blocks_in(in[i], p);
      if (held[i] > most) most = held[i], best = i;
    }
    PointRecord& r = run.results[p];
    if (most > 0) adopt_stored_point(in[best], p, r, e);
    const auto failed = std::find_if(in.begin(), in.end(), [&](const StoredRun& s) {
      return p < s.errors.size() && !s.errors[p].empty();
    });
    if (r.blocks_done() == 0 && failed != in.end()) r.fail(failed->errors[p]);
    switch (r.status(e.block_count())) {
      case PointStatus::complete:
        ++out.complete;
        break;
      case PointStatus::failed:
        ++out.failed;
        break;
      default:
        ++out.pending;
        break;
    }
    if (r.status(e.block_count()) == PointStatus::partial)
      for (std::size_t i = 0; i < in.size(); ++i)
        if (i != best && held[i] > 0)
          out.notes.push_back("point " + std::to_string(p) + " stays partial: its " +
                              std::to_string(most) + " blocks come from " + in[best].file.string() +
                              "; the " + std::to_string(held[i]) + " of " + in[i].file.string() +
                              " are not added (resume it)");
  }
  out.complete_run = out.pending == 0;
  run.complete = out.complete_run;
  // Provenance: every input's invocations in input order, an entry the inputs share (copies of
  // one file, resumed apart) once; then this merge.
  const auto same = [](const RunEntry& x, const RunEntry& y) {
    return x.kind == y.kind && x.command_line == y.command_line && x.overrides == y.overrides &&
           x.start_utc == y.start_utc && x.end_utc == y.end_utc &&
           x.wall_seconds == y.wall_seconds && x.host == y.host && x.threads == y.threads &&
           x.ranks == y.ranks && x.git_sha == y.git_sha && x.note == y.note;
  };
  for (const StoredRun& s : in)
    for (const RunEntry& h : s.history)
      if (std::none_of(run.history.begin(), run.history.end(),
                       [&](const RunEntry& k) { return same(k, h); }))
        run.history.push_back(h);
  RunEntry merge = start_entry("merge", command_line, {}, 1, 1);
  std::string from;
  for (const auto& path : inputs) from += (from.empty() ? "" : ", ") + path.string();
  merge.note = "merged from " + from;
  if (const auto changed = build_change(in.front().history)) {
    merge.note += "; " + *changed;
    out.notes.push_back("warning: " + *changed);
  }
  run.history.push_back(std::move(merge));
  write_results(output, run);
  return out;
}

}  // namespace fairmc
