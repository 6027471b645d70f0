#include "scenarios/scf/scf_settings.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace fairmc::scf {

ScfSettings ScfSettings::read(const Params& mech, double agents, std::size_t max_index,
                              const std::function<bool(Kind)>& supported) {
  ScfSettings s;
  std::string supported_names;
  for (const KindInfo& k : catalogue()) {
    if (supported(k.kind))
      supported_names += (supported_names.empty() ? "" : ", ") + std::string(k.name);
  }
  const std::vector<std::string> names = mech.texts("scfs", {"all"});
  if (names.size() == 1 && names.front() == "all") {
    for (const KindInfo& k : catalogue()) {
      if (supported(k.kind)) s.kinds.push_back(k.kind);
    }
  } else {
    for (const std::string& name : names) {
      Kind k;
      try {
        k = kind_from_name(name);
      } catch (const std::invalid_argument&) {
        mech.fail("scfs", "unknown social cost function '" + name + "'; this problem accepts " +
                              supported_names + " (a list) or all");
      }
      if (!supported(k)) {
        mech.fail("scfs",
                  "'" + name + "' is not supported by this problem; it accepts " + supported_names);
      }
      s.kinds.push_back(k);
    }
    if (s.kinds.empty()) mech.fail("scfs", "lists no social cost function");
  }
  // Parameters are read only for the SCFs in use; one given for an SCF that is not selected is
  // an error that names the SCF (a sweep over it would otherwise silently change nothing).
  auto uses = [&](Kind k) { return std::find(s.kinds.begin(), s.kinds.end(), k) != s.kinds.end(); };
  std::string selected;
  for (const Kind k : s.kinds)
    selected += (selected.empty() ? "" : ", ") + std::string(info(k).name);
  for (const auto& [key, kind] : parameter_keys()) {
    if (mech.has(key) && !uses(kind)) {
      const std::string owner(info(kind).name);
      if (!supported(kind)) {
        mech.fail(key, "is the parameter of " + owner +
                           ", which this problem does not offer; remove " + std::string(key));
      }
      mech.fail(key, "is the parameter of " + owner + ", which is not selected (scfs: " + selected +
                         "); add " + owner + " to scfs or remove " + std::string(key));
    }
  }
  if (uses(Kind::sum_plus_gamma_max)) {
    s.sum_max_gamma = mech.number("sum_max_gamma", agents, Range::nonnegative());
  }
  if (uses(Kind::mean_plus_gamma_max)) {
    s.mean_max_gamma = mech.number("mean_max_gamma", 0.5, Range::unit());
  }
  if (uses(Kind::mean_plus_gamma_mad)) {
    s.mad_gamma = mech.number("mad_gamma", 0.25, Range::closed(0.0, 0.5));
  }
  const auto hi = static_cast<std::int64_t>(max_index);
  if (uses(Kind::kth_largest)) {
    s.kth =
        static_cast<std::size_t>(mech.integer("kth", std::min<std::int64_t>(2, hi + 1), 1, hi + 1));
  }
  if (uses(Kind::dictator))
    s.dictator = static_cast<std::size_t>(mech.integer("dictator", 0, 0, hi));
  return s;
}

const std::vector<std::pair<std::string_view, Kind>>& ScfSettings::parameter_keys() {
  static const std::vector<std::pair<std::string_view, Kind>> keys = {
      {"sum_max_gamma", Kind::sum_plus_gamma_max},
      {"mean_max_gamma", Kind::mean_plus_gamma_max},
      {"mad_gamma", Kind::mean_plus_gamma_mad},
      {"kth", Kind::kth_largest},
      {"dictator", Kind::dictator}};
  return keys;
}

SocialCost ScfSettings::make(Kind kind, std::vector<double> weights) const {
  SocialCost c;
  c.kind = kind;
  c.k = kth;
  c.dictator = dictator;
  if (info(kind).weighted) c.weights = std::move(weights);
  switch (kind) {
    case Kind::sum_plus_gamma_max:
      c.gamma = sum_max_gamma;
      break;
    case Kind::mean_plus_gamma_max:
      c.gamma = mean_max_gamma;
      break;
    case Kind::mean_plus_gamma_mad:
      c.gamma = mad_gamma;
      break;
    default:
      break;
  }
  return c;
}

}  // namespace fairmc::scf
