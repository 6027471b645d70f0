#include "scenarios/persuasion/scenario.hpp"

#include "scenarios/persuasion/buckets.hpp"
#include "scenarios/persuasion/evaluator.hpp"
#include "scenarios/persuasion/exact_alpha.hpp"
#include "scenarios/persuasion/exact_alpha_types.hpp"
#include "scenarios/persuasion/majorization.hpp"
#include "scenarios/persuasion/metrics.hpp"
#include "scenarios/persuasion/policies.hpp"
#include "scenarios/persuasion/population.hpp"
#include "scenarios/persuasion/type_reduction.hpp"
#include "scenarios/persuasion/utility_oracle.hpp"

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <numeric>

namespace fairmc::persuasion {
namespace {

constexpr std::uint32_t kConstraintStream = static_cast<std::uint32_t>(Substream::first_free) + 1;

struct MechanismSpec {
  Receiver receiver = Receiver::bucketed;
  double epsilon = 0.5;
  bool enabled[kPolicyCount] = {true, true, false, true, false, false};
  EvaluatorSettings evaluator;
  int mw_iterations = 300;
  bool type_reduction = false;  // run_types(): k-uniform, <= 2 agent types
  bool exact_alpha = false;     // alpha_exact_<p> (exact_alpha.hpp), bucketed receiver only
  bool keep_vectors = false;    // u_<p>_<i> per agent and xhat_<i> (issue 15 item 5)
  ExactSettings exact;
};

// Issue 14, item 12: one estimator per sweep point, decided from the parameters alone, so a
// point never averages exact draws with Monte Carlo ones. Uniform and partition matroids are
// always exact (Poisson-binomial DP); otherwise enumeration is chosen when the largest scenario
// count any draw of the point can have, over the enabled policies, is at most max_scenarios:
// s^n for full revelation (s = the largest prior support), K·2^n for Δmax (each agent's maximal
// mapping has at most two signals per layer), 1 for no information.
bool exact_estimator(const PopulationSpec& pop, const ConstraintSpec& con,
                     const MechanismSpec& mech, const Buckets& buckets) {
  if (mech.evaluator.mode != UtilityMode::automatic)
    return mech.evaluator.mode == UtilityMode::exact;
  if (con.type == "uniform" || con.type == "partition") return true;
  const auto power = [](std::uint64_t base, int n) {
    constexpr std::uint64_t cap = std::uint64_t{1} << 62;
    std::uint64_t r = 1;
    for (int i = 0; i < n && r < cap; ++i) r = r > cap / base ? cap : r * base;
    return r;
  };
  const auto s = static_cast<std::uint64_t>(std::max(1, pop.max_support()));
  std::uint64_t worst = 1;
  if (mech.enabled[kFull] || mech.enabled[kFullPriority])
    worst = std::max(worst, power(s, pop.agents));
  if (mech.enabled[kPaper] || mech.enabled[kMw]) {
    const auto K = static_cast<std::uint64_t>(buckets.count());
    const std::uint64_t per_layer = power(std::min<std::uint64_t>(s, 2), pop.agents);
    worst = std::max(
        worst, per_layer > (std::uint64_t{1} << 62) / K ? std::uint64_t{1} << 62 : per_layer * K);
  }
  return worst <= mech.evaluator.max_scenarios;
}

// How one path solves each policy's selection rule: run() per agent (Evaluator), run_types() at
// the type level (type_reduction.hpp). The policies, their order and the bookkeeping around them
// are the same for both (PersuasionModel::solve).
struct Solvers {
  // Baselines (no information, full revelation): the rule best in true utilities (issue 14,
  // item 10), with the exact receiver the min-norm point (Theorem 3.1).
  std::function<PolicyResult(const Mapping&)> baseline;
  std::function<PolicyResult(const Mapping&)> majorized;  // 1-majorized rule: HIGH/LOW, Δmax
  std::function<PolicyResult(const Mapping&, const std::vector<int>&)> priority;  // index ties
  // MW on Δmax, given Q_k of x̂ (which never changes its best responses,
  // multiplicative_weights.hpp).
  std::function<PolicyResult(const Mapping&, const std::vector<double>&)> mw;
  bool always_dmax = false;  // x̂ even without paper / mw (cheap at the type level)
};

class PersuasionModel final : public Model {
 public:
  PersuasionModel(PopulationSpec pop, ConstraintSpec con, MechanismSpec mech)
      : pop_(std::move(pop)), con_(std::move(con)), mech_(mech), buckets_(pop_.V, mech.epsilon) {
    estimator_exact_ = exact_estimator(pop_, con_, mech_, buckets_);
    // Auto resolves here, once per point; exact mode keeps reporting NaN for a draw it cannot
    // enumerate (its estimator is still exact).
    mech_.evaluator.mode = estimator_exact_ ? UtilityMode::exact : UtilityMode::monte_carlo;
    for (int p = 0; p < kPolicyCount; ++p) layout_.enabled[p] = mech_.enabled[p];
    layout_.exact_alpha = mech_.exact_alpha;
    layout_.keep_vectors = mech_.keep_vectors;
    layout_.agents = pop_.agents;
    metrics_ = metric_names(layout_);
  }

