#include "engine/results_file.hpp"

#include "engine/cf_attributes.hpp"
#include "engine/checks_file.hpp"
#include "engine/config_defaults.hpp"
#include "engine/file_seal.hpp"
#include "engine/h5io.hpp"
#include "engine/history_file.hpp"
#include "engine/provenance.hpp"
#include "engine/stats_layout.hpp"
#include "engine/sweep_fit.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <iomanip>
#include <map>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

namespace fairmc {
namespace fs = std::filesystem;
using namespace h5;

namespace {

// Writes an axis' values: integers as int64, other numbers as float64, anything else as strings.
Hid write_axis_values(hid_t parent, const std::string& name,
                      const std::vector<YAML::Node>& values) {
  std::vector<double> nums;
  std::vector<std::string> texts;
  bool all_numeric = true;
  for (const auto& v : values) {
    const std::string t = value_text(v);
    texts.push_back(t);
    const auto x = numeric_value(t);
    all_numeric = all_numeric && x.has_value();
    nums.push_back(x.value_or(0));
  }
  const std::vector<hsize_t> dims{values.size()};
  if (all_numeric && std::all_of(nums.begin(), nums.end(), [](double x) {
        return x == std::floor(x) && std::abs(x) < 0x1p53;  // exactly representable both ways
      })) {
    const std::vector<std::int64_t> ints(nums.begin(), nums.end());
    return write<std::int64_t>(parent, name, dims, ints.data());
  }
  return all_numeric ? write<double>(parent, name, dims, nums.data())
                     : write_strings(parent, name, dims, texts);
}

const char* status_name(PointStatus s) {
  switch (s) {
    case PointStatus::pending:
      return "pending";
    case PointStatus::partial:
      return "partial";
    case PointStatus::complete:
      return "complete";
    case PointStatus::failed:
      return "failed";
  }
  return "?";
}

void write_summary(hid_t file, const RunRecord& run, const std::vector<PointReports>& reports) {
  const Experiment& e = run.experiment;
  Hid g = create_group(file, "summary");
  std::vector<hsize_t> dims;
  for (const auto s : e.shape()) dims.push_back(s);

  // Dimension scales live in /summary itself so that xarray.open_dataset(group="summary")
  // labels the arrays.
  std::vector<Hid> scales;
  std::vector<Hid> zip_coords;
  for (const Axis& a : e.axes) {
    if (a.name == "zip") {
      std::vector<std::int64_t> idx(a.size());
      for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<std::int64_t>(i);
      scales.push_back(write<std::int64_t>(g, "zip", {a.size()}, idx.data()));
      make_scale(scales.back(), "zip");
      for (std::size_t k = 0; k < a.keys.size(); ++k)
        zip_coords.push_back(write_axis_values(g, a.keys[k], a.values[k]));
    } else {
      scales.push_back(write_axis_values(g, a.name, a.values[0]));
      make_scale(scales.back(), a.name);
    }
  }
  for (const Hid& c : zip_coords) {
    for (std::size_t a = 0; a < e.axes.size(); ++a)
      if (e.axes[a].name == "zip") attach_scale(c, scales[a], 0);
  }
  // Each variable gets its CF attributes as it is created (write_cf_attributes then only adds
  // what needs the whole group): reopening ~3,000 variables of a 154-metric scenario to rewrite
  // their attributes took as long as creating them.
  const CfLabels labels(run);
  std::unordered_set<std::string> labelled_names;
  const bool along_zip =
      std::any_of(e.axes.begin(), e.axes.end(), [](const Axis& a) { return a.name == "zip"; });
  const DatasetProps props(Type<double>::file(), dims);
  auto labelled = [&](const std::string& name, const std::vector<double>& values,
                      const std::string& long_name) {
    Hid d = write<double>(g, name, props, values.data());
    for (std::size_t a = 0; a < scales.size(); ++a)
      attach_scale(d, scales[a], static_cast<unsigned>(a));
    labels.label(d, name, long_name, along_zip);
    labelled_names.insert(name);
    return d;
  };

  const std::size_t np = run.points.size();
  const auto metrics = run.metric_names();
  std::vector<std::vector<Summary>> merged(np);
  for (std::size_t p = 0; p < np; ++p) merged[p] = run.results[p].merged();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& m : metrics) {
    std::vector<double> mean(np, nan), sem(np, nan), lo(np, nan), hi(np, nan), n(np, 0),
        mn(np, nan), mx(np, nan), sd(np, nan);
    for (std::size_t p = 0; p < np; ++p) {
      const auto& names = run.results[p].metrics;
      const auto it = std::find(names.begin(), names.end(), m);
      if (it == names.end()) continue;
      const Summary& s = merged[p][static_cast<std::size_t>(it - names.begin())];
      n[p] = s.n;
      if (s.n == 0) continue;
      mean[p] = s.mean;
      sem[p] = s.sem();
      sd[p] = s.sd();
      lo[p] = s.mean - s.ci95_half_width();
      hi[p] = s.mean + s.ci95_half_width();
      mn[p] = s.min;
      mx[p] = s.max;
    }
    labelled(m, mean, m + ": mean over draws");
    labelled(m + "_sem", sem, m + ": standard error of the mean");
    labelled(m + "_sd", sd, m + ": standard deviation over draws");
    labelled(m + "_ci_lo", lo, m + ": 95% Student-t interval, lower end");
    labelled(m + "_ci_hi", hi, m + ": 95% Student-t interval, upper end");
    labelled(m + "_n", n, m + ": number of finite draws (NaN and +-inf counted apart)");
    labelled(m + "_min", mn, m + ": smallest draw");
    labelled(m + "_max", mx, m + ": largest draw");
  }
  for (const auto& c : run.constant_names()) {
    std::vector<double> v(np, nan);
    for (std::size_t p = 0; p < np; ++p)
      for (const auto& [name, value] : run.results[p].constants)
        if (name == c) v[p] = value;
    labelled(c, v, c + ": per-point constant (closed form or bound)");
  }
  write_summary_stats(g, run, reports, labelled);

