#include "engine/cf_attributes.hpp"

#include "engine/h5io.hpp"
#include "engine/metric.hpp"
#include "engine/point_report.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace fairmc {
using namespace h5;

namespace {

// Attributes written earlier (long_name by results_file) are replaced.
void set_attr(hid_t obj, const std::string& name, const std::string& value) {
  if (has_attr(obj, name)) check(H5Adelete(obj, name.c_str()), "delete attribute " + name);
  attr(obj, name, value);
}

// The datasets of `group` in creation order; names in `known` are taken to be datasets without
// reading their object headers.
std::vector<std::string> dataset_names(hid_t group, const std::unordered_set<std::string>& known) {
  struct Listing {
    const std::unordered_set<std::string>* known;
    std::vector<std::string> names;
  } listing{&known, {}};
  hsize_t at = 0;
  check(H5Literate(
            group, H5_INDEX_CRT_ORDER, H5_ITER_INC, &at,
            [](hid_t g, const char* name, const H5L_info_t*, void* data) -> herr_t {
              auto& l = *static_cast<Listing*>(data);
              if (l.known->contains(name)) {
                l.names.emplace_back(name);
                return 0;
              }
              H5O_info_t info;
              if (H5Oget_info_by_name2(g, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return -1;
              if (info.type == H5O_TYPE_DATASET) l.names.emplace_back(name);
              return 0;
            },
            &listing),
        "list " + name_of(group));
  return std::move(listing.names);
}

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Whether `scale` is attached to one of d's dimensions.
bool along(hid_t d, hid_t scale) {
  const auto rank = static_cast<unsigned>(dims_of(d).size());
  for (unsigned i = 0; i < rank; ++i) {
    const htri_t attached = H5DSis_attached(d, scale, i);
    check(attached < 0 ? -1 : 0, "check the dimension scales of " + name_of(d));
    if (attached > 0) return true;
  }
  return false;
}

// The units of a metric's statistic `suffix` ("" for the mean, "_sem", ...) when the metric's
// values are in `unit`: statistics on the values' scale keep it, tallies of draws are "count",
// shares, z-scores and flags are "1". A suffix this list does not know gets "1".
std::string statistic_units(const std::string& suffix, const std::string& unit) {
  if (suffix.empty()) return unit;
  for (const char* s : {"_sem", "_sd", "_ci_lo", "_ci_hi", "_min", "_max"})
    if (suffix == s) return unit;
  for (const char* q : kQuantileNames)
    if (suffix == std::string("_") + q) return unit;
  for (const char* s : {"_n", "_undefined", "_inf", "_half_variance"})
    if (suffix == s) return "count";
  return "1";
}

// num / den as a UDUNITS string: "1" when the units cancel.
std::string ratio_units(const std::string& num, const std::string& den) {
  if (num == den) return "1";
  if (den == "1") return num;
  const auto wrap = [](const std::string& u) {
    return u.find_first_of(" /.*^") == std::string::npos ? u : "(" + u + ")";
  };
  return wrap(num) + "/" + wrap(den);
}

// The declared unit of `name` ("1" when the scenario declares none) and its long_name stem: its
// description, or for a metric a template describes (fast_flow_<scf>) that description with the
// metric's name ("" when the scenario describes neither).
std::pair<std::string, std::string> unit_and_stem(const std::vector<Described>& info,
                                                  const std::string& name) {
  const Described* d = find_described(info, name);
  if (d == nullptr) return {"1", ""};
  std::string stem = d->help.empty() ? "" : d->name == name ? d->help : d->help + " (" + name + ")";
  return {d->unit.empty() ? "1" : d->unit, std::move(stem)};
}

}  // namespace

CfLabels::CfLabels(const RunRecord& run) : run_(run) {
  for (auto& m : run.metric_names()) {
    metric_.emplace(m, unit_and_stem(run.metric_info, m));
    metrics_.insert(std::move(m));
  }
  for (auto& c : run.constant_names()) constants_.insert(std::move(c));
  for (const auto& r : run.results)
    for (const RatioSpec& spec : r.ratios)
      if (std::none_of(ratios_.begin(), ratios_.end(),
                       [&](const RatioSpec* q) { return *q == spec; }))
        ratios_.push_back(&spec);
  std::vector<std::string> zip_keys;
  for (const Axis& a : run.experiment.axes)
    if (a.name == "zip") zip_keys.insert(zip_keys.end(), a.keys.begin(), a.keys.end());
  zip_coordinates_ = joined(zip_keys, " ");
}

std::string CfLabels::metric_of(const std::string& var) const {
  // The longest candidate first: the name itself, then each prefix that ends before a '_'.
  if (metrics_.contains(var)) return var;
  for (std::size_t at = var.rfind('_'); at != std::string::npos && at > 0;
       at = var.rfind('_', at - 1)) {
    std::string prefix = var.substr(0, at);
    if (metrics_.contains(prefix)) return prefix;
  }
  return "";
}

const std::string& CfLabels::description(const std::string& m) const {
  static const std::string none;
  const auto it = metric_.find(m);
  return it == metric_.end() ? none : it->second.second;
}

std::string CfLabels::units(const std::string& var) const {
  const auto unit_of = [&](const std::string& name) {
    const auto it = metric_.find(name);
    return it != metric_.end() ? it->second.first : unit_and_stem(run_.metric_info, name).first;
  };
  for (const RatioSpec* spec : ratios_) {
    if (var.rfind(spec->name, 0) != 0) continue;
    const std::string suffix = var.substr(spec->name.size());
    if (suffix == "_n") return "count";
    for (const char* s : {"", "_sem", "_bias_corrected", "_ci_lo", "_ci_hi"})
      if (suffix == s) return ratio_units(unit_of(spec->num), unit_of(spec->den));
  }
  // fit_<M>_vs_<K>_...: a line through log(mean) is dimensionless; otherwise the intercept and
  // the slope (per unit of the key, which has none) are in M's units.
  for (const Fit& f : run_.experiment.fits) {
    const std::string base = "fit_" + f.metric + "_vs_" + f.against + "_";
    if (var.rfind(base, 0) != 0) continue;
    const std::string part = var.substr(base.size());
    if (part == "chi2_dof" || f.log) return "1";
    if (part == "slope" || part == "slope_sem" || part == "intercept") return unit_of(f.metric);
  }
  const std::string m = metric_of(var);
  if (m.empty()) return "";
  return statistic_units(var.substr(m.size()), unit_of(m));
}

void CfLabels::label(hid_t d, const std::string& name, const std::string& long_name,
                     bool along_zip) const {
  // write_cf_attributes' order: coordinates, units, then long_name when it is replaced by the
  // described one (an attribute deleted and written again comes last).
  const bool is_constant = constant(name);
  const std::string m = is_constant ? "" : metric_of(name);
  const std::string& stem = description(m);
  const bool described = !m.empty() && !stem.empty() && long_name.size() >= m.size() + 2 &&
                         long_name.compare(0, m.size() + 2, m + ": ") == 0;
  if (!described) attr(d, "long_name", long_name);
  if (along_zip && !zip_coordinates_.empty()) attr(d, "coordinates", zip_coordinates_);
  const std::string u = is_constant ? "" : units(name);
  attr(d, "units", u.empty() ? "1" : u);
  if (described) attr(d, "long_name", stem + ": " + long_name.substr(m.size() + 2));
}

void write_cf_attributes(hid_t g, const RunRecord& run, const CfLabels& labels,
                         const std::unordered_set<std::string>& labelled) {
  const Experiment& e = run.experiment;
  std::vector<hsize_t> dims;
  for (const auto s : e.shape()) dims.push_back(s);

  // Point status over the sweep dimensions, as CF flags (the PointStatus codes).
  std::vector<std::int64_t> status;
  for (const auto& r : run.results)
    status.push_back(static_cast<std::int64_t>(r.status(e.block_count())));
  {
    Hid d = write<std::int64_t>(g, "status", dims, status.data());
    for (std::size_t a = 0; a < e.axes.size(); ++a) {
      const std::string scale = e.axes[a].name;
      attach_scale(d, open_dataset(g, scale), static_cast<unsigned>(a));
    }
    attr(d, "long_name", "status of the sweep point");
    const std::int64_t values[] = {0, 1, 2, 3};
    const hsize_t n = 4;
    Hid s(H5Screate_simple(1, &n, nullptr), H5Sclose, "create dataspace");
    Hid a(H5Acreate2(d, "flag_values", H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
          "create attribute flag_values");
    check(H5Awrite(a, H5T_NATIVE_INT64, values), "write attribute flag_values");
    attr(d, "flag_meanings", "pending partial complete failed");
  }

  // Group attributes (CF-1.8 section 2.6.2).
  set_attr(g, "Conventions", "CF-1.8");
  set_attr(g, "title", e.description.empty() ? e.name : e.name + ": " + e.description);
  std::vector<std::string> lines;
  for (const RunEntry& h : run.history) {
    RunEntry stamped = h;
    if (h.running) {
      stamped.end_utc = utc_now();
      stamped.wall_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - h.started).count();
    }
    lines.push_back(history_line(stamped));
  }
  set_attr(g, "history", joined(lines, "\n"));
  set_attr(g, "source", "fairmc " + build_id());
  set_attr(g, "references", run.paper);
  set_attr(g, "comment", e.claim);

  // Variables.
  std::unordered_set<std::string> coords;
  for (const Axis& a : e.axes) {
    coords.insert(a.name);
    if (a.name == "zip")
      for (const auto& k : a.keys) coords.insert(k);
  }
  const bool zip = !labels.zip_coordinates().empty();
  const Hid zip_scale = zip ? open_dataset(g, "zip") : Hid{};
  const auto names = dataset_names(g, labelled);
  const std::unordered_set<std::string> present(names.begin(), names.end());
  for (const auto& name : names) {
    const bool done = labelled.contains(name);
    // A labelled variable still needs its ancillary variables, which exist only now; only a
    // metric's mean has them.
    if (done && labels.metric_of(name) != name) continue;
    Hid d = open_dataset(g, name);
    if (!done) {
      if (coords.contains(name)) {
        if (!has_attr(d, "long_name"))
          set_attr(d, "long_name",
                   name == "zip" ? "index along the zipped keys" : "sweep key " + name);
        continue;
      }
      // Every variable along the zip dimension, fits over the other axes included, names the
      // zipped keys as its auxiliary coordinates (CF-1.8 section 5).
      if (zip && along(d, zip_scale)) set_attr(d, "coordinates", labels.zip_coordinates());
      if (name == "status") continue;
      // Constants and engine variables (draws_used, precision_met...) declare no units.
      const bool constant = labels.constant(name);
      const std::string units = constant ? "" : labels.units(name);
      set_attr(d, "units", units.empty() ? "1" : units);
      if (constant) continue;
    }
    const std::string m = labels.metric_of(name);
    if (m.empty()) continue;
    const std::string& described = labels.description(m);
    if (!done && !described.empty() && has_attr(d, "long_name")) {
      // "max: standard error of the mean" -> "largest of the n values: standard error ..."
      const std::string old = read_string_attr(d, "long_name");
      if (old.rfind(m + ": ", 0) == 0)
        set_attr(d, "long_name", described + ": " + old.substr(m.size() + 2));
    }
    if (name == m) {
      std::vector<std::string> anc;
      for (const char* suffix : {"_sem", "_sd", "_ci_lo", "_ci_hi", "_n"})
        if (present.contains(m + suffix)) anc.push_back(m + suffix);
      if (!anc.empty()) set_attr(d, "ancillary_variables", joined(anc, " "));
    }
  }
}

}  // namespace fairmc
