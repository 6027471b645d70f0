// Read-only, validating view of one sweep point's resolved configuration.
//
// Scenarios read their settings only through Params, never through YAML: every accessor
// checks type and range and, on failure, throws ConfigError naming the file, line, column, key
// path and what is accepted. Params records every key it was asked for, so after a scenario has
// prepared a point the engine can report keys nobody read as "unknown key" errors.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fairmc {

// Where a value came from: the experiment file, an included configs/ file or an override.
struct SourceMark {
  std::string file;  // empty when unknown
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based
};

class ConfigError : public std::runtime_error {
 public:
  ConfigError(SourceMark where, std::string key_path, std::string problem);
  const SourceMark& where() const { return where_; }
  const std::string& key_path() const { return key_path_; }
  const std::string& problem() const { return problem_; }

 private:
  SourceMark where_;
  std::string key_path_;
  std::string problem_;
};

// Closed/open interval for numeric checks; default is all finite numbers.
struct Range {
  double lo = -std::numeric_limits<double>::max();
  double hi = std::numeric_limits<double>::max();
  bool lo_open = false;
  bool hi_open = false;

  static Range positive() { return {0.0, std::numeric_limits<double>::max(), true, false}; }
  static Range nonnegative() { return {0.0, std::numeric_limits<double>::max(), false, false}; }
  static Range unit() { return {0.0, 1.0, false, false}; }     // [0, 1]
  static Range unit_open() { return {0.0, 1.0, true, true}; }  // (0, 1)
  static Range closed(double a, double b) { return {a, b, false, false}; }
  static Range at_least(double a) { return {a, std::numeric_limits<double>::max(), false, false}; }
  bool contains(double x) const;
  std::string describe() const;  // e.g. "a number in (0, 1]"
};

class Params {
 public:
  // Parses YAML text (tests and tools); `file` is used in error messages.
  static Params parse(std::string_view yaml_text, std::string file = "<string>");

  // Scalars. Without a fallback the key is required.
  double number(std::string_view key, Range r = {}) const;
  double number(std::string_view key, double fallback, Range r = {}) const;
  std::int64_t integer(std::string_view key,
                       std::int64_t lo = std::numeric_limits<std::int64_t>::min(),
                       std::int64_t hi = std::numeric_limits<std::int64_t>::max()) const;
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t lo,
                       std::int64_t hi) const;
  bool flag(std::string_view key) const;
  bool flag(std::string_view key, bool fallback) const;
  std::string text(std::string_view key) const;
  std::string text(std::string_view key, std::string fallback) const;
  // One of `accepted`; the error lists them.
  std::string choice(std::string_view key, const std::vector<std::string>& accepted) const;
  std::string choice(std::string_view key, const std::vector<std::string>& accepted,
                     std::string fallback) const;

  // Sequences of scalars (a YAML list; a single scalar counts as a list of one).
  std::vector<double> numbers(std::string_view key, Range r = {}) const;
  std::vector<double> numbers(std::string_view key, std::vector<double> fallback,
                              Range r = {}) const;
  std::vector<std::int64_t> integers(std::string_view key, std::int64_t lo, std::int64_t hi) const;
  // A list of names: a YAML list of scalars, or one scalar split at commas ("sum, max").
  std::vector<std::string> texts(std::string_view key, std::vector<std::string> fallback) const;
  // A list of equal-length numeric lists (rows).
  std::vector<std::vector<double>> matrix(std::string_view key, Range r = {}) const;

  // Sub-mappings. A missing key gives an empty mapping (all its reads then use fallbacks).
  Params child(std::string_view key) const;
  // A list of mappings.
  std::vector<Params> children(std::string_view key) const;

  bool has(std::string_view key) const;
  bool is_map(std::string_view key) const;
  bool is_list(std::string_view key) const;
  // Full dotted path of this mapping ("" for the root) and of one of its keys.
  const std::string& path() const;
  std::string path_of(std::string_view key) const;
  SourceMark mark_of(std::string_view key) const;

  // Cross-field checks a scenario does itself: throws ConfigError located at `key`.
  [[noreturn]] void fail(std::string_view key, std::string problem) const;

  struct Impl;  // engine-private (wraps the YAML tree and the usage record)
  explicit Params(std::shared_ptr<const Impl> impl);
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

}  // namespace fairmc