  std::vector<std::string> metrics() const override { return metrics_; }

  std::vector<std::pair<std::string, double>> constants() const override {
    const double K = buckets_.count();
    return {{"buckets_K", K},
            {"certified_factor", buckets_.eta() * K},
            {"log_v_over_eps", std::log(pop_.V / mech_.epsilon)},
            {"V", pop_.V},
            {"epsilon", mech_.epsilon},
            {"estimator_exact", estimator_exact_ ? 1.0 : 0.0}};
  }

  void run(const Draw& draw, std::span<double> out) const override {
    Rng prng = draw.stream(Substream::population);
    Rng crng = draw.stream(kConstraintStream);
    Instance inst{pop_.sample(prng), con_.sample(pop_.agents, crng)};
    if (mech_.type_reduction) return run_types(inst, out);
    Evaluator ev(inst, mech_.evaluator, [&draw](std::size_t count) {
      Rng r = draw.stream(Substream::mechanism);
      std::vector<double> u(count);
      for (double& x : u) x = r.uniform01();
      return u;
    });
    const auto& pri = inst.priors;
    Solvers s;
    // With the bucketed receiver, a rule majorized in canonical utilities can be beaten for
    // everyone by another tie-break inside a bucket, hence true_optimal for the baselines.
    s.baseline = [&](const Mapping& m) {
      return mech_.receiver == Receiver::exact ? ev.majorized(m) : ev.true_optimal(m);
    };
    s.majorized = [&](const Mapping& m) { return ev.majorized(m); };
    s.priority = [&](const Mapping& m, const std::vector<int>& order) {
      return ev.fixed_priority(m, order);
    };
    s.mw = [&](const Mapping& dmax, const std::vector<double>& fake_prefix) {
      return ev.multiplicative_weights(dmax, fake_prefix, mech_.mw_iterations);
    };
    Outcome o = solve(pri, s);
    o.utilities_exact = o.utilities_exact && ev.exact();  // before the canonical re-evaluations
    if (mech_.exact_alpha)
      o.exact = exact_outcome(inst, o, [&](int p) {
        // Baselines report the tie-break best in true utilities (ev.true_optimal), whose `fake`
        // is not a canonical vector; in Section 4's accounting a baseline is its canonically
        // majorized rule, as in run_types().
        if (p == kNoInfo) return ev.majorized(no_information(pri, mech_.receiver, buckets_)).fake;
        if (p == kFull) return ev.majorized(full_revelation(pri, mech_.receiver, buckets_)).fake;
        const Mapping dmax = canonical_values(single_mean_maximal(pri, buckets_));
        if (p == kPaper) return ev.majorized(dmax).utility;
        return ev.multiplicative_weights(dmax, prefix_smallest(o.xhat), mech_.mw_iterations)
            .utility;
      });
    write_metrics(layout_, o, out);
  }

