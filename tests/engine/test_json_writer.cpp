// engine/json_writer.hpp promises: valid JSON whatever the strings hold (escapes, invalid UTF-8
// replaced), doubles that read back exactly (17 significant digits), non-finite doubles as null
// that are counted and named, and a refusal of malformed structure.
#include "engine/json_writer.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace fairmc;

TEST_CASE("json: strings are escaped and always valid UTF-8") {
  CHECK(JsonWriter::quote("a\"b\\c") == R"("a\"b\\c")");
  CHECK(JsonWriter::quote("l1\nl2\t\r\b\f") == R"("l1\nl2\t\r\b\f")");
  CHECK(JsonWriter::quote(std::string("\x01\x1f", 2)) == R"("\u0001\u001f")");
  CHECK(JsonWriter::quote(std::string("nul\0x", 5)) == R"("nul\u0000x")");
  CHECK(JsonWriter::quote("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
        "\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");  // é € 😀 pass through
  // Invalid: a lone continuation byte, a truncated sequence, an overlong '/', a surrogate, a code
  // point above U+10FFFF, 0xFF.
  CHECK(JsonWriter::quote("\x80") == R"("\ufffd")");
  CHECK(JsonWriter::quote("\xe2\x82") == R"("\ufffd\ufffd")");
  CHECK(JsonWriter::quote("\xc0\xaf") == R"("\ufffd\ufffd")");
  CHECK(JsonWriter::quote("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");
  CHECK(JsonWriter::quote("\xf4\x90\x80\x80") == R"("\ufffd\ufffd\ufffd\ufffd")");
  CHECK(JsonWriter::quote("a\xffz") == R"("a\ufffdz")");
}

TEST_CASE("json: doubles read back exactly, integers exactly") {
  for (const double v : {0.1, 1.0 / 3.0, -2.5e-310, 1.7976931348623157e308, 5e-324, -0.0,
                         0.20903577501277473, 123456789.0}) {
    const std::string t = JsonWriter::number(v);
    CHECK(std::strtod(t.c_str(), nullptr) == v);
    CHECK(std::signbit(std::strtod(t.c_str(), nullptr)) == std::signbit(v));
    CHECK(t.find_first_of(".e") != std::string::npos);  // never read as an integer
  }
  CHECK(JsonWriter::number(2.0) == "2.0");
  CHECK(JsonWriter::number(-0.0) == "-0.0");
  CHECK(JsonWriter::number(1e300) == "1.0000000000000001e+300");
  JsonWriter w;
  w.begin_array()
      .value(std::int64_t{-9223372036854775807 - 1})
      .value(std::uint64_t{18446744073709551615u});
  w.value(true).value(false).null().end_array();
  CHECK(w.str() == "[-9223372036854775808,18446744073709551615,true,false,null]\n");
}

TEST_CASE("json: non-finite doubles are null, counted and named by fields()") {
  const double nan = std::numeric_limits<double>::quiet_NaN(),
               inf = std::numeric_limits<double>::infinity();
  JsonWriter w;
  const std::vector<std::string> names{"a", "b", "c", "d"};
  const std::vector<double> values{1.5, nan, inf, -inf};
  w.begin_object().fields(names, values).key("e").value(nan).end_object();
  CHECK(
      w.str() ==
      R"({"a":1.5,"b":null,"c":null,"d":null,"nonfinite":{"b":"nan","c":"inf","d":"-inf"},"e":null})"
      "\n");
  CHECK(w.nonfinite().nan == 2);
  CHECK(w.nonfinite().pos_inf == 1);
  CHECK(w.nonfinite().neg_inf == 1);
  JsonWriter finite;
  finite.begin_object()
      .fields(std::vector<std::string>{"x"}, std::vector<double>{2.0})
      .end_object();
  CHECK(finite.str() == "{\"x\":2.0}\n");  // no "nonfinite" member when all are finite
}

TEST_CASE("json: nesting and commas; malformed structure is refused") {
  JsonWriter w;
  w.begin_object().key("k").begin_array().value("x").begin_object().end_object().begin_array();
  w.end_array().end_array().key("z").value(1).end_object();
  CHECK(w.str() == R"({"k":["x",{},[]],"z":1})"
                   "\n");
  JsonWriter open;
  open.begin_object();
  CHECK_THROWS_AS(open.str(), std::logic_error);
  CHECK_THROWS_AS(open.value(1), std::logic_error);  // a value without a key
  CHECK_THROWS_AS(open.end_array(), std::logic_error);
  JsonWriter twice;
  twice.value(1);
  CHECK_THROWS_AS(twice.value(2), std::logic_error);  // one document, one value
  JsonWriter arr;
  arr.begin_array();
  CHECK_THROWS_AS(arr.key("k"), std::logic_error);
}
