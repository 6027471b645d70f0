#include "engine/stats_layout.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

namespace fairmc {
using namespace h5;

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kStatsFields =
    "n,mean,sd,sem,ci_lo,ci_hi,min,max,q05,q25,q50,q75,q95,undefined,pos_inf,neg_inf,top_share,"
    "half_variance,drift_z,unreliable";
constexpr const char* kRatioFields = "n,estimate,sem,bias_corrected,ci_lo,ci_hi,groups";

// A sketch as one int64 vector: zeros, nan, +inf, -inf, bits(min), bits(max), #positive,
// #negative, then (key, count) pairs of the positive and the negative buckets.
std::vector<std::int64_t> encode(const QuantileSketch& s) {
  std::vector<std::int64_t> v{static_cast<std::int64_t>(s.zeros()),
                              static_cast<std::int64_t>(s.nan()),
                              static_cast<std::int64_t>(s.pos_inf()),
                              static_cast<std::int64_t>(s.neg_inf()),
                              std::bit_cast<std::int64_t>(s.min()),
                              std::bit_cast<std::int64_t>(s.max()),
                              static_cast<std::int64_t>(s.positive().size()),
                              static_cast<std::int64_t>(s.negative().size())};
  for (const auto* b : {&s.positive(), &s.negative()})
    for (const auto& [key, n] : *b) v.insert(v.end(), {key, static_cast<std::int64_t>(n)});
  return v;
}

QuantileSketch decode(const std::vector<std::int64_t>& v, const std::string& what) {
  if (v.size() < 8) throw std::runtime_error("damaged quantile sketch " + what);
  const auto np = static_cast<std::size_t>(v[6]), nn = static_cast<std::size_t>(v[7]);
  if (v[6] < 0 || v[7] < 0 || v.size() != 8 + 2 * (np + nn))
    throw std::runtime_error("damaged quantile sketch " + what);
  QuantileSketch::Buckets b[2];
  std::size_t at = 8;
  for (auto [buckets, count] : {std::pair{&b[0], np}, {&b[1], nn}})
    for (std::size_t i = 0; i < count; ++i, at += 2)
      buckets->emplace_back(static_cast<std::int32_t>(v[at]),
                            static_cast<std::uint64_t>(v[at + 1]));
  const auto u = [&](std::size_t i) { return static_cast<std::uint64_t>(v[i]); };
  return QuantileSketch::from_parts(std::move(b[0]), std::move(b[1]), u(0), u(1), u(2), u(3),
                                    std::bit_cast<double>(v[4]), std::bit_cast<double>(v[5]));
}

void write_sketches(hid_t point, const std::string& name, const PointRecord& r,
                    const std::vector<QuantileSketch>& sketches) {
  Hid g = create_group(point, name);
  for (std::size_t m = 0; m < r.metrics.size(); ++m) {
    const auto v = encode(m < sketches.size() ? sketches[m] : QuantileSketch{});
    write<std::int64_t>(g, r.metrics[m], {v.size()}, v.data());
  }
}

std::string joined(const std::vector<std::int8_t>& flags) {
  std::string s;
  for (std::size_t i = 0; i < flags.size(); ++i) s += (i ? "," : "") + std::to_string(flags[i]);
  return s;
}
}  // namespace

