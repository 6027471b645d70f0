#include "scenarios/persuasion/metrics.hpp"

#include "scenarios/persuasion/majorization.hpp"

#include <cmath>

namespace fairmc::persuasion {
namespace {

// One value of a draw: the draw's outcome, and the policy / agent of a family member.
struct At {
  const Outcome& o;
  int policy = -1;
  std::size_t agent = 0;

  const PolicyResult& result() const { return o.result[static_cast<std::size_t>(policy)]; }
  const std::vector<double>& u() const { return result().utility; }
  bool ok() const { return result().ok; }
  double exact(const PerPolicy& v) const { return v[static_cast<std::size_t>(policy)]; }
};
using M = Metric<At>;

// A ratio α is +inf when some agent gets nothing that another policy gives it: α is then NaN
// (not averaged) and 1/α = 0, so inv_alpha_* is defined on every draw (docs: Metrics).
double finite(double v) {
  return std::isfinite(v) ? v : kUndefined;
}
double known(const At& a) {
  return majorization_ratio(a.o.best, a.u());
}
// Certified for every bucketed-receiver policy (Δmax and MW always are): Theorem 1.1's proof.
bool bounded(const At& a) {
  return !a.o.upper.empty() &&
         (a.policy == kPaper || a.policy == kMw || a.o.receiver == Receiver::bucketed);
}
double bound(const At& a) {
  return majorization_ratio(a.o.upper, a.u());
}

// Units: utilities and welfare are in the model's abstract value units (priors on [1, V]), "1";
// ratios and flags are dimensionless.
constexpr M kDrawMetrics[] = {
    {"utilities_exact", "1", "1 if every U_i was computed exactly, 0 if by inner Monte Carlo",
     [](const At& a) { return a.o.utilities_exact ? 1.0 : 0.0; }},
};
static_assert(well_formed(kDrawMetrics));

// Per enabled policy; NaN when its utilities could not be computed (exact mode beyond
// enumeration).
constexpr M kWelfareMetrics[] = {
    {"welfare_<policy>", "1", "sum of U_i under the policy (Proposition 2.3)",
     [](const At& a) { return a.ok() ? finite(welfare_sum(a.u())) : kUndefined; }},
    {"min_utility_<policy>", "1", "smallest U_i under the policy (max-min welfare)",
     [](const At& a) { return a.ok() ? finite(welfare_min(a.u())) : kUndefined; }},
    {"nash_<policy>", "1", "geometric mean of the U_i under the policy (Nash welfare)",
     [](const At& a) { return a.ok() ? finite(welfare_nash(a.u())) : kUndefined; }},
};
static_assert(well_formed(kWelfareMetrics));

constexpr M kKnownMetrics[] = {
    {"alpha_known_<policy>", "1",
     "max_k best-known Q_k / Q_k(U) over the computed policies: lower bound on the true α",
     [](const At& a) { return a.ok() ? finite(known(a)) : kUndefined; }},
    {"inv_alpha_known_<policy>", "1", "1/alpha_known in [0, 1] (0 when α is infinite)",
     [](const At& a) { return a.ok() ? finite(1.0 / known(a)) : kUndefined; }},
};
static_assert(well_formed(kKnownMetrics));

// Recorded when paper or mw is on (they compute x̂).
constexpr M kBoundMetrics[] = {
    {"alpha_bound_<policy>", "1",
     "max_k ηK·Q_k(x̂) / Q_k(U): certified upper bound on α (bucketed-receiver policies)",
     [](const At& a) { return a.ok() && bounded(a) ? finite(bound(a)) : kUndefined; }},
    {"inv_alpha_bound_<policy>", "1", "1/alpha_bound in [0, 1] (0 when α is infinite)",
     [](const At& a) { return a.ok() && bounded(a) ? finite(1.0 / bound(a)) : kUndefined; }},
};
static_assert(well_formed(kBoundMetrics));

constexpr M kClassMetrics[] = {
    {"alpha_class_full_priority", "1",
     "α of the index tie-break against the reported full-revelation rule (Theorem 3.1)",
     [](const At& a) {
       const PolicyResult& full = a.o.result[kFull];
       const PolicyResult& priority = a.o.result[kFullPriority];
       return full.ok && priority.ok
                  ? finite(majorization_ratio(prefix_smallest(full.utility), priority.utility))
                  : kUndefined;
     }},
};
static_assert(well_formed(kClassMetrics));

constexpr M kMwMetrics[] = {
    {"mw_prefix_gap", "1",
     "max_k |Q_k(MW) - Q_k(x̂)| / Q_n(x̂), fake utilities: Theorem 1.2's additive error",
     [](const At& a) { return finite(a.o.mw_prefix_gap); }},
};
static_assert(well_formed(kMwMetrics));

// mechanism.exact_alpha: Section 4's canonical accounting (exact_alpha.hpp).
constexpr M kExactAlphaMetrics[] = {
    {"alpha_exact_<policy>", "1",
     "exact α over all independent policies, canonical utilities (Sec. 4; NaN beyond enumeration)",
     [](const At& a) { return finite(a.exact(a.o.exact.alpha)); }},
    {"inv_alpha_exact_<policy>", "1", "1/alpha_exact in [0, 1] (0 when α is infinite)",
     [](const At& a) { return finite(1.0 / a.exact(a.o.exact.alpha)); }},
};
static_assert(well_formed(kExactAlphaMetrics));

constexpr M kExactRangeMetrics[] = {
    {"alpha_exact_lo_<policy>", "1", "certified lower end of alpha_exact (= it when enumerated)",
     [](const At& a) { return finite(a.exact(a.o.exact.lo)); }},
    {"alpha_exact_hi_<policy>", "1",
     "certified upper end of alpha_exact (Appendix A's family beyond enumeration)",
     [](const At& a) { return finite(a.exact(a.o.exact.hi)); }},
};
static_assert(well_formed(kExactRangeMetrics));

constexpr M kCanonicalMetrics[] = {
    {"alpha_known_canonical_<policy>", "1",
     "alpha_known in the canonical accounting of alpha_exact (lower side of its bracket)",
     [](const At& a) { return finite(a.exact(a.o.exact.known)); }},
    {"alpha_bound_canonical_<policy>", "1",
     "max_k K·Q_k(x̂) / Q_k(U), canonical accounting (upper side of alpha_exact's bracket)",
     [](const At& a) { return finite(a.exact(a.o.exact.bound)); }},
};
static_assert(well_formed(kCanonicalMetrics));

constexpr M kExactSummaryMetrics[] = {
    {"alpha_exact_bracket_ok", "1",
     "1 if alpha_known_canonical <= alpha_exact <= alpha_bound_canonical held for every policy",
     [](const At& a) { return finite(a.o.exact.bracket_ok); }},
    {"exact_profiles", "count", "vertex profiles enumerated per oracle call of the exact α",
     [](const At& a) { return finite(a.o.exact.profiles); }},
};
static_assert(well_formed(kExactSummaryMetrics));

// mechanism.keep_vectors, one per agent i = 0..n-1; written as computed (no NaN for inf).
constexpr M kVectorMetrics[] = {
    {"u_<policy>_<i>", "1", "keep_vectors: true expected utility U_i of agent i under the policy",
     [](const At& a) { return a.ok() && a.agent < a.u().size() ? a.u()[a.agent] : kUndefined; }},
};
static_assert(well_formed(kVectorMetrics));

constexpr M kXhatMetrics[] = {
    {"xhat_<i>", "1", "keep_vectors: agent i's coordinate of x̂ (Theorem 1.1's target point)",
     [](const At& a) { return a.agent < a.o.xhat.size() ? a.o.xhat[a.agent] : kUndefined; }},
};
static_assert(well_formed(kXhatMetrics));

// The point's metrics in results order: emit(table, policy, agent) once per table and family
// member (policy -1 / agent 0 where the table has no such placeholder).
template <class Emit>
void for_each_block(const MetricLayout& l, Emit&& emit) {
  emit(kDrawMetrics, -1, 0);
  for (int p = 0; p < kPolicyCount; ++p) {
    if (!l.enabled[static_cast<std::size_t>(p)]) continue;
    emit(kWelfareMetrics, p, 0);
    emit(kKnownMetrics, p, 0);
    if (l.bound()) emit(kBoundMetrics, p, 0);
  }
  if (l.enabled[kFull] && l.enabled[kFullPriority]) emit(kClassMetrics, -1, 0);
  if (l.enabled[kMw]) emit(kMwMetrics, -1, 0);
  if (l.exact_alpha) {
    for (int p = 0; p < kPolicyCount; ++p) {
      if (!l.enabled[static_cast<std::size_t>(p)]) continue;
      emit(kExactAlphaMetrics, p, 0);
      emit(kExactRangeMetrics, p, 0);
      emit(kCanonicalMetrics, p, 0);
    }
    emit(kExactSummaryMetrics, -1, 0);
  }
  if (l.keep_vectors) {  // with keep_draws every draw's vector is stored
    for (int p = 0; p < kPolicyCount; ++p)
      if (l.enabled[static_cast<std::size_t>(p)])
        for (int i = 0; i < l.agents; ++i) emit(kVectorMetrics, p, static_cast<std::size_t>(i));
    if (l.bound())
      for (int i = 0; i < l.agents; ++i) emit(kXhatMetrics, -1, static_cast<std::size_t>(i));
  }
}

}  // namespace

std::vector<std::string> metric_names(const MetricLayout& layout) {
  std::vector<std::string> out;
  for_each_block(layout, [&](const auto& table, int p, std::size_t i) {
    const std::string agent = std::to_string(i);
    append_names(out, table, {{"policy", p < 0 ? "" : kPolicies[p].metric}, {"i", agent}});
  });
  return out;
}

void write_metrics(const MetricLayout& layout, const Outcome& draw, std::span<double> out) {
  std::size_t k = 0;
  for_each_block(layout, [&](const auto& table, int p, std::size_t i) {
    k += write_values(table, At{draw, p, i}, out.subspan(k));
  });
}

std::vector<Described> describe_metrics() {
  return describe(kDrawMetrics, kWelfareMetrics, kCanonicalMetrics, kKnownMetrics, kBoundMetrics,
                  kClassMetrics, kMwMetrics, kExactRangeMetrics, kExactAlphaMetrics,
                  kExactSummaryMetrics, kVectorMetrics, kXhatMetrics);
}

}  // namespace fairmc::persuasion
