#include "engine/describe.hpp"

#include "engine/provenance.hpp"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace fairmc {

std::string describe_plan(const Experiment& e, const std::vector<Point>& points,
                          const std::vector<PreparedPoint>& prepared) {
  std::ostringstream o;
  o << "experiment " << e.name << " (scenario " << e.scenario << ") from " << e.file.string()
    << "\n";
  if (!e.claim.empty()) o << "claim: " << e.claim << "\n";
  o << "seed " << e.seed << ", " << (e.precision.empty() ? "" : "up to ") << e.draws
    << " draws per point in " << e.block_count() << " blocks of " << e.block
    << (e.keep_draws ? ", raw draws kept" : "") << "\n";
  o << "sweep: " << points.size() << " point" << (points.size() == 1 ? "" : "s");
  for (const auto& a : e.axes) {
    o << (a.name == "zip" ? "  zip(" : "  ");
    for (std::size_t k = 0; k < a.keys.size(); ++k) o << (k ? ", " : "") << a.keys[k];
    o << (a.name == "zip" ? ")" : "") << " x" << a.size();
  }
  o << "\n";
  for (std::size_t p = 0; p < points.size(); ++p) {
    o << "  point " << std::setw(4) << p << "  key " << std::hex << std::setw(16)
      << std::setfill('0') << points[p].key << std::dec << std::setfill(' ');
    for (const auto& [k, v] : points[p].values) o << "  " << k << "=" << v;
    o << "\n    metrics:";
    for (const auto& m : prepared[p].metrics) o << " " << m;
    if (!prepared[p].ratios.empty()) {
      o << "\n    ratios:";
      for (const auto& r : prepared[p].ratios) o << " " << r.name << " = " << r.num << "/" << r.den;
    }
    for (const auto& [c, v] : prepared[p].constants) o << "\n    " << c << " = " << v;
    o << "\n";
  }
  for (const auto& f : e.fits)
    o << "fit: " << f.metric << " against " << f.against << (f.log ? " (log-log)" : " (linear)")
      << ", weighted by the standard errors\n";
  for (const auto& t : e.precision)
    o << "precision: " << (t.ratio ? "ratio " : "metric ") << t.name << " to 95% half-width "
      << (t.abs > 0 ? t.abs : t.rel) << (t.abs > 0 ? "" : " x |estimate|") << "\n";
  if (!e.precision.empty())
    o << "precision targets: each point stops at the first of 16, 32, 64, ... blocks where all "
         "hold, at most max_draws = "
      << e.draws << " draws\n";
  for (const auto& c : e.checks) {
    o << "check " << c.name << ": " << c.subject_text() << " " << c.comparison_text();
    for (const auto& [key, values] : c.at) {
      o << (&key == &c.at.front().first ? " at " : ", ") << key << " in {";
      for (std::size_t i = 0; i < values.size(); ++i) o << (i ? ", " : "") << values[i];
      o << "}";
    }
    o << "\n";
  }
  o << (e.precision.empty() ? "total: " : "total at most: ")
    << points.size() * static_cast<std::size_t>(e.draws) << " draws\n";
  return o.str();
}

std::string describe_catalog(const std::vector<ScenarioInfo>& catalog) {
  std::ostringstream o;
  auto section = [&](const char* title, const std::vector<Described>& items) {
    if (items.empty()) return;
    o << "  " << title << ":\n";
    std::size_t width = 26;  // wider when a name (a family pattern) is longer
    for (const auto& i : items) width = std::max(width, i.name.size() + 2);
    for (const auto& i : items)
      o << "    " << std::left << std::setw(static_cast<int>(width)) << i.name << i.help
        << (i.unit.empty() ? "" : " [" + i.unit + "]") << "\n";
  };
  for (const auto& s : catalog) {
    o << s.name << " - " << s.help << "\n  paper: " << s.paper << "\n";
    section("samplers", s.samplers);
    section("mechanisms", s.mechanisms);
    section("metrics", s.metrics);
    section("ratios (of means, jackknife errors)", s.ratios);
    o << "\n";
  }
  o << "Every metric is stored with its mean, sd, sem, 95% Student-t interval, min, max, "
       "quantiles\n"
       "(q05 q25 median q75 q95; from a sketch within 0.39% relative, exact with keep_draws),\n"
       "counts of undefined (NaN) and +-inf draws, and tail/stability diagnostics that flag an\n"
       "unreliable normal interval. Ratios of means get a delete-one-block jackknife sem, a\n"
       "bias-corrected estimate and a 95% interval. Experiment keys for statistics:\n"
       "  ratios: [{name: R, num: METRIC, den: METRIC}]   a ratio of means of two metrics\n"
       "  precision: [{metric: M, rel: 0.01}, {ratio: R, abs: 0.005}]  with max_draws: N, instead\n"
       "    of draws: add blocks until every 95% half-width reaches its target "
       "(docs/results-format.md)\n";
  return o.str();
}

std::string describe_keys(const Experiment& e) {
  std::vector<std::string> keys;
  const auto walk = [&](const auto& self, const YAML::Node& node, const std::string& path) -> void {
    if (!node.IsMap()) {
      keys.push_back(path);
      return;
    }
    for (const auto& kv : node) {
      const std::string k = kv.first.as<std::string>();
      if (path.empty() && (k == "sweep" || k == "fits" || k == "checks" || k == "ratios" ||
                           k == "precision" || k == "metrics" || k == "defaults"))
        continue;
      self(self, kv.second, path.empty() ? k : path + "." + k);
    }
  };
  if (e.resolved.IsMap()) walk(walk, e.resolved, "");
  for (const auto& a : e.axes) keys.insert(keys.end(), a.keys.begin(), a.keys.end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::string out;
  for (const auto& k : keys) out += k + "\n";
  return out;
}

std::string build_info() {
#ifdef FAIRMC_HAVE_MPI
  constexpr const char* mpi = "on";
#else
  constexpr const char* mpi = "off";
#endif
  const Build b = this_build();
  return "fairmc " + b.version + " (git " + b.git_sha + ", MPI: " + mpi + ")";
}

}  // namespace fairmc