PointReports write_point_stats(hid_t point, const Experiment& e, const PointRecord& r,
                               const std::optional<Hid>& draws) {
  PointReports out;
  std::vector<std::vector<double>> kept;
  if (draws)
    // Exact quantiles need every draw; kept draws are the one thing allowed to cost memory.
    for (const auto& m : r.metrics) kept.push_back(read<double>(*draws, m));
  out.metrics = report_metrics(r, draws ? &kept : nullptr);
  out.ratios = report_ratios(r);
  Hid stats = create_group(point, "stats");
  for (std::size_t m = 0; m < r.metrics.size(); ++m) {
    const MetricReport& rep = out.metrics[m];
    const Summary& s = rep.summary;
    const Diagnostics& d = rep.diagnostics;
    const double hw = s.ci95_half_width();
    std::vector<double> row{s.n,
                            s.mean_or_nan(),
                            s.sd(),
                            s.sem(),
                            s.mean - hw,
                            s.mean + hw,
                            s.n > 0 ? s.min : nan,
                            s.n > 0 ? s.max : nan};
    row.insert(row.end(), rep.quantiles.begin(), rep.quantiles.end());
    row.insert(row.end(), {d.undefined, d.pos_inf, d.neg_inf, d.top_share, d.half_variance,
                           d.drift_z, d.unreliable ? 1.0 : 0.0});
    Hid ds = write<double>(stats, r.metrics[m], {row.size()}, row.data());
    attr(ds, "fields", kStatsFields);
    attr(ds, "quantiles",
         rep.exact_quantiles ? "exact (kept draws)" : "sketch, within 0.39% relative");
    if (d.unreliable) attr(ds, "warning", d.warning);
  }
  std::vector<std::string> names;
  for (const auto& spec : r.ratios) names.push_back(spec.name);
  // HDF5 cannot read back an empty string dataset: no ratios, no list.
  if (!names.empty()) write_strings(point, "ratio_names", {names.size()}, names);
  Hid ratios = create_group(point, "ratios");
  for (std::size_t k = 0; k < r.ratios.size(); ++k) {
    const RatioEstimate& est = out.ratios[k];
    const std::vector<double> row{est.n,     est.estimate, est.sem,   est.bias_corrected,
                                  est.ci_lo, est.ci_hi,    est.groups};
    Hid ds = write<double>(ratios, r.ratios[k].name, {row.size()}, row.data());
    attr(ds, "fields", kRatioFields);
    attr(ds, "num", r.ratios[k].num);
    attr(ds, "den", r.ratios[k].den);
  }
  write_sketches(point, "sketch", r, r.sketch);
  write_sketches(point, "sketch_short", r, r.sketch_short);
  attr<std::int64_t>(point, "draws_used", r.draws_done);
  if (!e.precision.empty()) {
    attr<std::int64_t>(point, "precision_limit", r.limit);
    attr<std::int64_t>(point, "precision_final", r.limit_final ? 1 : 0);
    attr(point, "targets_met", joined(r.targets_met));
  }
  return out;
}

