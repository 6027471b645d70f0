#include "engine/results_json.hpp"

#include "engine/h5io.hpp"
#include "engine/results_file.hpp"

#include <hdf5.h>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace fairmc {

namespace {

using namespace h5;

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, sep);)
    if (!item.empty()) out.push_back(item);
  return out;
}

H5T_class_t class_of(hid_t group, const std::string& name) {
  Hid d = open_dataset(group, name);
  Hid type(H5Dget_type(d), H5Tclose, "dataset type of " + name);
  return H5Tget_class(type);
}

// A 1-D dataset read whole: strings, integers or doubles as stored.
struct Column {
  H5T_class_t cls = H5T_FLOAT;
  std::vector<std::string> strings;
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;

  Column(hid_t group, const std::string& name) : cls(class_of(group, name)) {
    if (cls == H5T_STRING)
      strings = read_strings(group, name);
    else if (cls == H5T_INTEGER)
      ints = read<std::int64_t>(group, name);
    else
      doubles = read<double>(group, name);
  }
  std::size_t size() const {
    return cls == H5T_STRING ? strings.size() : cls == H5T_INTEGER ? ints.size() : doubles.size();
  }
  void write(JsonWriter& w, std::size_t i) const {
    if (i >= size()) throw std::runtime_error("damaged: a column is shorter than the sweep");
    if (cls == H5T_STRING)
      w.value(strings[i]);
    else if (cls == H5T_INTEGER)
      w.value(ints[i]);
    else
      w.value(doubles[i]);
  }
};

// Every attribute of `obj` in creation order: strings, doubles (named in "nonfinite" when not
// finite) and the rest as int64, which is how results files store counts.
void write_attributes(JsonWriter& w, hid_t obj) {
  std::vector<std::string> names;
  std::vector<double> doubles;
  for (const auto& [name, kind] : attributes(obj)) {
    if (kind == AttrKind::string)
      w.key(name).value(read_string_attr(obj, name));
    else if (kind == AttrKind::floating) {
      names.push_back(name);
      doubles.push_back(read_attr<double>(obj, name));
    } else
      w.key(name).value(read_attr<std::int64_t>(obj, name));
  }
  w.fields(names, doubles);
}

// Point p's coordinate along each axis (row-major, the last axis fastest).
std::vector<std::size_t> coords_of(std::size_t p, const std::vector<hsize_t>& shape) {
  std::vector<std::size_t> c(shape.size());
  for (std::size_t b = shape.size(); b-- > 0;) {
    c[b] = p % shape[b];
    p /= shape[b];
  }
  return c;
}

