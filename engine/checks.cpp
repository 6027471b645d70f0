#include "engine/checks.hpp"

#include "engine/sweep_fit.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <utility>

namespace fairmc {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// One-sided quantile at `confidence` of Student's t with `dof` degrees of freedom (normal when
// dof is infinite); NaN when there is no degree of freedom.
double t_quantile(double confidence, double dof) {
  if (std::isinf(dof)) return boost::math::quantile(boost::math::normal(), confidence);
  if (!(dof >= 1)) return nan;
  return boost::math::quantile(boost::math::students_t(dof), confidence);
}

double target_value(const CheckTarget& t, const PointRecord* r) {
  if (t.constant.empty()) return t.value;
  if (!r) return nan;
  for (const auto& [name, v] : r->constants)
    if (name == t.constant) return v;
  return nan;
}

// x / err with 0 / 0 = 0 (an exact estimate on its bound) and x / 0 = +-inf.
double ratio_or_inf(double x, double err) {
  if (err > 0) return x / err;
  return x > 0 ? inf : x < 0 ? -inf : 0.0;
}

// Decides a row of a statistical subject (mean, ratio, slope) from its estimate, error and dof.
void decide(CheckRow& row, const CheckSpec& c, double lo_t, double hi_t, double dof) {
  const double est = row.estimate, err = row.error;
  if (!std::isfinite(est) || !std::isfinite(err) || err < 0 || !std::isfinite(lo_t) ||
      !std::isfinite(hi_t))
    return;  // undetermined
  const double tol = c.tolerance;
  double slack = c.sigmas * err + tol;
  double distance = 0;
  switch (c.comparison) {
    case CheckComparison::equals:
      row.lo = lo_t - slack, row.hi = lo_t + slack, distance = std::abs(est - lo_t);
      break;
    case CheckComparison::le:
      row.lo = -inf, row.hi = lo_t + slack, distance = est - lo_t;
      break;
    case CheckComparison::ge:
      row.lo = lo_t - slack, row.hi = inf, distance = lo_t - est;
      break;
    case CheckComparison::in:
      row.lo = lo_t - slack, row.hi = hi_t + slack, distance = std::max(lo_t - est, est - hi_t);
      break;
    case CheckComparison::exceeds:
    case CheckComparison::below: {
      const double t = t_quantile(c.confidence, dof);
      if (!std::isfinite(t)) return;
      row.threshold = t;
      if (c.comparison == CheckComparison::exceeds) {
        row.lo = lo_t + t * err, row.hi = inf;
        row.statistic = ratio_or_inf(est - lo_t, err);
        row.verdict = est - t * err > lo_t ? Verdict::pass : Verdict::fail;
      } else {
        row.lo = -inf, row.hi = lo_t - t * err;
        row.statistic = ratio_or_inf(lo_t - est, err);
        row.verdict = est + t * err < lo_t ? Verdict::pass : Verdict::fail;
      }
      return;
    }
  }
  row.threshold = c.sigmas;
  row.statistic = ratio_or_inf(distance - tol, err);
  row.verdict = distance <= slack ? Verdict::pass : Verdict::fail;
}

// How bad a decided row is, larger = worse (the check's deciding point is the worst one).
std::pair<double, double> badness(const CheckSpec& c, const CheckRow& row) {
  if (c.subject == CheckSubject::draws)
    return {static_cast<double>(row.violations),
            std::max(row.estimate - row.hi, row.lo - row.estimate)};
  if (c.comparison == CheckComparison::exceeds || c.comparison == CheckComparison::below)
    return {row.threshold - row.statistic, 0};
  return {row.statistic, 0};
}

std::string statistic_name(const CheckSpec& c) {
  if (c.subject == CheckSubject::draws) return "violations";
  const std::string err = c.subject == CheckSubject::mean    ? "sem"
                          : c.subject == CheckSubject::ratio ? "jackknife sem"
                                                             : "slope sem * sqrt(max(1, chi2/dof))";
  switch (c.comparison) {
    case CheckComparison::equals:
      return "(|est - target| - tolerance) / " + err;
    case CheckComparison::le:
      return "(est - target - tolerance) / " + err;
    case CheckComparison::ge:
      return "(target - est - tolerance) / " + err;
    case CheckComparison::in:
      return "(distance outside [lo, hi] - tolerance) / " + err;
    case CheckComparison::exceeds:
      return "(est - target) / " + err;
    case CheckComparison::below:
      return "(target - est) / " + err;
  }
  return "";
}

std::string pass_rule(const CheckSpec& c) {
  if (c.subject == CheckSubject::draws) return "statistic == 0";
  if (c.comparison == CheckComparison::exceeds || c.comparison == CheckComparison::below)
    return "statistic > threshold";
  return "statistic <= threshold";
}

}  // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::undetermined:
      return "undetermined";
  }
  return "undetermined";
}

