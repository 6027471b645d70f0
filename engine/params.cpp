#include "engine/params.hpp"

#include "engine/config_text.hpp"
#include "engine/params_impl.hpp"

#include <cmath>
#include <sstream>

namespace fairmc {

std::string join_path(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  std::string out(prefix);
  out += '.';
  out += key;
  return out;
}

std::string format_where(const SourceMark& m) {
  std::string out = m.file.empty() ? std::string("<config>") : m.file;
  if (m.line > 0) out += ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
  return out;
}

namespace {
// Errors are one line of text whatever the input held: control characters and bytes that are
// not UTF-8 are shown escaped.
std::string one_line(const std::string& text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto u = static_cast<unsigned char>(text[i]);
    const std::size_t len = u < 0x80         ? 1
                            : (u >> 5) == 6  ? 2
                            : (u >> 4) == 14 ? 3
                            : (u >> 3) == 30 ? 4
                                             : 0;
    bool ok = len > 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(text[i + k]) >> 6) == 2;
    if (!ok || u < 0x20 || u == 0x7f) {
      out += u == '\n' ? std::string("\\n") : std::string("\\x") + hex[u >> 4] + hex[u & 15];
      ++i;
    } else {
      out.append(text, i, len);
      i += len;
    }
  }
  return out;
}

std::string render(const SourceMark& where, const std::string& key, const std::string& problem) {
  std::string out = format_where(where) + ": ";
  if (!key.empty()) out += "key '" + key + "': ";
  return one_line(out + problem);
}

std::string fmt_number(double x) {
  std::ostringstream s;
  s.precision(15);
  s << x;
  return s.str();
}

std::string scalar_text(const YAML::Node& n) {
  if (n.IsScalar()) return "'" + n.Scalar() + "'";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "nothing";
}
}  // namespace

ConfigError::ConfigError(SourceMark where, std::string key_path, std::string problem)
    : std::runtime_error(render(where, key_path, problem)),
      where_(std::move(where)),
      key_path_(std::move(key_path)),
      problem_(std::move(problem)) {}

bool Range::contains(double x) const {
  if (!std::isfinite(x)) return false;
  if (lo_open ? !(x > lo) : !(x >= lo)) return false;
  if (hi_open ? !(x < hi) : !(x <= hi)) return false;
  return true;
}

std::string Range::describe() const {
  const double big = std::numeric_limits<double>::max();
  if (lo == -big && hi == big) return "a finite number";
  if (hi == big) return std::string("a number ") + (lo_open ? "> " : ">= ") + fmt_number(lo);
  if (lo == -big) return std::string("a number ") + (hi_open ? "< " : "<= ") + fmt_number(hi);
  return std::string("a number in ") + (lo_open ? "(" : "[") + fmt_number(lo) + ", " +
         fmt_number(hi) + (hi_open ? ")" : "]");
}

Params::Params(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Params make_params(YAML::Node root, std::shared_ptr<const SourceIndex> marks,
                   std::shared_ptr<UsageRecord> used, SourceMark self) {
  auto impl = std::make_shared<Params::Impl>();
  impl->self = std::move(self);
  impl->node.reset(root);  // reset() rebinds; yaml-cpp operator= would write through
  impl->marks = std::move(marks);
  impl->used = std::move(used);
  return Params(std::move(impl));
}

void index_marks(const YAML::Node& node, const std::string& prefix, const std::string& file,
                 SourceIndex& out) {
  if (node.IsSequence()) {
    // List items are addressed as prefix.0, prefix.1, ... (Params::children).
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Mark m = node[i].Mark();
      const std::string path = prefix + "." + std::to_string(i);
      if (m.line >= 0) out[path] = SourceMark{file, m.line + 1, m.column + 1};
      index_marks(node[i], path, file, out);
    }
  }
  if (!node.IsMap()) return;
  for (const auto& kv : node) {
    const std::string path = join_path(prefix, kv.first.Scalar());
    const YAML::Mark m = kv.first.Mark();
    out[path] = SourceMark{file, m.line + 1, m.column + 1};
    index_marks(kv.second, path, file, out);
  }
}

