#include "engine/grow.hpp"

#include "engine/config_input.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace fairmc {

namespace {

const char* const kRunElsewhere =
    "; to run a different experiment, run it into a new directory (-o)";

// The configuration without the parts growing may change: the sweep's values and the draws.
YAML::Node fixed_part(const YAML::Node& resolved) {
  YAML::Node copy = YAML::Clone(resolved);
  copy.remove("sweep");
  copy.remove("draws");
  return copy;
}

std::string join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

// The first key path at which a and b differ, descending through mappings; nullopt when equal.
std::optional<std::string> first_difference(const YAML::Node& a, const YAML::Node& b,
                                            const std::string& path) {
  if (a.IsMap() && b.IsMap()) {
    std::set<std::string> keys;
    for (const auto& kv : a) keys.insert(kv.first.Scalar());
    for (const auto& kv : b) keys.insert(kv.first.Scalar());
    for (const auto& k : keys) {
      const YAML::Node x = a[k], y = b[k];
      if (!x || !y) return join(path, k);
      if (auto d = first_difference(x, y, join(path, k))) return d;
    }
    return std::nullopt;
  }
  if (canonical_text(a) == canonical_text(b)) return std::nullopt;
  return path;
}

// The node at a dotted path, or an undefined node.
YAML::Node at_path(const YAML::Node& node, const std::string& path) {
  if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const auto dot = path.find('.');
  const YAML::Node next = node[path.substr(0, dot)];
  if (!next || dot == std::string::npos) return next;
  return at_path(next, path.substr(dot + 1));
}

std::string shown(const YAML::Node& n) {
  return n ? value_text(n) : std::string("unset");
}

const Axis* zip_of(const Experiment& e) {
  for (const Axis& a : e.axes)
    if (a.name == "zip") return &a;
  return nullptr;
}

const Axis* grid_axis(const Experiment& e, const std::string& key) {
  for (const Axis& a : e.axes)
    if (a.name != "zip" && a.keys.front() == key) return &a;
  return nullptr;
}

// "a, b, c"; past 20 items, the first 20 and how many more (a sweep may have 10^4 values).
std::string list_text(const std::vector<std::string>& items) {
  constexpr std::size_t shown_items = 20;
  std::string s;
  for (std::size_t i = 0; i < items.size() && i < shown_items; ++i) s += (i ? ", " : "") + items[i];
  if (items.size() > shown_items)
    s += ", ... (" + std::to_string(items.size() - shown_items) + " more)";
  return s;
}

// The value texts of one column of an axis.
std::vector<std::string> texts(const std::vector<YAML::Node>& column) {
  std::vector<std::string> out;
  for (const auto& v : column) out.push_back(value_text(v));
  return out;
}

// Position i of an axis as canonical text (one value, or the zipped combination).
std::string tuple_at(const Axis& a, std::size_t i) {
  std::string t;
  for (const auto& column : a.values) t += canonical_text(column[i]) + ";";
  return t;
}

std::string combination(const Axis& a, std::size_t i) {
  std::string t;
  for (std::size_t k = 0; k < a.keys.size(); ++k)
    t += (k ? ", " : "") + a.keys[k] + "=" + value_text(a.values[k][i]);
  return "(" + t + ")";
}

// What identifies a point across the two sweeps: its whole configuration but the draws.
std::string identity(const Point& p) {
  YAML::Node c = YAML::Clone(p.config);
  c.remove("draws");
  return canonical_text(c);
}

// "population.agents = 2, 8; sweep.zip (a, b) = (1, 2), (3, 4)".
std::string sweep_text(const Experiment& e) {
  std::string s;
  for (const Axis& a : e.axes) {
    s += s.empty() ? "" : "; ";
    if (a.name != "zip") {
      s += a.keys.front() + " = " + list_text(texts(a.values.front()));
      continue;
    }
    std::vector<std::string> combinations;
    for (std::size_t i = 0; i < a.size(); ++i) combinations.push_back(combination(a, i));
    s += "sweep.zip " + list_text(combinations);
  }
  return s.empty() ? std::string("no sweep") : s;
}

}  // namespace

