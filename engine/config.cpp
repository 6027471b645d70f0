#include "engine/config.hpp"

#include "engine/config_input.hpp"
#include "engine/config_text.hpp"
#include "engine/rng.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace fairmc {
namespace fs = std::filesystem;

const std::vector<std::string>& engine_keys() {
  static const std::vector<std::string> keys = {
      "experiment", "description", "claim",     "scenario", "seed", "draws",
      "block",      "keep_draws",  "metrics",   "sweep",    "fits", "defaults",
      "ratios",     "precision",   "max_draws", "checks"};
  return keys;
}

namespace {

bool is_engine_key(const std::string& k) {
  const auto& keys = engine_keys();
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

// A mapping whose selector key (`dist:` or `name:`) a higher layer sets to another value starts
// afresh: the lower layers' parameters belonged to the old choice (README, "Writing an experiment
// file"). Same value, or no selector in the higher layer: the mappings merge key by key.
bool switches_choice(const YAML::Node& base, const YAML::Node& over) {
  for (const char* k : {"dist", "name"}) {
    const YAML::Node b = base[k];
    const YAML::Node o = over[k];
    if (b && o && (!b.IsScalar() || !o.IsScalar() || b.Scalar() != o.Scalar())) return true;
  }
  return false;
}

// Deep merge: mappings merge key by key, anything else in `over` replaces `base`.
YAML::Node merge(const YAML::Node& base, const YAML::Node& over) {
  if (!base.IsMap() || !over.IsMap()) return YAML::Clone(over);
  YAML::Node out =
      switches_choice(base, over) ? YAML::Node(YAML::NodeType::Map) : YAML::Clone(base);
  for (const auto& kv : over) {
    const std::string k = kv.first.Scalar();
    if (out[k])
      out[k] = merge(out[k], kv.second);
    else
      out[k] = YAML::Clone(kv.second);
  }
  return out;
}

std::vector<std::string> split_path(const std::string& key) {
  std::vector<std::string> parts;
  std::string cur;
  for (const char c : key) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

// Sets `value` at dotted `key`, creating mappings on the way.
void set_path(YAML::Node root, const std::string& key, const YAML::Node& value,
              const SourceMark& where) {
  const auto parts = split_path(key);
  YAML::Node cur = root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node next = cur[parts[i]];
    if (!next || next.IsNull()) {
      cur[parts[i]] = YAML::Node(YAML::NodeType::Map);
      next = cur[parts[i]];
    } else if (!next.IsMap()) {
      throw ConfigError(where, key, "'" + parts[i] + "' is not a mapping, cannot set a sub-key");
    }
    cur.reset(next);
  }
  cur[parts.back()] = value;
}

void canonical_into(const YAML::Node& n, std::string& out) {
  if (!n || n.IsNull()) {
    out += "null";
  } else if (n.IsScalar()) {
    if (const auto v = as_number(n.Scalar()); v && std::isfinite(*v)) {
      out += shortest(*v);
    } else {
      out += '"';
      for (const char c : n.Scalar()) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    }
  } else if (n.IsSequence()) {
    out += '[';
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (i) out += ", ";
      canonical_into(n[i], out);
    }
    out += ']';
  } else if (n.IsMap()) {
    std::map<std::string, YAML::Node> sorted;
    for (const auto& kv : n) sorted.emplace(kv.first.Scalar(), kv.second);
    out += '{';
    bool first = true;
    for (const auto& [k, v] : sorted) {
      if (!first) out += ", ";
      first = false;
      out += k + ": ";
      canonical_into(v, out);
    }
    out += '}';
  }
}

std::optional<fs::path> find_configs_dir(const fs::path& start) {
  for (fs::path d = fs::absolute(start); !d.empty(); d = d.parent_path()) {
    if (fs::is_directory(d / "configs")) return d / "configs";
    if (d == d.parent_path()) break;
  }
#ifdef FAIRMC_SOURCE_CONFIGS
  if (fs::is_directory(FAIRMC_SOURCE_CONFIGS)) return fs::path(FAIRMC_SOURCE_CONFIGS);
#endif
  return std::nullopt;
}

}  // namespace

std::string value_text(const YAML::Node& n) {
  if (n.IsScalar()) {
    const auto v = as_number(n.Scalar());
    return v && std::isfinite(*v) ? shortest(*v) : n.Scalar();
  }
  return canonical_text(n);
}

