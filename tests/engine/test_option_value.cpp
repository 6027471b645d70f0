// engine/option_value.hpp promises: an option's number is taken only when the whole text is one
// number in range; everything else is refused naming the option, the text and the range.
#include "engine/option_value.hpp"

#include "engine/params.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace fairmc;

namespace {

std::string refusal_whole(const std::string& text) {
  try {
    whole_option("-j/--threads", text, 0, 1024, "worker threads");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string refusal_real(const std::string& text) {
  try {
    real_option("--checkpoint", text, 0, 1e6, "seconds");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("option values: whole numbers") {
  CHECK(whole_option("-j", "0", 0, 1024, "") == 0);
  CHECK(whole_option("-j", "1024", 0, 1024, "") == 1024);
  CHECK(whole_option("-j", "+8", 0, 1024, "") == 8);
  for (const char* bad : {"-1", "1025", "abc", "4x", " 4", "4 ", "1.5", "1e3", "", "+", "+-1",
                          "0x10", "99999999999999999999999", "-99999999999999999999999"}) {
    const std::string why = refusal_whole(bad);
    CAPTURE(bad);
    CHECK(why.find("-j/--threads") != std::string::npos);
    CHECK(why.find("[0, 1024]") != std::string::npos);
  }
  CHECK(refusal_whole("99999999999999999999999").find("overflows") != std::string::npos);
  CHECK(refusal_whole("4x").find("'4x' is not a whole number") != std::string::npos);
  CHECK(refusal_whole("-1").find("out of range") != std::string::npos);
}

TEST_CASE("option values: real numbers") {
  CHECK(real_option("--c", "2.5", 0, 1e6, "") == 2.5);
  CHECK(real_option("--c", "0", 0, 1e6, "") == 0);
  CHECK(real_option("--c", "1e6", 0, 1e6, "") == 1e6);
  CHECK(real_option("--c", "+.5", 0, 1e6, "") == 0.5);
  for (const char* bad : {"-1", "-0.001", "1000001", "nan", "inf", "-inf", "infinity", "5s", "",
                          "1e400", "1e-400", "0x10", "1,5", " 1", "1 ", "e5", "."}) {
    const std::string why = refusal_real(bad);
    CAPTURE(bad);
    CHECK(why.find("--checkpoint") != std::string::npos);
    CHECK(why.find("[0, 1000000]") != std::string::npos);
  }
}