  // Fits of a metric's mean against a swept key, along that key's axis, for every combination
  // of the other axes.
  for (const Fit& f : e.fits) {
    const SweepFit sf = fit_over_sweep(e, run, merged, f);
    const std::vector<hsize_t> rest(sf.shape.begin(), sf.shape.end());
    const auto& rest_axes = sf.rest_axes;
    std::vector<double> slope, intercept, slope_sem, chi2_dof;
    for (const LineFit& lf : sf.lines) {
      slope.push_back(lf.slope);
      intercept.push_back(lf.intercept);
      slope_sem.push_back(lf.slope_sem);
      chi2_dof.push_back(lf.chi2_dof);
    }
    const std::string base = "fit_" + f.metric + "_vs_" + f.against;
    const std::string kind = f.log ? "log-log " : "linear ";
    // Each of the four arrays says which part of the fit it holds (CF: a long_name apiece).
    struct Part {
      const char* suffix;
      const char* part;
      const std::vector<double>* values;
    };
    for (const auto& [suffix, part, values] :
         {Part{"_slope", "slope", &slope}, Part{"_intercept", "intercept", &intercept},
          Part{"_slope_sem", "standard error of the slope", &slope_sem},
          Part{"_chi2_dof", "chi^2 per degree of freedom", &chi2_dof}}) {
      Hid d = write<double>(g, base + suffix, rest, values->data());
      for (std::size_t r = 0; r < rest_axes.size(); ++r)
        attach_scale(d, scales[rest_axes[r]], static_cast<unsigned>(r));
      attr(d, "long_name",
           std::string(part) + " of the " + kind + "least-squares fit of " + f.metric +
               " against " + f.against + ", weighted by 1/sem^2 (ordinary when a sem is 0)");
    }
  }
  write_cf_attributes(g, run, labels, labelled_names);
}

// Blocks per chunk when copying block tables: about 1 MiB of buffers.
std::size_t default_chunk_rows(std::size_t metrics, std::int64_t block, bool draws) {
  const std::size_t bytes = 24 + metrics * (40 + (draws ? 8 * static_cast<std::size_t>(block) : 0));
  return std::max<std::size_t>(1, (std::size_t{1} << 20) / bytes);
}

// Reads a point's block table (/points/<i>/blocks, and /draws if kept) a chunk of rows at a time.
class StoredBlocks {
 public:
  StoredBlocks(hid_t point, const std::vector<std::string>& metrics, std::int64_t block,
               std::size_t chunk_rows)
      : blocks_(open_group(point, "blocks")),
        index_(open_dataset(blocks_, "index")),
        range_(open_dataset(blocks_, "range")),
        block_(block),
        chunk_(chunk_rows) {
    rows_ = element_count(index_);
    if (dims_of(range_) != std::vector<hsize_t>{rows_, 2})
      damaged(name_of(range_) + " does not have 2 columns and one row per block");
    for (const auto& m : metrics) {
      tables_.push_back(open_dataset(blocks_, m));
      if (dims_of(tables_.back()) != std::vector<hsize_t>{rows_, 5})
        damaged(name_of(tables_.back()) + " does not have 5 columns and one row per block");
    }
    if (exists(point, kRatioBlocks) && exists(point, "ratio_names")) {
      Hid g = open_group(point, kRatioBlocks);
      for (const auto& name : read_strings(point, "ratio_names")) {
        ratio_tables_.push_back(open_dataset(g, name));
        if (dims_of(ratio_tables_.back()) != std::vector<hsize_t>{rows_, 3})
          damaged(name_of(ratio_tables_.back()) + " does not have 3 columns and one row per block");
      }
    }
    if (exists(point, "draws")) {
      Hid g = open_group(point, "draws");
      for (const auto& m : metrics) draws_.push_back(open_dataset(g, m));
    }
  }

