#include "scenarios/scf/social_cost.hpp"

#include "scenarios/scf/vector_math.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace fairmc::scf {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

}  // namespace

const std::vector<KindInfo>& catalogue() {
  // Axioms: {weak P, strong P, IIA, PI, A}. Levels per Theorem 1 and Table I.
  static const std::vector<KindInfo> all = {
      {Kind::utilitarian,
       "utilitarian",
       "sum_i J_i",
       Level::cuc,
       {true, true, true, true, true},
       false,
       false,
       "Sec. II-B; Thm 1 (CUC) with A"},
      {Kind::weighted_sum,
       "weighted_sum",
       "sum_i c_i J_i",
       Level::cuc,
       {true, true, true, true, false},
       true,
       false,
       "Thm 1 (CUC)"},
      {Kind::rawls_max,
       "rawls_max",
       "max_i J_i",
       Level::olc,
       {true, false, true, true, true},
       false,
       false,
       "Sec. II-B; Thm 1 (OLC)"},
      {Kind::leximin,
       "leximin",
       "lexicographic min of costs sorted worst-first",
       Level::olc,
       {true, true, true, true, true},
       false,
       false,
       "Thm 1 (OLC), footnote 2 [34]"},
      {Kind::kth_largest,
       "kth_largest",
       "k-th largest J_i (positional dictatorship)",
       Level::olc,
       {true, false, true, true, true},
       false,
       false,
       "OLC family of [34]"},
      {Kind::nash_reference,
       "nash_reference",
       "-prod_i [J_i(x0) - J_i(x)]^c_i",
       Level::cnc,
       {true, true, false, true, false},
       true,
       false,
       "Thm 1 (CNC with PI); Fig. 5(d)"},
      {Kind::nash_negative,
       "nash_negative",
       "-prod_i [-J_i(x)]^c_i, J_i < 0",
       Level::cnc_ratio,
       {true, true, true, true, false},
       true,
       false,
       "Thm 1 (CNC, b_i = 0); eq. (2)"},
      {Kind::sum_plus_gamma_max,
       "sum_plus_gamma_max",
       "sum_i J_i + gamma max_i J_i",
       Level::cfc,
       {true, true, true, true, true},
       false,
       true,
       "Thm 1 (CFC); Fig. 5(c)"},
      // Strongly Paretian for gamma < 1: (1 - gamma) mean + gamma max, the mean strictly
      // decreasing and max weakly under a Pareto improvement. gamma = 1 is max (weak only:
      // lowering a cost below the maximum leaves it unchanged); see SocialCost::axioms().
      {Kind::mean_plus_gamma_max,
       "mean_plus_gamma_max",
       "mean + gamma (max_i J_i - mean)",
       Level::cfc,
       {true, true, true, true, true},
       false,
       true,
       "Thm 1 (CFC), footnote 4"},
      // Strongly Paretian for gamma <= 1/2. Since sum_i (J_i - m) = 0, sum_i |J_i - m| =
      // 2 max_B sum_{i in B} (J_i - m) over proper subsets B (B = N gives 0, like B = {}), so
      //   C(J) = max_B sum_i a_i^B J_i,  a_i^B = (1 - 2 gamma |B| / n) / n + [i in B] 2 gamma / n,
      // a maximum of linear forms whose coefficients are all > 0 iff 2 gamma (n - 1) / n < 1, i.e.
      // gamma < n / (2 (n - 1)), which holds for every n when gamma <= 1/2. Then J' <= J, J' != J
      // gives C(J') = a^B' . J' < a^B' . J <= C(J). Just above n / (2 (n - 1)) (-> 1/2 for large
      // n), one agent below the mean and n - 1 above: lowering the low cost raises C.
      {Kind::mean_plus_gamma_mad,
       "mean_plus_gamma_mad",
       "mean + gamma mean_i |J_i - mean|",
       Level::cfc,
       {true, true, true, true, true},
       false,
       true,
       "Thm 1 (CFC), g homogeneous"},
      {Kind::dictator,
       "dictator",
       "J_d (one fixed agent)",
       Level::onc,
       {true, false, true, true, false},
       false,
       false,
       "Thm 1 (CNC): what P+IIA leave"},
  };
  return all;
}

const KindInfo& info(Kind kind) {
  for (const KindInfo& k : catalogue()) {
    if (k.kind == kind) return k;
  }
  throw std::logic_error("scf: kind missing from the catalogue");
}

Kind kind_from_name(std::string_view text) {
  for (const KindInfo& k : catalogue()) {
    if (k.name == text) return k.kind;
  }
  std::string accepted;
  for (const KindInfo& k : catalogue())
    accepted += (accepted.empty() ? "" : ", ") + std::string(k.name);
  throw std::invalid_argument("unknown social cost function '" + std::string(text) +
                              "' (accepted: " + accepted + ")");
}

std::vector<std::string> kind_names() {
  std::vector<std::string> out;
  for (const KindInfo& k : catalogue()) out.emplace_back(k.name);
  return out;
}

