#include "engine/ratio_estimate.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>

namespace fairmc {

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
  const double theta = all.num / all.den;
  r.estimate = theta;
  if (g < 2) return r;
  // Busing, Meijer & van der Leeden (1999), with m_j = draws in group j and h_j = n / m_j:
  //   theta_J = g theta - sum_j (1 - m_j/n) theta_{-j}
  //   pseudo-value  p_j = h_j theta - (h_j - 1) theta_{-j}
  //   var = (1/g) sum_j (p_j - theta_J)^2 / (h_j - 1)
  double theta_j = g * theta;
  for (const auto& s : groups) {
    if (s.n == 0) continue;
    const double loo = (all.num - s.num) / (all.den - s.den);
    theta_j -= (1 - s.n / all.n) * loo;
  }
  double var = 0;
  for (const auto& s : groups) {
    if (s.n == 0) continue;
    const double h = all.n / s.n;
    const double loo = (all.num - s.num) / (all.den - s.den);
    const double pseudo = h * theta - (h - 1) * loo;
    var += (pseudo - theta_j) * (pseudo - theta_j) / (h - 1);
  }
  var /= g;
  r.bias_corrected = theta_j;
  r.sem = std::sqrt(var);
  const boost::math::students_t t(g - 1);
  const double hw = boost::math::quantile(boost::math::complement(t, 0.025)) * r.sem;
  r.ci_lo = theta_j - hw;
  r.ci_hi = theta_j + hw;
  return r;
}

RatioSums RatioGroups::total() const {
  RatioSums all;
  for (const auto& s : groups_) all.merge(s);
  return all;
}

}  // namespace fairmc
