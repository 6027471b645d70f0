// engine/metric.hpp promises: names(), write_values() and describe() all derive from one table,
// in its order; a duplicate or malformed name is rejected at compile time (well_formed) and at
// registration (describe).
#include "engine/metric.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

using namespace fairmc;

namespace {

struct Ctx {
  double x;
  int i;
};

constexpr Metric<Ctx> kTable[] = {
    {"twice", "1", "2 x", [](const Ctx& c) { return 2.0 * c.x; }},
    {"square", "m2", "x squared", [](const Ctx& c) { return c.x * c.x; }},
    {"undefined", "1", "never defined", [](const Ctx&) { return kUndefined; }},
};
static_assert(well_formed(kTable));

constexpr Metric<Ctx> kFamily[] = {
    {"x<i>_<scf>", "1", "x of agent i", [](const Ctx& c) { return c.x + c.i; }},
};
static_assert(well_formed(kFamily));

constexpr Metric<Ctx> kDuplicate[] = {
    {"a", "1", "first", [](const Ctx&) { return 1.0; }},
    {"b", "1", "second", [](const Ctx&) { return 2.0; }},
    {"a", "1", "third, same name", [](const Ctx&) { return 3.0; }},
};
// The compile-time check a scenario writes as static_assert(well_formed(kTable)).
static_assert(!well_formed(kDuplicate));

constexpr std::array<Metric<Ctx>, 1> kNoUnit{{{"a", "", "help", [](const Ctx&) { return 0.0; }}}};
constexpr std::array<Metric<Ctx>, 1> kNoHelp{{{"a", "1", "", [](const Ctx&) { return 0.0; }}}};
constexpr std::array<Metric<Ctx>, 1> kBadName{{{"A b", "1", "h", [](const Ctx&) { return 0.0; }}}};
constexpr std::array<Metric<Ctx>, 1> kOpenKey{{{"x<i", "1", "h", [](const Ctx&) { return 0.0; }}}};
constexpr std::array<Metric<Ctx>, 1> kNoValue{{{"a", "1", "h", nullptr}}};
static_assert(!well_formed(kNoUnit) && !well_formed(kNoHelp) && !well_formed(kBadName) &&
              !well_formed(kOpenKey));

}  // namespace

TEST_CASE("names, values and descriptions derive from one table, in its order") {
  CHECK(names(kTable) == std::vector<std::string>{"twice", "square", "undefined"});
  std::vector<double> out(4, -1.0);
  CHECK(write_values(kTable, Ctx{3.0, 0}, out) == 3);
  CHECK(out[0] == 6.0);
  CHECK(out[1] == 9.0);
  CHECK(std::isnan(out[2]));
  CHECK(out[3] == -1.0);  // nothing beyond the table is touched
  const std::vector<Described> d = describe(kTable);
  REQUIRE(d.size() == 3);
  for (std::size_t k = 0; k < d.size(); ++k) {
    CHECK(d[k].name == kTable[k].name);
    CHECK(d[k].unit == kTable[k].unit);
    CHECK(d[k].help == kTable[k].help);
  }
}

TEST_CASE("a family fills its placeholders; describe lists the pattern") {
  CHECK(names(kFamily, {{"scf", "nash"}, {"i", "2"}}) == std::vector<std::string>{"x2_nash"});
  std::vector<std::string> all;
  for (int i = 1; i <= 2; ++i) append_names(all, kFamily, {{"i", std::to_string(i)}, {"scf", "u"}});
  CHECK(all == std::vector<std::string>{"x1_u", "x2_u"});
  CHECK_THROWS_AS(names(kFamily, {{"i", "1"}}), std::logic_error);  // <scf> has no value
  CHECK(describe(kTable, kFamily).back().name == "x<i>_<scf>");
  CHECK(matches("x<i>_<scf>", "x12_nash_reference"));
  CHECK(!matches("x<i>_<scf>", "x_nash"));
  CHECK(!matches("twice", "twice_"));
  const std::vector<Described> d = describe(kTable, kFamily);
  REQUIRE(find_described(d, "x3_rawls") != nullptr);
  CHECK(find_described(d, "x3_rawls")->help == "x of agent i");
  CHECK(find_described(d, "square")->unit == "m2");
  CHECK(find_described(d, "cube") == nullptr);
  // The most specific pattern wins, whatever the order: alpha_known_canonical_paper is an
  // instance of both patterns below.
  const std::vector<Described> general_first = {{"alpha_known_<p>", "general", "1"},
                                                {"alpha_known_canonical_<p>", "specific", "1"}};
  const std::vector<Described> specific_first = {general_first[1], general_first[0]};
  for (const auto& list : {general_first, specific_first}) {
    CHECK(find_described(list, "alpha_known_canonical_paper")->help == "specific");
    CHECK(find_described(list, "alpha_known_paper")->help == "general");
  }
}

TEST_CASE("a duplicate or malformed name is rejected at registration") {
  CHECK_THROWS_AS(describe(kDuplicate), std::logic_error);
  CHECK_THROWS_AS(describe(kTable, kTable), std::logic_error);  // across one model's tables
  CHECK_THROWS_AS(describe(kNoUnit), std::logic_error);
  CHECK_THROWS_AS(describe(kBadName), std::logic_error);
  CHECK_THROWS_AS(describe(kNoValue), std::logic_error);  // a value missing: at registration
  // Mechanisms of one scenario may share a name only if it means the same.
  const std::vector<Described> a = describe(kTable);
  CHECK(join_described({a, a}).size() == a.size());
  std::vector<Described> b = a;
  b[1].unit = "m";
  CHECK_THROWS_AS(join_described({a, b}), std::logic_error);
}
