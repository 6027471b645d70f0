#include "engine/cf_attributes.hpp"

#include "engine/h5io.hpp"

#include <hdf5_hl.h>

#include <algorithm>
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

std::vector<std::string> dataset_names(hid_t group) {
  std::vector<std::string> names;
  hsize_t at = 0;
  check(H5Literate(
            group, H5_INDEX_CRT_ORDER, H5_ITER_INC, &at,
            [](hid_t g, const char* name, const H5L_info_t*, void* data) -> herr_t {
              H5O_info_t info;
              if (H5Oget_info_by_name2(g, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return -1;
              if (info.type == H5O_TYPE_DATASET)
                static_cast<std::vector<std::string>*>(data)->emplace_back(name);
              return 0;
            },
            &names),
        "list " + name_of(group));
  return names;
}

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// The metric a /summary variable describes: the longest metric name that is the variable's
// name or a prefix of it followed by '_'.
std::string metric_of(const std::string& var, const std::vector<std::string>& metrics) {
  std::string best;
  for (const auto& m : metrics)
    if ((var == m || var.rfind(m + "_", 0) == 0) && m.size() > best.size()) best = m;
  return best;
}

// Whether `name` instantiates the template `pattern`, each <placeholder> of which stands for
// one or more characters ("fast_flow_<scf>" and fast_flow_utilitarian).
bool instantiates(std::string_view name, std::string_view pattern) {
  const auto open = pattern.find('<');
  const auto close = pattern.find('>', open);
  if (open == std::string_view::npos || close == std::string_view::npos) return name == pattern;
  if (name.substr(0, open) != pattern.substr(0, open)) return false;
  const auto rest = pattern.substr(close + 1);
  for (std::size_t end = open + 1; end <= name.size(); ++end)
    if (instantiates(name.substr(end), rest)) return true;
  return false;
}

// The characters of a template outside its <placeholders>: how specific it is.
std::size_t literal_length(std::string_view pattern) {
  std::size_t n = 0;
  bool inside = false;
  for (const char c : pattern) {
    if (c == '<' || c == '>')
      inside = c == '<';
    else if (!inside)
      ++n;
  }
  return n;
}

// The long_name stem of metric m: its description, or for a metric a template describes
// (fast_flow_<scf>) that description with the metric's name; of several templates the most
// specific (the most literal text) wins. Empty when the scenario describes neither.
std::string description_of(const std::string& m,
                           const std::vector<std::pair<std::string, std::string>>& help) {
  const std::pair<std::string, std::string>* best = nullptr;
  for (const auto& h : help) {
    if (h.second.empty()) continue;
    if (h.first == m) return h.second;
    if (instantiates(m, h.first) &&
        (!best || literal_length(h.first) > literal_length(best->first)))
      best = &h;
  }
  return best ? best->second + " (" + m + ")" : "";
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

}  // namespace

void write_cf_attributes(hid_t g, const RunRecord& run) {
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
  std::vector<std::string> coords, zip_keys;
  for (const Axis& a : e.axes) {
    coords.push_back(a.name);
    if (a.name == "zip")
      for (const auto& k : a.keys) coords.push_back(k), zip_keys.push_back(k);
  }
  const Hid zip_scale = zip_keys.empty() ? Hid{} : open_dataset(g, "zip");
  const auto metrics = run.metric_names();
  const auto constants = run.constant_names();
  const auto names = dataset_names(g);
  const auto has = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  for (const auto& name : names) {
    Hid d = open_dataset(g, name);
    if (std::find(coords.begin(), coords.end(), name) != coords.end()) {
      if (!has_attr(d, "long_name"))
        set_attr(d, "long_name",
                 name == "zip" ? "index along the zipped keys" : "sweep key " + name);
      continue;
    }
    // Every variable along the zip dimension, fits over the other axes included, names the
    // zipped keys as its auxiliary coordinates (CF-1.8 section 5).
    if (!zip_keys.empty() && along(d, zip_scale)) set_attr(d, "coordinates", joined(zip_keys, " "));
    if (name == "status") continue;
    set_attr(d, "units", "1");  // metrics carry no units yet: dimensionless
    if (std::find(constants.begin(), constants.end(), name) != constants.end()) continue;
    const std::string m = metric_of(name, metrics);
    if (m.empty()) continue;
    const std::string described = description_of(m, run.metric_help);
    if (!described.empty() && has_attr(d, "long_name")) {
      // "max: standard error of the mean" -> "largest of the n values: standard error ..."
      const std::string old = read_string_attr(d, "long_name");
      if (old.rfind(m + ": ", 0) == 0)
        set_attr(d, "long_name", described + ": " + old.substr(m.size() + 2));
    }
    if (name == m) {
      std::vector<std::string> anc;
      for (const char* suffix : {"_sem", "_sd", "_ci_lo", "_ci_hi", "_n"})
        if (has(m + suffix)) anc.push_back(m + suffix);
      if (!anc.empty()) set_attr(d, "ancillary_variables", joined(anc, " "));
    }
  }
}

}  // namespace fairmc
