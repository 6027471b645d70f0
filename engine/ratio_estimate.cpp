#include "engine/ratio_estimate.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>

namespace fairmc {

namespace {

struct Jackknife {
  double theta = 0, bias_corrected = 0, var = 0;
};

// The weighted jackknife of sum a / sum b over the non-empty groups (Busing, Meijer & van der
// Leeden 1999), with m_j = draws in group j and h_j = n / m_j:
//   theta_J = g theta - sum_j (1 - m_j/n) theta_{-j}
//   pseudo-value  p_j = h_j theta - (h_j - 1) theta_{-j}
//   var = (1/g) sum_j (p_j - theta_J)^2 / (h_j - 1)
template <class A, class B>
Jackknife jackknife(std::span<const RatioSums> groups, const RatioSums& all, double g, A a, B b) {
  Jackknife j;
  j.theta = a(all) / b(all);
  j.bias_corrected = g * j.theta;
  for (const auto& s : groups) {
    if (s.n == 0) continue;
    j.bias_corrected -= (1 - s.n / all.n) * (a(all) - a(s)) / (b(all) - b(s));
  }
  for (const auto& s : groups) {
    if (s.n == 0) continue;
    const double h = all.n / s.n;
    const double pseudo = h * j.theta - (h - 1) * (a(all) - a(s)) / (b(all) - b(s));
    j.var += (pseudo - j.bias_corrected) * (pseudo - j.bias_corrected) / (h - 1);
  }
  j.var /= g;
  return j;
}

}  // namespace

RatioEstimate jackknife_ratio(std::span<const RatioSums> groups) {
  RatioEstimate r;
  RatioSums all;
  double g = 0;
  for (const auto& s : groups) {
    if (s.n == 0) continue;
    all.merge(s);
    g += 1;
  }
  r.n = all.n;
  r.groups = g;
  if (all.n == 0) return r;
  r.estimate = all.num / all.den;
  if (g < 2) return r;
  const auto num = [](const RatioSums& s) { return s.num; };
  const auto den = [](const RatioSums& s) { return s.den; };
  const auto count = [](const RatioSums& s) { return s.n; };
  const Jackknife ratio = jackknife(groups, all, g, num, den);
  r.bias_corrected = ratio.bias_corrected;
  r.sem = std::sqrt(ratio.var);
  const boost::math::students_t t(g - 1);
  const double t975 = boost::math::quantile(boost::math::complement(t, 0.025));
  // Fieller (1954): the 95% confidence set of E[num]/E[den] is a bounded interval only when
  // E[den] itself is distinguishable from 0, |mean den| > t sem(mean den); otherwise it is the
  // whole line (or two half-lines), and the jackknife's mean -+ t sem, a linearisation around a
  // denominator it takes as far from 0, would claim a precision the draws do not have.
  const Jackknife den_mean = jackknife(groups, all, g, den, count);
  if (!(std::fabs(den_mean.theta) > t975 * std::sqrt(den_mean.var))) {
    r.ci_lo = -std::numeric_limits<double>::infinity();
    r.ci_hi = std::numeric_limits<double>::infinity();
    return r;
  }
  const double hw = t975 * r.sem;
  r.ci_lo = r.bias_corrected - hw;
  r.ci_hi = r.bias_corrected + hw;
  return r;
}

RatioSums RatioGroups::total() const {
  RatioSums all;
  for (const auto& s : groups_) all.merge(s);
  return all;
}

}  // namespace fairmc