 private:
  // Every enabled policy's utilities, in the order of kPolicies, x̂ and the prefix bounds.
  Outcome solve(const std::vector<DiscretePrior>& pri, const Solvers& s) const {
    Outcome o;
    o.receiver = mech_.receiver;
    auto& res = o.result;
    bool ok = true;
    if (mech_.enabled[kNoInfo])
      res[kNoInfo] = s.baseline(no_information(pri, mech_.receiver, buckets_));
    if (mech_.enabled[kFull] || mech_.enabled[kFullPriority]) {
      const Mapping full = full_revelation(pri, mech_.receiver, buckets_);
      if (mech_.enabled[kFull]) res[kFull] = s.baseline(full);
      if (mech_.enabled[kFullPriority]) {
        std::vector<int> by_index(pri.size());
        std::iota(by_index.begin(), by_index.end(), 0);
        res[kFullPriority] = s.priority(full, by_index);
      }
    }
    if (mech_.enabled[kHighLow])
      res[kHighLow] = s.majorized(high_low(pri, mech_.receiver, buckets_));
    std::vector<double> fake_prefix;  // Q_k of Ω_maj's fake utilities (1-majorized in R̂(Δmax))
    if (mech_.enabled[kPaper] || mech_.enabled[kMw] || s.always_dmax) {
      const Mapping dmax = single_mean_maximal(pri, buckets_);
      PolicyResult maj = s.majorized(dmax);
      ok = ok && maj.ok;
      fake_prefix = prefix_smallest(maj.fake);
      o.xhat = maj.fake;
      if (mech_.enabled[kMw]) {
        res[kMw] = s.mw(dmax, fake_prefix);
        if (res[kMw].ok && !fake_prefix.empty()) {
          const std::vector<double> q = prefix_smallest(res[kMw].fake);
          double gap = 0.0;
          for (std::size_t k = 0; k < q.size(); ++k)
            gap = std::max(gap, std::abs(q[k] - fake_prefix[k]));
          o.mw_prefix_gap = gap / std::max(1e-300, fake_prefix.back());
        }
      }
      if (mech_.enabled[kPaper]) res[kPaper] = std::move(maj);
    }
    // Best known Q_k over the computed policies: a lower bound on the optimum over all policies.
    for (int p = 0; p < kPolicyCount; ++p) {
      if (!mech_.enabled[p]) continue;
      ok = ok && res[p].ok;
      if (res[p].ok) raise_prefix(o.best, prefix_smallest(res[p].utility));
    }
    // Certified upper bound (proof of Theorem 1.1): for any policy with the bucketed receiver,
    // Q_k(U) <= η K Q_k(fake majorized point of R̂(Δmax)).
    o.upper = fake_prefix;
    for (double& u : o.upper) u *= buckets_.eta() * buckets_.count();
    o.utilities_exact = ok;
    return o;
  }