  // The next stored block, in block order; false after the last.
  bool next(std::int64_t& index, BlockRecord& rec) {
    if (at_ == index_buf_.size()) {
      if (first_ + at_ >= rows_) return false;
      load();
    }
    // Checksums catch bit rot; these catch what passes them (format 1 files have none).
    if (index_buf_[at_] <= index && first_ + at_ > 0)
      damaged(name_of(index_) + " is not increasing");
    index = index_buf_[at_];
    rec.length = range_buf_[2 * at_ + 1] - range_buf_[2 * at_];
    if (index < 0 || range_buf_[2 * at_] != index * block_ || rec.length < 1 || rec.length > block_)
      damaged(name_of(range_) + " row " + std::to_string(first_ + at_) +
              " is not the draws of block " + std::to_string(index));
    rec.metrics.resize(tables_.size());
    for (std::size_t m = 0; m < tables_.size(); ++m) {
      const double* t = table_buf_[m].data() + 5 * at_;
      rec.metrics[m] = Summary{t[0], t[1], t[2], t[3], t[4]};
    }
    rec.ratios.resize(ratio_tables_.size());
    for (std::size_t k = 0; k < ratio_tables_.size(); ++k) {
      const double* t = ratio_buf_[k].data() + 3 * at_;
      rec.ratios[k] = RatioSums{t[0], t[1], t[2]};
    }
    rec.draws.resize(draws_.size());
    const auto len = static_cast<std::size_t>(rec.length);
    for (std::size_t m = 0; m < draws_.size(); ++m)
      rec.draws[m].assign(draws_buf_[m].begin() + static_cast<std::ptrdiff_t>(draw_at_),
                          draws_buf_[m].begin() + static_cast<std::ptrdiff_t>(draw_at_ + len));
    draw_at_ += len;
    ++at_;
    return true;
  }

 private:
  void load() {
    first_ += at_;
    const hsize_t count = std::min<hsize_t>(chunk_, rows_ - first_);
    index_buf_.resize(count);
    range_buf_.resize(2 * count);
    read_rows(index_, first_, count, index_buf_.data());
    read_rows(range_, first_, count, range_buf_.data());
    table_buf_.resize(tables_.size());
    for (std::size_t m = 0; m < tables_.size(); ++m) {
      table_buf_[m].resize(5 * count);
      read_rows(tables_[m], first_, count, table_buf_[m].data());
    }
    ratio_buf_.resize(ratio_tables_.size());
    for (std::size_t k = 0; k < ratio_tables_.size(); ++k) {
      ratio_buf_[k].resize(3 * count);
      read_rows(ratio_tables_[k], first_, count, ratio_buf_[k].data());
    }
    hsize_t draws = 0;
    for (hsize_t r = 0; r < count; ++r)
      draws += static_cast<hsize_t>(range_buf_[2 * r + 1] - range_buf_[2 * r]);
    draws_buf_.resize(draws_.size());
    for (std::size_t m = 0; m < draws_.size(); ++m) {
      draws_buf_[m].resize(draws);
      read_rows(draws_[m], draws_first_, draws, draws_buf_[m].data());
    }
    draws_first_ += draws;
    at_ = 0;
    draw_at_ = 0;
  }