void write_provenance(JsonWriter& w, hid_t file, const StoredRun& stored) {
  w.key("provenance").begin_object();
  for (const char* s : {"fairmc_version", "git_sha", "created_utc", "updated_utc", "command_line"})
    if (has_attr(file, s)) w.key(s).value(read_string_attr(file, s));
  if (has_attr(file, "git_dirty"))
    w.key("git_dirty").value(read_attr<std::int64_t>(file, "git_dirty"));
  w.key("experiment_file").value(stored.experiment_file);
  w.key("config_hash").value(stored.config_hash);
  w.key("history").begin_array();
  for (const RunEntry& e : stored.history) {
    w.begin_object();
    w.key("kind").value(e.kind).key("command_line").value(e.command_line);
    w.key("overrides").value(e.overrides).key("fairmc_version").value(e.fairmc_version);
    w.key("git_sha").value(e.git_sha).key("git_dirty").value(e.git_dirty);
    w.key("start_utc").value(e.start_utc).key("end_utc").value(e.end_utc);
    const std::vector<std::string> wall{"wall_seconds"};
    w.fields(wall, std::vector<double>{e.wall_seconds});
    w.key("host").value(e.host).key("threads").value(e.threads).key("ranks").value(e.ranks);
    w.key("libraries").value(e.libraries).key("note").value(e.note);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

// A stats or ratios row of /points/<p>: its field names and values, refused when they disagree.
std::pair<std::vector<std::string>, std::vector<double>> stored_row(hid_t parent, hid_t d,
                                                                    const std::string& where,
                                                                    const std::string& name) {
  auto fields = split(read_string_attr(d, "fields"), ',');
  auto values = read<double>(parent, name);
  if (fields.size() != values.size())
    throw std::runtime_error("damaged: " + where + name + " has " + std::to_string(values.size()) +
                             " values for " + std::to_string(fields.size()) + " fields");
  return {std::move(fields), std::move(values)};
}

void write_points(JsonWriter& w, hid_t file, const std::vector<std::string>& keys,
                  const std::vector<Column>& key_values, const std::vector<std::size_t>& key_axis,
                  const std::vector<hsize_t>& shape) {
  Hid pts = open_group(file, "points");
  w.key("points").begin_array();
  for (std::size_t p = 0; exists(pts, std::to_string(p)); ++p) {
    Hid g = open_group(pts, std::to_string(p));
    w.begin_object().key("point").value(p);
    const auto coords = coords_of(p, shape);
    w.key("keys").begin_object();
    for (std::size_t k = 0; k < keys.size(); ++k) {
      w.key(keys[k]);
      key_values[k].write(w, key_axis[k] < coords.size() ? coords[key_axis[k]] : 0);
    }
    w.end_object();
    w.key("status").value(read_string_attr(g, "status"));
    w.key("error").value(read_string_attr(g, "error"));
    // The rest of the point's attributes: stream_key, draws_used, precision bookkeeping (numbers)
    // and the constants (doubles); swept keys' texts are left out (typed in "keys").
    std::vector<std::string> constant_names;
    std::vector<double> constants;
    for (const auto& [name, kind] : attributes(g)) {
      if (kind == AttrKind::floating) {
        constant_names.push_back(name);
        constants.push_back(read_attr<double>(g, name));
      } else if (kind == AttrKind::other) {
        if (name == "stream_key")
          w.key(name).value(read_attr<std::uint64_t>(g, name));
        else
          w.key(name).value(read_attr<std::int64_t>(g, name));
      } else if (name == "targets_met") {
        w.key(name).value(read_string_attr(g, name));
      }
    }
    w.key("constants").begin_object().fields(constant_names, constants).end_object();
    w.key("metrics").begin_object();
    Hid stats = open_group(g, "stats");
    for (const auto& m : read_strings(g, "metrics")) {
      Hid d = open_dataset(stats, m);
      const auto [fields, values] =
          stored_row(stats, d, "/points/" + std::to_string(p) + "/stats/", m);
      w.key(m).begin_object().fields(fields, values);
      if (has_attr(d, "quantiles")) w.key("quantiles").value(read_string_attr(d, "quantiles"));
      if (has_attr(d, "warning")) w.key("warning").value(read_string_attr(d, "warning"));
      w.end_object();
    }
    w.end_object();
    w.key("ratios").begin_object();
    if (exists(g, "ratio_names")) {
      Hid ratios = open_group(g, "ratios");
      for (const auto& r : read_strings(g, "ratio_names")) {
        Hid d = open_dataset(ratios, r);
        const auto [fields, values] =
            stored_row(ratios, d, "/points/" + std::to_string(p) + "/ratios/", r);
        w.key(r).begin_object();
        w.key("num").value(read_string_attr(d, "num")).key("den").value(read_string_attr(d, "den"));
        w.fields(fields, values).end_object();
      }
    }
    w.end_object();
    w.end_object();
  }
  w.end_array();
}

// /summary variables without the sweep's shape: the fits (one axis fewer), row-major.
void write_fits(JsonWriter& w, hid_t file, const std::vector<hsize_t>& shape) {
  w.key("fits").begin_array();
  Hid summary = open_group(file, "summary");
  for (const auto& name : members(summary)) {
    if (name.rfind("fit_", 0) != 0) continue;
    Hid d = open_dataset(summary, name);
    const auto dims = dims_of(d);
    if (dims == shape) continue;  // a metric named fit_...; a fit lacks one axis
    const auto values = read<double>(summary, name);
    w.begin_object().key("name").value(name);
    w.key("shape").begin_array();
    for (const auto n : dims) w.value(static_cast<std::uint64_t>(n));
    w.end_array().key("values").begin_array();
    for (const double v : values) w.value(v);
    w.end_array();
    std::vector<std::string> where;
    std::vector<double> which;
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!std::isfinite(values[i])) {
        where.push_back(std::to_string(i));
        which.push_back(values[i]);
      }
    if (!where.empty()) {
      // "nonfinite": {index: "nan"|"inf"|"-inf"}; the values were counted already.
      w.key("nonfinite").begin_object();
      for (std::size_t i = 0; i < where.size(); ++i)
        w.key(where[i]).value(std::isnan(which[i]) ? "nan" : which[i] > 0 ? "inf" : "-inf");
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();
}

void write_checks(JsonWriter& w, hid_t file) {
  w.key("checks");
  if (!exists(file, "checks")) {
    w.null();
    return;
  }
  Hid top = open_group(file, "checks");
  w.begin_object();
  write_attributes(w, top);
  w.key("checks").begin_array();
  for (const auto& name : members(top)) {
    Hid g = open_group(top, name);
    w.begin_object().key("name").value(name);
    write_attributes(w, g);
    // The per-point datasets, one object per selected point.
    std::vector<std::string> columns;
    for (const auto& c : members(g)) columns.push_back(c);
    std::vector<Column> data;
    for (const auto& c : columns) data.emplace_back(g, c);
    const std::size_t rows = data.empty() ? 0 : data.front().size();
    w.key("points").begin_array();
    for (std::size_t r = 0; r < rows; ++r) {
      w.begin_object();
      std::vector<std::string> names;
      std::vector<double> doubles;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        if (data[c].cls == H5T_FLOAT) {
          if (r >= data[c].doubles.size()) throw std::runtime_error("damaged: /checks/" + name);
          names.push_back(columns[c]);
          doubles.push_back(data[c].doubles[r]);
        } else {
          w.key(columns[c]);
          data[c].write(w, r);
        }
      }
      w.fields(names, doubles).end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
}

}  // namespace

void write_results_members(JsonWriter& w, const std::filesystem::path& path) {
  const StoredRun stored = read_results(path);  // checks every checksum, the format and version
  try {
    Hid file = open_file(path);
    w.key("file").value(path.string());
    w.key("format_version").value(read_attr<std::int64_t>(file, "format_version"));
    w.key("experiment").begin_object();
    w.key("name").value(read_string_attr(file, "experiment"));
    w.key("scenario").value(read_string_attr(file, "scenario"));
    for (const char* s : {"description", "claim"})
      if (has_attr(file, s)) w.key(s).value(read_string_attr(file, s));
    w.key("seed").value(read_attr<std::uint64_t>(file, "seed"));
    w.key("draws").value(read_attr<std::int64_t>(file, "draws"));
    w.key("block").value(read_attr<std::int64_t>(file, "block"));
    w.key("complete").value(read_attr<std::int64_t>(file, "complete") != 0);
    if (has_attr(file, "points_failed"))
      w.key("points_failed").value(read_attr<std::int64_t>(file, "points_failed"));
    w.key("resolved").value(stored.config_text);
    w.end_object();
    write_provenance(w, file, stored);

    Hid sweep = open_group(file, "sweep");
    const auto axes = split(read_string_attr(sweep, "axes"), ',');
    const std::vector<hsize_t> shape = dims_of(open_dataset(sweep, "status"));
    std::vector<std::string> keys;
    std::vector<Column> key_values;
    std::vector<std::size_t> key_axis;
    for (const auto& name : members(sweep)) {
      if (name == "status" || name == "error") continue;
      Hid d = open_dataset(sweep, name);
      const std::string axis = read_string_attr(d, "axis");
      std::size_t a = 0;
      while (a < axes.size() && axes[a] != axis) ++a;
      keys.push_back(name);
      key_values.emplace_back(sweep, name);
      key_axis.push_back(a);
    }
    w.key("sweep").begin_object();
    w.key("axes").begin_array();
    for (const auto& a : axes) w.value(a);
    w.end_array().key("shape").begin_array();
    for (const auto n : shape) w.value(static_cast<std::uint64_t>(n));
    w.end_array().key("keys").begin_array();
    for (std::size_t k = 0; k < keys.size(); ++k) {
      w.begin_object().key("key").value(keys[k]);
      w.key("axis").value(key_axis[k] < axes.size() ? axes[key_axis[k]] : "");
      w.key("values").begin_array();
      for (std::size_t i = 0; i < key_values[k].size(); ++i) key_values[k].write(w, i);
      w.end_array().end_object();
    }
    w.end_array().end_object();
    write_points(w, file, keys, key_values, key_axis, shape);
    write_fits(w, file, shape);
    write_checks(w, file);
  } catch (const std::logic_error&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

void end_document(JsonWriter& w) {
  // Counted before this member is written; the counts below are themselves integers.
  const JsonWriter::NonFinite n = w.nonfinite();
  w.key("nonfinite_values").begin_object();
  w.key("nan").value(n.nan).key("inf").value(n.pos_inf).key("-inf").value(n.neg_inf);
  w.end_object().end_object();
}

std::string results_json(const std::filesystem::path& path) {
  JsonWriter w;
  w.begin_object().key("fairmc_json").value("show").key("schema_version").value(1);
  write_results_members(w, path);
  end_document(w);
  return w.str();
}

}  // namespace fairmc
