// A scalar distribution read from the configuration: {dist: constant, value}, {dist: uniform,
// lo, hi} or {dist: lognormal, mu, sigma}. Used by the randomised populations.
#pragma once

#include "engine/params.hpp"
#include "engine/rng.hpp"

#include <string>

namespace fairmc::scf {

class Distribution {
 public:
  // Reads the mapping at `p`; `fallback` is used when the key is absent. Values are checked to
  // lie in `range` (for uniform: both bounds; for lognormal: always positive).
  static Distribution read(const Params& p, Distribution fallback, Range range);
  static Distribution constant(double v) { return {Kind::constant, v, 0.0}; }
  static Distribution uniform(double lo, double hi) { return {Kind::uniform, lo, hi}; }
  static Distribution lognormal(double mu, double sigma) { return {Kind::lognormal, mu, sigma}; }

  double sample(Rng& rng) const;
  double mean() const;

 private:
  enum class Kind { constant, uniform, lognormal };
  Distribution(Kind k, double a, double b) : kind_(k), a_(a), b_(b) {}
  Kind kind_;
  double a_;
  double b_;
};

}  // namespace fairmc::scf
