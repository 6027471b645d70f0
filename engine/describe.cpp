#include "engine/describe.hpp"

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
  o << "seed " << e.seed << ", " << e.draws << " draws per point in " << e.block_count()
    << " blocks of " << e.block << (e.keep_draws ? ", raw draws kept" : "") << "\n";
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
    for (const auto& [c, v] : prepared[p].constants) o << "\n    " << c << " = " << v;
    o << "\n";
  }
  for (const auto& f : e.fits)
    o << "fit: " << f.metric << " against " << f.against << (f.log ? " (log-log)" : " (linear)")
      << "\n";
  o << "total: " << points.size() * static_cast<std::size_t>(e.draws) << " draws\n";
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
    o << "\n";
  }
  return o.str();
}

std::string build_info() {
#ifndef FAIRMC_VERSION
#define FAIRMC_VERSION "unknown"
#define FAIRMC_GIT_SHA "unknown"
#endif
#ifdef FAIRMC_HAVE_MPI
  constexpr const char* mpi = "on";
#else
  constexpr const char* mpi = "off";
#endif
  return std::string("fairmc ") + FAIRMC_VERSION + " (git " + FAIRMC_GIT_SHA + ", MPI: " + mpi +
         ")";
}

}  // namespace fairmc