void write_summary_stats(hid_t /*summary*/, const RunRecord& run,
                         const std::vector<PointReports>& reports, const Labelled& labelled) {
  const Experiment& e = run.experiment;
  const std::size_t np = run.points.size();
  for (const auto& m : run.metric_names()) {
    std::vector<std::vector<double>> q(kQuantileLevels.size(), std::vector<double>(np, nan));
    std::vector<double> undefined(np, 0), inf(np, 0), top(np, nan), half(np, nan), drift(np, nan),
        unreliable(np, 0);
    std::string warning;
    std::size_t flagged = 0;
    for (std::size_t p = 0; p < np; ++p) {
      const auto& names = run.results[p].metrics;
      const auto it = std::find(names.begin(), names.end(), m);
      if (it == names.end() || p >= reports.size()) continue;
      const MetricReport& rep = reports[p].metrics[static_cast<std::size_t>(it - names.begin())];
      for (std::size_t k = 0; k < q.size(); ++k) q[k][p] = rep.quantiles[k];
      const Diagnostics& d = rep.diagnostics;
      undefined[p] = d.undefined;
      inf[p] = d.pos_inf + d.neg_inf;
      top[p] = d.top_share;
      half[p] = d.half_variance;
      drift[p] = d.drift_z;
      unreliable[p] = d.unreliable ? 1 : 0;
      if (d.unreliable && flagged++ < 10)
        warning += (warning.empty() ? "" : "\n") + point_label(run.points[p]) + ": " + d.warning;
    }
    if (flagged > 10) warning += "\n... and " + std::to_string(flagged - 10) + " more points";
    for (std::size_t k = 0; k < q.size(); ++k)
      labelled(m + "_" + kQuantileNames[k], q[k],
               m + ": " + std::to_string(static_cast<int>(100 * kQuantileLevels[k] + 0.5)) +
                   "% quantile (sketch within 0.39% relative; exact with keep_draws)");
    labelled(m + "_undefined", undefined, m + ": draws where the metric is undefined (NaN)");
    labelled(m + "_inf", inf, m + ": draws that were +-inf (counted, left out of the mean)");
    labelled(m + "_top_share", top, m + ": share of sum |x| held by the largest 0.1% of draws");
    labelled(m + "_half_variance", half,
             m + ": fewest draws holding half of the sum of squared deviations");
    labelled(m + "_drift_z", drift,
             m + ": second minus first half of the blocks, in combined standard errors");
    Hid u = labelled(m + "_unreliable", unreliable,
                     m + ": 1 where the normal interval is not to be trusted (see warning)");
    if (!warning.empty()) attr(u, "warning", warning);
  }
  // Ratios, by name, over every point that declares them.
  std::vector<std::string> ratio_names;
  for (const auto& r : run.results)
    for (const auto& spec : r.ratios)
      if (std::find(ratio_names.begin(), ratio_names.end(), spec.name) == ratio_names.end())
        ratio_names.push_back(spec.name);
  for (const auto& name : ratio_names) {
    std::vector<double> est(np, nan), sem(np, nan), bc(np, nan), lo(np, nan), hi(np, nan), n(np, 0);
    std::string num, den;
    for (std::size_t p = 0; p < np && p < reports.size(); ++p) {
      const auto& specs = run.results[p].ratios;
      for (std::size_t k = 0; k < specs.size(); ++k) {
        if (specs[k].name != name) continue;
        const RatioEstimate& r = reports[p].ratios[k];
        est[p] = r.estimate;
        sem[p] = r.sem;
        bc[p] = r.bias_corrected;
        lo[p] = r.ci_lo;
        hi[p] = r.ci_hi;
        n[p] = r.n;
        num = specs[k].num;
        den = specs[k].den;
      }
    }
    const std::string what = name + " = E[" + num + "] / E[" + den + "]";
    Hid d = labelled(name, est, what + ": ratio of the means over paired draws");
    attr(d, "ratio_num", num);
    attr(d, "ratio_den", den);
    labelled(name + "_sem", sem, what + ": delete-one-block jackknife standard error");
    labelled(name + "_bias_corrected", bc, what + ": jackknife bias-corrected estimate");
    labelled(name + "_ci_lo", lo, what + ": 95% jackknife interval, lower end");
    labelled(name + "_ci_hi", hi, what + ": 95% jackknife interval, upper end");
    labelled(name + "_n", n, what + ": draws where both are defined");
  }
  std::vector<double> used(np, 0);
  for (std::size_t p = 0; p < np; ++p) used[p] = static_cast<double>(run.results[p].draws_done);
  labelled("draws_used", used, "draws each point took");
  if (!e.precision.empty()) {
    std::vector<double> all(np, nan);
    for (std::size_t t = 0; t < e.precision.size(); ++t) {
      const PrecisionTarget& target = e.precision[t];
      std::vector<double> met(np, nan);
      for (std::size_t p = 0; p < np; ++p) {
        const auto& flags = run.results[p].targets_met;
        if (t >= flags.size()) continue;
        met[p] = flags[t];
        all[p] = std::isnan(all[p]) ? flags[t] : std::min<double>(all[p], flags[t]);
      }
      std::ostringstream what;
      what << (target.ratio ? "ratio " : "metric ") << target.name << ": 1 where its 95% "
           << "half-width reached " << (target.abs > 0 ? target.abs : target.rel)
           << (target.abs > 0 ? "" : " x |estimate|");
      labelled("precision_met_" + target.name, met, what.str());
    }
    labelled("precision_met", all, "1 where every precision target was met");
  }
}

void read_point_stats(hid_t point, PointRecord& r, bool with_short) {
  const auto load = [&](const std::string& name) {
    std::vector<QuantileSketch> out;
    if (!exists(point, name)) return out;
    Hid g = open_group(point, name);
    for (const auto& m : r.metrics) out.push_back(decode(read<std::int64_t>(g, m), name + "/" + m));
    return out;
  };
  if (!exists(point, "sketch") && r.blocks_done() > 0)
    throw std::runtime_error(
        "this results file has no quantile sketches (format_version 1): resume it with the "
        "fairmc that wrote it, or run the experiment afresh");
  r.sketch = load("sketch");
  if (with_short) r.sketch_short = load("sketch_short");
  if (has_attr(point, "precision_limit")) {
    r.limit = read_attr<std::int64_t>(point, "precision_limit");
    r.limit_final = read_attr<std::int64_t>(point, "precision_final") != 0;
    r.targets_met.clear();
    std::istringstream flags(read_string_attr(point, "targets_met"));
    for (std::string f; std::getline(flags, f, ',');) r.targets_met.push_back(f == "1" ? 1 : 0);
  }
}