std::string point_label(const Point& p) {
  std::string s = "point " + std::to_string(p.index);
  if (p.values.empty()) return s;
  s += " (";
  for (std::size_t i = 0; i < p.values.size(); ++i)
    s += (i ? ", " : "") + p.values[i].first + "=" + p.values[i].second;
  return s + ")";
}

std::string canonical_text(const YAML::Node& n) {
  std::string out;
  canonical_into(n, out);
  return out;
}

Experiment load_experiment(const fs::path& file, const std::vector<std::string>& overrides,
                           const fs::path& configs_dir) {
  const std::string text = read_config_file(file, SourceMark{file.string(), 0, 0}, "");
  if (!configs_dir.empty()) {
    if (!fs::is_directory(configs_dir))
      throw ConfigError(command_line_mark("--config-dir " + configs_dir.string()), "",
                        "--config-dir: no directory " + configs_dir.string() +
                            " (it holds defaults.yaml and the files `defaults:` names)");
    return load_experiment_text(text, file.string(), overrides, configs_dir);
  }
  auto configs = find_configs_dir(file.parent_path().empty() ? fs::path(".") : file.parent_path());
  return load_experiment_text(text, file.string(), overrides, configs.value_or(fs::path()));
}

namespace {
Experiment load_unchecked(const std::string& text, const std::string& label,
                          const std::vector<std::string>& overrides, const fs::path& configs_dir,
                          bool stored);
Experiment load_text(const std::string& text, const std::string& label,
                     const std::vector<std::string>& overrides, const fs::path& configs_dir,
                     bool stored);
}  // namespace

Experiment load_experiment_text(const std::string& text, const std::string& label,
                                const std::vector<std::string>& overrides,
                                const fs::path& configs_dir) {
  return load_text(text, label, overrides, configs_dir, false);
}

Experiment load_stored_experiment(const std::string& text, const std::string& label,
                                  const std::vector<std::string>& overrides) {
  return load_text(text, label, overrides, {}, true);
}

namespace {
Experiment load_text(const std::string& text, const std::string& label,
                     const std::vector<std::string>& overrides, const fs::path& configs_dir,
                     bool stored) {
  try {
    return load_unchecked(text, label, overrides, configs_dir, stored);
  } catch (const YAML::Exception& e) {
    // A shape the checks above did not foresee (e.g. a scalar where a mapping must be).
    throw ConfigError(
        {label, e.mark.line + 1, e.mark.column + 1}, "",
        "unexpected structure: " + e.msg + " (see README, 'Writing an experiment file')");
  }
}
}  // namespace

namespace {

// One layer of the configuration, lowest first: configs/defaults.yaml, the `defaults:` entries
// (each after its own `defaults:`), the experiment file.
struct Layer {
  std::string label;
  YAML::Node doc;  // as written, `defaults:` included (for the marks)
};

SourceMark key_mark(const YAML::Node& map, const std::string& key, const std::string& file) {
  for (const auto& kv : map)
    if (kv.first.Scalar() == key) return file_marks(file)(kv.first.Mark());
  return SourceMark{file, 1, 1};
}

class Layers {
 public:
  explicit Layers(fs::path configs_dir) : configs_(std::move(configs_dir)) {}

  // Adds `doc`'s `defaults:` entries (depth first), then `doc` itself.
  void add(YAML::Node doc, const std::string& label, const std::string& self) {
    if (doc.IsNull()) doc.reset(YAML::Node(YAML::NodeType::Map));  // an empty config file
    if (!doc.IsMap())
      throw ConfigError({label, 1, 1}, "", "a config file is a YAML mapping (key: value lines)");
    if (const YAML::Node d = doc["defaults"]; d) {
      const SourceMark where = key_mark(doc, "defaults", label);
      if (!d.IsSequence())
        throw ConfigError(where, "defaults",
                          "expected a list of configs/ names, e.g. [populations/normal]");
      chain_.push_back(self);
      for (std::size_t i = 0; i < d.size(); ++i) add_entry(d[i], label, where);
      chain_.pop_back();
    }
    applied_.emplace(self, label);
    out.push_back(Layer{label, doc});
  }

  std::vector<Layer> out;

