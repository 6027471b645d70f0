#include "engine/run_json.hpp"

#include "engine/json_writer.hpp"
#include "engine/results_json.hpp"

#include <filesystem>
#include <vector>

namespace fairmc {

std::string run_json(const RunOutcome& outcome, const RunOptions& opt, int exit_code) {
  JsonWriter w;
  w.begin_object().key("fairmc_json").value("run").key("schema_version").value(1);
  w.key("run").begin_object();
  w.key("exit_code").value(exit_code).key("results").value(opt.results.string());
  w.key("complete").value(outcome.complete).key("interrupted").value(outcome.interrupted);
  w.key("previous_kept").value(outcome.previous_kept);
  w.key("failed_points").value(outcome.failed_points);
  w.key("draws_computed").value(outcome.draws_computed);
  w.fields(std::vector<std::string>{"seconds"}, std::vector<double>{outcome.seconds});
  w.key("threads").value(opt.threads);
  w.key("shard").begin_object().key("index").value(opt.shard_index);
  w.key("count").value(opt.shard_count).end_object();
  w.key("checks_verdict").value(outcome.checks_verdict);
  w.key("notes").begin_array();
  for (const auto& n : outcome.notes) w.value(n);
  w.end_array().end_object();
  if (std::filesystem::exists(opt.results)) write_results_members(w, opt.results);
  end_document(w);
  return w.str();
}

}  // namespace fairmc
