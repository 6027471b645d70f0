#include "engine/results_csv.hpp"

#include "engine/h5io.hpp"
#include "engine/results_file.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

namespace fairmc {

namespace {

using namespace h5;

std::string number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string quoted(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A dataset's values as text: strings as stored, numbers formatted.
std::vector<std::string> cells(hid_t group, const std::string& name) {
  Hid d = open_dataset(group, name);
  Hid type(H5Dget_type(d), H5Tclose, "dataset type of " + name);
  std::vector<std::string> out;
  if (H5Tget_class(type) == H5T_STRING) {
    for (const auto& s : read_strings(group, name)) out.push_back(quoted(s));
  } else {
    for (const double v : read<double>(group, name)) out.push_back(number(v));
  }
  return out;
}

}  // namespace

std::string results_csv(const std::filesystem::path& path) {
  read_results(path);  // checks every checksum, and the format and version
  Hid file = open_file(path);
  Hid sweep = open_group(file, "sweep");
  std::vector<std::string> axes;
  {
    std::istringstream list(read_string_attr(sweep, "axes"));
    for (std::string a; std::getline(list, a, ',');)
      if (!a.empty()) axes.push_back(a);
  }
  Hid status_d = open_dataset(sweep, "status");
  const std::vector<hsize_t> shape = dims_of(status_d);
  const auto status = read_strings(sweep, "status");
  const std::size_t points = status.size();

  std::vector<std::string> header{"point"};
  std::vector<std::vector<std::string>> columns;  // per column, one cell per point
  // Swept keys: their values along their axis, repeated over the other axes (row-major order).
  std::vector<std::string> keys;
  for (const auto& name : members(sweep))
    if (name != "status" && name != "error") keys.push_back(name);
  for (const auto& key : keys) {
    Hid d = open_dataset(sweep, key);
    const std::string axis = read_string_attr(d, "axis");
    std::size_t a = 0;
    while (a < axes.size() && axes[a] != axis) ++a;
    const auto values = cells(sweep, key);
    std::vector<std::string> column(points);
    for (std::size_t p = 0; p < points; ++p) {
      std::size_t rest = p, coord = 0;
      for (std::size_t b = shape.size(); b-- > 0;) {
        if (b == a) coord = rest % shape[b];
        rest /= shape[b];
      }
      column[p] = coord < values.size() ? values[coord] : "";
    }
    header.push_back(quoted(key));
    columns.push_back(std::move(column));
  }
  header.push_back("status");
  std::vector<std::string> status_cells;
  for (const auto& s : status) status_cells.push_back(quoted(s));
  columns.push_back(std::move(status_cells));
  // /summary: every variable with the sweep's shape that is not a coordinate.
  Hid summary = open_group(file, "summary");
  for (const auto& name : members(summary)) {
    if (name == "zip" || name == "status" ||
        std::find(keys.begin(), keys.end(), name) != keys.end())
      continue;
    Hid d = open_dataset(summary, name);
    if (dims_of(d) != shape) continue;  // fits (one axis fewer)
    header.push_back(quoted(name));
    columns.push_back(cells(summary, name));
  }
  std::ostringstream o;
  for (std::size_t c = 0; c < header.size(); ++c) o << (c ? "," : "") << header[c];
  o << "\n";
  for (std::size_t p = 0; p < points; ++p) {
    o << p;
    for (const auto& column : columns) o << "," << (p < column.size() ? column[p] : "");
    o << "\n";
  }
  return o.str();
}

}  // namespace fairmc
