#include "engine/config_text.hpp"

#include <charconv>

namespace fairmc {

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

const std::regex& sweep_fn() {
  static const std::regex re(R"(^\s*(range|linspace|logspace)\s*\((.*)\)\s*$)");
  return re;
}

bool is_sweep_function(const std::string& s) {
  return std::regex_match(s, sweep_fn());
}

// A YAML node's value at a dotted path of `root`, or an undefined node.
YAML::Node at_path(const YAML::Node& root, const std::string& path) {
  YAML::Node cur;
  cur.reset(root);
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!cur.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node next = cur[part];
    if (!next) return YAML::Node(YAML::NodeType::Undefined);
    cur.reset(next);
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
}

}  // namespace fairmc
