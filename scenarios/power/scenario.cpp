#include "scenarios/power/scenario.hpp"

#include "scenarios/power/bounds.hpp"
#include "scenarios/power/equilibrium.hpp"
#include "scenarios/power/fixed_point.hpp"
#include "scenarios/power/iteration.hpp"
#include "scenarios/power/metrics.hpp"
#include "scenarios/power/outcome_metrics.hpp"
#include "scenarios/power/population.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace fairmc::power {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// alpha = n^(-a) with a = alpha_exponent (default 7/8, Theorem 4.2's choice; Theorem 4.1 needs
// n^(3/2) alpha -> inf and alpha^(m/2) n^(m/4) -> 0, i.e. 1/2 < a < 3/2), or a fixed `alpha`.
double read_alpha(const Params& mech, std::size_t n) {
  if (mech.has("alpha") && mech.has("alpha_exponent"))
    mech.fail("alpha", "give either `alpha` or `alpha_exponent` (alpha = n^-alpha_exponent)");
  const double a = mech.number("alpha_exponent", 7.0 / 8.0, Range::closed(0.0, 10.0));
  return mech.number("alpha", std::pow(static_cast<double>(n), -a), Range::positive());
}

class EqualPowerModel final : public Model {
 public:
  EqualPowerModel(PopulationSpec pop, std::string construction, double gamma, double epsilon,
                  FixedPointOptions fp)
      : pop_(std::move(pop)),
        construction_(std::move(construction)),
        gamma_(gamma),
        epsilon_(epsilon),
        fp_(std::move(fp)) {}

  std::vector<std::string> metrics() const override { return names(kEqualPowerMetrics); }

  void run(const Draw& draw, std::span<double> out) const override {
    // Per-thread buffers reused from draw to draw: fresh n-sized vectors each draw cost ~9% of a
    // median draw in page faults (issue 19). Every entry is overwritten, so no result depends
    // on what a buffer held before.
    struct Workspace {
      Population pop;
      Equilibrium eq;
      EvaluateScratch scratch;
    };
    thread_local Workspace ws;
    Rng rng = draw.stream(Substream::population);
    sample_into(pop_, rng, ws.pop);
    const Population& pop = ws.pop;
    construct(pop, ws.eq);
    const Equilibrium& eq = ws.eq;
    if (std::isnan(eq.x[0])) {
      // No certified fixed point (the solver returns NaN then): every metric stays NaN, which is
      // not counted, and the failure flag is.
      out[kConstructionFailed] = 1.0;
      return;
    }
    const OutcomeMetrics r = evaluate(pop, eq, gamma_, epsilon_, ws.scratch);
    AppendixBounds b;
    b.c5_dev = b.c6_dev = b.b3_ratio = b.b4_ratio = kNaN;
    double net_bound = kNaN;
    if (construction_ == "fixed_point") {
      b = appendix_bounds(pop, eq.c, eq.q, fp_.alpha, gamma_);
      net_bound = net_movement_bound(
          b, pop,
          static_cast<std::size_t>(std::llround(r.frac_normal * static_cast<double>(pop.n))),
          r.off_normal_movement, fp_.alpha, gamma_);
    }
    write_values(kEqualPowerMetrics,
                 EqualPowerDraw{.r = r,
                                .b = b,
                                .construction = construction_,
                                .gamma = gamma_,
                                .n = pop.n,
                                .residual = eq.residual,
                                .iterations = eq.iterations,
                                .net_bound = net_bound},
                 out);
  }

  std::vector<std::pair<std::string, double>> constants() const override {
    // Theorem 4.1 part 2's band with its O(1) taken as 1, i.e. Lemma C.6's 1 - sqrt(eta/(eta+1))
    // with eta replaced by its order n^(3/2) alpha (Theorem 4.2: n^(5/8)); a bound on
    // |1 - lambda_i sqrt(gamma)| that depends on the point only.
    const double eta_order = std::pow(static_cast<double>(pop_.agents), 1.5) * fp_.alpha;
    return {
        {"gamma", gamma_},
        {"epsilon", epsilon_},
        {"alpha", construction_ == "fixed_point" ? fp_.alpha : kNaN},
        {"theorem41_band",
         construction_ == "fixed_point" ? 1.0 - std::sqrt(eta_order / (eta_order + 1.0)) : kNaN}};
  }

 private:
  // Fills every field of `eq`.
  void construct(const Population& pop, Equilibrium& eq) const {
    if (construction_ == "median") return median_construction(pop, gamma_, eq);
    if (construction_ == "equal_c") {
      eq = equal_scaling(pop);  // lambda_ref: the median lambda_i
      return;
    }
    FixedPoint fp = solve_fixed_point(pop, fp_);
    eq.x = std::move(fp.x);
    eq.c = std::move(fp.c);
    eq.normal = std::move(fp.unclamped);
    eq.lambda_ref = 1.0 / std::sqrt(gamma_);  // Theorem 4.1: lambda = 1/sqrt(gamma)
    eq.residual = fp.residual;
    eq.iterations = fp.iterations;
    eq.q = std::move(fp.weight_sum);
    eq.grad = std::move(fp.gradient);
  }