void read_point_stats(const std::filesystem::path& file, std::size_t point, PointRecord& r,
                      bool with_short) {
  Hid f = open_file(file);
  Hid g = open_group(f, "points/" + std::to_string(point));
  read_point_stats(g, r, with_short);
}

std::vector<std::string> describe_fits(hid_t file, std::size_t max_lines) {
  std::vector<std::string> out;
  if (!exists(file, "summary")) return out;
  Hid g = open_group(file, "summary");
  const auto names = members(g);
  const auto has = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  for (const auto& name : names) {
    const std::string suffix = "_slope";
    if (name.rfind("fit_", 0) != 0 || name.size() <= suffix.size() + 4 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string base = name.substr(0, name.size() - suffix.size());
    const auto slope = read<double>(g, name);
    const auto sem = has(base + "_slope_sem") ? read<double>(g, base + "_slope_sem")
                                              : std::vector<double>(slope.size(), nan);
    const auto chi2 = has(base + "_chi2_dof") ? read<double>(g, base + "_chi2_dof")
                                              : std::vector<double>(slope.size(), nan);
    Hid d = open_dataset(g, name);
    const std::string what = has_attr(d, "long_name") ? read_string_attr(d, "long_name") : name;
    for (std::size_t i = 0; i < slope.size(); ++i) {
      if (out.size() >= max_lines) {
        out.push_back("... more fits in /summary");
        return out;
      }
      std::ostringstream o;
      o << std::setprecision(4) << "fit " << base.substr(4)
        << (slope.size() > 1 ? " [" + std::to_string(i) + "]" : "") << ": slope " << slope[i]
        << " ± " << sem[i] << " (1 sem), chi2/dof " << chi2[i];
      if (i == 0) o << "  (" << what << ")";
      out.push_back(o.str());
    }
  }
  return out;
}

std::vector<std::string> describe_fits(const std::filesystem::path& file) {
  Hid f = open_file(file);
  return describe_fits(f);
}

std::string describe_point_stats(hid_t point) {
  std::ostringstream o;
  o << std::setprecision(6);
  if (exists(point, "ratio_names")) {
    Hid g = open_group(point, "ratios");
    for (const auto& name : read_strings(point, "ratio_names")) {
      Hid d = open_dataset(g, name);
      const auto row = read<double>(g, name);
      if (row.size() < 7) continue;
      const std::string num = read_string_attr(d, "num"), den = read_string_attr(d, "den");
      o << "    " << std::left << std::setw(28) << name << std::right << " ratio ";
      if (std::isnan(row[1]))  // as run's closing lines (point_report ratio_text): no "-nan ± -nan"
        o << std::setw(12) << "undefined"
          << "  (E[" << num << "]/E[" << den << "] is not a number, e.g. 0/0)  n " << row[0]
          << "\n";
      else if (std::isinf(row[4]) || std::isinf(row[5]))
        o << std::setw(12) << row[1] << "  no bounded 95% interval (E[" << den
          << "] not distinguishable from 0; E[" << num << "]/E[" << den << "])  n " << row[0]
          << "\n";
      else
        o << std::setw(12) << row[3] << "  ± " << std::setw(10) << (row[5] - row[4]) / 2
          << " (95% jackknife, E[" << num << "]/E[" << den << "])  n " << row[0] << "\n";
    }
  }
  if (exists(point, "stats") && exists(point, "sketch")) {
    Hid stats = open_group(point, "stats");
    for (const auto& m : read_strings(point, "metrics")) {
      Hid d = open_dataset(stats, m);
      // NaN draws are no warning, but a mean over fewer draws than were made must say so.
      const auto row = read<double>(stats, m);
      if (row.size() > 15 && row[13] > 0) {
        o << "    undefined: metric " << m << ": " << row[13] << " of "
          << row[0] + row[13] + row[14] + row[15] << " draws NaN (not defined), left out of n";
        if (row[0] == 0) o << "; no finite draw, so mean, sd and interval are undefined";
        o << "\n";
      }
      if (has_attr(d, "warning"))
        o << "    warning: metric " << m << ": " << read_string_attr(d, "warning") << "\n";
    }
  }
  return o.str();
}

}  // namespace fairmc
