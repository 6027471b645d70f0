// Priors for the utility coefficients a_ij (Section 3 and Appendix E): uniform, exponential, beta
// and lognormal, with sampling (Boost.Random) and density / distribution function (Boost.Math).
#pragma once

#include "engine/params.hpp"
#include "engine/rng.hpp"

#include <string>

namespace fairmc::objective {

struct Prior {
  enum class Kind { uniform, exponential, beta, lognormal };
  Kind kind = Kind::uniform;
  double p1 = 0.0;  // uniform: lo; exponential: rate; beta: a; lognormal: mu
  double p2 = 1.0;  // uniform: hi;                    beta: b; lognormal: sigma

  // Reads `dist` and its parameters from a mapping such as {dist: beta, a: 2, b: 1}.
  static Prior parse(const Params& p);
  double sample(Rng& rng) const;
  double pdf(double x) const;
  double cdf(double x) const;
  double upper() const;  // right end of the support (infinity if unbounded)
  std::string describe() const;
};

// κ = sup_{a > 0} a g(a)/G(a) of Theorem 3.6 / Corollary E.3 (infinity when unbounded).
double kappa(const Prior& g);

// Lemma E.1 (Eq. 69) for one item of two i.i.d. agents: E[1{min >= r max}(max − min)] with
// r = 1 − c. Closed form (Eq. 77) for Beta(s, 1) and U(0, h), adaptive quadrature otherwise:
// E = ∫ 2 g(ā) ā ∫_0^c [G((1 − l)ā) − G(rā)] dl dā.
double expected_symmetric_item_loss(const Prior& g, double c);
// The quadrature of Eq. (69) alone (used to cross-check Eq. 77).
double expected_symmetric_item_loss_quadrature(const Prior& g, double c);

}  // namespace fairmc::objective
