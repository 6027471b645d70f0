#include "engine/run_start.hpp"

#include "engine/precision.hpp"
#include "engine/stats_layout.hpp"

#include <algorithm>

namespace fairmc {

RunRecord new_run_record(const Experiment& e, const ScenarioInfo& scenario,
                         std::vector<PreparedPoint>* prepared_out) {
  RunRecord run;
  run.experiment = e;
  run.points = expand(e);
  auto prepared = prepare_points(e, run.points, scenario);  // validates the whole sweep
  run.results.resize(run.points.size());
  for (std::size_t p = 0; p < run.points.size(); ++p) {
    PointRecord& r = run.results[p];
    r.metrics = prepared[p].metrics;
    r.constants = prepared[p].constants;
    r.defaults = prepared[p].defaults;
    r.ratios = prepared[p].ratios;
    r.block = e.block;
    if (!e.precision.empty()) r.limit = initial_limit(e);
  }
  run.paper = scenario.paper;
  run.metric_info = scenario.metrics;
  if (prepared_out) *prepared_out = std::move(prepared);
  return run;
}

std::int64_t adopt_stored_point(const StoredRun& stored, std::size_t p, PointRecord& r,
                                const Experiment& e) {
  std::vector<std::string> ratio_names;
  for (const auto& ratio : r.ratios) ratio_names.push_back(ratio.name);
  const auto stored_ratios =
      p < stored.ratios.size() ? stored.ratios[p] : std::vector<std::string>{};
  if (p >= stored.metrics.size() || stored.metrics[p] != r.metrics || stored_ratios != ratio_names)
    return 0;
  std::int64_t adopted = 0;
  for_each_stored_block(stored.file, p, [&](std::int64_t b, const BlockRecord& rec) {
    // A stored block is reused only if it covers the same draws now: after `draws` grew, the
    // old short last block is recomputed in full.
    if (b < e.block_count() && rec.length == std::min(e.block, e.draws - b * e.block)) {
      r.add_saved(b, rec);
      ++adopted;
    }
  });
  // The stored quantile sketches; the short last block's only if it was reused.
  read_point_stats(stored.file, p, r, stored.draws == e.draws);
  r.saved_from = stored.file;
  r.saved_point = static_cast<std::int64_t>(p);
  return adopted;
}

}  // namespace fairmc
