#include "engine/history_file.hpp"

#include "engine/h5io.hpp"
#include "engine/results.hpp"

#include <stdexcept>
#include <string>

namespace fairmc {
using namespace h5;

namespace {

template <class F>
std::vector<std::string> texts(const std::vector<RunEntry>& h, F field) {
  std::vector<std::string> out;
  for (const auto& e : h) out.push_back(field(e));
  return out;
}

}  // namespace

void write_history(hid_t file, const std::vector<RunEntry>& history) {
  std::vector<RunEntry> h = history;
  for (RunEntry& e : h)
    if (e.running) {
      e.end_utc = utc_now();
      e.wall_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - e.started).count();
    }
  Hid g = create_group(file, "history");
  attr(g, "description", "one entry per fairmc invocation that wrote this file, oldest first");
  const std::vector<hsize_t> dims{h.size()};
  const auto strings = [&](const char* name, auto field) {
    write_strings(g, name, dims, texts(h, field));
  };
  strings("kind", [](const RunEntry& e) { return e.kind; });
  strings("command_line", [](const RunEntry& e) { return e.command_line; });
  strings("overrides", [](const RunEntry& e) { return e.overrides; });
  strings("fairmc_version", [](const RunEntry& e) { return e.fairmc_version; });
  strings("git_sha", [](const RunEntry& e) { return e.git_sha; });
  strings("start_utc", [](const RunEntry& e) { return e.start_utc; });
  strings("end_utc", [](const RunEntry& e) { return e.end_utc; });
  strings("host", [](const RunEntry& e) { return e.host; });
  strings("libraries", [](const RunEntry& e) { return e.libraries; });
  strings("note", [](const RunEntry& e) { return e.note; });
  std::vector<std::int64_t> dirty, threads, ranks;
  std::vector<double> wall;
  for (const auto& e : h) {
    dirty.push_back(e.git_dirty);
    threads.push_back(e.threads);
    ranks.push_back(e.ranks);
    wall.push_back(e.wall_seconds);
  }
  write<std::int64_t>(g, "git_dirty", dims, dirty.data());
  write<std::int64_t>(g, "threads", dims, threads.data());
  write<std::int64_t>(g, "ranks", dims, ranks.data());
  write<double>(g, "wall_seconds", dims, wall.data());
}

std::vector<RunEntry> read_history(hid_t file) {
  std::vector<RunEntry> h;
  if (!exists(file, "history")) {
    // Written before /history existed: what the root attributes say about the last writer.
    RunEntry e;
    e.kind = "unknown";
    const auto text = [&](const char* name) {
      return has_attr(file, name) ? read_string_attr(file, name) : std::string();
    };
    e.command_line = text("command_line");
    e.fairmc_version = text("fairmc_version");
    e.git_sha = text("git_sha");
    e.start_utc = text("created_utc");
    e.end_utc = text("updated_utc");
    e.note = "reconstructed from the root attributes of a file written before /history";
    h.push_back(std::move(e));
    return h;
  }
  Hid g = open_group(file, "history");
  const auto kind = read_strings(g, "kind");
  const std::size_t n = kind.size();
  const auto column = [&](const char* name) {
    auto v = read_strings(g, name);
    if (v.size() != n)
      throw std::runtime_error(std::string("damaged: /history/") + name + " has " +
                               std::to_string(v.size()) + " entries, /history/kind " +
                               std::to_string(n));
    return v;
  };
  const auto numbers = [&]<class T>(const char* name, T) {
    auto v = read<T>(g, name);
    if (v.size() != n)
      throw std::runtime_error(std::string("damaged: /history/") + name + " has " +
                               std::to_string(v.size()) + " entries, /history/kind " +
                               std::to_string(n));
    return v;
  };
  const auto cmd = column("command_line"), ovr = column("overrides"),
             ver = column("fairmc_version"), sha = column("git_sha"), start = column("start_utc"),
             end = column("end_utc"), host = column("host"), libs = column("libraries"),
             note = column("note");
  const auto dirty = numbers("git_dirty", std::int64_t{}),
             threads = numbers("threads", std::int64_t{}), ranks = numbers("ranks", std::int64_t{});
  const auto wall = numbers("wall_seconds", double{});
  for (std::size_t i = 0; i < n; ++i)
    h.push_back({kind[i], cmd[i], ovr[i], ver[i], sha[i], dirty[i], start[i], end[i], wall[i],
                 host[i], threads[i], ranks[i], libs[i], note[i]});
  return h;
}

}  // namespace fairmc