 private:
  void add_entry(const YAML::Node& item, const std::string& label, const SourceMark& list_mark) {
    const SourceMark where = item.Mark().line >= 0 ? file_marks(label)(item.Mark()) : list_mark;
    static const std::regex name_re(R"(^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*(\.yaml)?$)");
    if (!item.IsScalar() || !std::regex_match(item.Scalar(), name_re))
      throw ConfigError(where, "defaults",
                        "items are configs/ names such as populations/normal (letters, digits, "
                        "'_', '-', joined by '/'; no '..', no absolute paths)");
    const std::string name = item.Scalar();
    if (configs_.empty())
      throw ConfigError(where, "defaults", "no configs/ directory found beside the experiment");
    fs::path p = (configs_ / name).lexically_normal();
    if (p.extension() != ".yaml") p += ".yaml";
    if (!fs::exists(p))
      throw ConfigError(where, "defaults",
                        "no such config '" + name + "' (looked for " + p.string() + ")");
    const std::string id = fs::weakly_canonical(p).string();
    if (std::find(chain_.begin(), chain_.end(), id) != chain_.end()) {
      std::string cycle;
      for (auto it = std::find(chain_.begin(), chain_.end(), id); it != chain_.end(); ++it)
        cycle += *it + " -> ";
      throw ConfigError(where, "defaults", "defaults cycle: " + cycle + id);
    }
    if (const auto it = applied_.find(id); it != applied_.end())
      throw ConfigError(where, "defaults",
                        "config '" + name + "' is included twice (already through " + it->second +
                            "); list it once");
    const std::string text = read_config_file(p, where, "defaults");
    add(load_document(text, "", file_marks(p.string())), p.string(), id);
  }