  PopulationSpec pop_;
  std::string construction_;
  double gamma_;
  double epsilon_;
  FixedPointOptions fp_;
};

struct Rescale {
  std::size_t issue = 0;
  double factor = 1.0;
};

class IterationModel final : public Model {
 public:
  IterationModel(PopulationSpec pop, IterationOptions it, Rescale rs)
      : pop_(std::move(pop)), it_(it), rescale_(rs) {
    for (int t = 1; t <= it_.iterations; t *= 2) checkpoints_.push_back(t);
    if (checkpoints_.back() != it_.iterations) checkpoints_.push_back(it_.iterations);
  }

  std::vector<std::string> metrics() const override {
    std::vector<std::string> out = names(kIterationMetrics);
    for (const int t : checkpoints_)
      append_names(out, kIterationCheckpointMetrics, {{"k", std::to_string(t)}});
    return out;
  }

  void run(const Draw& draw, std::span<double> out) const override {
    Rng rng = draw.stream(Substream::population);
    const Population pop = sample(pop_, rng);
    const Population scaled = rescale_issue(pop, rescale_.issue, rescale_.factor);
    const double sigma = spread(pop);
    IterationOptions o = it_;
    // HZ's budget is a fixed number in squared issue units: chosen from the original population so
    // that its first steps are as long as equal power's (|delta| ~ sqrt(gamma / q_j)), and kept
    // when the issue is rescaled, as a dimension-symmetric rule would.
    const std::vector<double> q0 = discovered_metric(pop, starting_point(pop), o.alpha);
    double inv_q = 0.0;
    for (const double qj : q0) inv_q += 1.0 / qj / static_cast<double>(q0.size());
    o.hz_gamma0 = o.gamma0 * inv_q;
    const bool ep = o.budget == Budget::equal_power;

    const FixedPoint ep_fp = limit(pop, true, sigma), hz_fp = limit(pop, false, sigma);
    const std::vector<double>& ep_limit = ep_fp.x;
    const std::vector<double>& hz_limit = hz_fp.x;
    const FixedPoint own_scaled = limit(scaled, ep, sigma);
    const FixedPoint hz_scaled = ep ? limit(scaled, false, sigma) : own_scaled;
    // An uncertified limit is NaN, so every distance to it is NaN (not counted); count them.
    const bool failed =
        !ep_fp.converged || !hz_fp.converged || !own_scaled.converged || !hz_scaled.converged;
    const std::vector<double>& own = ep ? ep_limit : hz_limit;
    const std::vector<double>& other = ep ? hz_limit : ep_limit;

    const IterationPath path = run_iteration(pop, o);
    const IterationPath path_scaled = run_iteration(scaled, o);
    const std::vector<double> back = unscale(path_scaled.x.back());
    const std::vector<double>& final_x = path.x.back();

    const std::vector<double> hz_scaled_back = unscale(hz_scaled.x);
    const std::vector<double> own_scaled_back = unscale(own_scaled.x);
    IterationDraw d{.final_x = final_x,
                    .own = own,
                    .other = other,
                    .ep_limit = ep_limit,
                    .hz_scaled = hz_scaled_back,
                    .final_scaled = back,
                    .own_scaled = own_scaled_back,
                    .own_scaled_residual = own_scaled.residual,
                    .failed = failed,
                    .sigma = sigma,
                    .checkpoint = {}};
    std::size_t k = write_values(kIterationMetrics, d, out);
    for (const int t : checkpoints_) {
      d.checkpoint = path.x[static_cast<std::size_t>(t)];
      k += write_values(kIterationCheckpointMetrics, d, out.subspan(k));
    }
  }

  std::vector<std::pair<std::string, double>> constants() const override {
    return {{"gamma0", it_.gamma0},
            {"decay", it_.decay},
            {"alpha", it_.alpha},
            {"rescale_factor", rescale_.factor}};
  }

 private:
  static double spread(const Population& pop) {
    double total = 0.0;
    for (std::size_t j = 0; j < pop.m; ++j) total += pop.issue_variance(j);
    return std::sqrt(total / static_cast<double>(pop.m));
  }
  std::vector<double> unscale(std::vector<double> x) const {
    x[rescale_.issue] /= rescale_.factor;
    return x;
  }
  // The limit of each iteration: Section 5's fixed point (equal power) or the point where the
  // Euclidean-normalised gradients cancel (HZ, q = 1 held fixed; a negligible floor avoids 1/0).
  FixedPoint limit(const Population& pop, bool equal_power, double sigma) const {
    FixedPointOptions f;
    f.alpha = it_.alpha;
    f.limit = true;
    if (!equal_power) {
      f.metric.assign(pop.m, 1.0);
      f.alpha = 1e-12 * sigma * std::sqrt(static_cast<double>(pop.n));
    }
    return solve_fixed_point(pop, f);
  }

