#include "engine/config_input.hpp"

#include <fstream>
#include <set>
#include <sstream>

namespace fairmc {
namespace fs = std::filesystem;

bool is_key_name(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

bool is_key_path(std::string_view s) {
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    if (!is_key_name(s.substr(start, dot == std::string_view::npos ? dot : dot - start)))
      return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool paths_overlap(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  return b.substr(0, a.size()) == a && (b.size() == a.size() || b[a.size()] == '.');
}

std::string read_config_file(const fs::path& p, const SourceMark& from, const std::string& key) {
  std::error_code ec;
  const auto status = fs::status(p, ec);
  if (ec || !fs::exists(status))
    throw ConfigError(from, key, "cannot read file '" + p.string() + "': no such file");
  if (!fs::is_regular_file(status))
    throw ConfigError(from, key, "'" + p.string() + "' is not a regular file");
  const auto size = fs::file_size(p, ec);
  if (!ec && size > max_config_file_bytes)
    throw ConfigError(from, key,
                      "'" + p.string() + "' has " + std::to_string(size) +
                          " bytes; an experiment or config file may have at most " +
                          std::to_string(max_config_file_bytes) + " bytes");
  std::ifstream in(p, std::ios::binary);
  if (!in) throw ConfigError(from, key, "cannot read file '" + p.string() + "': permission denied");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

MarkFn file_marks(const std::string& file) {
  return [file](const YAML::Mark& m) {
    // yaml-cpp marks nodes it made up (e.g. an empty value) with -1.
    return m.line < 0 ? SourceMark{file, 0, 0} : SourceMark{file, m.line + 1, m.column + 1};
  };
}

SourceMark command_line_mark(const std::string& text) {
  return SourceMark{"<command line> '" + text + "'", 0, 0};
}

namespace {

struct Walk {
  const MarkFn& where;
  std::size_t nodes = 0;

  void visit(const YAML::Node& n, const std::string& path, const YAML::Mark& at, int depth) {
    if (++nodes > max_config_nodes)
      throw ConfigError(where(at), path,
                        "the document has more than " + std::to_string(max_config_nodes) +
                            " values (aliases included); that is the limit");
    if (depth > max_config_depth)
      throw ConfigError(where(at), path,
                        "nested more than " + std::to_string(max_config_depth) +
                            " levels deep; that is the limit");
    if (n.IsMap()) {
      // Directly under sweep.grid / sweep.zip the keys are dotted paths of swept keys (under any
      // other sweep section too, so that its own name is what gets reported as unknown).
      const bool dotted = path.rfind("sweep.", 0) == 0 && path.find('.', 6) == std::string::npos;
      std::set<std::string> seen;
      for (const auto& kv : n) {
        const YAML::Mark km = kv.first.Mark();
        if (!kv.first.IsScalar())
          throw ConfigError(where(km), path, "a key must be a plain name, not a list or mapping");
        const std::string& k = kv.first.Scalar();
        const std::string p = join_path(path, k);
        if (!(dotted ? is_key_path(k) : is_key_name(k)))
          throw ConfigError(where(km), p,
                            std::string("not a valid key: use letters, digits, '_' and '-'") +
                                (dotted ? ", joined by '.' into a key path" : ""));
        if (!seen.insert(k).second)
          throw ConfigError(where(km), p,
                            "duplicate key: it appears twice in the same mapping (YAML would "
                            "silently keep one of them); write it once");
        if (kv.second.IsNull())
          throw ConfigError(where(km), p,
                            "no value (empty or null); write a value or remove the key");
        visit(kv.second, p, km, depth + 1);
      }
    } else if (n.IsSequence()) {
      for (std::size_t i = 0; i < n.size(); ++i) {
        const YAML::Mark im = n[i].Mark().line >= 0 ? n[i].Mark() : at;
        if (n[i].IsNull())
          throw ConfigError(where(im), path,
                            "item " + std::to_string(i) +
                                " of the list has no value (empty or null); remove it or give one");
        visit(n[i], path, im, depth + 1);
      }
    }
  }
};

}  // namespace

void check_document(const YAML::Node& node, const std::string& path, const MarkFn& where) {
  Walk w{where};
  w.visit(node, path, node.Mark(), 0);
}

YAML::Node load_document(const std::string& text, const std::string& path, const MarkFn& where) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(where(e.mark), path, "YAML syntax: " + e.msg);
  }
  if (docs.size() > 1)
    throw ConfigError(where(docs[1].Mark()), path,
                      "a second YAML document ('---'); give one document per file");
  if (docs.empty()) return YAML::Node(YAML::NodeType::Null);
  check_document(docs.front(), path, where);
  return docs.front();
}

SourceMark nearest_mark(const SourceIndex& marks, std::string_view path,
                        const SourceMark& fallback) {
  std::string p(path);
  while (true) {
    if (const auto it = marks.find(p); it != marks.end()) return it->second;
    const auto dot = p.rfind('.');
    if (dot == std::string::npos) return fallback;
    p.erase(dot);
  }
}

void reject_unread(const YAML::Node& node, const std::string& prefix, const UsageRecord& used,
                   const SourceIndex& marks, const SourceMark& fallback,
                   const std::function<bool(const std::string&)>& skip,
                   const std::function<std::string(const std::string&)>& accepted) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string k = kv.first.Scalar();
      if (prefix.empty() && skip(k)) continue;
      const std::string path = join_path(prefix, k);
      if (!used.contains(path))
        throw ConfigError(
            nearest_mark(marks, path, fallback), path,
            "unknown key; accepted here: " + accepted(prefix) + " (see `fairmc list`)");
      reject_unread(kv.second, path, used, marks, fallback, skip, accepted);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      if (node[i].IsMap())
        reject_unread(node[i], prefix + "." + std::to_string(i), used, marks, fallback, skip,
                      accepted);
  }
}

}  // namespace fairmc