  fs::path configs_;
  std::vector<std::string> chain_;              // configs being expanded (cycle detection)
  std::map<std::string, std::string> applied_;  // config -> the file that included it
};

// One command-line override, parsed and checked.
struct Override {
  std::string arg;     // as typed
  SourceMark where;    // names the argument
  std::string key;     // as typed, without a leading '+'
  std::string target;  // the key path it sets (the swept key for sweep.grid.K / sweep.zip.K)
  std::string part;    // "grid" / "zip" when it sets a sweep, "" for a fixed value
  YAML::Node value;
};

YAML::Node override_value(const std::string& text, const Override& o, bool list_item) {
  const MarkFn at = [&](const YAML::Mark&) { return o.where; };
  const YAML::Node v = unshared(load_document(text, o.key, at));
  if (v.IsNull())
    throw ConfigError(o.where, o.key,
                      list_item ? "an item of the comma-separated list is empty or null"
                                : "no value after '=' (empty or null); write key=value, or leave "
                                  "the key out");
  return v;
}

std::string value_or_dots(std::string v) {
  if (!v.empty() && v.front() == '[' && v.back() == ']') v = v.substr(1, v.size() - 2);
  return v.empty() ? "..." : v;
}

Override parse_override(const std::string& arg) {
  Override o;
  o.arg = arg;
  o.where = command_line_mark(arg);
  const auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError(o.where, "",
                      "override '" + arg + "' is not key=value (e.g. population.agents=1000)");
  o.key = arg.substr(0, eq);
  if (o.key[0] == '+') o.key.erase(0, 1);  // Hydra's "add key" spelling
  if (!is_key_path(o.key))
    throw ConfigError(o.where, o.key,
                      "not a key path: names of letters, digits, '_' and '-' joined by single "
                      "dots (e.g. population.agents)");
  const std::string value = arg.substr(eq + 1);
  const auto parts = split_path(o.key);
  // `defaults:` composes files before the overrides apply; set afterwards it would be stored and
  // then ignored (and break --resume), so it is refused here (issue 17 item 2).
  if (parts.front() == "defaults")
    throw ConfigError(o.where, o.key,
                      "config files cannot be composed from the command line: put `defaults: [" +
                          value_or_dots(arg.substr(eq + 1)) +
                          "]` in the experiment file (or use --config-dir for another configs/)");
  const bool sweep_section =
      parts.size() >= 3 && parts[0] == "sweep" && (parts[1] == "grid" || parts[1] == "zip");
  o.target = o.key;
  if (sweep_section) {
    o.part = parts[1];
    o.target = o.key.substr(parts[0].size() + parts[1].size() + 2);
  }
  const auto items = split_top_level(value);
  const bool is_fn = is_sweep_function(value);
  const bool engine = is_engine_key(split_path(o.target).front());
  if (engine && sweep_section) throw ConfigError(o.where, o.key, "engine settings cannot be swept");
  if (is_fn) {
    o.value.reset(YAML::Node(value));
    if (o.part.empty() && !engine) o.part = "grid";
  } else if (items.size() > 1 && !engine) {
    o.value.reset(YAML::Node(YAML::NodeType::Sequence));
    for (const auto& item : items) o.value.push_back(override_value(item, o, true));
    if (o.part.empty()) o.part = "grid";
  } else {
    // Engine settings take the whole text as one value ("description=a, b" is one string).
    o.value.reset(override_value(value, o, false));
  }
  return o;
}

// Records where an override put its values: the key, what it created above it, all below it.
// An ancestor the files hold as a value, not a mapping, becomes the override's mapping: errors
// about it then name the argument, not the file line of the value it replaced.
void mark_override(SourceIndex& marks, const std::string& path, const Override& o,
                   const YAML::Node& merged) {
  std::string p = path;
  marks[p] = o.where;
  for (auto dot = p.rfind('.'); dot != std::string::npos; dot = p.rfind('.')) {
    p.erase(dot);
    const YAML::Node before = at_path(merged, p);
    if (before && !before.IsMap())
      marks[p] = o.where;
    else
      marks.emplace(p, o.where);  // only where nothing was written before
  }
  SourceIndex below;
  index_marks(o.value, path, o.where.file, below);
  for (const auto& [k, m] : below) marks[k] = o.where;
}

// Keys swept in `part` of `merged`'s sweep section, in order.
std::vector<std::string> swept_keys(const YAML::Node& merged, const char* part) {
  std::vector<std::string> keys;
  const YAML::Node sw = merged["sweep"];
  if (sw && sw.IsMap() && sw[part] && sw[part].IsMap())
    for (const auto& kv : sw[part]) keys.push_back(kv.first.Scalar());
  return keys;
}

// Applies the overrides as one layer above the files. No two overrides may set overlapping keys,
// so their order does not matter. Returns the swept keys a fixed value pinned.
std::set<std::string> apply_overrides(YAML::Node& merged, SourceIndex& marks,
                                      const std::vector<std::string>& args) {
  std::vector<Override> all;
  for (const auto& arg : args) {
    Override o = parse_override(arg);
    for (const auto& prev : all)
      if (paths_overlap(prev.target, o.target))
        throw ConfigError(o.where, o.key,
                          "also set by '" + prev.arg + "'; set each key once on the command line");
    all.push_back(std::move(o));
  }
  const YAML::Node sw = merged["sweep"];
  if (!all.empty()) {
    if (sw && !sw.IsMap())
      throw ConfigError(nearest_mark(marks, "sweep", {}), "sweep",
                        "expected a mapping with grid: and/or zip:");
    for (const char* part : {"grid", "zip"})
      if (sw && sw[part] && !sw[part].IsMap())
        throw ConfigError(nearest_mark(marks, std::string("sweep.") + part, {}),
                          std::string("sweep.") + part, "expected a mapping of key: [values]");
  }
  std::set<std::string> pinned;
  YAML::Node fixed(YAML::NodeType::Map);
  for (const Override& o : all) {
    const std::vector<std::string> grid = swept_keys(merged, "grid");
    const std::vector<std::string> zip = swept_keys(merged, "zip");
    if (o.part.empty()) {
      for (const auto& k : grid) {
        if (k == o.target) {
          merged["sweep"]["grid"].remove(k);  // a fixed value replaces the swept one
          pinned.insert(k);
        } else if (paths_overlap(k, o.target)) {
          throw ConfigError(o.where, o.key,
                            "overlaps the swept key '" + k + "' (sweep.grid); set '" + k +
                                "' itself to pin or re-sweep it");
        }
      }
      for (const auto& k : zip)
        if (paths_overlap(k, o.target))
          throw ConfigError(o.where, o.key,
                            "'" + k +
                                "' is swept in sweep.zip with its partners; change the zip "
                                "with sweep.zip." +
                                k + "=... instead");
      set_path(fixed, o.target, o.value, o.where);
      mark_override(marks, o.target, o, merged);
    } else {
      const char* other = o.part == "grid" ? "zip" : "grid";
      for (const auto& k : swept_keys(merged, other))
        if (paths_overlap(k, o.target))
          throw ConfigError(o.where, o.key,
                            "'" + k + "' is swept in sweep." + other + "; override sweep." + other +
                                "." + k + "=... instead");
      merged["sweep"][o.part][o.target] = o.value;
      mark_override(marks, "sweep." + o.part + "." + o.target, o, merged);
    }
  }
  merged.reset(merge(merged, fixed));
  return pinned;
}

// results/<name>/ is where a run writes by default, so the name must stay inside results/.
void check_experiment_name(const Params& root, const std::string& name) {
  static const std::regex re(R"(^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$)");
  if (!std::regex_match(name, re) || name.find("..") != std::string::npos)
    root.fail("experiment", "'" + name +
                                "' is not a valid name: it names the directory results/<name>, so "
                                "use 1 to 100 letters, digits, '_', '-' or '.', starting with a "
                                "letter, digit or '_', without '..'");
}

std::vector<std::string> read_metrics(const Params& root, const YAML::Node& m) {
  std::vector<std::string> out;
  const auto take = [&](const std::string& item) {
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    const std::string name =
        first == std::string::npos ? std::string() : item.substr(first, last - first + 1);
    if (!is_key_name(name)) root.fail("metrics", "'" + item + "' is not a metric name");
    if (std::find(out.begin(), out.end(), name) != out.end())
      root.fail("metrics", "metric '" + name + "' is listed twice; list each metric once");
    out.push_back(name);
  };
  if (m.IsScalar()) {
    for (const auto& item : split_top_level(m.Scalar())) take(item);
  } else if (m.IsSequence()) {
    for (std::size_t i = 0; i < m.size(); ++i) {
      if (!m[i].IsScalar()) root.fail("metrics", "item " + std::to_string(i) + " is not a name");
      take(m[i].Scalar());
    }
  } else {
    root.fail("metrics", "expected a list of metric names");
  }
  if (out.empty())
    root.fail("metrics", "empty selection; leave the key out to record every metric");
  return out;
}

// The sweep section: grid axes and one zip axis. Sizes are computed and checked before any
// value is generated.
void read_sweep(Experiment& e, const YAML::Node& merged) {
  SourceIndex& marks = *e.marks;
  const SourceMark file_mark{e.file.string(), 1, 1};
  const SourceMark sweep_mark = nearest_mark(marks, "sweep", file_mark);
  const YAML::Node sw = merged["sweep"];
  if (!sw) return;
  if (!sw.IsMap())
    throw ConfigError(sweep_mark, "sweep", "expected a mapping with grid: and/or zip:");
  for (const auto& kv : sw)
    if (kv.first.Scalar() != "grid" && kv.first.Scalar() != "zip")
      throw ConfigError(nearest_mark(marks, "sweep." + kv.first.Scalar(), sweep_mark),
                        "sweep." + kv.first.Scalar(), "unknown key; sweep accepts grid and zip");
  struct Entry {
    std::string part, key, path;
    SourceMark where;
    YAML::Node spec;
    std::size_t count = 0;
  };
  std::vector<Entry> entries;
  for (const char* part : {"grid", "zip"}) {
    const YAML::Node spec = sw[part];
    if (!spec) continue;
    const std::string section = std::string("sweep.") + part;
    if (!spec.IsMap())
      throw ConfigError(nearest_mark(marks, section, sweep_mark), section,
                        "expected a mapping of key: [values]");
    for (const auto& kv : spec) {
      const std::string key = kv.first.Scalar();
      Entry en{
          part,      key, section + "." + key, nearest_mark(marks, section + "." + key, sweep_mark),
          kv.second, 0};
      if (!is_key_path(en.key))
        throw ConfigError(en.where, en.path, "not a key path (e.g. population.agents)");
      if (is_engine_key(split_path(en.key).front()))
        throw ConfigError(en.where, en.path, "engine settings (" + en.key + ") cannot be swept");
      for (const Entry& prev : entries)
        if (paths_overlap(prev.key, en.key))
          throw ConfigError(en.where, en.path,
                            "'" + en.key + "' is swept twice (also as " + prev.path +
                                "); a key can be swept in one place only");
      en.count = sweep_count(en.spec, en.where, en.path);
      if (en.part == "zip" && !entries.empty() && entries.back().part == "zip" &&
          en.count != entries.back().count)
        throw ConfigError(en.where, en.path,
                          "zip lists must have equal length: " + std::to_string(en.count) +
                              " here, " + std::to_string(entries.back().count) + " for " +
                              entries.back().key);
      entries.push_back(std::move(en));
    }
  }
  // The number of points, saturating, before anything is expanded.
  double total = 1;
  std::string product;
  bool zip_counted = false;
  for (const Entry& en : entries) {
    if (en.part == "zip" && zip_counted) continue;
    zip_counted = zip_counted || en.part == "zip";
    total *= static_cast<double>(en.count);
    product += (product.empty() ? "" : " x ") + std::to_string(en.count);
  }
  if (total > static_cast<double>(max_sweep_points))
    throw ConfigError(
        sweep_mark, "sweep",
        "the sweep has " +
            (total < 1e18 ? std::to_string(static_cast<long long>(total)) : shortest(total)) +
            " points (" + product + "); the limit is " + std::to_string(max_sweep_points) +
            " points per run: split it into several experiments");
  Axis zip{"zip", {}, {}};
  for (const Entry& en : entries) {
    auto values = sweep_values(en.spec, en.where, en.path);
    if (en.part == "grid") {
      std::set<std::string> seen;
      for (const auto& v : values)
        if (!seen.insert(canonical_text(v)).second)
          throw ConfigError(en.where, en.path,
                            "value " + value_text(v) +
                                " appears twice in this sweep (after rounding); list it once");
      e.axes.push_back(Axis{en.key, {en.key}, {std::move(values)}});
    } else {
      zip.keys.push_back(en.key);
      zip.values.push_back(std::move(values));
    }
    marks[en.key] = en.where;
  }
  if (!zip.keys.empty()) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < zip.size(); ++i) {
      std::string tuple;
      for (const auto& column : zip.values) tuple += canonical_text(column[i]) + ";";
      if (!seen.insert(tuple).second)
        throw ConfigError(nearest_mark(marks, "sweep.zip", sweep_mark), "sweep.zip",
                          "position " + std::to_string(i) +
                              " repeats an earlier combination of values; list each once");
    }
    e.axes.push_back(std::move(zip));
  }
}

