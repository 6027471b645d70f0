#include "engine/prepare.hpp"

#include "engine/config_input.hpp"

#include <sys/resource.h>
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

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

std::string gib(double bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g GiB", bytes / 1073741824.0);
  return buf;
}

// Refuses a point whose draws cannot fit before anything is allocated for it.
void check_memory(const Experiment& e, const Point& pt, const ScenarioInfo& scenario,
                  double limit) {
  if (!scenario.memory_estimate) return;
  // A record of its own: the estimate's reads must not hide unknown keys from the check below.
  const Params probe = make_params(pt.config, e.marks, std::make_shared<UsageRecord>(),
                                   SourceMark{e.file.string(), 1, 1});
  const double need = scenario.memory_estimate(probe);
  if (!(need <= limit)) {
    std::string at;
    for (const auto& [k, v] : pt.values) at += (at.empty() ? " (" : ", ") + k + "=" + v;
    if (!at.empty()) at += ")";
    throw ConfigError({e.file.string(), 0, 0}, "",
                      "sweep point " + std::to_string(pt.index) + at + ": one draw needs about " +
                          gib(need) + " (scenario " + scenario.name +
                          "'s estimate from its parameters); the memory limit is " + gib(limit) +
                          " (physical memory, ulimit -v/-d or the cgroup limit, the smallest)");
  }
}

}  // namespace

double memory_limit_bytes() {
  double limit =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (!(limit > 0)) limit = std::numeric_limits<double>::infinity();
  for (const int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    rlimit r{};
    if (getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
      limit = std::min(limit, static_cast<double>(r.rlim_cur));
  }
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");  // cgroup v2; "max" when unlimited
  double cg = 0;
  if (cgroup >> cg && cg > 0) limit = std::min(limit, cg);
  return limit;
}

std::vector<PreparedPoint> prepare_points(const Experiment& e, const std::vector<Point>& points,
                                          const ScenarioInfo& scenario, double memory_limit) {
  std::vector<PreparedPoint> out;
  out.reserve(points.size());
  for (const Point& pt : points) {
    auto used = std::make_shared<UsageRecord>();
    const Params params = make_params(pt.config, e.marks, used, SourceMark{e.file.string(), 1, 1});
    check_memory(e, pt, scenario, memory_limit);
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
    reject_unread(
        pt.config, "", *used, *e.marks, SourceMark{e.file.string(), 1, 1},
        [](const std::string& k) {
          return std::find(engine_keys().begin(), engine_keys().end(), k) != engine_keys().end();
        },
        [&](const std::string& prefix) { return accepted_under(*used, prefix); });
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
    if (e.keep_draws) {
      // A work unit holds its block's draws of every recorded metric until they are written.
      const double kept =
          8.0 * static_cast<double>(e.block) * static_cast<double>(pp.metrics.size());
      if (!(kept <= memory_limit)) {
        const auto mk = e.marks->find("block");
        throw ConfigError(
            mk != e.marks->end() ? mk->second : SourceMark{e.file.string(), 0, 0}, "block",
            "with keep_draws a block holds its draws in memory: " + std::to_string(e.block) +
                " draws x " + std::to_string(pp.metrics.size()) + " metrics x 8 bytes = " +
                gib(kept) + " at sweep point " + std::to_string(pt.index) +
                "; the memory limit is " + gib(memory_limit) + "; accepted: block <= " +
                std::to_string(static_cast<std::int64_t>(
                    memory_limit / (8.0 * static_cast<double>(pp.metrics.size())))));
      }
    }
    for (const auto& f : e.fits)
      if (std::find(pp.metrics.begin(), pp.metrics.end(), f.metric) == pp.metrics.end()) {
        const auto mk = e.marks->find("fits");
        throw ConfigError(mk != e.marks->end() ? mk->second : SourceMark{e.file.string(), 0, 0},
                          "fits", "fit of unknown or unrecorded metric '" + f.metric + "'");
      }
    const auto mark_of = [&](const char* key) {
      const auto mk = e.marks->find(key);
      return mk != e.marks->end() ? mk->second : SourceMark{e.file.string(), 0, 0};
    };
    const auto slot = [&](const std::string& m) {
      return static_cast<std::size_t>(std::find(pp.metrics.begin(), pp.metrics.end(), m) -
                                      pp.metrics.begin());
    };
    auto ratios = pp.model->ratios();
    // A scenario ratio over a metric the experiment chose not to record is left out.
    std::erase_if(ratios, [&](const RatioSpec& r) {
      return slot(r.num) == pp.metrics.size() || slot(r.den) == pp.metrics.size();
    });
    for (const auto& r : e.ratios) {
      for (const auto& m : {r.num, r.den})
        if (slot(m) == pp.metrics.size())
          throw ConfigError(mark_of("ratios"), "ratios",
                            "ratio '" + r.name + "' uses unknown or unrecorded metric '" + m + "'");
      std::erase_if(ratios, [&](const RatioSpec& o) { return o.name == r.name; });
      ratios.push_back(r);
    }
    for (const auto& r : ratios) {
      if (slot(r.name) != pp.metrics.size())
        throw ConfigError(mark_of("ratios"), "ratios",
                          "ratio '" + r.name + "' has the name of a metric");
      pp.ratios.push_back(r);
      pp.ratio_slots.emplace_back(slot(r.num), slot(r.den));
    }
    for (const auto& t : e.precision) {
      const bool found = t.ratio ? std::any_of(pp.ratios.begin(), pp.ratios.end(),
                                               [&](const RatioSpec& r) { return r.name == t.name; })
                                 : slot(t.name) != pp.metrics.size();
      if (!found)
        throw ConfigError(mark_of("precision"), "precision",
                          std::string("precision target for unknown ") +
                              (t.ratio ? "ratio '" : "metric '") + t.name + "'");
    }
    pp.constants = pp.model->constants();
    out.push_back(std::move(pp));
  }
  check_against_points(e, points, out);
  return out;
}

}  // namespace fairmc