Params Params::parse(std::string_view yaml_text, std::string file) {
  YAML::Node root;
  try {
    root.reset(YAML::Load(std::string(yaml_text)));
  } catch (const YAML::Exception& e) {
    throw ConfigError({file, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax: " + e.msg);
  }
  auto marks = std::make_shared<SourceIndex>();
  index_marks(root, "", file, *marks);
  return make_params(root, marks, std::make_shared<UsageRecord>(), SourceMark{file, 1, 1});
}

const std::string& Params::path() const {
  return impl_->path;
}
std::string Params::path_of(std::string_view key) const {
  return join_path(impl_->path, key);
}

SourceMark Params::mark_of(std::string_view key) const {
  // A key nobody wrote (a required one, say) is blamed on the nearest section that was written.
  std::string p = path_of(key);
  while (true) {
    if (auto it = impl_->marks->find(p); it != impl_->marks->end()) return it->second;
    const auto dot = p.rfind('.');
    if (dot == std::string::npos || p.size() <= impl_->path.size()) return impl_->self;
    p.erase(dot);
  }
}

void Params::fail(std::string_view key, std::string problem) const {
  throw ConfigError(mark_of(key), path_of(key), std::move(problem));
}

namespace {
// Looks `key` up and records the read. Returns an undefined node when absent.
YAML::Node lookup(const Params::Impl& impl, std::string_view key) {
  impl.used->mark(join_path(impl.path, key));
  if (!impl.node || !impl.node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node& n = impl.node;
  YAML::Node found = n[std::string(key)];
  return found;
}

bool present(const YAML::Node& n) {
  return n.IsDefined() && !n.IsNull();
}

std::optional<double> to_double(const YAML::Node& n) {
  if (!n.IsScalar()) return std::nullopt;
  return as_number(n.Scalar());  // one grammar for every reader (engine/config_text.hpp)
}

// "'0x10' (hexadecimal ... not read ...)": the value and, for a number in a spelling fairmc does
// not read, why.
std::string got(const YAML::Node& n) {
  return scalar_text(n) + (n.IsScalar() ? number_note(n.Scalar()) : std::string());
}
}  // namespace

double Params::number(std::string_view key, Range r) const {
  const YAML::Node n = lookup(*impl_, key);
  if (!present(n)) fail(key, "required; expected " + r.describe());
  const auto v = to_double(n);
  if (!v) fail(key, "got " + got(n) + "; expected " + r.describe());
  if (!r.contains(*v)) fail(key, "got " + n.Scalar() + "; expected " + r.describe());
  return *v;
}

namespace {
// Returns a fallback and records it, so the results file can say which defaults were used.
template <class T>
T defaulted(const Params::Impl& impl, std::string_view key, T fallback) {
  if (impl.used) {
    YAML::Emitter out;
    out << YAML::Flow << YAML::Node(fallback);
    impl.used->defaulted(join_path(impl.path, key), out.c_str());
  }
  return fallback;
}
}  // namespace

double Params::number(std::string_view key, double fallback, Range r) const {
  if (!present(lookup(*impl_, key))) return defaulted(*impl_, key, std::move(fallback));
  return number(key, r);
}

std::int64_t Params::integer(std::string_view key, std::int64_t lo, std::int64_t hi) const {
  const std::string accepted =
      "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  const YAML::Node n = lookup(*impl_, key);
  if (!present(n)) fail(key, "required; expected " + accepted);
  const auto v = to_double(n);
  // Accept 1e5-style spellings of exact integers, as researchers write them.
  if (!v || !std::isfinite(*v) || std::floor(*v) != *v || std::fabs(*v) > 9.007199254740992e15)
    fail(key, "got " + got(n) + "; expected " + accepted);
  if (*v < static_cast<double>(lo) || *v > static_cast<double>(hi))
    fail(key, "got " + n.Scalar() + "; expected " + accepted);
  return static_cast<std::int64_t>(*v);
}

std::int64_t Params::integer(std::string_view key, std::int64_t fallback, std::int64_t lo,
                             std::int64_t hi) const {
  if (!present(lookup(*impl_, key))) return defaulted(*impl_, key, std::move(fallback));
  return integer(key, lo, hi);
}

bool Params::flag(std::string_view key) const {
  const YAML::Node n = lookup(*impl_, key);
  if (!present(n)) fail(key, "required; expected true or false");
  // YAML 1.2's booleans only. yaml-cpp also decodes y/n, yes/no and on/off, which YAML 1.2 (and,
  // for y/n, PyYAML) read as text: another reader of the same file would see another value.
  const std::string s = n.IsScalar() ? n.Scalar() : std::string();
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  std::string lower;
  for (const char c : s) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  const bool yaml11 = lower == "y" || lower == "n" || lower == "yes" || lower == "no" ||
                      lower == "on" || lower == "off";
  fail(key, "got " + scalar_text(n) +
                (yaml11 ? " (a boolean to YAML 1.1 readers, text to YAML 1.2 ones)" : "") +
                "; expected true or false");
}

bool Params::flag(std::string_view key, bool fallback) const {
  if (!present(lookup(*impl_, key))) return defaulted(*impl_, key, std::move(fallback));
  return flag(key);
}

std::string Params::text(std::string_view key) const {
  const YAML::Node n = lookup(*impl_, key);
  if (!present(n)) fail(key, "required; expected a string");
  if (!n.IsScalar()) fail(key, "got " + scalar_text(n) + "; expected a string");
  return n.Scalar();
}

std::string Params::text(std::string_view key, std::string fallback) const {
  if (!present(lookup(*impl_, key))) return defaulted(*impl_, key, std::move(fallback));
  return text(key);
}

namespace {
std::string one_of(const std::vector<std::string>& accepted) {
  std::string out = "one of ";
  for (std::size_t i = 0; i < accepted.size(); ++i) out += (i ? ", " : "") + accepted[i];
  return out;
}
}  // namespace

std::string Params::choice(std::string_view key, const std::vector<std::string>& accepted) const {
  const YAML::Node n = lookup(*impl_, key);
  if (!present(n)) fail(key, "required; expected " + one_of(accepted));
  if (!n.IsScalar()) fail(key, "got " + scalar_text(n) + "; expected " + one_of(accepted));
  for (const auto& a : accepted)
    if (a == n.Scalar()) return a;
  fail(key, "got '" + n.Scalar() + "'; expected " + one_of(accepted));
}

std::string Params::choice(std::string_view key, const std::vector<std::string>& accepted,
                           std::string fallback) const {
  if (!present(lookup(*impl_, key))) return defaulted(*impl_, key, std::move(fallback));
  return choice(key, accepted);
}

std::vector<double> Params::numbers(std::string_view key, Range r) const {
  const YAML::Node n = lookup(*impl_, key);
  const std::string accepted = "a list of numbers, each " + r.describe();
  if (!present(n)) fail(key, "required; expected " + accepted);
  std::vector<double> out;
  auto take = [&](const YAML::Node& item, std::size_t i) {
    const auto v = to_double(item);
    if (!v || !r.contains(*v))
      fail(key, "item " + std::to_string(i) + " is " + got(item) + "; expected " + accepted);
    out.push_back(*v);
  };
  if (n.IsScalar()) {
    take(n, 0);
  } else if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) take(n[i], i);
  } else {
    fail(key, "got " + scalar_text(n) + "; expected " + accepted);
  }
  return out;
}

std::vector<double> Params::numbers(std::string_view key, std::vector<double> fallback,
                                    Range r) const {
  if (!present(lookup(*impl_, key))) return defaulted(*impl_, key, std::move(fallback));
  return numbers(key, r);
}

std::vector<std::string> Params::texts(std::string_view key,
                                       std::vector<std::string> fallback) const {
  const YAML::Node n = lookup(*impl_, key);
  if (!present(n)) return defaulted(*impl_, key, std::move(fallback));
  const std::string accepted = "a list of names, or one comma-separated string";
  std::vector<std::string> out;
  const auto take = [&](const std::string& text) {
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t comma = std::min(text.find(',', start), text.size());
      std::string item = text.substr(start, comma - start);
      const auto first = item.find_first_not_of(" \t");
      const auto last = item.find_last_not_of(" \t");
      if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
      start = comma + 1;
    }
  };
  if (n.IsScalar()) {
    take(n.Scalar());
  } else if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (!n[i].IsScalar())
        fail(key, "item " + std::to_string(i) + " is not a name; expected " + accepted);
      take(n[i].Scalar());
    }
  } else {
    fail(key, "got " + scalar_text(n) + "; expected " + accepted);
  }
  if (out.empty()) fail(key, "is empty; expected " + accepted);
  return out;
}

