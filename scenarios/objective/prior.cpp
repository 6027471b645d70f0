#include "scenarios/objective/prior.hpp"

#include "scenarios/objective/two_agent.hpp"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/exponential.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/random/beta_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>

#include <cmath>
#include <limits>

namespace fairmc::objective {

Prior Prior::parse(const Params& p) {
  Prior g;
  const std::string dist =
      p.choice("dist", {"uniform", "exponential", "beta", "lognormal"}, "uniform");
  if (dist == "uniform") {
    g.kind = Kind::uniform;
    g.p1 = p.number("lo", 0.0, Range::nonnegative());
    g.p2 = p.number("hi", 1.0, Range::positive());
    if (g.p2 <= g.p1) p.fail("hi", "must exceed lo");
  } else if (dist == "exponential") {
    g.kind = Kind::exponential;
    g.p1 = p.number("rate", 1.0, Range::positive());
  } else if (dist == "beta") {
    g.kind = Kind::beta;
    g.p1 = p.number("a", 1.0, Range::positive());
    g.p2 = p.number("b", 1.0, Range::positive());
  } else {
    g.kind = Kind::lognormal;
    g.p1 = p.number("mu", 0.0);
    g.p2 = p.number("sigma", 1.0, Range::positive());
  }
  return g;
}

double Prior::sample(Rng& rng) const {
  switch (kind) {
    case Kind::uniform:
      return p1 + (p2 - p1) * rng.uniform01();
    case Kind::exponential:
      return boost::random::exponential_distribution<double>(p1)(rng);
    case Kind::beta:
      return boost::random::beta_distribution<double>(p1, p2)(rng);
    case Kind::lognormal:
      return boost::random::lognormal_distribution<double>(p1, p2)(rng);
  }
  return 0.0;
}

double Prior::pdf(double x) const {
  switch (kind) {
    case Kind::uniform:
      return (x >= p1 && x <= p2) ? 1.0 / (p2 - p1) : 0.0;
    case Kind::exponential:
      return x < 0 ? 0.0 : boost::math::pdf(boost::math::exponential_distribution<double>(p1), x);
    case Kind::beta:
      return (x <= 0 || x >= 1)
                 ? 0.0
                 : boost::math::pdf(boost::math::beta_distribution<double>(p1, p2), x);
    case Kind::lognormal:
      return x <= 0 ? 0.0
                    : boost::math::pdf(boost::math::lognormal_distribution<double>(p1, p2), x);
  }
  return 0.0;
}

double Prior::cdf(double x) const {
  switch (kind) {
    case Kind::uniform:
      return x <= p1 ? 0.0 : (x >= p2 ? 1.0 : (x - p1) / (p2 - p1));
    case Kind::exponential:
      return x <= 0 ? 0.0 : -std::expm1(-p1 * x);
    case Kind::beta:
      return x <= 0
                 ? 0.0
                 : (x >= 1 ? 1.0
                           : boost::math::cdf(boost::math::beta_distribution<double>(p1, p2), x));
    case Kind::lognormal:
      return x <= 0 ? 0.0
                    : boost::math::cdf(boost::math::lognormal_distribution<double>(p1, p2), x);
  }
  return 0.0;
}

double Prior::upper() const {
  switch (kind) {
    case Kind::uniform:
      return p2;
    case Kind::beta:
      return 1.0;
    default:
      return std::numeric_limits<double>::infinity();
  }
}

std::string Prior::describe() const {
  switch (kind) {
    case Kind::uniform:
      return "U(" + std::to_string(p1) + ", " + std::to_string(p2) + ")";
    case Kind::exponential:
      return "Exp(" + std::to_string(p1) + ")";
    case Kind::beta:
      return "Beta(" + std::to_string(p1) + ", " + std::to_string(p2) + ")";
    case Kind::lognormal:
      return "LogNormal(" + std::to_string(p1) + ", " + std::to_string(p2) + ")";
  }
  return "";
}

double kappa(const Prior& g) {
  const double inf = std::numeric_limits<double>::infinity();
  switch (g.kind) {
    case Prior::Kind::uniform:  // a/(a − lo): 1 when lo = 0, unbounded near lo otherwise
      return g.p1 == 0.0 ? 1.0 : inf;
    case Prior::Kind::exponential:  // λa e^{−λa}/(1 − e^{−λa}) decreases from its limit 1 at 0
      return 1.0;
    case Prior::Kind::lognormal:  // φ(z)/(σΦ(z)) grows like |z|/σ as a -> 0
      return inf;
    case Prior::Kind::beta: {
      if (g.p2 < 1.0) return inf;    // density blows up at 1 (Appendix E's remark)
      if (g.p2 == 1.0) return g.p1;  // Beta(s, 1): a g/G = s
      // b > 1: the ratio tends to a at 0 and to 0 at 1; take the maximum on a fine grid.
      double best = g.p1;
      for (int k = 1; k < 4000; ++k) {
        const double x = k / 4000.0;
        const double G = g.cdf(x);
        if (G > 0) best = std::max(best, x * g.pdf(x) / G);
      }
      return best;
    }
  }
  return inf;
}

double expected_symmetric_item_loss(const Prior& g, double c) {
  if (g.kind == Prior::Kind::beta && g.p2 == 1.0) return beta_expected_item_loss(g.p1, c);
  if (g.kind == Prior::Kind::uniform && g.p1 == 0.0) return g.p2 * beta_expected_item_loss(1.0, c);
  return expected_symmetric_item_loss_quadrature(g, c);
}

double expected_symmetric_item_loss_quadrature(const Prior& g, double c) {
  using boost::math::quadrature::gauss_kronrod;
  const double r = 1.0 - c;
  const auto inner = [&](double top) {
    const double base = g.cdf(r * top);
    return gauss_kronrod<double, 31>::integrate(
        [&](double l) { return g.cdf((1.0 - l) * top) - base; }, 0.0, c, 8, 1e-12);
  };
  const double lo = g.kind == Prior::Kind::uniform ? g.p1 : 0.0;
  return gauss_kronrod<double, 61>::integrate(
      [&](double top) { return 2.0 * g.pdf(top) * top * inner(top); }, lo, g.upper(), 12, 1e-10);
}

}  // namespace fairmc::objective
