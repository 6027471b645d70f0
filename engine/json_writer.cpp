#include "engine/json_writer.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace fairmc {

namespace {

// Length of the valid UTF-8 sequence starting at s[i] (1 to 4), or 0 if it is not one
// (overlong forms, surrogates and code points above U+10FFFF are not valid).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

std::string JsonWriter::quote(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20) {
      switch (c) {
        case '\n':
          out += "\\n";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default: {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        }
      }
      ++i;
    } else if (const std::size_t n = utf8_length(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\\ufffd";  // one replacement per invalid byte
      ++i;
    }
  }
  return out + "\"";
}

std::string JsonWriter::number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string out = buf;
  // A double stays a double for the reader ("2.0", not "2"), as the file stores it.
  if (out.find_first_of(".eE") == std::string::npos) out += ".0";
  return out;
}

void JsonWriter::before_value() {
  if (done_) throw std::logic_error("JsonWriter: a second top-level value");
  if (!stack_.empty()) {
    if (stack_.back() == '{') {
      if (!key_pending_) throw std::logic_error("JsonWriter: a value in an object without a key");
      key_pending_ = false;
    } else {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
    }
  }
}

JsonWriter& JsonWriter::key(std::string_view k) {
  if (stack_.empty() || stack_.back() != '{' || key_pending_)
    throw std::logic_error("JsonWriter: a key outside an object or twice");
  if (!first_.back()) out_ += ',';
  first_.back() = false;
  out_ += quote(k);
  out_ += ':';
  key_pending_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  stack_.push_back('{');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  stack_.push_back('[');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  if (stack_.empty() || stack_.back() != '{' || key_pending_)
    throw std::logic_error("JsonWriter: end_object without a matching begin_object");
  out_ += '}';
  stack_.pop_back();
  first_.pop_back();
  done_ = stack_.empty();
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  if (stack_.empty() || stack_.back() != '[')
    throw std::logic_error("JsonWriter: end_array without a matching begin_array");
  out_ += ']';
  stack_.pop_back();
  first_.pop_back();
  done_ = stack_.empty();
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  out_ += quote(s);
  done_ = stack_.empty();
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  if (std::isfinite(v)) {
    before_value();
    out_ += number(v);
    done_ = stack_.empty();
    return *this;
  }
  ++(std::isnan(v) ? nonfinite_.nan : v > 0 ? nonfinite_.pos_inf : nonfinite_.neg_inf);
  return null();
}

JsonWriter& JsonWriter::value(std::int64_t v) {
  before_value();
  out_ += std::to_string(v);
  done_ = stack_.empty();
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t v) {
  before_value();
  out_ += std::to_string(v);
  done_ = stack_.empty();
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  before_value();
  out_ += v ? "true" : "false";
  done_ = stack_.empty();
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  done_ = stack_.empty();
  return *this;
}

JsonWriter& JsonWriter::fields(std::span<const std::string> names, std::span<const double> values) {
  if (names.size() != values.size())
    throw std::logic_error("JsonWriter::fields: names and values differ in length");
  bool any = false;
  for (std::size_t i = 0; i < names.size(); ++i) {
    key(names[i]).value(values[i]);
    any = any || !std::isfinite(values[i]);
  }
  if (any) {
    key("nonfinite").begin_object();
    for (std::size_t i = 0; i < names.size(); ++i)
      if (!std::isfinite(values[i]))
        key(names[i]).value(std::isnan(values[i]) ? "nan" : values[i] > 0 ? "inf" : "-inf");
    end_object();
  }
  return *this;
}

std::string JsonWriter::str() const {
  if (!done_) throw std::logic_error("JsonWriter: the document is not complete");
  return out_ + "\n";
}

}  // namespace fairmc