  [[noreturn]] static void damaged(const std::string& what) {
    throw std::runtime_error("damaged: " + what);
  }

  Hid blocks_, index_, range_;
  std::vector<Hid> tables_, draws_, ratio_tables_;
  std::vector<std::vector<double>> ratio_buf_;
  std::int64_t block_ = 1;
  hsize_t chunk_ = 1, rows_ = 0;
  hsize_t first_ = 0;        // file row of the loaded chunk's first block
  hsize_t draws_first_ = 0;  // position in /draws of the next chunk
  std::size_t at_ = 0, draw_at_ = 0;
  std::vector<std::int64_t> index_buf_, range_buf_;
  std::vector<std::vector<double>> table_buf_, draws_buf_;
};

// Writes a point's block table, `rows` blocks in block order, a chunk at a time.
class BlockTableWriter {
 public:
  BlockTableWriter(hid_t blocks, const std::optional<Hid>& draws,
                   const std::vector<std::string>& metrics, std::int64_t block, hsize_t rows,
                   hsize_t total_draws, std::size_t chunk_rows, hid_t ratio_blocks = -1,
                   const std::vector<RatioSpec>& ratios = {})
      : block_(block),
        rows_(rows),
        total_draws_(total_draws),
        chunk_(chunk_rows),
        // One checksummed chunk per write of `chunk_rows` blocks.
        index_(create_dataset<std::int64_t>(blocks, "index", {rows}, {chunk_rows})),
        range_(create_dataset<std::int64_t>(blocks, "range", {rows, 2}, {chunk_rows, 2})) {
    for (const auto& m : metrics) {
      tables_.push_back(create_dataset<double>(blocks, m, {rows, 5}, {chunk_rows, 5}));
      attr(tables_.back(), "fields", "n,mean,m2,min,max");
      if (draws)
        draws_.push_back(create_dataset<double>(*draws, m, {total_draws},
                                                {chunk_rows * static_cast<hsize_t>(block)}));
    }
    for (const auto& r : ratios) {
      ratio_tables_.push_back(create_dataset<double>(ratio_blocks, r.name, {rows, 3}));
      attr(ratio_tables_.back(), "fields", "n,num,den");
    }
    table_buf_.resize(tables_.size());
    draws_buf_.resize(draws_.size());
    ratio_buf_.resize(ratio_tables_.size());
  }

  void put(std::int64_t index, const BlockRecord& rec) {
    if (written_ + index_buf_.size() >= rows_)
      throw std::logic_error("block table of " + std::to_string(rows_) + " rows overflows");
    index_buf_.push_back(index);
    range_buf_.insert(range_buf_.end(), {index * block_, index * block_ + rec.length});
    for (std::size_t m = 0; m < tables_.size(); ++m) {
      const Summary& s = m < rec.metrics.size() ? rec.metrics[m] : Summary{};
      table_buf_[m].insert(table_buf_[m].end(), {s.n, s.mean, s.m2, s.min, s.max});
    }
    for (std::size_t k = 0; k < ratio_tables_.size(); ++k) {
      const RatioSums& r = k < rec.ratios.size() ? rec.ratios[k] : RatioSums{};
      ratio_buf_[k].insert(ratio_buf_[k].end(), {r.n, r.num, r.den});
    }
    for (std::size_t m = 0; m < draws_.size(); ++m)
      if (m < rec.draws.size())
        draws_buf_[m].insert(draws_buf_[m].end(), rec.draws[m].begin(), rec.draws[m].end());
    if (index_buf_.size() >= chunk_) flush();
  }