double SocialCost::key(std::span<const double> costs) const {
  const std::size_t n = costs.size();
  const double dn = static_cast<double>(n);
  switch (kind) {
    case Kind::utilitarian:
      return std::accumulate(costs.begin(), costs.end(), 0.0);
    case Kind::weighted_sum: {
      double s = 0.0;
      for (std::size_t i = 0; i < n; ++i) s += weight(i) * costs[i];
      return s;
    }
    case Kind::rawls_max:
    case Kind::leximin:
      return *std::max_element(costs.begin(), costs.end());
    case Kind::kth_largest: {
      std::vector<double> c(costs.begin(), costs.end());
      const std::size_t r = std::min(k, n) - 1;
      std::nth_element(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(r), c.end(),
                       std::greater<>());
      return c[r];
    }
    case Kind::nash_reference:
    case Kind::nash_negative: {
      // -sum c_i log gain_i: a strictly increasing transform of -prod gain_i^{c_i}.
      // The logarithms in one batch (vmath, as OutcomeKeys), the sum left to right.
      std::vector<double> logs(n);
      for (std::size_t i = 0; i < n; ++i) {
        const double gain = kind == Kind::nash_reference ? reference[i] - costs[i] : -costs[i];
        if (!(gain > 0.0)) return inf;
        logs[i] = gain;
      }
      vmath::log(logs, logs);
      double s = 0.0;
      for (std::size_t i = 0; i < n; ++i) s -= weight(i) * logs[i];
      return s;
    }
    case Kind::sum_plus_gamma_max: {
      const double sum = std::accumulate(costs.begin(), costs.end(), 0.0);
      return sum + gamma * *std::max_element(costs.begin(), costs.end());
    }
    case Kind::mean_plus_gamma_max: {
      const double mean = std::accumulate(costs.begin(), costs.end(), 0.0) / dn;
      return mean + gamma * (*std::max_element(costs.begin(), costs.end()) - mean);
    }
    case Kind::mean_plus_gamma_mad: {
      const double mean = std::accumulate(costs.begin(), costs.end(), 0.0) / dn;
      double mad = 0.0;
      for (const double c : costs) mad += std::abs(c - mean);
      return mean + gamma * mad / dn;
    }
    case Kind::dictator:
      return costs[dictator];
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double SocialCost::value(std::span<const double> costs) const {
  switch (kind) {
    case Kind::leximin:
      return std::numeric_limits<double>::quiet_NaN();
    case Kind::nash_reference:
    case Kind::nash_negative: {
      const double k = key(costs);
      return std::isinf(k) ? inf : -std::exp(-k);
    }
    default:
      return key(costs);
  }
}

Score SocialCost::score(std::span<const double> costs) const {
  Score s;
  s.key = key(costs);
  if (kind == Kind::leximin) {
    s.sorted.assign(costs.begin(), costs.end());
    std::sort(s.sorted.begin(), s.sorted.end(), std::greater<>());
  }
  return s;
}

int SocialCost::compare(const Score& a, const Score& b, double rel_tol) const {
  if (kind != Kind::leximin) return compare_with_tolerance(a.key, b.key, rel_tol);
  // Leximin on costs: the outcome whose worst-off is better wins; on a tie, the next worst-off.
  for (std::size_t r = 0; r < a.sorted.size() && r < b.sorted.size(); ++r) {
    const int s = compare_with_tolerance(a.sorted[r], b.sorted[r], rel_tol);
    if (s != 0) return s;
  }
  return 0;
}

Level SocialCost::effective_level(std::size_t agents) const {
  if (agents <= 1) return Level::onc;
  switch (kind) {
    case Kind::sum_plus_gamma_max:
    case Kind::mean_plus_gamma_mad:
      return gamma == 0.0 ? Level::cuc : Level::cfc;
    case Kind::mean_plus_gamma_max:
      return gamma == 0.0 ? Level::cuc : gamma == 1.0 ? Level::olc : Level::cfc;
    default:
      return info(kind).level;
  }
}

Axioms SocialCost::axioms() const {
  Axioms a = info(kind).axioms;
  switch (kind) {
    case Kind::mean_plus_gamma_max:
      // gamma = 1 is max (weak P only); gamma > 1 puts a negative weight on the mean (not even
      // weak P: lowering every cost, the maximum's least, can raise C).
      a.strong_pareto = gamma < 1.0;
      a.weak_pareto = gamma <= 1.0;
      break;
    case Kind::mean_plus_gamma_mad:
      // The bound valid for every number of agents (see the catalogue); above it the Pareto
      // properties depend on n.
      a.strong_pareto = a.weak_pareto = gamma <= 0.5;
      break;
    case Kind::weighted_sum:
    case Kind::nash_reference:
    case Kind::nash_negative: {
      bool equal = true;
      for (const double c : weights) equal = equal && c == weights.front();
      a.anonymity = equal;
      break;
    }
    default:
      break;
  }
  return a;
}

}  // namespace fairmc::scf
