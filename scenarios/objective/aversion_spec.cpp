#include "scenarios/objective/aversion_spec.hpp"

#include <string>

namespace fairmc::objective {

AversionSpec AversionSpec::parse(const Params& mech, int agents) {
  AversionSpec s;
  const Range half{0.0, 0.5, false, true};
  const std::string kind = mech.choice("aversion", {"fixed", "uniform"}, "fixed");
  if (kind == "uniform") {
    s.drawn = true;
    s.alpha_max = mech.number("alpha_max", 0.1, half);
    s.beta_ratio = mech.number("beta_ratio", 1.0, Range::unit());
    return s;
  }
  const auto read = [&](std::string_view key, double fallback) {
    std::vector<double> v = mech.numbers(key, {fallback}, half);
    if (v.size() == 1) v.assign(static_cast<std::size_t>(agents), v[0]);
    if (v.size() != static_cast<std::size_t>(agents))
      mech.fail(key, "give one number or a list with one entry per agent (" +
                         std::to_string(agents) + ")");
    return v;
  };
  s.fixed.alpha = read("alpha", 0.1);
  s.fixed.beta = read("beta", 0.05);
  for (std::size_t i = 0; i < s.fixed.alpha.size(); ++i)
    if (s.fixed.beta[i] > s.fixed.alpha[i])
      mech.fail("beta", "the paper assumes beta_i <= alpha_i (agent " + std::to_string(i) + ")");
  return s;
}

Aversion AversionSpec::sample(Rng& rng, int agents) const {
  if (!drawn) return fixed;
  Aversion av;
  for (int i = 0; i < agents; ++i) {
    const double al = alpha_max * rng.uniform01();
    av.alpha.push_back(al);
    av.beta.push_back(al * beta_ratio * rng.uniform01());
  }
  return av;
}

Aversion AversionSpec::envelope(int agents) const {
  if (!drawn) return fixed;
  Aversion av;
  av.alpha.assign(static_cast<std::size_t>(agents), alpha_max);
  av.beta.assign(static_cast<std::size_t>(agents), alpha_max * beta_ratio);
  return av;
}

}  // namespace fairmc::objective
