// A scenario's metric catalogue against the models it prepares (engine/metric.hpp): every entry of
// ScenarioInfo::metrics has a valid name, a unit and a real one-line help (not a pointer to the
// docs); every name a model emits is unique and has an entry (exact or as a family pattern); and
// one draw writes exactly one value per name, none past the end, so a table whose value count
// differs from metrics() is caught.
#pragma once

#include "engine/metric.hpp"
#include "engine/scenario.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

namespace fairmc::testing {

struct CatalogOptions {
  // Every emitted name is listed as is (no family patterns in the catalogue).
  bool exact_names = false;
};

inline void check_metric_catalog(const ScenarioInfo& info, std::initializer_list<const char*> yamls,
                                 CatalogOptions opt = {}) {
  REQUIRE(!info.metrics.empty());
  for (const Described& d : info.metrics) {
    CAPTURE(d.name);
    CHECK(metric_detail::valid_name(d.name));
    CHECK(!d.unit.empty());
    CHECK(d.help.size() > 10);
    CHECK(d.help.find("see docs") == std::string::npos);
  }
  // An entry a draw leaves alone keeps this NaN's payload; the engine pre-fills with a plain NaN,
  // and kUndefined is one, so a written NaN is told apart from an unwritten entry.
  const double unwritten = std::bit_cast<double>(std::uint64_t{0x7ff8'0000'dead'beefULL});
  const double guard = 4242.5;
  for (const char* yaml : yamls) {
    CAPTURE(yaml);
    const auto model = info.prepare(Params::parse(yaml));
    const std::vector<std::string> names = model->metrics();
    REQUIRE(!names.empty());
    CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
    for (const std::string& n : names) {
      CAPTURE(n);
      const Described* d = find_described(info.metrics, n);
      REQUIRE(d != nullptr);
      if (opt.exact_names) CHECK(d->name == n);
    }
    std::vector<double> out(names.size() + 4, guard);
    std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(names.size()), unwritten);
    model->run(Draw(12345, 0), std::span<double>(out.data(), names.size()));
    for (std::size_t k = 0; k < names.size(); ++k) {
      CAPTURE(names[k]);
      CHECK(std::bit_cast<std::uint64_t>(out[k]) != std::bit_cast<std::uint64_t>(unwritten));
    }
    for (std::size_t k = names.size(); k < out.size(); ++k) CHECK(out[k] == guard);
  }
}

}  // namespace fairmc::testing
