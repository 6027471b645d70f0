// One declaration per metric: its name, unit, one-line help and how a draw computes it.
//
// A scenario lists its metrics once, in a constexpr table of Metric<Ctx>, where Ctx is what one
// draw computed plus the model's settings. Everything else derives from the table, in its order:
//   Model::metrics()        names(table)
//   Model::run()            write_values(table, ctx, out)
//   ScenarioInfo::metrics   describe(table, ...)   (fairmc list; later long_name/units, docs)
// so a name, its help and its value cannot drift apart, and moving an entry moves all three.
//
// Families (one entry per SCF, per agent, ...) are one declaration whose name holds placeholders,
// "x<i>_<scf>": names(table, {{"i", "1"}, {"scf", "nash"}}) fills them, the same Ctx carries the
// index to `value`, and describe() lists the pattern.
//
// Checks: well_formed(table) is constexpr, so `static_assert(well_formed(kTable))` rejects a
// duplicate or malformed name at compile time; describe() repeats the checks at registration and
// also across the tables of one model.
#pragma once

#include "engine/scenario.hpp"

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fairmc {

template <class Ctx>  // Ctx: what one draw computed, plus the model's settings
struct Metric {
  std::string_view name;        // [a-z0-9_]+, family placeholders as <key>
  std::string_view unit;        // CF/UDUNITS string: "1" dimensionless (or the model's own abstract
                                // units of utility or cost), "count" for tallies
  std::string_view help;        // one line for `fairmc list` and the results' long_name
  double (*value)(const Ctx&);  // captureless lambda; NaN = undefined for this draw
};

inline constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

// Placeholder fills of a family, e.g. {{"scf", "nash"}, {"i", "2"}}.
using Fills = std::initializer_list<std::pair<std::string_view, std::string_view>>;

namespace metric_detail {

constexpr bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// [a-z0-9_]+ with optional <key> placeholders (key [a-z0-9_]+).
constexpr bool valid_name(std::string_view n) {
  if (n.empty()) return false;
  bool in_key = false;
  std::size_t key_len = 0;
  for (const char c : n) {
    if (c == '<') {
      if (in_key) return false;
      in_key = true;
      key_len = 0;
    } else if (c == '>') {
      if (!in_key || key_len == 0) return false;
      in_key = false;
    } else if (name_char(c)) {
      ++key_len;
    } else {
      return false;
    }
  }
  return !in_key;
}

}  // namespace metric_detail

// Every entry has a valid name, a unit and a help line; no name appears twice. A missing value
// is caught by describe() at registration: GCC cannot compare a lambda's function pointer with
// nullptr in a constant expression under -fsanitize=undefined (scripts/sanitize.sh).
template <std::ranges::range R>
constexpr bool well_formed(const R& ms) {
  for (auto i = std::ranges::begin(ms); i != std::ranges::end(ms); ++i) {
    if (!metric_detail::valid_name(i->name) || i->unit.empty() || i->help.empty()) return false;
    for (auto j = std::ranges::begin(ms); j != i; ++j)
      if (j->name == i->name) return false;
  }
  return true;
}

// `pattern` with every <key> replaced by its fill; throws std::logic_error on a key without one.
inline std::string fill_name(std::string_view pattern, Fills fills) {
  std::string out;
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    const std::size_t open = pattern.find('<', pos);
    out.append(pattern.substr(pos, open - pos));
    if (open == std::string_view::npos) break;
    const std::size_t close = pattern.find('>', open);
    const std::string_view key = pattern.substr(open + 1, close - open - 1);
    bool found = false;
    for (const auto& [k, v] : fills) {
      if (k == key) {
        out.append(v);
        found = true;
        break;
      }
    }
    if (!found)
      throw std::logic_error("metric '" + std::string(pattern) + "': no value for <" +
                             std::string(key) + ">");
    pos = close + 1;
  }
  return out;
}

// Appends the (filled) names of `ms` in table order: the body of Model::metrics().
template <std::ranges::range R>
void append_names(std::vector<std::string>& out, const R& ms, Fills fills = {}) {
  for (const auto& m : ms) out.push_back(fill_name(m.name, fills));
}

