// Engine-private parts of Params: the YAML tree, where each key came from, and which keys a
// scenario read (to report the rest as unknown).
#pragma once

#include "engine/params.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace fairmc {

// Dotted key path -> the place in a file (or on the command line) that set it.
using SourceIndex = std::map<std::string, SourceMark, std::less<>>;

class UsageRecord {
 public:
  void mark(const std::string& path) {
    std::lock_guard lock(mutex_);
    used_.insert(path);
  }
  bool contains(const std::string& path) const {
    std::lock_guard lock(mutex_);
    return used_.count(path) > 0;
  }
  // Whether any key below `prefix` was read.
  bool any_under(const std::string& prefix) const {
    std::lock_guard lock(mutex_);
    const std::string head = prefix + ".";
    const auto it = used_.lower_bound(head);
    return it != used_.end() && it->compare(0, head.size(), head) == 0;
  }

  // A default the scenario filled in for an absent key (value as YAML flow text): results files
  // store them beside the resolved configuration (/config/defaults).
  void defaulted(const std::string& path, std::string value) {
    std::lock_guard lock(mutex_);
    defaults_[path] = std::move(value);
  }
  std::map<std::string, std::string> defaults() const {
    std::lock_guard lock(mutex_);
    return defaults_;
  }
  // Keys read directly under `prefix` ("" = top level), in sorted order.
  std::vector<std::string> children_of(const std::string& prefix) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    const std::string head = prefix.empty() ? "" : prefix + ".";
    for (const auto& p : used_)
      if (p.compare(0, head.size(), head) == 0 && p.find('.', head.size()) == std::string::npos)
        out.push_back(p.substr(head.size()));
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::set<std::string> used_;
  std::map<std::string, std::string> defaults_;
};

struct Params::Impl {
  YAML::Node node;  // the mapping this view looks at (Null = empty mapping)
  std::string path;
  SourceMark self;  // where this mapping itself is
  std::shared_ptr<const SourceIndex> marks;
  std::shared_ptr<UsageRecord> used;
};

// A view of `root` for a scenario; `used` collects the keys read through it.
Params make_params(YAML::Node root, std::shared_ptr<const SourceIndex> marks,
                   std::shared_ptr<UsageRecord> used, SourceMark self = {});

// Records the file position of every key under `node` (prefix = dotted path of node).
void index_marks(const YAML::Node& node, const std::string& prefix, const std::string& file,
                 SourceIndex& out);

std::string join_path(std::string_view prefix, std::string_view key);
std::string format_where(const SourceMark& m);

}  // namespace fairmc
