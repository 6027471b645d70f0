// netCDF Climate and Forecast (CF-1.8) metadata for /summary, so that a Dataset opened with
// xarray.open_dataset(path, group="summary") or netCDF4 keeps its provenance and describes its
// variables (docs/results-format.md, "CF metadata").
#pragma once

#include "engine/results.hpp"

#include <hdf5.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace fairmc {

// The CF attributes of /summary's variables (`long_name`, `units`, `coordinates`), from the run's
// metrics, constants, ratios and fits, looked up by the variable's name.
class CfLabels {
 public:
  explicit CfLabels(const RunRecord& run);

  // Sets a just-created /summary variable's `long_name` (the metric's description before the
  // statistic's role when it is a metric's statistic, else `long_name` itself), `coordinates`
  // (with `along_zip`) and `units`, in the order write_cf_attributes leaves them: a writer that
  // labels each variable as it creates it spares reopening and rewriting them all.
  void label(hid_t d, const std::string& name, const std::string& long_name, bool along_zip) const;

  // The metric a variable describes: the longest metric name that is the variable's name or a
  // prefix of it followed by '_' ("" for none).
  std::string metric_of(const std::string& var) const;
  // `units` of a variable: "" when it is not a statistic of a metric, a ratio or a fit.
  std::string units(const std::string& var) const;
  bool constant(const std::string& name) const { return constants_.contains(name); }
  // The long_name stem of metric m ("" when the scenario describes it not).
  const std::string& description(const std::string& m) const;
  // The zipped keys, space-separated ("" without a zip axis).
  const std::string& zip_coordinates() const { return zip_coordinates_; }

 private:
  const RunRecord& run_;
  std::unordered_set<std::string> metrics_, constants_;
  std::unordered_map<std::string, std::pair<std::string, std::string>> metric_;  // unit, stem
  std::vector<const RatioSpec*> ratios_;  // distinct, in the order of the points
  std::string zip_coordinates_;
};

// Adds the group and variable attributes to an already written /summary: `Conventions`,
// `title`, `history`, `source`, `references`, `comment`; per data variable `long_name` (the
// metric's description before the statistic's role), `units`, `coordinates` (zipped keys),
// `ancillary_variables` (a mean's sem, interval and n); and the `status` variable over the sweep
// dimensions (integer codes with CF flag_values / flag_meanings). Works on whatever variables
// /summary holds, so statistics added later are covered too; those in `labelled` were labelled
// by `labels` when created and only get their `ancillary_variables` (pass an empty set to label
// every variable here).
void write_cf_attributes(hid_t summary, const RunRecord& run, const CfLabels& labels,
                         const std::unordered_set<std::string>& labelled);

}  // namespace fairmc