  PopulationSpec pop_;
  IterationOptions it_;
  Rescale rescale_;
  std::vector<int> checkpoints_;
};

std::unique_ptr<const Model> prepare(const Params& p) {
  PopulationSpec pop = read_population(p.child("population"));
  const Params mech = p.child("mechanism");
  const std::string name = mech.choice("name", {"equal_power", "iteration"}, "equal_power");
  if (name == "equal_power") {
    const std::string construction =
        mech.choice("construction", {"median", "fixed_point", "equal_c"}, "fixed_point");
    if (construction == "median" && pop.issues != 1) {
      mech.fail("construction",
                "`median` is the one-issue construction of Section 3; use "
                "`fixed_point` or `equal_c` when population.issues > 1");
    }
    const double gamma = mech.number("gamma", 0.01, Range::positive());
    const double epsilon = mech.number("epsilon", 0.1, Range::unit_open());
    FixedPointOptions fp;
    if (construction == "fixed_point") {
      fp.alpha = read_alpha(mech, pop.agents);
      fp.tolerance = mech.number("tolerance", 1e-13, Range::positive());
      fp.max_iterations = static_cast<int>(mech.integer("max_iterations", 200, 1, 100'000));
    }
    return std::make_unique<EqualPowerModel>(std::move(pop), construction, gamma, epsilon,
                                             std::move(fp));
  }
  IterationOptions it;
  it.budget = mech.choice("budget", {"hz", "equal_power"}, "equal_power") == "hz"
                  ? Budget::hylland_zeckhauser
                  : Budget::equal_power;
  it.gamma0 = mech.number("gamma0", 0.01, Range::positive());
  it.decay = mech.number("decay", 1.0, Range::closed(0.0, 2.0));
  it.iterations = static_cast<int>(mech.integer("iterations", 256, 1, 1'000'000));
  // Shifts do not depend on an agent's own c_i, so the iteration cannot see Section 5's cap on c;
  // its limit is the alpha -> 0 fixed point. A negligible alpha only guards against 1/0.
  it.alpha = mech.number("alpha", 1e-9, Range::positive());
  Rescale rs;
  const Params r = mech.child("rescale");
  rs.issue =
      static_cast<std::size_t>(r.integer("issue", 0, 0, static_cast<std::int64_t>(pop.issues) - 1));
  rs.factor = r.number("factor", 1.0, Range::positive());
  return std::make_unique<IterationModel>(std::move(pop), it, rs);
}

}  // namespace

ScenarioInfo scenario() {
  ScenarioInfo info;
  info.name = "power";
  info.paper = "000 Equality of Power and Fair Public Decision-making";
  info.help =
      "Quadratic-utility public decisions: equal-power equal-lambda equilibria (Def. 2.1) "
      "and the HZ vs equal-power iterations";
  info.samplers = {
      {"ideal_points.normal", "y_ij ~ N(mean_j, sd_j^2), i.i.d. over agents"},
      {"ideal_points.uniform", "y_ij ~ U(low_j, high_j)"},
      {"ideal_points.mixture", "Gaussian clusters [{weight, mean, sd}]"},
      {"ideal_points.list", "given points (rows), exactly or resampled with replacement"},
      {"weights.constant", "w_ij = value"},
      {"weights.uniform", "w_ij ~ U(low, high)"},
      {"weights.lognormal", "log w_ij ~ N(mu, sigma^2)"},
      {"weights.list", "given weights, one row per listed ideal point"}};
  info.mechanisms = {
      {"equal_power",
       "construction: median (Sec. 3, m = 1) | fixed_point (Sec. 5; alpha, or alpha_exponent a "
       "for alpha = n^-a, default 7/8) | equal_c (App. E); Program 1 for every agent at (x, c)"},
      {"iteration",
       "budget: hz | equal_power; x += sum_i delta_i with gamma_t = gamma0 (1+t)^-decay "
       "(Sec. 1.2), with an optional issue rescale"}};
  info.metrics = join_described(
      {describe(kEqualPowerMetrics), describe(kIterationMetrics, kIterationCheckpointMetrics)});
  info.prepare = prepare;
  info.memory_estimate = [](const Params& p) {
    // Each draw holds ideal points and gradients (n x m doubles); listed points are in memory.
    const Params pop = p.child("population");
    if (pop.child("ideal_points").has("points")) return 0.0;
    const auto n = static_cast<double>(pop.integer("agents", 1, 100'000'000));
    const auto m = static_cast<double>(pop.integer("issues", 1, 1, 1000));
    return 2.0 * sizeof(double) * n * m;
  };
  return info;
}

}  // namespace fairmc::power
