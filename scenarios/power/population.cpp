#include "scenarios/power/population.hpp"

#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include <cmath>
#include <string>
#include <utility>

namespace fairmc::power {
namespace {

// A per-issue setting given either as one number (all issues) or as a list of m numbers.
std::vector<double> per_issue(const Params& p, std::string_view key, double fallback, std::size_t m,
                              Range r) {
  std::vector<double> v = p.numbers(key, std::vector<double>{fallback}, r);
  if (v.size() == 1) v.assign(m, v.front());
  if (v.size() != m) {
    p.fail(key, "expected one number or a list of " + std::to_string(m) + " (one per issue), got " +
                    std::to_string(v.size()));
  }
  return v;
}

std::vector<std::vector<double>> read_rows(const Params& p, std::string_view key, Range r) {
  std::vector<std::vector<double>> rows = p.matrix(key, r);
  if (rows.empty()) p.fail(key, "expected a non-empty list of rows");
  return rows;
}

}  // namespace

PopulationSpec read_population(const Params& p) {
  PopulationSpec s;
  const Params ip = p.child("ideal_points");
  s.ideal.dist = ip.choice("dist", {"normal", "uniform", "mixture", "list"}, "normal");
  const bool listed = s.ideal.dist == "list";
  if (listed) {
    s.ideal.points = read_rows(ip, "points", Range{});
    s.ideal.resample = ip.flag("resample", false);
    const auto m = static_cast<std::int64_t>(s.ideal.points.front().size());
    // The rows' width is the number of issues, in the range `issues` has otherwise (rows of
    // no coordinates gave m = 0 issues, and the run crashed).
    if (m < 1 || m > 1000)
      ip.fail("points", "rows of " + std::to_string(m) +
                            " coordinates; expected 1 to 1000 (one per issue) in every row");
    s.issues = static_cast<std::size_t>(p.integer("issues", m, m, m));
    const auto rows = static_cast<std::int64_t>(s.ideal.points.size());
    s.agents = static_cast<std::size_t>(s.ideal.resample ? p.integer("agents", 1, 100'000'000)
                                                         : p.integer("agents", rows, rows, rows));
  } else {
    s.agents = static_cast<std::size_t>(p.integer("agents", 1, 100'000'000));
    s.issues = static_cast<std::size_t>(p.integer("issues", 1, 1, 1000));
  }
  const std::size_t m = s.issues;
  if (s.ideal.dist == "normal") {
    s.ideal.mean = per_issue(ip, "mean", 0.0, m, Range{});
    s.ideal.sd = per_issue(ip, "sd", 1.0, m, Range::positive());
  } else if (s.ideal.dist == "uniform") {
    s.ideal.low = per_issue(ip, "low", -1.0, m, Range{});
    s.ideal.high = per_issue(ip, "high", 1.0, m, Range{});
    for (std::size_t j = 0; j < m; ++j) {
      if (!(s.ideal.low[j] < s.ideal.high[j])) ip.fail("high", "must exceed `low` on every issue");
    }
  } else if (s.ideal.dist == "mixture") {
    const std::vector<Params> cs = ip.children("clusters");
    if (cs.empty()) ip.fail("clusters", "expected a list of {weight, mean, sd} clusters");
    for (const Params& c : cs) {
      Cluster k;
      k.weight = c.number("weight", 1.0, Range::positive());
      k.mean = per_issue(c, "mean", 0.0, m, Range{});
      k.sd = per_issue(c, "sd", 1.0, m, Range::positive());
      s.ideal.clusters.push_back(std::move(k));
    }
  }

  const Params wp = p.child("weights");
  s.weights.dist = wp.choice("dist", {"constant", "uniform", "lognormal", "list"}, "constant");
  if (s.weights.dist == "constant") {
    s.weights.value = per_issue(wp, "value", 1.0, m, Range::positive());
  } else if (s.weights.dist == "uniform") {
    s.weights.low = wp.number("low", 0.5, Range::positive());
    s.weights.high = wp.number("high", 1.5, Range::positive());
    if (!(s.weights.low < s.weights.high)) wp.fail("high", "must exceed `low`");
  } else if (s.weights.dist == "lognormal") {
    s.weights.mu = per_issue(wp, "mu", 0.0, m, Range{});
    s.weights.sigma = wp.number("sigma", 0.5, Range::nonnegative());
  } else {
    if (!listed || s.ideal.resample) {
      wp.fail("dist", "`list` weights need `ideal_points: {dist: list}` without resampling");
    }
    s.weights.values = read_rows(wp, "values", Range::positive());
    if (s.weights.values.size() != s.agents || s.weights.values.front().size() != m) {
      wp.fail("values", "expected " + std::to_string(s.agents) + " rows of " + std::to_string(m) +
                            " weights, one row per listed ideal point");
    }
  }
  return s;
}

Population sample(const PopulationSpec& spec, Rng& rng) {
  Population pop;
  sample_into(spec, rng, pop);
  return pop;
}

void sample_into(const PopulationSpec& spec, Rng& rng, Population& pop) {
  pop.n = spec.agents;
  pop.m = spec.issues;
  const std::size_t n = pop.n;
  const std::size_t m = pop.m;
  pop.y.resize(n * m);
  pop.w.resize(n * m);
  boost::random::normal_distribution<double> std_normal(0.0, 1.0);

  const IdealPointSpec& ip = spec.ideal;
  if (ip.dist == "normal" && m == 1) {
    // One issue (the median draw): the parameters and the array in locals, which the opaque
    // variate call would otherwise make the loop reload (issue 19); the same values.
    const double mean = ip.mean[0], sd = ip.sd[0];
    double* const y = pop.y.data();
    for (std::size_t i = 0; i < n; ++i) y[i] = mean + sd * std_normal(rng);
  } else if (ip.dist == "normal") {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j)
        pop.y[i * m + j] = ip.mean[j] + ip.sd[j] * std_normal(rng);
  } else if (ip.dist == "uniform") {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j)
        pop.y[i * m + j] = ip.low[j] + (ip.high[j] - ip.low[j]) * rng.uniform01();
  } else if (ip.dist == "mixture") {
    double total = 0.0;
    for (const Cluster& c : ip.clusters) total += c.weight;
    for (std::size_t i = 0; i < n; ++i) {
      double u = rng.uniform01() * total;
      std::size_t k = 0;
      while (k + 1 < ip.clusters.size() && u >= ip.clusters[k].weight) u -= ip.clusters[k++].weight;
      const Cluster& c = ip.clusters[k];
      for (std::size_t j = 0; j < m; ++j) pop.y[i * m + j] = c.mean[j] + c.sd[j] * std_normal(rng);
    }
  } else {  // list
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t row = i;
      if (ip.resample) {
        row = std::min(
            ip.points.size() - 1,
            static_cast<std::size_t>(rng.uniform01() * static_cast<double>(ip.points.size())));
      }
      for (std::size_t j = 0; j < m; ++j) pop.y[i * m + j] = ip.points[row][j];
    }
  }

  const WeightSpec& ws = spec.weights;
  if (ws.dist == "constant") {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j) pop.w[i * m + j] = ws.value[j];
  } else if (ws.dist == "uniform") {
    for (double& v : pop.w) v = ws.low + (ws.high - ws.low) * rng.uniform01();
  } else if (ws.dist == "lognormal" && m == 1) {
    const double mu = ws.mu[0], sigma = ws.sigma;  // as for the ideal points
    double* const w = pop.w.data();
    for (std::size_t i = 0; i < n; ++i) w[i] = std::exp(mu + sigma * std_normal(rng));
  } else if (ws.dist == "lognormal") {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j)
        pop.w[i * m + j] = std::exp(ws.mu[j] + ws.sigma * std_normal(rng));
  } else {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j) pop.w[i * m + j] = ws.values[i][j];
  }
}

Population rescale_issue(Population pop, std::size_t issue, double factor) {
  for (std::size_t i = 0; i < pop.n; ++i) {
    pop.y[i * pop.m + issue] *= factor;
    pop.w[i * pop.m + issue] /= factor * factor;
  }
  return pop;
}

}  // namespace fairmc::power