  // Writes the last chunk; every announced row must have been put.
  void finish() {
    flush();
    if (written_ != rows_ || (!draws_.empty() && draws_written_ != total_draws_))
      throw std::logic_error("block table has " + std::to_string(written_) + " of " +
                             std::to_string(rows_) + " rows, " + std::to_string(draws_written_) +
                             " of " + std::to_string(total_draws_) + " draws");
  }

 private:
  void flush() {
    const hsize_t count = index_buf_.size();
    write_rows(index_, written_, count, index_buf_.data());
    write_rows(range_, written_, count, range_buf_.data());
    for (std::size_t m = 0; m < tables_.size(); ++m) {
      write_rows(tables_[m], written_, count, table_buf_[m].data());
      table_buf_[m].clear();
    }
    for (std::size_t k = 0; k < ratio_tables_.size(); ++k) {
      write_rows(ratio_tables_[k], written_, count, ratio_buf_[k].data());
      ratio_buf_[k].clear();
    }
    const hsize_t draws = draws_buf_.empty() ? 0 : draws_buf_.front().size();
    for (std::size_t m = 0; m < draws_.size(); ++m) {
      if (draws_buf_[m].size() != draws) throw std::logic_error("ragged draws");
      write_rows(draws_[m], draws_written_, draws, draws_buf_[m].data());
      draws_buf_[m].clear();
    }
    written_ += count;
    draws_written_ += draws;
    index_buf_.clear();
    range_buf_.clear();
  }

  std::int64_t block_;
  hsize_t rows_, total_draws_;
  std::size_t chunk_;
  Hid index_, range_;
  std::vector<Hid> tables_, draws_, ratio_tables_;
  std::vector<std::vector<double>> ratio_buf_;
  hsize_t written_ = 0, draws_written_ = 0;
  std::vector<std::int64_t> index_buf_, range_buf_;
  std::vector<std::vector<double>> table_buf_, draws_buf_;
};

// The point's blocks in block order: those of the previous file that still count, merged with the
// ones computed since it was written.
void write_block_table(hid_t blocks, const std::optional<Hid>& draws, const PointRecord& r,
                       std::optional<StoredBlocks> previous, std::int64_t block,
                       std::size_t chunk_rows, hid_t ratio_blocks) {
  const bool failed = !r.error.empty();
  BlockTableWriter out(
      blocks, draws, r.metrics, block, static_cast<hsize_t>(failed ? 0 : r.blocks_done()),
      static_cast<hsize_t>(failed ? 0 : r.draws_done), chunk_rows, ratio_blocks, r.ratios);
  if (failed) return out.finish();
  std::int64_t old_index = -1;
  BlockRecord old;
  // A stored block counts if it is still part of the run and was not recomputed since (a resumed
  // run recomputes the short last block of a run it extends).
  const auto next_old = [&] {
    while (previous && previous->next(old_index, old))
      if (r.has(old_index) && !r.unsaved.contains(old_index)) return true;
    return false;
  };
  bool have_old = next_old();
  auto fresh = r.unsaved.begin();
  while (have_old || fresh != r.unsaved.end()) {
    if (have_old && (fresh == r.unsaved.end() || old_index < fresh->first)) {
      out.put(old_index, old);
      have_old = next_old();
    } else {
      out.put(fresh->first, fresh->second);
      ++fresh;
    }
  }
  out.finish();
}

// The files holding blocks saved earlier, each opened once: the run's last results file and any
// other a point was adopted from (PointRecord::saved_from).
class SavedBlockFiles {
 public:
  explicit SavedBlockFiles(const RunRecord& run) : run_(run) {}
  // /points of the file holding r's saved blocks; -1 when it has none.
  hid_t points_of(const PointRecord& r) {
    if (r.saved <= 0 || !r.error.empty()) return -1;
    const fs::path& from = r.saved_from.empty() ? run_.saved_in : r.saved_from;
    if (from.empty()) return -1;
    auto it = open_.find(from);
    if (it == open_.end()) {
      // Written by this run's previous checkpoint, or read whole (seal checked) when the run
      // resumed or the merge began.
      Hid f = open_file(from, false);
      Hid points = open_group(f, "points");
      it = open_.emplace(from, std::make_pair(std::move(f), std::move(points))).first;
    }
    return it->second.second;
  }

