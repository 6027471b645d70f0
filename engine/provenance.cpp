#include "engine/provenance.hpp"

#include "engine/results.hpp"

#include <hdf5.h>
#include <oneapi/tbb/version.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>
#include <boost/version.hpp>
#if __has_include(<glpk.h>)
#include <glpk.h>
#endif
#ifdef FAIRMC_HAVE_MPI
#include <mpi.h>
#endif

#include <array>
#include <sstream>

#ifndef FAIRMC_VERSION
#define FAIRMC_VERSION "unknown"
#endif
#if __has_include("fairmc_git.hpp")
#include "fairmc_git.hpp"  // written at build time (cmake/git_version.cmake)
#else
#define FAIRMC_GIT_SHA "unknown"
#define FAIRMC_GIT_DIRTY -1
#endif
#ifndef FAIRMC_YAML_CPP_VERSION
#define FAIRMC_YAML_CPP_VERSION "unknown"
#endif

namespace fairmc {

Build this_build() {
  return {FAIRMC_VERSION, FAIRMC_GIT_SHA, FAIRMC_GIT_DIRTY};
}

std::string build_id() {
  return std::string(FAIRMC_VERSION) + " " + FAIRMC_GIT_SHA +
         (FAIRMC_GIT_DIRTY == 1 ? " dirty" : "");
}

std::string library_versions() {
  std::ostringstream o;
  o << "Boost " << BOOST_VERSION / 100000 << "." << BOOST_VERSION / 100 % 1000 << "."
    << BOOST_VERSION % 100;
  o << ", TBB " << TBB_runtime_version();
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  o << ", HDF5 " << maj << "." << min << "." << rel;
#ifdef GLP_MAJOR_VERSION
  // The scenarios' LP solver; the engine sees its header only.
  o << ", GLPK " << GLP_MAJOR_VERSION << "." << GLP_MINOR_VERSION;
#endif
  o << ", yaml-cpp " << FAIRMC_YAML_CPP_VERSION;
#ifdef FAIRMC_HAVE_MPI
  std::array<char, MPI_MAX_LIBRARY_VERSION_STRING> mpi{};
  int len = 0;
  MPI_Get_library_version(mpi.data(), &len);
  std::string first(mpi.data(), static_cast<std::size_t>(len));
  first = first.substr(0, first.find_first_of(",\n"));
  o << ", MPI " << MPI_VERSION << "." << MPI_SUBVERSION << " (" << first << ")";
#else
  o << ", MPI off";
#endif
  return o.str();
}

RunEntry start_entry(std::string kind, std::string command_line,
                     const std::vector<std::string>& overrides, int threads, int ranks) {
  RunEntry e;
  e.kind = std::move(kind);
  e.command_line = std::move(command_line);
  for (const auto& o : overrides) e.overrides += (e.overrides.empty() ? "" : " ") + o;
  const Build b = this_build();
  e.fairmc_version = b.version;
  e.git_sha = b.git_sha;
  e.git_dirty = b.git_dirty;
  e.start_utc = utc_now();
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) == 0) e.host = host.data();
  e.threads = threads;
  e.ranks = ranks;
  e.libraries = library_versions();
  e.running = true;
  e.started = std::chrono::steady_clock::now();
  return e;
}

std::optional<std::string> build_change(const std::vector<RunEntry>& history) {
  if (history.empty()) return std::nullopt;
  const RunEntry& last = history.back();
  const auto id = [](const std::string& v, const std::string& sha, std::int64_t dirty) {
    return v + " " + sha + (dirty == 1 ? " dirty" : "");
  };
  const std::string was = id(last.fairmc_version, last.git_sha, last.git_dirty);
  // Two dirty builds of one sha cannot be told apart: they count as the same.
  if (was == build_id()) return std::nullopt;
  return "resumed by fairmc " + build_id() + ", written so far by fairmc " + was;
}

std::string history_line(const RunEntry& e) {
  std::ostringstream o;
  o << e.start_utc << " to " << e.end_utc << " (" << e.kind << ", " << e.wall_seconds << " s, "
    << e.threads << " threads x " << e.ranks << " ranks on " << e.host << ", fairmc "
    << e.fairmc_version << " " << e.git_sha << (e.git_dirty == 1 ? " dirty" : "")
    << "): " << e.command_line;
  if (!e.note.empty()) o << " [" << e.note << "]";
  return o.str();
}

}  // namespace fairmc
