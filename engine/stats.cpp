#include "engine/stats.hpp"

#include "engine/quantile_sketch.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>

namespace fairmc {

double Summary::ci95_half_width() const {
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  const boost::math::students_t t(n - 1);
  return boost::math::quantile(boost::math::complement(t, 0.025)) * sem();
}

Summary Summary::merge(const Summary& a, const Summary& b) {
  if (a.n == 0) return b;
  if (b.n == 0) return a;
  Summary s;
  s.n = a.n + b.n;
  const double delta = b.mean - a.mean;
  s.mean = a.mean + delta * (b.n / s.n);
  s.m2 = a.m2 + b.m2 + delta * delta * (a.n * b.n / s.n);
  s.min = std::min(a.min, b.min);
  s.max = std::max(a.max, b.max);
  return s;
}

Summary Summary::merge_all(std::span<const Summary> parts) {
  Summary s;
  for (const auto& p : parts) s = merge(s, p);
  return s;
}

Summary Summary::unmerge(const Summary& total, const Summary& head) {
  Summary t;
  t.n = total.n - head.n;
  if (t.n <= 0) return Summary{};
  t.mean = (total.n * total.mean - head.n * head.mean) / t.n;
  const double delta = t.mean - head.mean;
  t.m2 = std::max(0.0, total.m2 - head.m2 - delta * delta * (head.n * t.n / total.n));
  // min and max of the tail are not recoverable; the whole's bound them.
  t.min = total.min;
  t.max = total.max;
  return t;
}

double quantile(std::vector<double> values, double p) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double h = (static_cast<double>(values.size()) - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return interpolate_order_statistics(values[lo], values[hi], h - static_cast<double>(lo));
}

LineFit fit_line(std::span<const double> x, std::span<const double> y) {
  LineFit f;
  double sx = 0, sy = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    sx += x[i];
    sy += y[i];
    ++n;
  }
  f.points = n;
  if (n < 2) return f;
  const double mx = sx / n, my = sy / n;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (sxx == 0) return f;
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  if (n > 2) {
    double rss = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
      const double r = y[i] - f.intercept - f.slope * x[i];
      rss += r * r;
    }
    f.slope_sem = std::sqrt(rss / static_cast<double>(n - 2) / sxx);
  }
  return f;
}

}  // namespace fairmc

namespace fairmc {

LineFit fit_line(std::span<const double> x, std::span<const double> y,
                 std::span<const double> sigma) {
  std::vector<double> xs, ys, ws;
  bool all_positive = true;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]) || !std::isfinite(sigma[i])) continue;
    xs.push_back(x[i]);
    ys.push_back(y[i]);
    all_positive = all_positive && sigma[i] > 0;
    ws.push_back(sigma[i] > 0 ? 1 / (sigma[i] * sigma[i]) : 0);
  }
  if (!all_positive) return fit_line(xs, ys);
  LineFit f;
  f.points = xs.size();
  f.weighted = true;
  if (xs.size() < 2) return f;
  // Two passes: weighted means first, then centred sums (no E[x^2] - E[x]^2).
  double sw = 0, sx = 0, sy = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    sw += ws[i];
    sx += ws[i] * xs[i];
    sy += ws[i] * ys[i];
  }
  const double mx = sx / sw, my = sy / sw;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    sxx += ws[i] * (xs[i] - mx) * (xs[i] - mx);
    sxy += ws[i] * (xs[i] - mx) * (ys[i] - my);
  }
  if (!(sxx > 0)) return f;
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  f.slope_sem = 1 / std::sqrt(sxx);
  if (xs.size() > 2) {
    double chi2 = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const double r = ys[i] - f.intercept - f.slope * xs[i];
      chi2 += ws[i] * r * r;
    }
    f.chi2_dof = chi2 / static_cast<double>(xs.size() - 2);
  }
  return f;
}

}  // namespace fairmc
