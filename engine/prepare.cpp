#include "engine/prepare.hpp"

#include <algorithm>

namespace fairmc {

const ScenarioInfo& find_scenario(const std::vector<ScenarioInfo>& catalog, const Experiment& e) {
  std::string names;
  for (const auto& s : catalog) {
    if (s.name == e.scenario) return s;
    names += (names.empty() ? "" : ", ") + s.name;
  }
  const auto it = e.marks->find("scenario");
  throw ConfigError(it != e.marks->end() ? it->second : SourceMark{e.file.string(), 0, 0},
                    "scenario", "unknown scenario '" + e.scenario + "'; expected one of " + names);
}

namespace {

std::string accepted_under(const UsageRecord& used, const std::string& prefix) {
  std::string out;
  for (const auto& c : used.children_of(prefix)) {
    if (prefix.empty() &&
        std::find(engine_keys().begin(), engine_keys().end(), c) != engine_keys().end())
      continue;
    out += (out.empty() ? "" : ", ") + c;
  }
  if (prefix.empty()) {
    for (const auto& k : engine_keys()) out += ", " + k;
  }
  return out.empty() ? "none" : out;
}

// Reports the first key under `node` that the scenario never read.
void check_used(const YAML::Node& node, const std::string& prefix, const UsageRecord& used,
                const SourceIndex& marks, const std::string& file) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string k = kv.first.Scalar();
      if (prefix.empty() &&
          std::find(engine_keys().begin(), engine_keys().end(), k) != engine_keys().end())
        continue;
      const std::string path = prefix.empty() ? k : prefix + "." + k;
      if (!used.contains(path)) {
        const auto it = marks.find(path);
        const YAML::Mark m = kv.first.Mark();
        const SourceMark where =
            it != marks.end() ? it->second : SourceMark{file, m.line + 1, m.column + 1};
        throw ConfigError(
            where, path,
            "unknown key; accepted here: " + accepted_under(used, prefix) + " (see `fairmc list`)");
      }
      check_used(kv.second, path, used, marks, file);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      if (node[i].IsMap()) check_used(node[i], prefix + "." + std::to_string(i), used, marks, file);
  }
}

}  // namespace

std::vector<PreparedPoint> prepare_points(const Experiment& e, const std::vector<Point>& points,
                                          const ScenarioInfo& scenario) {
  std::vector<PreparedPoint> out;
  out.reserve(points.size());
  for (const Point& pt : points) {
    auto used = std::make_shared<UsageRecord>();
    const Params params = make_params(pt.config, e.marks, used, SourceMark{e.file.string(), 1, 1});
    PreparedPoint pp;
    try {
      pp.model = scenario.prepare(params);
    } catch (const ConfigError&) {
      throw;
    } catch (const std::exception& ex) {
      throw ConfigError({e.file.string(), 0, 0}, "",
                        "scenario '" + scenario.name + "' rejected sweep point " +
                            std::to_string(pt.index) + ": " + ex.what());
    }
    check_used(pt.config, "", *used, *e.marks, e.file.string());
    pp.defaults = used->defaults();
    const auto names = pp.model->metrics();
    pp.model_metric_count = names.size();
    if (e.metrics.empty()) {
      pp.metrics = names;
      for (std::size_t i = 0; i < names.size(); ++i) pp.metric_slot.push_back(i);
    } else {
      for (const auto& m : e.metrics) {
        const auto it = std::find(names.begin(), names.end(), m);
        if (it == names.end()) {
          std::string all;
          for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
          const auto mk = e.marks->find("metrics");
          throw ConfigError(mk != e.marks->end() ? mk->second : SourceMark{e.file.string(), 0, 0},
                            "metrics",
                            "unknown metric '" + m + "' for scenario " + scenario.name +
                                "; expected any of " + all);
        }
        pp.metrics.push_back(m);
        pp.metric_slot.push_back(static_cast<std::size_t>(it - names.begin()));
      }
    }
    for (const auto& f : e.fits)
      if (std::find(pp.metrics.begin(), pp.metrics.end(), f.metric) == pp.metrics.end()) {
        const auto mk = e.marks->find("fits");
        throw ConfigError(mk != e.marks->end() ? mk->second : SourceMark{e.file.string(), 0, 0},
                          "fits", "fit of unknown or unrecorded metric '" + f.metric + "'");
      }
    pp.constants = pp.model->constants();
    out.push_back(std::move(pp));
  }
  return out;
}

}  // namespace fairmc