Experiment load_unchecked(const std::string& text, const std::string& label,
                          const std::vector<std::string>& overrides, const fs::path& configs_dir,
                          bool stored) {
  Experiment e;
  e.file = label;
  e.marks = std::make_shared<SourceIndex>();
  const YAML::Node doc = load_document(text, "", file_marks(label));
  if (!doc.IsMap())
    throw ConfigError({label, 1, 1}, "", "an experiment file is a YAML mapping (key: value lines)");

  // 1. layers: configs/defaults.yaml, then each `defaults:` entry, then the experiment.
  Layers layers(configs_dir);
  std::string defaults_file;  // configs/defaults.yaml, when there is one
  if (!configs_dir.empty() && fs::exists(configs_dir / "defaults.yaml")) {
    const fs::path p = configs_dir / "defaults.yaml";
    defaults_file = p.string();
    layers.add(load_document(read_config_file(p, {}, ""), "", file_marks(p.string())), p.string(),
               fs::weakly_canonical(p).string());
  }
  std::error_code ec;
  const fs::path self = fs::weakly_canonical(fs::path(label), ec);
  layers.add(doc, label, ec ? label : self.string());
  YAML::Node merged(YAML::NodeType::Map);
  for (const Layer& layer : layers.out) {
    index_marks(layer.doc, "", layer.label, *e.marks);
    YAML::Node body = unshared(layer.doc);
    body.remove("defaults");
    merged.reset(merge(merged, body));
  }
  // The engine keys no layer set take the built-in defaults, written into the resolved
  // configuration so that it is complete (fairmc plan --resolved, /config/resolved) wherever the
  // file lives; configs/defaults.yaml states the same values, so with it nothing changes.
  const EngineDefaults builtin;
  for (const auto& [key, value] :
       {std::pair<const char*, std::string>{"seed", std::to_string(builtin.seed)},
        {"draws", std::to_string(builtin.draws)},
        {"block", std::to_string(builtin.block)},
        {"keep_draws", builtin.keep_draws ? "true" : "false"}})
    if (!merged[key]) {
      merged[key] = YAML::Load(value);
      e.marks->emplace(key, SourceMark{"<built-in default>", 0, 0});
    }

  // 2. overrides.
  std::set<std::string> pinned = apply_overrides(merged, *e.marks, overrides);
  e.overrides = overrides;
  e.resolved.reset(merged);

  // 3. the engine's own keys.
  auto used = std::make_shared<UsageRecord>();
  const Params root = make_params(merged, e.marks, used, SourceMark{label, 1, 1});
  e.name = root.text("experiment");
  check_experiment_name(root, e.name);
  e.description = root.text("description", "");
  e.claim = root.text("claim", "");
  e.scenario = root.text("scenario");
  // The same values as configs/defaults.yaml (tests/engine/test_config.cpp checks it), so a file
  // runs alike with and without a configs/ directory beside it.
  const EngineDefaults d;
  e.seed = static_cast<std::uint64_t>(root.integer("seed", d.seed, 0, std::int64_t{1} << 52));
  e.draws = root.integer("draws", d.draws, 1, 1'000'000'000'000);
  e.block = root.integer("block", d.block, 1, 100'000'000);
  e.keep_draws = root.flag("keep_draws", d.keep_draws);
  if (root.has("metrics")) e.metrics = read_metrics(root, merged["metrics"]);
  std::set<std::pair<std::string, std::string>> fitted;
  for (const Params& f : root.children("fits")) {
    Fit fit;
    fit.metric = f.text("metric");
    fit.against = f.text("against");
    fit.log = f.flag("log", true);
    if (!fitted.emplace(fit.metric, fit.against).second)
      throw ConfigError(
          f.mark_of("metric"), f.path(),
          "the fit of '" + fit.metric + "' against '" + fit.against + "' is listed twice");
    e.fits.push_back(fit);
  }
  for (const Params& r : root.children("ratios")) {
    RatioSpec spec{r.text("name"), r.text("num"), r.text("den")};
    for (const auto& other : e.ratios)
      if (other.name == spec.name) r.fail("name", "ratio '" + spec.name + "' is declared twice");
    if (spec.num == spec.den) r.fail("den", "num and den are the same metric");
    e.ratios.push_back(spec);
  }
  if (root.has("precision")) {
    if (!root.has("max_draws"))
      root.fail("precision", "precision targets need max_draws: the most draws a point may take");
    // A `draws` only configs/defaults.yaml or the built-in defaults gave is no conflict: those set
    // it for every experiment (with them, precision targets were refused inside the repository).
    const auto mark = e.marks->find("draws");
    const bool draws_by_default =
        mark != e.marks->end() &&
        (mark->second.file == "<built-in default>" ||
         (!defaults_file.empty() && mark->second.file == defaults_file)) &&
        std::none_of(overrides.begin(), overrides.end(),
                     [](const std::string& o) { return o.rfind("draws=", 0) == 0; });
    if (root.has("draws") && !draws_by_default)
      root.fail("draws", "give either draws or precision targets with max_draws, not both");
    if (draws_by_default) e.resolved.remove("draws");  // max_draws is the count (and --resume)
    e.draws = root.integer("max_draws", 1, 1'000'000'000'000);
    for (const Params& t : root.children("precision")) {
      PrecisionTarget target;
      const bool metric = t.has("metric"), ratio = t.has("ratio");
      if (metric == ratio)
        t.fail(metric ? "ratio" : "metric", "a target names exactly one of metric: or ratio:");
      target.ratio = ratio;
      target.name = t.text(ratio ? "ratio" : "metric");
      if (t.has("rel") == t.has("abs"))
        t.fail(t.has("rel") ? "abs" : "rel", "a target gives exactly one of rel: or abs:");
      if (t.has("rel"))
        target.rel = t.number("rel", fairmc::Range::positive());
      else
        target.abs = t.number("abs", fairmc::Range::positive());
      e.precision.push_back(target);
    }
    if (e.precision.empty()) root.fail("precision", "expected a list of targets");
  } else if (root.has("max_draws")) {
    root.fail("max_draws", "max_draws caps precision targets; give precision: too, or use draws");
  }
  // Every block's summary is kept (the results file, the jackknife): 10^12 draws in blocks of 1
  // wrote ~150 bytes per block per point, 10 MB/s, until the disk filled.
  if (e.block_count() > max_blocks_per_point)
    root.fail("block",
              "draws " + std::to_string(e.draws) + " in blocks of " + std::to_string(e.block) +
                  " make " + std::to_string(e.block_count()) +
                  " blocks per point, each summarised in the results file; the limit is " +
                  std::to_string(max_blocks_per_point) + ": accepted: block >= " +
                  std::to_string((e.draws + max_blocks_per_point - 1) / max_blocks_per_point));
  e.checks = read_checks(root);
  read_sweep(e, merged);
  // Engine sections read through Params (fits, and whatever is added later) reject unknown keys
  // like the scenario's sections do.
  reject_unread(
      merged, "", *used, *e.marks, SourceMark{label, 1, 1},
      [&](const std::string& k) {
        return !is_engine_key(k) || k == "sweep" || k == "metrics" || !used->any_under(k);
      },
      [&](const std::string& prefix) {
        std::string out;
        for (const auto& c : used->children_of(prefix)) out += (out.empty() ? "" : ", ") + c;
        return out.empty() ? std::string("none") : out;
      });
  std::vector<std::pair<std::string, std::string>> declared_fits;
  for (const Fit& f : e.fits) declared_fits.emplace_back(f.metric, f.against);
  if (stored) {
    // A results file's resolved text no longer says which values its run's command line set:
    // a key it pinned is simply fixed there, and a sweep it narrowed lacks values that fits and
    // checks of the file as written name. The text was checked when that run began, so treat
    // every fixed key that a fit or an `at:` names as pinned (resume, grow and merge then see
    // the experiment that run saw).
    std::set<std::string> swept;
    for (const auto& a : e.axes) swept.insert(a.keys.begin(), a.keys.end());
    const auto pin = [&](const std::string& k) {
      if (!swept.count(k) && at_path(e.resolved, k)) pinned.insert(k);
    };
    for (const Fit& f : e.fits) pin(f.against);
    for (const CheckSpec& c : e.checks)
      for (const auto& kv : c.at) pin(kv.first);
  }
  // A fit against an axis that an override pinned to one value has nothing to fit: drop it (a
  // check of its slope then has no point to evaluate: undetermined).
  std::erase_if(e.fits, [&](const Fit& f) { return pinned.count(f.against) > 0; });
  for (const Fit& f : e.fits) {
    bool swept = false;
    for (const auto& a : e.axes)
      for (const auto& k : a.keys) swept = swept || k == f.against;
    if (!swept)
      root.fail("fits", "fit of '" + f.metric + "' is against '" + f.against +
                            "', which is not a swept key");
  }
  check_against_sweep(e, declared_fits, pinned, stored);
  return e;
}
}  // namespace