std::int64_t count_violations(const QuantileSketch& s, double lo, double hi,
                              const std::vector<double>* draws, bool& exact) {
  exact = true;
  if (draws) {
    std::int64_t n = 0;
    for (const double x : *draws) n += !std::isnan(x) && (x < lo || x > hi);
    return n;
  }
  std::int64_t n = 0;
  if (hi < inf) n += static_cast<std::int64_t>(s.pos_inf());
  if (lo > -inf) n += static_cast<std::int64_t>(s.neg_inf());
  const bool above = s.finite() > 0 && s.max() > hi, below = s.finite() > 0 && s.min() < lo;
  if (!above && !below) return n;
  // Some finite draws are out: count those whose bucket lies wholly out (each bucket of |x| is
  // [b, b'), b and b' adjacent bucket edges), and at least the extreme draws themselves.
  exact = false;
  constexpr int shift = 52 - QuantileSketch::kMantissaBits;
  const auto edges = [&](std::int32_t key) {
    const auto bits = static_cast<std::uint64_t>(key) << shift;
    return std::pair{std::bit_cast<double>(bits),
                     std::bit_cast<double>(bits + (std::uint64_t{1} << shift))};
  };
  std::int64_t m = 0;
  for (const auto& [key, count] : s.positive()) {
    const auto [b, e] = edges(key);  // x in [b, e)
    if (b > hi || e <= lo) m += static_cast<std::int64_t>(count);
  }
  for (const auto& [key, count] : s.negative()) {
    const auto [b, e] = edges(key);  // x in (-e, -b]
    if (-e >= hi || -b < lo) m += static_cast<std::int64_t>(count);
  }
  if (0 > hi || 0 < lo) m += static_cast<std::int64_t>(s.zeros());
  return n + std::max<std::int64_t>(m, std::int64_t{above} + std::int64_t{below});
}