  // alpha_exact_<policy>: every policy in the canonical accounting of Section 4 (its fake
  // utilities for one-signal-per-bucket mappings; `canonical(p)` re-runs Δmax / MW with
  // value = key and the baselines with their majorized rule).
  ExactOutcome exact_outcome(const Instance& inst, const Outcome& o,
                             const std::function<std::vector<double>(int)>& canonical) const {
    ExactOutcome e;
    const ExactPrefix best = exact_best_prefix(inst.priors, inst.constraint, buckets_, mech_.exact);
    if (!best.ok && !appendix_a_family(inst.priors, *inst.constraint)) return e;  // NaN (docs)
    std::vector<int> ids;
    std::vector<std::vector<double>> canon;
    for (int p = 0; p < kPolicyCount; ++p) {
      if (!mech_.enabled[p] || !o.result[p].ok) continue;
      ids.push_back(p);
      canon.push_back(p == kPaper || p == kMw || p == kNoInfo || p == kFull ? canonical(p)
                                                                            : o.result[p].fake);
    }
    std::vector<double> upper = prefix_smallest(o.xhat);
    for (double& u : upper) u *= buckets_.count();
    if (!best.ok) {
      // Beyond the enumeration: Appendix A's family has a certified bracket at any n
      // (exact_alpha_types.hpp); otherwise NaN (ExactPrefix::reason, docs: "The exact α").
      const PrefixBracket br =
          appendix_a_prefix_bracket(inst.priors, *inst.constraint, buckets_, canon);
      if (!br.ok) return e;
      const ExactAlpha lo = exact_alpha(br.lo, canon, upper);
      const ExactAlpha hi = exact_alpha(br.hi, canon, upper);
      bool ok = true;
      for (std::size_t j = 0; j < ids.size(); ++j) {
        const auto p = static_cast<std::size_t>(ids[j]);
        e.lo[p] = lo.alpha[j];
        e.hi[p] = hi.alpha[j];
        e.known[p] = lo.known[j];
        e.bound[p] = lo.bound[j];
        // known <= exact <= bound with exact somewhere in [lo, hi].
        ok = ok && lo.known[j] <= hi.alpha[j] * (1 + 1e-7) &&
             (upper.empty() || lo.alpha[j] <= lo.bound[j] * (1 + 1e-7));
      }
      e.bracket_ok = ok ? 1.0 : 0.0;
      return e;
    }
    e.profiles = static_cast<double>(best.profiles);
    const ExactAlpha ea = exact_alpha(best.best, canon, upper);
    for (std::size_t j = 0; j < ids.size(); ++j) {
      const auto p = static_cast<std::size_t>(ids[j]);
      e.alpha[p] = e.lo[p] = e.hi[p] = ea.alpha[j];
      e.known[p] = ea.known[j];
      e.bound[p] = ea.bound[j];
    }
    e.bracket_ok = ea.bracket_ok ? 1.0 : 0.0;
    return e;
  }

  // mechanism.type_reduction: the same metrics from the type-level problem (type_reduction.hpp;
  // k-uniform matroid, at most two agent types), per-agent vectors expanded from the types. Each
  // policy uses the selection rule run() uses: baselines the rule best in true utilities with
  // the bucketed receiver (the min-norm point with the exact one), the index tie-break and MW
  // per agent, Δmax and HIGH/LOW the 1-majorized rule.
  void run_types(const Instance& inst, std::span<double> out) const {
    const auto types = agent_types(inst.priors, 2);
    if (!types) return;  // more than two agent types in this draw: every metric NaN
    const int k = *inst.constraint->uniform_capacity();
    const auto expand = [&](const TypeUtilities& t) {
      PolicyResult r;
      for (const int c : types->type_of) {
        r.utility.push_back(t.value[static_cast<std::size_t>(c)]);
        r.fake.push_back(t.fake[static_cast<std::size_t>(c)]);
      }
      return r;
    };
    const auto reps = [&](const Mapping& m) { return restrict_mapping(m, types->representative); };
    const auto solve_types = [&](const Mapping& m) {
      return expand(type_majorized(reps(m), types->count, k));
    };
    const auto mw = [&](const Mapping& dmax) {
      return expand(
          type_multiplicative_weights(reps(dmax), types->type_of, k, mech_.mw_iterations));
    };
    Solvers s;
    s.baseline = [&](const Mapping& m) {
      return mech_.receiver == Receiver::exact
                 ? solve_types(m)
                 : expand(type_true_optimal(reps(m), types->count, k));
    };
    s.majorized = solve_types;
    s.priority = [&](const Mapping& full, const std::vector<int>& order) {
      const TypeUtilities v = type_priority_vertex(reps(full), types->type_of, k, order);
      return PolicyResult{v.value, v.fake, true};
    };
    s.mw = [&](const Mapping& dmax, const std::vector<double>&) { return mw(dmax); };
    s.always_dmax = true;
    const auto& pri = inst.priors;
    Outcome o = solve(pri, s);
    if (mech_.exact_alpha)
      o.exact = exact_outcome(inst, o, [&](int p) {
        // As in run(): baselines by their canonically majorized rule, Δmax and MW re-evaluated
        // with value = key.
        if (p == kNoInfo) return solve_types(no_information(pri, mech_.receiver, buckets_)).fake;
        if (p == kFull) return solve_types(full_revelation(pri, mech_.receiver, buckets_)).fake;
        const Mapping canon = canonical_values(single_mean_maximal(pri, buckets_));
        if (p == kPaper) return solve_types(canon).utility;
        return mw(canon).utility;
      });
    write_metrics(layout_, o, out);
  }