template <std::ranges::range R>
std::vector<std::string> names(const R& ms, Fills fills = {}) {
  std::vector<std::string> out;
  append_names(out, ms, fills);
  return out;
}

// out[k] = ms[k].value(ctx) for every entry, in table order; returns how many were written, so a
// model with several tables or family members advances through `out`.
template <std::ranges::range R, class Ctx>
std::size_t write_values(const R& ms, const Ctx& ctx, std::span<double> out) {
  std::size_t k = 0;
  for (const auto& m : ms) out[k++] = m.value(ctx);
  return k;
}

// Position of the entry called `name` in `ms` (its index in names() and write_values), or
// ms.size() if none: for a model that writes one metric alone, e.g. a failure flag.
template <std::ranges::range R>
constexpr std::size_t index_of(const R& ms, std::string_view name) {
  std::size_t k = 0;
  for (const auto& m : ms) {
    if (m.name == name) break;
    ++k;
  }
  return k;
}

// The catalogue entries of one model's tables, in order (patterns unfilled). Throws
// std::logic_error on a malformed entry or a name that two entries share.
template <std::ranges::range... R>
std::vector<Described> describe(const R&... tables) {
  std::vector<Described> out;
  auto add = [&](const auto& ms) {
    for (const auto& m : ms) {
      if (!metric_detail::valid_name(m.name) || m.unit.empty() || m.help.empty() ||
          m.value == nullptr)
        throw std::logic_error("metric '" + std::string(m.name) +
                               "': needs a [a-z0-9_<>] name, a unit, a help line and a value");
      for (const Described& d : out)
        if (d.name == m.name)
          throw std::logic_error("metric '" + std::string(m.name) + "' is declared twice");
      out.push_back({std::string(m.name), std::string(m.help), std::string(m.unit)});
    }
  };
  (add(tables), ...);
  return out;
}

// A scenario's list when its mechanisms have different models: their describe() lists joined,
// one entry per name. A name that two mechanisms share must mean the same (unit and help), so
// one name never labels two quantities within a scenario.
inline std::vector<Described> join_described(std::initializer_list<std::vector<Described>> lists) {
  std::vector<Described> out;
  for (const auto& list : lists) {
    for (const Described& d : list) {
      bool seen = false;
      for (const Described& e : out) {
        if (e.name != d.name) continue;
        if (e.unit != d.unit || e.help != d.help)
          throw std::logic_error("metric '" + d.name + "' means two things in one scenario");
        seen = true;
      }
      if (!seen) out.push_back(d);
    }
  }
  return out;
}

// Whether `name` is an instance of `pattern` (each <key> stands for a non-empty run of
// [a-z0-9_]), e.g. "x2_nash" of "x<i>_<scf>": how a metric of a results file finds its entry.
inline bool matches(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  if (pattern.front() != '<')
    return !name.empty() && name.front() == pattern.front() &&
           matches(pattern.substr(1), name.substr(1));
  const std::string_view rest = pattern.substr(pattern.find('>') + 1);
  for (std::size_t k = 1; k <= name.size() && metric_detail::name_char(name[k - 1]); ++k)
    if (matches(rest, name.substr(k))) return true;
  return false;
}

// The characters of a pattern outside its <placeholders>: how specific it is.
constexpr std::size_t literal_length(std::string_view pattern) {
  std::size_t n = 0;
  bool inside = false;
  for (const char c : pattern) {
    if (c == '<' || c == '>')
      inside = c == '<';
    else if (!inside)
      ++n;
  }
  return n;
}

// The entry of `list` describing metric `name`: the exact name, else the most specific matching
// pattern (the most literal text: "alpha_known_canonical_<policy>" before "alpha_known_<policy>",
// whatever their order in the table); nullptr if none.
inline const Described* find_described(const std::vector<Described>& list, std::string_view name) {
  for (const Described& d : list)
    if (d.name == name) return &d;
  const Described* best = nullptr;
  for (const Described& d : list)
    if (matches(d.name, name) && (!best || literal_length(d.name) > literal_length(best->name)))
      best = &d;
  return best;
}

}  // namespace fairmc