 private:
  const RunRecord& run_;
  std::map<fs::path, std::pair<Hid, Hid>> open_;
};

void write_points(hid_t file, const RunRecord& run, SavedBlockFiles& saved, std::size_t chunk_rows,
                  std::vector<PointReports>& reports) {
  const Experiment& e = run.experiment;
  Hid pts = create_group(file, "points");
  for (std::size_t p = 0; p < run.points.size(); ++p) {
    const Point& pt = run.points[p];
    const PointRecord& r = run.results[p];
    Hid g = create_group(pts, std::to_string(p));
    for (const auto& [k, v] : pt.values) attr(g, k, v);
    attr<std::uint64_t>(g, "stream_key", pt.key);
    attr(g, "status", status_name(r.status(e.block_count())));
    attr(g, "error", r.error);
    const std::vector<std::string>& names = r.metrics;
    write_strings(g, "metrics", {names.size()}, names);
    for (const auto& [name, value] : r.constants) attr<double>(g, name, value);

    std::optional<Hid> draws;
    {
      Hid blocks = create_group(g, "blocks");
      Hid ratio_blocks = create_group(g, kRatioBlocks);
      if (e.keep_draws) draws.emplace(create_group(g, "draws"));
      const std::size_t rows_per_chunk =
          chunk_rows ? chunk_rows : default_chunk_rows(names.size(), e.block, e.keep_draws);
      std::optional<Hid> old_point;
      std::optional<StoredBlocks> previous;
      if (const hid_t previous_points = saved.points_of(r); previous_points >= 0) {
        old_point.emplace(open_group(
            previous_points,
            std::to_string(r.saved_point >= 0 ? static_cast<std::size_t>(r.saved_point) : p)));
        previous.emplace(*old_point, names, e.block, rows_per_chunk);
      }
      write_block_table(blocks, draws, r, std::move(previous), e.block, rows_per_chunk,
                        ratio_blocks);
    }
    reports.push_back(write_point_stats(g, e, r, draws));
  }
}

void write_sweep(hid_t file, const RunRecord& run) {
  const Experiment& e = run.experiment;
  Hid g = create_group(file, "sweep");
  for (const Axis& a : e.axes)
    for (std::size_t k = 0; k < a.keys.size(); ++k) {
      Hid d = write_axis_values(g, a.keys[k], a.values[k]);
      attr(d, "axis", a.name);
    }
  std::vector<hsize_t> dims;
  for (const auto s : e.shape()) dims.push_back(s);
  std::vector<std::string> status, errors;
  for (const auto& r : run.results) {
    status.push_back(status_name(r.status(e.block_count())));
    errors.push_back(r.error);
  }
  write_strings(g, "status", dims, status);
  write_strings(g, "error", dims, errors);
  std::string axes;
  for (const auto& a : e.axes) axes += (axes.empty() ? "" : ",") + a.name;
  attr(g, "axes", axes);
}

}  // namespace

