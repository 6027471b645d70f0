#include "engine/config_text.hpp"

#include <charconv>
#include <limits>

namespace fairmc {

namespace {

bool digit(char c) {
  return c >= '0' && c <= '9';
}

// The decimal grammar, without the range check: sign, integer digits, fraction digits, exponent.
struct Decimal {
  bool ok = false;
  bool leading_zero = false;  // "010", "00.5"
};

Decimal decimal(const std::string& s) {
  Decimal d;
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  const std::size_t int_start = i;
  while (i < n && digit(s[i])) ++i;
  const std::size_t int_len = i - int_start;
  std::size_t frac_len = 0;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && digit(s[i])) ++i, ++frac_len;
  }
  if (int_len == 0 && frac_len == 0) return d;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t exp_start = i;
    while (i < n && digit(s[i])) ++i;
    if (i == exp_start) return d;
  }
  if (i != n) return d;
  d.leading_zero = int_len > 1 && s[int_start] == '0';
  d.ok = !d.leading_zero;
  return d;
}

}  // namespace

std::optional<double> as_number(const std::string& s) {
  // Non-finite values are numbers too (every range then refuses them as not finite): YAML's
  // .inf / .nan and the C spellings inf, infinity, nan, in any case, with a sign.
  std::string word;
  for (const char c : s.substr(!s.empty() && (s[0] == '+' || s[0] == '-')))
    word += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (word == ".inf" || word == "inf" || word == "infinity")
    return s[0] == '-' ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
  if (word == ".nan" || word == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (!decimal(s).ok) return std::nullopt;
  double v = 0;
  const char* b = s.data() + (s[0] == '+');
  const char* e = s.data() + s.size();
  const auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e) return std::nullopt;  // beyond a double's range
  return v;
}

std::string number_note(const std::string& s) {
  if (s.empty()) return "";
  const std::string t = s.substr(s[0] == '+' || s[0] == '-');
  if (t.size() > 2 && t[0] == '0' && std::string("xXoObB").find(t[1]) != std::string::npos)
    return " (hexadecimal, octal and binary numbers are not read: write it in decimal)";
  if (decimal(s).leading_zero)
    return " (a leading zero: YAML 1.1 reads 010 as octal 8, YAML 1.2 as 10; write the number "
           "without it)";
  if (s.find('_') != std::string::npos && !t.empty() && digit(t[0])) {
    std::string plain = s;
    std::erase(plain, '_');
    if (decimal(plain).ok) return " (no '_' between digits: write " + plain + ")";
  }
  const auto first = s.find_first_not_of(" \t");
  const auto last = s.find_last_not_of(" \t");
  if (first != std::string::npos && (first > 0 || last + 1 < s.size()) &&
      as_number(s.substr(first, last - first + 1)))
    return " (spaces around the number: a quoted string, not a number)";
  if (decimal(s).ok && !as_number(s)) {
    const bool tiny = s.find_first_of("123456789") != std::string::npos &&
                      (s.find("e-") != std::string::npos || s.find("E-") != std::string::npos);
    return tiny ? " (too small for a double: it would be rounded to 0)"
                : " (beyond the range of a double, about 1.8e308)";
  }
  return "";
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