std::vector<std::int64_t> Params::integers(std::string_view key, std::int64_t lo,
                                           std::int64_t hi) const {
  const Range r = Range::closed(static_cast<double>(lo), static_cast<double>(hi));
  std::vector<std::int64_t> out;
  for (const double v : numbers(key, r)) {
    // Beyond 2^53 a double is no exact integer (and 2^63 does not convert to int64).
    if (std::floor(v) != v || std::fabs(v) > 9.007199254740992e15)
      fail(key, "expected a list of integers in [" + std::to_string(lo) + ", " +
                    std::to_string(hi) + "]");
    out.push_back(static_cast<std::int64_t>(v));
  }
  return out;
}

std::vector<std::vector<double>> Params::matrix(std::string_view key, Range r) const {
  const YAML::Node n = lookup(*impl_, key);
  const std::string accepted = "a list of equal-length lists of numbers, each " + r.describe();
  if (!present(n) || !n.IsSequence()) fail(key, "got " + scalar_text(n) + "; expected " + accepted);
  std::vector<std::vector<double>> rows;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const YAML::Node row = n[i];
    std::vector<double> values;
    if (row.IsScalar()) {
      const auto v = to_double(row);
      if (!v || !r.contains(*v)) fail(key, "row " + std::to_string(i) + ": expected " + accepted);
      values.push_back(*v);
    } else if (row.IsSequence()) {
      for (std::size_t j = 0; j < row.size(); ++j) {
        const auto v = to_double(row[j]);
        if (!v || !r.contains(*v))
          fail(key, "row " + std::to_string(i) + " item " + std::to_string(j) + " is " +
                        got(row[j]) + "; expected " + accepted);
        values.push_back(*v);
      }
    } else {
      fail(key, "row " + std::to_string(i) + " is " + scalar_text(row) + "; expected " + accepted);
    }
    if (!rows.empty() && values.size() != rows.front().size())
      fail(key, "row " + std::to_string(i) + " has " + std::to_string(values.size()) +
                    " entries, row 0 has " + std::to_string(rows.front().size()));
    rows.push_back(std::move(values));
  }
  return rows;
}

