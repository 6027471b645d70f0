#include "engine/config_defaults.hpp"

#include <map>
#include <set>

namespace fairmc {

std::string defaults_text(const RunRecord& run) {
  // key -> point -> value
  std::map<std::string, std::map<std::size_t, std::string>> by_key;
  for (std::size_t p = 0; p < run.results.size(); ++p)
    for (const auto& [key, value] : run.results[p].defaults) by_key[key][p] = value;
  std::string out;
  for (const auto& [key, points] : by_key) {
    std::set<std::string> values;
    for (const auto& [p, v] : points) values.insert(v);
    out += key + ": ";
    if (values.size() == 1) {
      out += *values.begin();
    } else {
      std::string sep = "{";
      for (const auto& [p, v] : points) {
        out += sep + std::to_string(p) + ": " + v;
        sep = ", ";
      }
      out += "}";
    }
    out += "\n";
  }
  return out;
}

}  // namespace fairmc