std::vector<CheckResult> evaluate_checks(const RunRecord& run,
                                         const std::vector<std::vector<RatioEstimate>>& ratios,
                                         const KeptDraws& draws) {
  const Experiment& e = run.experiment;
  std::vector<CheckResult> out;
  if (e.checks.empty()) return out;
  const std::size_t np = run.points.size();
  std::vector<std::vector<Summary>> merged(np);
  std::vector<char> complete(np, 0);
  for (std::size_t p = 0; p < np; ++p) {
    merged[p] = run.results[p].merged();
    complete[p] = run.results[p].status(e.block_count()) == PointStatus::complete;
  }
  for (const CheckSpec& c : e.checks) {
    CheckResult res;
    res.spec = c;
    res.statistic_name = statistic_name(c);
    res.pass_if = pass_rule(c);
    if (c.subject == CheckSubject::slope) {
      const auto fit = std::find_if(e.fits.begin(), e.fits.end(), [&](const Fit& f) {
        return f.metric == c.metric && f.against == c.against;
      });
      // No fit: an override pinned its axis to one value; nothing to evaluate.
      if (fit != e.fits.end()) {
        const SweepFit sf = fit_over_sweep(e, run, merged, *fit);
        for (std::size_t s = 0; s < sf.lines.size(); ++s) {
          if (!check_selects(c, run.points[sf.points[s].front()])) continue;
          CheckRow row;
          row.point = static_cast<std::int64_t>(s);
          const LineFit& lf = sf.lines[s];
          const bool all_complete = std::all_of(sf.points[s].begin(), sf.points[s].end(),
                                                [&](std::size_t p) { return complete[p] != 0; });
          row.target = c.targets[0].value;
          if (all_complete && lf.points >= 2) {
            row.estimate = lf.slope;
            // PDG scale factor: a line that does not fit within the errors widens them.
            row.error = lf.slope_sem *
                        std::sqrt(std::isfinite(lf.chi2_dof) ? std::max(1.0, lf.chi2_dof) : 1.0);
            // Weighted: the errors are taken as known (normal); ordinary: residual scatter.
            const double dof = lf.weighted ? inf : static_cast<double>(lf.points) - 2;
            decide(row, c, c.targets[0].value, c.targets.back().value, dof);
          }
          res.rows.push_back(row);
        }
      }
    } else {
      for (std::size_t p = 0; p < np; ++p) {
        if (!check_selects(c, run.points[p])) continue;
        const PointRecord& r = run.results[p];
        CheckRow row;
        row.point = static_cast<std::int64_t>(p);
        const double lo_t = target_value(c.targets[0], &r);
        const double hi_t = target_value(c.targets.back(), &r);
        row.target = c.comparison == CheckComparison::in ? nan : lo_t;
        const auto m_it = std::find(r.metrics.begin(), r.metrics.end(), c.metric);
        const std::size_t m = static_cast<std::size_t>(m_it - r.metrics.begin());
        if (!complete[p]) {
          // pending, partial or failed: undetermined
        } else if (c.subject == CheckSubject::mean) {
          if (m < r.metrics.size()) {
            const Summary& s = merged[p][m];
            row.estimate = s.mean_or_nan();
            row.error = s.sem();
            decide(row, c, lo_t, hi_t, s.n - 1);
          }
        } else if (c.subject == CheckSubject::ratio) {
          for (std::size_t k = 0; k < r.ratios.size(); ++k)
            if (r.ratios[k].name == c.metric && p < ratios.size() && k < ratios[p].size()) {
              const RatioEstimate& est = ratios[p][k];
              row.estimate = est.bias_corrected;
              row.error = est.sem;
              // E[den] not distinguishable from 0: no bounded interval, nothing to decide.
              if (!est.unbounded()) decide(row, c, lo_t, hi_t, est.groups - 1);
            }
        } else if (m < r.metrics.size() && std::isfinite(lo_t) && std::isfinite(hi_t)) {
          // Every draw: the bounds widened by the tolerance only.
          const double tol = c.tolerance;
          switch (c.comparison) {
            case CheckComparison::equals:
              row.lo = lo_t - tol, row.hi = lo_t + tol;
              break;
            case CheckComparison::le:
              row.lo = -inf, row.hi = lo_t + tol;
              break;
            case CheckComparison::ge:
              row.lo = lo_t - tol, row.hi = inf;
              break;
            default:
              row.lo = lo_t - tol, row.hi = hi_t + tol;
          }
          const auto sketches = r.sketches();
          const QuantileSketch sketch = m < sketches.size() ? sketches[m] : QuantileSketch{};
          if (sketch.count() > 0) {
            const double mx = sketch.pos_inf() > 0 ? inf : sketch.max();
            const double mn = sketch.neg_inf() > 0 ? -inf : sketch.min();
            // The extreme draw on the side that is farther out (or nearer its bound).
            row.estimate = (c.comparison == CheckComparison::le ||
                            (c.comparison != CheckComparison::ge && mx - row.hi >= row.lo - mn))
                               ? mx
                               : mn;
            row.error = 0;
            const auto kept = draws ? draws(p, m) : std::nullopt;
            bool exact = true;
            row.violations =
                count_violations(sketch, row.lo, row.hi, kept ? &*kept : nullptr, exact);
            res.violations_exact = res.violations_exact && exact;
            row.statistic = static_cast<double>(row.violations);
            row.threshold = 0;
            row.verdict = row.violations == 0 ? Verdict::pass : Verdict::fail;
          } else {
            row.lo = row.hi = nan;
          }
        }
        res.rows.push_back(row);
      }
    }
    if (c.subject == CheckSubject::draws) res.violations = 0;
    for (std::size_t i = 0; i < res.rows.size(); ++i) {
      const CheckRow& row = res.rows[i];
      res.failed += row.verdict == Verdict::fail;
      res.undetermined += row.verdict == Verdict::undetermined;
      if (row.verdict == Verdict::undetermined) continue;
      if (c.subject == CheckSubject::draws) res.violations += row.violations;
      if (res.worst < 0 ||
          badness(c, row) > badness(c, res.rows[static_cast<std::size_t>(res.worst)]))
        res.worst = static_cast<std::int64_t>(i);
    }
    res.verdict = res.failed > 0                             ? Verdict::fail
                  : res.undetermined > 0 || res.rows.empty() ? Verdict::undetermined
                                                             : Verdict::pass;
    out.push_back(std::move(res));
  }
  return out;
}

Verdict overall_verdict(const std::vector<CheckResult>& checks) {
  Verdict v = Verdict::pass;
  for (const auto& c : checks) {
    if (c.verdict == Verdict::fail) return Verdict::fail;
    if (c.verdict == Verdict::undetermined) v = Verdict::undetermined;
  }
  return v;
}

}  // namespace fairmc
