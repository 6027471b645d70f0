#include "scenarios/scf/distribution.hpp"

#include <boost/random/normal_distribution.hpp>

#include <cmath>

namespace fairmc::scf {

Distribution Distribution::read(const Params& p, Distribution fallback, Range range) {
  if (!p.has("dist")) return fallback;
  const std::string d = p.choice("dist", {"constant", "uniform", "lognormal"});
  if (d == "constant") return constant(p.number("value", range));
  if (d == "uniform") {
    const double lo = p.number("lo", range);
    const double hi = p.number("hi", range);
    if (!(hi >= lo)) p.fail("hi", "must be >= lo");
    return uniform(lo, hi);
  }
  if (!(range.lo <= 0.0)) p.fail("dist", "lognormal values can be arbitrarily small; use uniform");
  return lognormal(p.number("mu", 0.0), p.number("sigma", Range::nonnegative()));
}

double Distribution::sample(Rng& rng) const {
  switch (kind_) {
    case Kind::constant:
      return a_;
    case Kind::uniform:
      return a_ + (b_ - a_) * rng.uniform01();
    case Kind::lognormal: {
      boost::random::normal_distribution<double> z(a_, b_);
      return std::exp(z(rng));
    }
  }
  return a_;
}

double Distribution::mean() const {
  switch (kind_) {
    case Kind::constant:
      return a_;
    case Kind::uniform:
      return 0.5 * (a_ + b_);
    case Kind::lognormal:
      return std::exp(a_ + 0.5 * b_ * b_);
  }
  return a_;
}

}  // namespace fairmc::scf