std::vector<std::size_t> Experiment::shape() const {
  std::vector<std::size_t> s;
  for (const auto& a : axes) s.push_back(a.size());
  return s;
}

std::size_t Experiment::point_count() const {
  std::size_t n = 1;
  for (const auto& a : axes) n *= a.size();
  return n;
}

std::string Experiment::resolved_text() const {
  YAML::Emitter out;
  out << resolved;
  return std::string(out.c_str()) + "\n";
}

std::uint64_t Experiment::config_hash() const {
  YAML::Node copy = YAML::Clone(resolved);
  copy.remove("draws");
  copy.remove("description");
  copy.remove("claim");
  copy.remove("checks");  // statements about the numbers, not inputs to them
  return stable_hash(canonical_text(copy));
}

std::vector<Point> expand(const Experiment& e) {
  std::vector<Point> points;
  const auto shape = e.shape();
  const std::size_t count = e.point_count();
  YAML::Node base = YAML::Clone(e.resolved);
  base.remove("sweep");
  for (std::size_t idx = 0; idx < count; ++idx) {
    Point p;
    p.index = idx;
    p.coords.assign(shape.size(), 0);
    std::size_t rest = idx;
    for (std::size_t a = shape.size(); a-- > 0;) {  // row-major: last axis fastest
      p.coords[a] = rest % shape[a];
      rest /= shape[a];
    }
    p.config.reset(YAML::Clone(base));
    for (std::size_t a = 0; a < e.axes.size(); ++a) {
      const Axis& axis = e.axes[a];
      for (std::size_t k = 0; k < axis.keys.size(); ++k) {
        const YAML::Node& v = axis.values[k][p.coords[a]];
        set_path(p.config, axis.keys[k], YAML::Clone(v), e.marks->at(axis.keys[k]));
        p.values.emplace_back(axis.keys[k], value_text(v));
      }
    }
    YAML::Node keyed = YAML::Clone(p.config);
    for (const auto& k : engine_keys()) keyed.remove(k);
    keyed.remove("mechanism");  // mechanisms compared at one point share the population
    p.canonical = canonical_text(keyed);
    p.key = point_key(e.seed, p.canonical);
    points.push_back(std::move(p));
  }
  return points;
}

}  // namespace fairmc
