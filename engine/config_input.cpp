#include "engine/config_input.hpp"

#include <yaml-cpp/eventhandler.h>

#include <cstdio>
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
  // Long arguments are shortened: the error stays a readable line.
  const std::string shown = text.size() > 120 ? text.substr(0, 100) + "..." : text;
  return SourceMark{"<command line> '" + shown + "'", 0, 0};
}

namespace {

struct Walk {
  const MarkFn& where;
  std::size_t nodes = 0;

  // A value is read as its key says (Params), so a tag would be ignored or, worse, contradict the
  // reading (`!!str 5` read as the number 5, `!!float 5` as an integer); a custom tag means
  // nothing to fairmc. "?" is an untagged plain value and "!" a quoted one.
  void check_tag(const std::string& tag, const std::string& path, const YAML::Mark& at) const {
    if (tag.empty() || tag == "?" || tag == "!") return;
    const std::string core = "tag:yaml.org,2002:";
    const std::string shown = tag.rfind(core, 0) == 0 ? "!!" + tag.substr(core.size())
                              : tag[0] == '!'         ? tag
                                                      : "!<" + tag + ">";
    throw ConfigError(where(at), path,
                      "a YAML tag (" + shown +
                          "): fairmc reads each value as its key says and takes no tags; remove "
                          "it (quotes make a value text)");
  }

  void visit(const YAML::Node& n, const std::string& path, const YAML::Mark& at, int depth) {
    if (++nodes > max_config_nodes)
      throw ConfigError(where(at), path,
                        "the document has more than " + std::to_string(max_config_nodes) +
                            " values (aliases included); that is the limit");
    if (depth > max_config_depth)
      throw ConfigError(where(at), path,
                        "nested more than " + std::to_string(max_config_depth) +
                            " levels deep; that is the limit");
    check_tag(n.Tag(), path, at);
    if (n.IsMap()) {
      // Directly under sweep.grid / sweep.zip the keys are dotted paths of swept keys (under any
      // other sweep section too, so that its own name is what gets reported as unknown).
      // Under a check's `at:` they are swept keys too (list items share their list's path).
      const bool dotted =
          (path.rfind("sweep.", 0) == 0 && path.find('.', 6) == std::string::npos) ||
          path == "checks.at";
      std::set<std::string> seen;
      for (const auto& kv : n) {
        const YAML::Mark km = kv.first.Mark();
        if (!kv.first.IsScalar())
          throw ConfigError(where(km), path, "a key must be a plain name, not a list or mapping");
        const std::string& k = kv.first.Scalar();
        const std::string p = join_path(path, k);
        check_tag(kv.first.Tag(), p, km);
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
    } else if (n.IsScalar()) {
      // yaml-cpp writes these two raw where it escapes the other control characters, and
      // reading them back fails or drops them: a value holding one would not survive the
      // results file, so --resume could not reload the experiment that ran.
      for (const char c : n.Scalar())
        if (c == '\r' || c == '\x7f')
          throw ConfigError(where(at), path,
                            std::string("a value holding the control character ") +
                                (c == '\r' ? "U+000D (carriage return)" : "U+007F (delete)") +
                                ", which a results file cannot store unchanged; remove it");
    }
  }
};

}  // namespace

YAML::Node unshared(const YAML::Node& node) {
  YAML::Node out;
  if (node.IsScalar()) {
    out = YAML::Node(node.Scalar());
  } else if (node.IsSequence()) {
    out = YAML::Node(YAML::NodeType::Sequence);
    for (const auto& item : node) out.push_back(unshared(item));
  } else if (node.IsMap()) {
    out = YAML::Node(YAML::NodeType::Map);
    for (const auto& kv : node) out[kv.first.Scalar()] = unshared(kv.second);
  } else {
    return node.IsNull() ? YAML::Node(YAML::NodeType::Null) : YAML::Node();
  }
  out.SetTag(node.Tag());
  out.SetStyle(node.Style());
  return out;
}

void check_document(const YAML::Node& node, const std::string& path, const MarkFn& where) {
  Walk w{where};
  w.visit(node, path, node.Mark(), 0);
}

namespace {
// Where each document of a YAML stream starts. yaml-cpp 0.7 ignores every document after the
// first in Load and, on some malformed input (",a: 1"), reports endless empty documents at the
// same position in LoadAll; counting the starts catches both.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& m) override { starts.push_back(m); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};
}  // namespace

namespace {
// YAML text is printable Unicode in UTF-8 (YAML 1.2, 5.1). yaml-cpp reads other bytes, but writes
// them back changed, so the configuration stored in a results file would not be the one that ran.
void check_text(const std::string& text, const std::string& path, const MarkFn& where) {
  int line = 0;
  int column = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = b < 0x80         ? 1
                      : (b >> 5) == 6  ? 2
                      : (b >> 4) == 14 ? 3
                      : (b >> 3) == 30 ? 4
                                       : 0;
    std::uint32_t cp = len == 1 ? b : len == 2 ? b & 0x1f : len == 3 ? b & 0x0f : b & 0x07;
    bool ok = len > 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      ok = (c >> 6) == 2;
      cp = (cp << 6) | (c & 0x3f);
    }
    static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    ok = ok && cp >= min_for_len[len] && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
    const bool printable = cp == 9 || cp == 10 || cp == 13 || (cp >= 0x20 && cp < 0x7f) ||
                           cp == 0x85 || (cp >= 0xa0 && cp != 0xfffe && cp != 0xffff);
    if (!ok || !printable) {
      YAML::Mark m;
      m.pos = static_cast<int>(i);
      m.line = line;
      m.column = column;
      char code[16];
      std::snprintf(code, sizeof code, ok ? "U+%04X" : "byte 0x%02X", ok ? cp : b);
      throw ConfigError(where(m), path,
                        std::string(ok ? "control character " : "not UTF-8 text: ") + code +
                            "; YAML text is printable UTF-8 (write control characters as "
                            "escapes in double quotes, e.g. \"\\t\")");
    }
    // A carriage return only as part of CRLF: yaml-cpp keeps a lone one inside a scalar and
    // writes it back raw, and reading that text again drops one, so the stored configuration
    // would not reload as the one that ran (found by the fuzzer).
    if (cp == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
      YAML::Mark m;
      m.pos = static_cast<int>(i);
      m.line = line;
      m.column = column;
      throw ConfigError(where(m), path,
                        "a carriage return (U+000D) without a line feed; lines end in LF or CRLF");
    }
    if (cp == '\n') {
      ++line;
      column = 0;
    } else {
      ++column;
    }
    i += len;
  }
}
}  // namespace

YAML::Node load_document(const std::string& text, const std::string& path, const MarkFn& where) {
  check_text(text, path, where);
  YAML::Node doc;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts docs;
    while (docs.starts.size() < 2 && parser.HandleNextDocument(docs)) {
    }
    if (docs.starts.size() == 2 && docs.starts[1].pos <= docs.starts[0].pos)
      throw ConfigError(where(docs.starts[1]), path,
                        "YAML syntax: cannot read a document here (a stray character?)");
    if (docs.starts.size() == 2)
      throw ConfigError(where(docs.starts[1]), path,
                        "a second YAML document ('---'); give one document per file");
    doc.reset(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    throw ConfigError(where(e.mark), path, "YAML syntax: " + e.msg);
  }
  check_document(doc, path, where);
  return doc;
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