Experiment load_grown(const StoredRun& stored, const std::vector<std::string>& overrides) {
  try {
    return load_stored_experiment(stored.config_text, stored.experiment_file, overrides);
  } catch (const ConfigError& err) {
    std::string sweep;
    try {
      sweep = sweep_text(load_stored_experiment(stored.config_text, stored.experiment_file, {}));
    } catch (const ConfigError&) {
      throw err;  // the stored text itself is at fault: its own error says so
    }
    throw ConfigError(
        err.where(), err.key_path(),
        err.problem() + " (growing " + stored.file.string() + ", which sweeps " + sweep + ")");
  }
}

std::size_t GrowPlan::added() const {
  return static_cast<std::size_t>(std::count(from.begin(), from.end(), new_point));
}

GrowPlan plan_grow(const StoredRun& stored, const Experiment& grown) {
  const std::string file = stored.file.string();
  const SourceMark in_file{file, 0, 0};
  const auto where = [&](const std::string& key) {
    return nearest_mark(*grown.marks, key, command_line_mark(key));
  };
  const Experiment old = load_stored_experiment(stored.config_text, stored.experiment_file, {});
  if (old.config_hash() != stored.config_hash)
    throw ConfigError(in_file, "",
                      "damaged: the stored configuration does not match its configuration hash");

  // 1. The same swept keys, grid and zip alike; or a new grid key whose values include the one
  // the stored run had (its points are then the new sweep's points at that value).
  std::vector<std::string> old_keys;
  for (const Axis& a : old.axes)
    for (const auto& k : a.keys) old_keys.push_back((a.name == "zip" ? "sweep.zip." : "") + k);
  std::vector<const Axis*> newly_swept;
  for (const Axis& a : grown.axes)
    for (const auto& k : a.keys) {
      const bool zipped = a.name == "zip";
      const Axis* before = zipped ? zip_of(old) : grid_axis(old, k);
      if (before && std::find(before->keys.begin(), before->keys.end(), k) != before->keys.end())
        continue;
      const YAML::Node fixed = at_path(old.resolved, k);
      const bool kept =
          fixed && std::any_of(a.values[0].begin(), a.values[0].end(), [&](const YAML::Node& v) {
            return canonical_text(v) == canonical_text(fixed);
          });
      if (!zipped && kept) {
        newly_swept.push_back(&a);
        continue;
      }
      const std::string swept =
          k + " is not swept " + (zipped ? "in sweep.zip " : "") + "in " + file + " (it sweeps " +
          (old_keys.empty() ? std::string("nothing") : list_text(old_keys)) + ")";
      if (zipped)
        throw ConfigError(where(k), k, swept + "; growing cannot add a zipped key" + kRunElsewhere);
      if (!fixed)
        throw ConfigError(where(k), k,
                          swept +
                              " and does not set it (the scenario's default applies), so "
                              "none of its points is a point of this sweep" +
                              kRunElsewhere);
      throw ConfigError(where(k), k,
                        swept + " and has it at " + value_text(fixed) +
                            "; a newly swept key keeps its stored value: give " + k + "=" +
                            value_text(fixed) + ",<new values>");
    }
  for (const Axis& a : old.axes)
    for (std::size_t k = 0; k < a.keys.size(); ++k) {
      const std::string& key = a.keys[k];
      const Axis* now = a.name == "zip" ? zip_of(grown) : grid_axis(grown, key);
      if (!now || std::find(now->keys.begin(), now->keys.end(), key) == now->keys.end())
        throw ConfigError(
            where(key), key,
            "growing keeps every stored value, but this sets " + key + " to one value; " + file +
                " sweeps it over " + list_text(texts(a.values[k])) + ": give " +
                (a.name == "zip" ? "sweep.zip." : "") + key + "=<these values plus the new ones>");
    }

  // 2. Nothing but the sweep and the draws may change.
  if (const auto key = first_difference(fixed_part(old.resolved), fixed_part(grown.resolved), "")) {
    const std::string k = key->empty() ? std::string("(the configuration)") : *key;
    throw ConfigError(where(k), k,
                      "growing a sweep changes only sweep values (and draws): " + k + " is " +
                          shown(at_path(old.resolved, k)) + " in " + file + ", " +
                          shown(at_path(grown.resolved, k)) + " here" + kRunElsewhere);
  }
  if (grown.draws < old.draws)
    throw ConfigError(where("draws"), "draws",
                      "growing can add draws, not remove them (" + file +
                          " has draws=" + std::to_string(old.draws) + ")");

  // 3. Every stored value (every zipped combination) is still in the sweep.
  std::string added;
  for (const Axis& a : old.axes) {
    const Axis& now = a.name == "zip" ? *zip_of(grown) : *grid_axis(grown, a.keys.front());
    // `now` may list the zipped keys in another order: compare in the stored order.
    Axis aligned{now.name, a.keys, {}};
    for (const auto& k : a.keys)
      aligned.values.push_back(now.values[static_cast<std::size_t>(
          std::find(now.keys.begin(), now.keys.end(), k) - now.keys.begin())]);
    std::set<std::string> have;
    for (std::size_t i = 0; i < aligned.size(); ++i) have.insert(tuple_at(aligned, i));
    std::set<std::string> before;
    for (std::size_t i = 0; i < a.size(); ++i) {
      before.insert(tuple_at(a, i));
      if (have.count(tuple_at(a, i))) continue;
      if (a.name == "zip") {
        std::vector<std::string> stored_combinations;
        for (std::size_t j = 0; j < a.size(); ++j) stored_combinations.push_back(combination(a, j));
        throw ConfigError(where(a.keys.front()), "sweep.zip",
                          "growing keeps every stored combination, but " + combination(a, i) +
                              " is missing; " + file + " zips " + list_text(stored_combinations) +
                              ": extend every zipped key alike (sweep.zip.<key>=<stored values, "
                              "new ones>), keeping these combinations");
      }
      throw ConfigError(where(a.keys.front()), a.keys.front(),
                        "growing keeps every stored value, but " + value_text(a.values[0][i]) +
                            " is missing; " + file + " has " + a.keys.front() + "=" +
                            list_text(texts(a.values[0])) +
                            ": give these values plus the new ones (in any order)");
    }
    std::vector<std::string> more;
    for (std::size_t i = 0; i < aligned.size(); ++i)
      if (!before.count(tuple_at(aligned, i)))
        more.push_back(a.name == "zip" ? combination(aligned, i)
                                       : value_text(aligned.values[0][i]));
    if (!more.empty())
      added += std::string(added.empty() ? "added " : "; ") +
               (a.name == "zip" ? std::string("sweep.zip") : a.name) + " = " + list_text(more);
  }

  for (const Axis* a : newly_swept) {
    const std::string fixed = canonical_text(at_path(old.resolved, a->keys.front()));
    std::vector<std::string> more;
    for (const auto& v : a->values.front())
      if (canonical_text(v) != fixed) more.push_back(value_text(v));
    added += std::string(added.empty() ? "added " : "; ") + a->keys.front() + " = " +
             list_text(more) + " (newly swept; " +
             value_text(at_path(old.resolved, a->keys.front())) + " stored)";
  }

  // 4. The points, matched by configuration (an inserted value moves the indices after it).
  const auto old_points = expand(old);
  if (old_points.size() != stored.metrics.size())
    throw ConfigError(in_file, "",
                      "damaged: " + std::to_string(stored.metrics.size()) +
                          " points stored, the configuration has " +
                          std::to_string(old_points.size()));
  std::map<std::string, std::size_t> by_config;
  for (const Point& p : old_points) by_config.emplace(identity(p), p.index);
  GrowPlan plan;
  for (const Point& p : expand(grown)) {
    const auto it = by_config.find(identity(p));
    plan.from.push_back(it == by_config.end() ? new_point : it->second);
    if (it != by_config.end()) by_config.erase(it);
  }
  // Cannot happen after the checks above (each stored point's values are in the grown sweep).
  if (!by_config.empty())
    throw ConfigError(in_file, "", "a stored point has no place in the grown sweep");
  plan.note = "grew the sweep from " + std::to_string(old_points.size()) + " to " +
              std::to_string(plan.from.size()) + " points (" +
              (added.empty() ? std::string("values reordered") : added) + ")";
  if (grown.draws != old.draws)
    plan.note +=
        " and draws from " + std::to_string(old.draws) + " to " + std::to_string(grown.draws);
  return plan;
}

}  // namespace fairmc
