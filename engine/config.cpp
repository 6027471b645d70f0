#include "engine/config.hpp"

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
      "experiment", "description", "claim",      "scenario",  "seed",
      "draws",      "block",       "keep_draws", "metrics",   "sweep",
      "fits",       "defaults",    "ratios",     "precision", "max_draws"};
  return keys;
}

namespace {

bool is_engine_key(const std::string& k) {
  const auto& keys = engine_keys();
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

YAML::Node parse_text(const std::string& text, const std::string& label) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError({label, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax: " + e.msg);
  }
}

std::string read_file(const fs::path& p, const SourceMark& from, const std::string& key) {
  std::ifstream in(p);
  if (!in) {
    throw ConfigError(from, key,
                      "cannot read file '" + p.string() +
                          "': " + (fs::exists(p) ? "permission denied" : "no such file"));
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Deep merge: mappings merge key by key, anything else in `over` replaces `base`.
YAML::Node merge(const YAML::Node& base, const YAML::Node& over) {
  if (!base.IsMap() || !over.IsMap()) return YAML::Clone(over);
  YAML::Node out = YAML::Clone(base);
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

std::optional<double> as_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e) return std::nullopt;
  return v;
}

std::string shortest(double v) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, p);
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

YAML::Node number_node(double v) {
  return YAML::Node(shortest(v));
}

// Splits "1,2,[3,4]" at commas outside brackets and quotes.
std::vector<std::string> split_top_level(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  char quote = 0;
  for (const char c : s) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{' || c == '(') {
      ++depth;
    } else if (c == ']' || c == '}' || c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(cur);
  return out;
}

YAML::Node scalar_or_yaml(const std::string& text, const SourceMark& where,
                          const std::string& key) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(where, key, "cannot parse value '" + text + "': " + e.msg);
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

const std::regex& sweep_fn() {
  static const std::regex re(R"(^\s*(range|linspace|logspace)\s*\((.*)\)\s*$)");
  return re;
}

}  // namespace

std::string value_text(const YAML::Node& n) {
  if (n.IsScalar()) {
    const auto v = as_number(n.Scalar());
    return v && std::isfinite(*v) ? shortest(*v) : n.Scalar();
  }
  return canonical_text(n);
}

std::string canonical_text(const YAML::Node& n) {
  std::string out;
  canonical_into(n, out);
  return out;
}

std::vector<YAML::Node> sweep_values(const YAML::Node& spec, const SourceMark& where,
                                     const std::string& key) {
  std::vector<YAML::Node> out;
  if (spec.IsSequence()) {
    for (std::size_t i = 0; i < spec.size(); ++i) out.push_back(YAML::Clone(spec[i]));
  } else if (spec.IsScalar()) {
    std::smatch m;
    const std::string s = spec.Scalar();
    if (!std::regex_match(s, m, sweep_fn()))
      throw ConfigError(where, key,
                        "sweep values must be a list or range(a,b[,step]) / linspace(a,b,n) / "
                        "logspace(a,b,n[,round]); got '" +
                            s + "'");
    const std::string fn = m[1];
    std::vector<double> args;
    bool round = false;
    for (std::string a : split_top_level(m[2])) {
      a.erase(0, a.find_first_not_of(" \t"));
      a.erase(a.find_last_not_of(" \t") + 1);
      if (a == "round" && fn == "logspace") {
        round = true;
        continue;
      }
      const auto v = as_number(a);
      if (!v || !std::isfinite(*v))
        throw ConfigError(where, key, fn + "(): argument '" + a + "' is not a finite number");
      args.push_back(*v);
    }
    if (fn == "range") {
      if (args.size() < 2 || args.size() > 3)
        throw ConfigError(where, key, "range(start, stop[, step]) takes 2 or 3 numbers");
      const double step = args.size() == 3 ? args[2] : 1.0;
      if (step == 0 || (args[1] - args[0]) / step > 1e6)
        throw ConfigError(where, key, "range(): step must be non-zero and give at most 1e6 values");
      // Python semantics: stop excluded.
      for (double x = args[0];
           step > 0 ? x < args[1] - 1e-12 * std::fabs(step) : x > args[1] + 1e-12 * std::fabs(step);
           x += step)
        out.push_back(number_node(x));
    } else {
      if (args.size() != 3 || args[2] < 1 || args[2] > 1e6 || std::floor(args[2]) != args[2])
        throw ConfigError(where, key,
                          fn + "(start, stop, count) needs an integer count in [1, 1e6]");
      const auto n = static_cast<int>(args[2]);
      for (int i = 0; i < n; ++i) {
        const double t = n == 1 ? 0.0 : static_cast<double>(i) / (n - 1);
        const double x = args[0] + t * (args[1] - args[0]);
        if (fn == "linspace") {
          out.push_back(number_node(x));
        } else {
          const double v = std::pow(10.0, x);
          out.push_back(number_node(round ? std::round(v) : v));
        }
      }
    }
  } else {
    throw ConfigError(where, key,
                      "sweep values must be a list or a range/linspace/logspace string");
  }
  if (out.empty()) throw ConfigError(where, key, "empty sweep: give at least one value");
  return out;
}

Experiment load_experiment(const fs::path& file, const std::vector<std::string>& overrides) {
  const std::string text = read_file(file, SourceMark{file.string(), 0, 0}, "");
  auto configs = find_configs_dir(file.parent_path().empty() ? fs::path(".") : file.parent_path());
  return load_experiment_text(text, file.string(), overrides, configs.value_or(fs::path()));
}

namespace {
Experiment load_unchecked(const std::string& text, const std::string& label,
                          const std::vector<std::string>& overrides, const fs::path& configs_dir);
}  // namespace

Experiment load_experiment_text(const std::string& text, const std::string& label,
                                const std::vector<std::string>& overrides,
                                const fs::path& configs_dir) {
  try {
    return load_unchecked(text, label, overrides, configs_dir);
  } catch (const YAML::Exception& e) {
    // A shape the checks above did not foresee (e.g. a scalar where a mapping must be).
    throw ConfigError(
        {label, e.mark.line + 1, e.mark.column + 1}, "",
        "unexpected structure: " + e.msg + " (see README, 'Writing an experiment file')");
  }
}

namespace {
Experiment load_unchecked(const std::string& text, const std::string& label,
                          const std::vector<std::string>& overrides, const fs::path& configs_dir) {
  Experiment e;
  e.file = label;
  e.marks = std::make_shared<SourceIndex>();
  const YAML::Node doc = parse_text(text, label);
  if (!doc.IsMap())
    throw ConfigError({label, 1, 1}, "", "an experiment file is a YAML mapping (key: value lines)");

  // 1. defaults: configs/defaults.yaml, then each listed configs/ file, then the experiment.
  YAML::Node merged(YAML::NodeType::Map);
  std::vector<std::pair<std::string, fs::path>> layers;
  if (!configs_dir.empty() && fs::exists(configs_dir / "defaults.yaml"))
    layers.emplace_back("", configs_dir / "defaults.yaml");
  SourceIndex own;
  index_marks(doc, "", label, own);
  if (const YAML::Node d = doc["defaults"]; d) {
    const SourceMark where = own["defaults"];
    if (!d.IsSequence())
      throw ConfigError(where, "defaults",
                        "expected a list of configs/ names, e.g. [populations/normal]");
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (!d[i].IsScalar()) throw ConfigError(where, "defaults", "items must be configs/ names");
      if (configs_dir.empty())
        throw ConfigError(where, "defaults", "no configs/ directory found beside the experiment");
      fs::path p = configs_dir / d[i].Scalar();
      if (p.extension() != ".yaml") p += ".yaml";
      if (!fs::exists(p))
        throw ConfigError(where, "defaults",
                          "no such config '" + d[i].Scalar() + "' (looked for " + p.string() + ")");
      layers.emplace_back(d[i].Scalar(), p);
    }
  }
  for (const auto& [name, path] : layers) {
    const YAML::Node layer = parse_text(read_file(path, {}, "defaults"), path.string());
    if (!layer.IsMap())
      throw ConfigError({path.string(), 1, 1}, "", "a config file is a YAML mapping");
    index_marks(layer, "", path.string(), *e.marks);
    merged.reset(merge(merged, layer));
  }
  YAML::Node body = YAML::Clone(doc);
  body.remove("defaults");
  for (const auto& [k, m] : own) (*e.marks)[k] = m;
  merged.reset(merge(merged, body));

  // 2. overrides.
  if (!overrides.empty()) {
    const YAML::Node sw = merged["sweep"];
    const auto mark = [&](const std::string& k) {
      const auto it = e.marks->find(k);
      return it != e.marks->end() ? it->second : SourceMark{label, 1, 1};
    };
    if (sw && !sw.IsNull() && !sw.IsMap())
      throw ConfigError(mark("sweep"), "sweep", "expected a mapping with grid: and/or zip:");
    for (const char* part : {"grid", "zip"})
      if (sw && sw.IsMap() && sw[part] && !sw[part].IsNull() && !sw[part].IsMap())
        throw ConfigError(mark(std::string("sweep.") + part), std::string("sweep.") + part,
                          "expected a mapping of key: [values]");
  }
  std::set<std::string> pinned;  // swept keys that an override fixed to one value
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const std::string& o = overrides[i];
    const SourceMark where{"<command line>", 0, static_cast<int>(i + 1)};
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError(where, "",
                        "override '" + o + "' is not key=value (e.g. population.agents=1000)");
    std::string key = o.substr(0, eq);
    if (!key.empty() && key[0] == '+') key.erase(0, 1);  // Hydra's "add key" spelling
    const std::string value = o.substr(eq + 1);
    (*e.marks)[key] = SourceMark{"<command line: " + o + ">", 0, static_cast<int>(i + 1)};
    const auto parts = split_top_level(value);
    const bool is_fn = std::regex_match(value, sweep_fn());
    if (is_fn || parts.size() > 1) {
      if (is_engine_key(split_path(key).front()))
        throw ConfigError(where, key, "engine settings cannot be swept");
      YAML::Node list(YAML::NodeType::Sequence);
      if (is_fn) {
        for (auto& v : sweep_values(YAML::Node(value), where, key)) list.push_back(v);
      } else {
        for (const auto& p : parts) list.push_back(scalar_or_yaml(p, where, key));
      }
      if (merged["sweep"]["zip"][key])
        throw ConfigError(where, key,
                          "is swept in sweep.zip; override sweep.zip." + key + " instead");
      merged["sweep"]["grid"][key] = list;
    } else {
      if (merged["sweep"] && merged["sweep"]["grid"] && merged["sweep"]["grid"][key]) {
        merged["sweep"]["grid"].remove(key);  // a fixed value replaces the swept one
        pinned.insert(key);
      }
      set_path(merged, key, scalar_or_yaml(value, where, key), where);
    }
  }
  e.overrides = overrides;
  e.resolved.reset(merged);

  // 3. the engine's own keys.
  auto used = std::make_shared<UsageRecord>();
  const Params root = make_params(merged, e.marks, used, SourceMark{label, 1, 1});
  e.name = root.text("experiment");
  e.description = root.text("description", "");
  e.claim = root.text("claim", "");
  e.scenario = root.text("scenario");
  e.seed = static_cast<std::uint64_t>(root.integer("seed", 0, 0, std::int64_t{1} << 52));
  e.draws = root.integer("draws", 1000, 1, 1'000'000'000'000);
  e.block = root.integer("block", 100, 1, 100'000'000);
  e.keep_draws = root.flag("keep_draws", false);
  if (root.has("metrics")) {
    const YAML::Node m = merged["metrics"];
    if (!m.IsSequence()) root.fail("metrics", "expected a list of metric names");
    for (std::size_t i = 0; i < m.size(); ++i) e.metrics.push_back(m[i].Scalar());
  }
  for (const Params& f : root.children("fits")) {
    Fit fit;
    fit.metric = f.text("metric");
    fit.against = f.text("against");
    fit.log = f.flag("log", true);
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
    if (root.has("draws"))
      root.fail("draws", "give either draws or precision targets with max_draws, not both");
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
  const Params sweep = root.child("sweep");
  const SourceMark sweep_mark = root.mark_of("sweep");
  for (const char* part : {"grid", "zip"}) {
    const YAML::Node spec = merged["sweep"] ? merged["sweep"][part] : YAML::Node();
    sweep.child(part);  // validates mapping-ness and records the key as known
    if (!spec || spec.IsNull()) continue;
    Axis zip{"zip", {}, {}};
    for (const auto& kv : spec) {
      const std::string key = kv.first.Scalar();
      const std::string path = std::string("sweep.") + part + "." + key;
      const SourceMark where = e.marks->count(path)  ? e.marks->at(path)
                               : e.marks->count(key) ? e.marks->at(key)
                                                     : sweep_mark;
      if (is_engine_key(split_path(key).front()))
        throw ConfigError(where, path, "engine settings (" + key + ") cannot be swept");
      auto values = sweep_values(kv.second, where, path);
      if (std::string(part) == "grid") {
        e.axes.push_back(Axis{key, {key}, {std::move(values)}});
      } else {
        if (!zip.values.empty() && values.size() != zip.size())
          throw ConfigError(where, path,
                            "zip lists must have equal length: " + std::to_string(values.size()) +
                                " here, " + std::to_string(zip.size()) + " for " +
                                zip.keys.front());
        zip.keys.push_back(key);
        zip.values.push_back(std::move(values));
      }
      (*e.marks)[key] = where;
    }
    if (!zip.keys.empty()) e.axes.push_back(std::move(zip));
  }
  for (const auto& kv : merged["sweep"] ? merged["sweep"] : YAML::Node(YAML::NodeType::Map))
    if (kv.first.Scalar() != "grid" && kv.first.Scalar() != "zip")
      root.child("sweep").fail(kv.first.Scalar(), "unknown key; sweep accepts grid and zip");
  // A fit against an axis that an override pinned to one value has nothing to fit: drop it.
  std::erase_if(e.fits, [&](const Fit& f) { return pinned.count(f.against) > 0; });
  for (const Fit& f : e.fits) {
    bool swept = false;
    for (const auto& a : e.axes)
      for (const auto& k : a.keys) swept = swept || k == f.against;
    if (!swept)
      root.fail("fits", "fit of '" + f.metric + "' is against '" + f.against +
                            "', which is not a swept key");
  }
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