Params Params::child(std::string_view key) const {
  const YAML::Node n = lookup(*impl_, key);
  if (present(n) && !n.IsMap())
    fail(key, "got " + scalar_text(n) + "; expected a mapping (key: value, ...)");
  auto impl = std::make_shared<Impl>(*impl_);
  impl->node.reset(present(n) ? n : YAML::Node(YAML::NodeType::Map));
  impl->path = path_of(key);
  impl->self = mark_of(key);
  return Params(std::move(impl));
}

std::vector<Params> Params::children(std::string_view key) const {
  const YAML::Node n = lookup(*impl_, key);
  if (!present(n)) return {};
  if (!n.IsSequence()) fail(key, "got " + scalar_text(n) + "; expected a list of mappings");
  std::vector<Params> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsMap())
      fail(key, "item " + std::to_string(i) + " is " + scalar_text(n[i]) + "; expected a mapping");
    auto impl = std::make_shared<Impl>(*impl_);
    impl->node.reset(n[i]);
    impl->path = path_of(key) + "." + std::to_string(i);
    // Where the item was written (index_marks records list items as key.i); the merged tree's
    // nodes are copies without marks (engine/config_input.hpp, unshared).
    impl->self = mark_of(std::string(key) + "." + std::to_string(i));
    out.emplace_back(std::move(impl));
  }
  return out;
}

bool Params::has(std::string_view key) const {
  return present(lookup(*impl_, key));
}
bool Params::is_map(std::string_view key) const {
  return lookup(*impl_, key).IsMap();
}
bool Params::is_list(std::string_view key) const {
  return lookup(*impl_, key).IsSequence();
}

}  // namespace fairmc