void write_results(const fs::path& path, const RunRecord& run, std::size_t chunk_rows) {
  const fs::path tmp = path.string() + ".tmp";
  try {
    // Blocks saved by earlier writes are copied from the file(s) holding them, chunk by chunk.
    SavedBlockFiles saved(run);
    Hid file = create_file(tmp);
    const Experiment& e = run.experiment;
    std::size_t failed = 0;
    for (const auto& r : run.results) failed += r.error.empty() ? 0 : 1;
    attr(file, "format", "fairmc-results");
    attr<std::int64_t>(file, "format_version", results_format_version);
    const Build build = this_build();
    attr(file, "fairmc_version", build.version);
    attr(file, "git_sha", build.git_sha);
    attr<std::int64_t>(file, "git_dirty", build.git_dirty);
    attr(file, "created_utc", run.created_utc);
    attr(file, "updated_utc", utc_now());
    attr(file, "command_line", run.command_line);
    attr(file, "experiment", e.name);
    attr(file, "description", e.description);
    attr(file, "claim", e.claim);
    attr(file, "scenario", e.scenario);
    attr<std::uint64_t>(file, "seed", e.seed);
    attr(file, "rng",
         "Philox4x32-10 (Random123); key = hash(seed, point parameters), counter = (draw, "
         "substream)");
    attr<std::int64_t>(file, "draws", e.draws);
    attr<std::int64_t>(file, "block", e.block);
    attr<std::int64_t>(file, "complete", run.complete ? 1 : 0);
    attr<std::int64_t>(file, "points_failed", static_cast<std::int64_t>(failed));

    Hid cfg = create_group(file, "config");
    write_strings(cfg, "resolved", {}, {e.resolved_text()});
    write_strings(cfg, "overrides", {e.overrides.size()}, e.overrides);
    write_strings(cfg, "defaults", {}, {defaults_text(run)});
    attr<std::uint64_t>(cfg, "config_hash", e.config_hash());
    attr(cfg, "experiment_file", e.file.string());

    write_sweep(file, run);
    // The points first: their statistics (exact quantiles from kept draws) feed /summary.
    std::vector<PointReports> reports;
    write_points(file, run, saved, chunk_rows, reports);
    write_summary(file, run, reports);  // with its CF attributes
    if (!e.checks.empty()) {
      // From the same merged statistics as /summary; kept draws from the blocks just written.
      std::vector<std::vector<RatioEstimate>> ratios;
      for (const auto& rep : reports) ratios.push_back(rep.ratios);
      const KeptDraws kept = [&](std::size_t p,
                                 std::size_t m) -> std::optional<std::vector<double>> {
        if (!e.keep_draws) return std::nullopt;
        Hid g = open_group(file, "points/" + std::to_string(p) + "/draws");
        return read<double>(g, run.results[p].metrics[m]);
      };
      write_checks(file, evaluate_checks(run, ratios, kept));
    }
    write_history(file, run.history);
    flush(file);
  } catch (const std::exception& e) {
    std::error_code ignore;
    fs::remove(tmp, ignore);  // the previous results file, if any, stays as it was
    throw std::runtime_error("cannot write " + path.string() + " (" + e.what() +
                             "): is the disk full or the directory not writable?");
  }
  try {
    seal_file(tmp);
  } catch (const std::exception& e) {
    std::error_code ignore;
    fs::remove(tmp, ignore);
    throw std::runtime_error("cannot write " + path.string() + " (" + e.what() + ")");
  }
  // Make the new file durable before it replaces the old one.
  if (const int fd = ::open(tmp.c_str(), O_RDONLY); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  fs::rename(tmp, path);
}

namespace {

void check_format(hid_t file) {
  if (!has_attr(file, "format") || read_string_attr(file, "format") != "fairmc-results")
    throw std::runtime_error("not a fairmc results file (no format = fairmc-results attribute)");
  if (!has_attr(file, "format_version"))
    throw std::runtime_error(
        "no format_version attribute: not a complete fairmc results file, refused");
  const auto v = read_attr<std::int64_t>(file, "format_version");
  if (v > results_format_version)
    throw std::runtime_error("format_version " + std::to_string(v) +
                             " is newer than this fairmc reads (1 to " +
                             std::to_string(results_format_version) + "): use a newer fairmc");
  if (v < 1) throw std::runtime_error("unknown format_version " + std::to_string(v) + ", refused");
}

// Runs `read` on the opened file; any failure becomes one line naming the file and what in it
// could not be read.
template <class F>
auto reading(const fs::path& path, F&& read) {
  try {
    Hid file = open_file(path);
    check_format(file);
    return read(file);
  } catch (const std::exception& e) {
    std::string what = e.what();
    if (what.rfind("damaged", 0) != 0 && what.find("checksum") != std::string::npos)
      what = "damaged: " + what;
    throw std::runtime_error(what.rfind(path.string(), 0) == 0 ? what
                                                               : path.string() + ": " + what);
  }
}

}  // namespace

StoredRun read_results(const fs::path& path) {
  return reading(path, [&](hid_t file) {
    verify(file);  // a resumed run must not build on damaged blocks
    StoredRun out;
    out.draws = read_attr<std::int64_t>(file, "draws");
    out.block = read_attr<std::int64_t>(file, "block");
    out.created_utc = read_string_attr(file, "created_utc");
    Hid cfg = open_group(file, "config");
    const auto resolved = read_strings(cfg, "resolved");
    if (resolved.size() != 1) throw std::runtime_error("damaged: /config/resolved is not one text");
    out.config_text = resolved.front();
    out.config_hash = read_attr<std::uint64_t>(cfg, "config_hash");
    out.experiment_file = read_string_attr(cfg, "experiment_file");
    out.history = read_history(file);
    Hid pts = open_group(file, "points");
    for (std::size_t p = 0; exists(pts, std::to_string(p)); ++p) {
      Hid g = open_group(pts, std::to_string(p));
      out.metrics.push_back(read_strings(g, "metrics"));
      out.ratios.push_back(exists(g, "ratio_names") ? read_strings(g, "ratio_names")
                                                    : std::vector<std::string>{});
      out.errors.push_back(read_string_attr(g, "error"));
    }
    out.file = path;
    return out;
  });
}

void for_each_stored_block(const fs::path& path, std::size_t point,
                           const std::function<void(std::int64_t, const BlockRecord&)>& visit,
                           std::size_t chunk_rows) {
  reading(path, [&](hid_t file) {
    Hid g = open_group(file, "points/" + std::to_string(point));
    const auto names = read_strings(g, "metrics");
    const auto block = read_attr<std::int64_t>(file, "block");
    if (block < 1) throw std::runtime_error("damaged: block = " + std::to_string(block));
    StoredBlocks blocks(
        g, names, block,
        chunk_rows ? chunk_rows : default_chunk_rows(names.size(), block, exists(g, "draws")));
    std::int64_t index = 0;
    BlockRecord rec;
    while (blocks.next(index, rec)) visit(index, rec);
    return 0;
  });
}

std::string describe_results(const fs::path& path) {
  return reading(path, [&](hid_t file) {
    verify(file);  // every number shown, and the rest, is as written
    std::ostringstream o;
    const auto complete = read_attr<std::int64_t>(file, "complete");
    o << "experiment " << read_string_attr(file, "experiment") << " (scenario "
      << read_string_attr(file, "scenario") << "), seed " << read_attr<std::uint64_t>(file, "seed")
      << ", " << read_attr<std::int64_t>(file, "draws") << " draws/point, "
      << (complete ? "complete" : "INCOMPLETE (resume with fairmc run --resume)") << "\n";
    if (const auto claim = read_string_attr(file, "claim"); !claim.empty())
      o << "claim: " << claim << "\n";
    Hid pts = open_group(file, "points");
    for (std::size_t p = 0; exists(pts, std::to_string(p)); ++p) {
      Hid g = open_group(pts, std::to_string(p));
      o << "point " << p;
      for (const auto& [n, kind] : attributes(g)) {
        if (n == "stream_key" || n == "metrics") continue;
        if (kind == AttrKind::string) {
          const std::string v = read_string_attr(g, n);
          if (!v.empty()) o << "  " << n << "=" << v;
        } else if (kind == AttrKind::floating) {
          o << "  " << n << "=" << read_attr<double>(g, n);
        }
      }
      o << "\n";
      Hid stats = open_group(g, "stats");
      for (const auto& m : read_strings(g, "metrics")) {
        const auto row = read<double>(stats, m);
        if (row.size() < 8)
          throw std::runtime_error("damaged: /points/" + std::to_string(p) + "/stats/" + m +
                                   " has " + std::to_string(row.size()) +
                                   " values, expected at least 8");
        o << "    " << std::left << std::setw(28) << m << std::right << " mean " << std::setw(13)
          << std::setprecision(6) << row[1] << "  ± " << std::setw(10) << row[5] - row[1]
          << " (95% CI)  n " << row[0] << "\n";
      }
      o << describe_point_stats(g);
    }
    for (const auto& line : describe_fits(file)) o << line << "\n";
    for (const auto& line : describe_checks(file).lines) o << line << "\n";
    return o.str();
  });
}

}  // namespace fairmc
