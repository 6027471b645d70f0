#include "engine/option_value.hpp"

#include "engine/config_input.hpp"
#include "engine/params.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <system_error>

namespace fairmc {

namespace {

std::string shortest(double v) {
  if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<std::int64_t>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  for (int p = 1; p <= 17; ++p) {  // the shortest text that reads back as v
    char s[32];
    std::snprintf(s, sizeof s, "%.*g", p, v);
    if (std::strtod(s, nullptr) == v) return s;
  }
  return buf;
}

[[noreturn]] void refuse(const std::string& option, const std::string& text,
                         const std::string& problem, const std::string& range) {
  throw ConfigError(command_line_mark(option + " " + text), "", problem + "; accepted: " + range);
}

}  // namespace

std::int64_t whole_option(const std::string& option, const std::string& text, std::int64_t lo,
                          std::int64_t hi, const std::string& meaning) {
  const std::string range = "a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                            "] (" + meaning + ")";
  if (text.empty()) refuse(option, "''", "no value", range);
  std::int64_t v = 0;
  const char* end = text.data() + text.size();
  const char* begin = text.data() + (text.size() > 1 && text[0] == '+' && text[1] != '-');
  const auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec == std::errc::result_out_of_range) refuse(option, text, "'" + text + "' overflows", range);
  if (ec != std::errc() || ptr != end)
    refuse(option, text, "'" + text + "' is not a whole number", range);
  if (v < lo || v > hi) refuse(option, text, text + " is out of range", range);
  return v;
}

double real_option(const std::string& option, const std::string& text, double lo, double hi,
                   const std::string& meaning) {
  const std::string range =
      "a number in [" + shortest(lo) + ", " + shortest(hi) + "] (" + meaning + ")";
  if (text.empty()) refuse(option, "''", "no value", range);
  double v = 0;
  const char* end = text.data() + text.size();
  // Decimal or exponent form only: from_chars's general format also takes "inf" and "nan".
  const bool plain = text.find_first_not_of("0123456789.eE+-") == std::string::npos;
  const char* begin = text.data() + (text.size() > 1 && text[0] == '+' && text[1] != '-');
  const auto [ptr, ec] = std::from_chars(begin, end, v, std::chars_format::general);
  if (plain && ec == std::errc::result_out_of_range)
    refuse(option, text, "'" + text + "' is out of the range of a double", range);
  if (!plain || ec != std::errc() || ptr != end || !std::isfinite(v))
    refuse(option, text, "'" + text + "' is not a number", range);
  if (v < lo || v > hi) refuse(option, text, text + " is out of range", range);
  return v;
}

}  // namespace fairmc
