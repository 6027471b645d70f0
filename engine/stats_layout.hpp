// The statistics part of the results layout (docs/results-format.md): per point the metric rows
// with quantiles and diagnostics, ratio estimates, quantile sketches and precision bookkeeping;
// in /summary the same as arrays over the sweep. engine/results_file.cpp calls these; the HDF5
// calls themselves are engine/h5io's.
#pragma once

#include "engine/h5io.hpp"
#include "engine/point_report.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fairmc {

struct PointReports {
  std::vector<MetricReport> metrics;
  std::vector<RatioEstimate> ratios;
};

// Writes points/<i>/stats/<m>, points/<i>/ratios/<R>, points/<i>/sketch*/<m> and the precision
// attributes into the point's group; `draws` is the point's draws group when keep_draws (exact
// quantiles).
PointReports write_point_stats(hid_t point, const Experiment& e, const PointRecord& r,
                               const std::optional<h5::Hid>& draws);

// A /summary array over the sweep: name, values per point, long_name; returns the dataset.
using Labelled =
    std::function<h5::Hid(const std::string&, const std::vector<double>&, const std::string&)>;
// Per metric: quantiles, non-finite counts, diagnostics and the warning attribute; ratios;
// precision bookkeeping.
void write_summary_stats(hid_t summary, const RunRecord& run,
                         const std::vector<PointReports>& reports, const Labelled& labelled);

// Block tables of the ratios' paired sums (points/<i>/ratio_blocks/<R>, rows as blocks/index).
inline constexpr const char* kRatioBlocks = "ratio_blocks";

// Resume: the point's sketches (the short last block's only when `with_short`, i.e. when the
// run keeps that block) and precision state. Throws when the point has blocks but no sketch
// (a file of format_version 1).
void read_point_stats(hid_t point, PointRecord& r, bool with_short);
void read_point_stats(const std::filesystem::path& file, std::size_t point, PointRecord& r,
                      bool with_short);

// One line per weighted fit in /summary ("fit gap vs population.agents (log-log): slope -0.98 ±
// 0.01, chi2/dof 1.3"), at most `max_lines`; empty without fits.
std::vector<std::string> describe_fits(hid_t file, std::size_t max_lines = 20);
std::vector<std::string> describe_fits(const std::filesystem::path& file);

// `fairmc show`: the lines after a point's metric table (ratios, warnings); empty for files of
// format_version 1.
std::string describe_point_stats(hid_t point);

}  // namespace fairmc
