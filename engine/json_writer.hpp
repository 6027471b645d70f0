// A small JSON writer for the command line's --json output (docs/cli.md): one document, built in
// memory, with correct string escaping and numbers that read back exactly.
//
// Numbers: doubles with 17 significant digits (every double reads back as the same double) and
// always with a point or an exponent ("2.0"), so a reader keeps them apart from integers, which
// are written exactly. JSON has no NaN or infinity: a non-finite double is written as null and
// counted (nonfinite()), so a document can say how many nulls stand for which value; callers
// that write a set of numbers use fields(), which also names the non-finite ones beside them.
// Strings: UTF-8 passed through, `"` `\` and control characters escaped, and any byte sequence
// that is not valid UTF-8 replaced by U+FFFD (a document is always valid UTF-8).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fairmc {

class JsonWriter {
 public:
  struct NonFinite {
    std::int64_t nan = 0, pos_inf = 0, neg_inf = 0;
  };

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The next member's name; only directly inside an object, once before each value.
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(double v);  // null when not finite (counted)
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(std::uint64_t v);
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(bool v);
  JsonWriter& null();

  // Inside an object: names[i]: values[i] for each i, then, when some values are not finite,
  // "nonfinite": {name: "nan" | "inf" | "-inf", ...} for those.
  JsonWriter& fields(std::span<const std::string> names, std::span<const double> values);

  // The non-finite doubles written so far (as null).
  const NonFinite& nonfinite() const { return nonfinite_; }
  // The document with a final newline; throws std::logic_error unless exactly one complete value
  // was written.
  std::string str() const;

  // `s` as a JSON string literal, quotes included.
  static std::string quote(std::string_view s);
  // The text a finite double is written as ("%.17g", plus ".0" when that looks like an integer).
  static std::string number(double v);

 private:
  void before_value();
  std::string out_;
  // Open containers: '{' or '['; `first_` per level: no member written yet.
  std::vector<char> stack_;
  std::vector<bool> first_;
  bool key_pending_ = false;
  bool done_ = false;
  NonFinite nonfinite_;
};

}  // namespace fairmc