  PopulationSpec pop_;
  ConstraintSpec con_;
  MechanismSpec mech_;
  Buckets buckets_;
  bool estimator_exact_ = true;
  MetricLayout layout_;
  std::vector<std::string> metrics_;
};

MechanismSpec read_mechanism(const Params& m) {
  MechanismSpec s;
  s.receiver = m.choice("receiver", {"bucketed", "exact"}, "bucketed") == "exact"
                   ? Receiver::exact
                   : Receiver::bucketed;
  s.epsilon = m.number("epsilon", 0.5, Range::positive());
  const Params pol = m.child("policies");
  bool any = false;
  for (int p = 0; p < kPolicyCount; ++p) {
    s.enabled[p] = pol.flag(kPolicies[p].key, s.enabled[p]);
    any = any || s.enabled[p];
  }
  if (!any) m.fail("policies", "enable at least one policy");
  const std::string mode = m.choice("utilities", {"auto", "exact", "monte_carlo"}, "auto");
  s.evaluator.mode = mode == "exact"         ? UtilityMode::exact
                     : mode == "monte_carlo" ? UtilityMode::monte_carlo
                                             : UtilityMode::automatic;
  s.evaluator.max_scenarios =
      static_cast<std::uint64_t>(m.integer("max_scenarios", 1 << 16, 1, 1LL << 40));
  s.evaluator.samples = static_cast<int>(m.integer("samples", 1000, 1, 10'000'000));
  const Params mw = m.child("mw");
  s.mw_iterations = static_cast<int>(mw.integer("iterations", 300, 1, 10'000'000));
  if (mw.has("targets"))
    mw.fail("targets",
            "removed: the targets never influenced MW's best responses (every per-prefix Hedge "
            "sees the same losses, so the dual weights' order, hence the greedy response, does "
            "not depend on them); `exact` and `game` gave bit-identical results. Delete the key");
  s.type_reduction = m.flag("type_reduction", false);
  const Params ex = m.child("exact_alpha");
  s.exact_alpha = ex.flag("enabled", false);
  if (s.exact_alpha && s.receiver != Receiver::bucketed)
    ex.fail("enabled", "the exact α is for the bucketed receiver (Section 4's model)");
  s.exact.max_work =
      static_cast<std::uint64_t>(ex.number("max_work", 1e10, Range::closed(1.0, 1e15)));
  s.keep_vectors = m.flag("keep_vectors", false);
  return s;
}

}  // namespace

ScenarioInfo scenario() {
  ScenarioInfo info;
  info.name = "persuasion";
  info.paper = "002 Fair Multi-agent Persuasion with Submodular Constraints";
  info.help =
      "Signaling to a welfare-maximising receiver under polymatroid constraints; majorization "
      "ratios of no information, full revelation and the paper's single-mean policy.";
  info.samplers = {
      {"two_point", "values {low, high}, P(high) = q_i ~ U[q] per agent"},
      {"discrete", "one fixed list of values and probabilities for every agent"},
      {"uniform", "each agent: `support` i.i.d. U[1, V] points, equally likely (grid: snap)"},
      {"power_law", "each agent: `support` points with density ∝ v^-exponent on [1, V]"},
      {"geometric", "levels V^(j/(L-1)) with P(j) ∝ r^j, r ~ U[ratio]"},
      {"appendix_a", "Appendix A: agent 0 = 2-q, others 1/q w.p. q = 1/sqrt(n)"},
      {"constraint uniform", "k-uniform matroid, f(S) = min(|S|, k)"},
      {"constraint partition", "partition matroid: groups with quota `capacity`"},
      {"constraint budgeted", "min(B, Σ_g min(c_g, d(S∩G_g))), demands d_i ~ U[demand]"},
      {"constraint table", "user rank table, 2^n values (n <= 12), checked submodular"}};
  info.mechanisms = {
      {"no_information", "one signal per agent (prior mean), majorized tie-breaking"},
      {"full_revelation", "values revealed, 1-majorized selection rule (Theorem 3.1)"},
      {"full_revelation_priority", "values revealed, ties broken by agent index"},
      {"paper", "Δmax single-mean mapping + majorized selection (Theorem 1.1)"},
      {"mw", "multiplicative-weights approximation of the paper's policy (Theorem 1.2)"},
      {"high_low", "Appendix A: HIGH w.p. 1/(m q_i) when high, else LOW; majorized selection"}};
  info.metrics = describe_metrics();
  info.prepare = [](const Params& p) -> std::unique_ptr<const Model> {
    const Params pop = p.child("population");
    PopulationSpec ps = PopulationSpec::read(pop);
    ConstraintSpec cs = ConstraintSpec::read(p.child("constraint"), ps.agents);
    MechanismSpec ms = read_mechanism(p.child("mechanism"));
    // K = ceil(log V / log(1+ε)) buckets (Section 4.1; persuasion/buckets.hpp): an ε so small that
    // 1 + ε rounds to 1 made log(1+ε) = 0 and the count an undefined conversion (in practice one
    // bucket, the coarsest receiver instead of the finest), and past 10^6 buckets a draw's work
    // (and the int count) runs away.
    constexpr double max_buckets = 1e6;
    const auto num = [](double x) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", x);
      return std::string(buf);
    };
    const double buckets = std::ceil(std::log(ps.V) / std::log(1.0 + ms.epsilon));
    if (!(1.0 + ms.epsilon > 1.0) || !(buckets <= max_buckets))
      p.child("mechanism")
          .fail("epsilon", "ε = " + num(ms.epsilon) + " gives " +
                               (1.0 + ms.epsilon > 1.0 ? num(buckets) : "infinitely many") +
                               " (1+ε)-buckets for V = " + num(ps.V) + "; accepted: ε >= " +
                               num(std::max(std::expm1(std::log(ps.V) / max_buckets),
                                            std::numeric_limits<double>::epsilon())) +
                               " (at most 10^6 buckets)");
    if (ms.keep_vectors && ps.agents > 2000)
      p.child("mechanism")
          .fail("keep_vectors", "one metric per agent and policy: at most 2000 agents");
    if (ms.type_reduction && cs.type != "uniform")
      p.child("mechanism").fail("type_reduction", "needs constraint type uniform");
    const bool few_types = ps.dist == "appendix_a" || ps.dist == "discrete" ||
                           (ps.dist == "two_point" && ps.q_lo == ps.q_hi);
    if (ms.type_reduction && !few_types)
      p.child("mechanism")
          .fail("type_reduction",
                "needs identical priors (appendix_a, discrete, or two_point with one q)");
    return std::make_unique<PersuasionModel>(std::move(ps), std::move(cs), ms);
  };
  return info;
}

}  // namespace fairmc::persuasion
