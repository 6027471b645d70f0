// The social cost functions of Section II-B, Theorem 1 and Table I, each tagged with the
// comparability level it needs and the axioms it satisfies.
//
// A lower social cost is socially preferred. Real-valued SCFs are compared through a ranking key,
// a strictly increasing transform of C (the Nash SCFs use -sum c_i log(gain_i), which orders
// outcomes exactly like -prod gain_i^{c_i} but neither underflows nor overflows for 100 agents).
// Leximin is an ordering, not a function: outcomes are compared by their costs sorted from the
// worst-off down, lexicographically (it refines Rawls' max, footnote 2 of Theorem 1).
#pragma once

#include "scenarios/scf/comparability.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fairmc::scf {

enum class Kind {
  utilitarian,          // sum_i J_i                                     (CUC, Thm 1, c_i = 1)
  weighted_sum,         // sum_i c_i J_i                                 (CUC, Thm 1)
  rawls_max,            // max_i J_i                                     (OLC, Thm 1)
  leximin,              // lexicographic on costs sorted worst first     (OLC, refines max)
  kth_largest,          // k-th largest cost: a positional dictatorship  (OLC)
  nash_reference,       // -prod_i [J_i(x0) - J_i(x)]^{c_i}              (CNC with PI, Thm 1)
  nash_negative,        // -prod_i [-J_i(x)]^{c_i}, all J_i < 0          (CNC with b_i = 0, Thm 1)
  sum_plus_gamma_max,   // sum_i J_i + gamma max_i J_i                   (CFC, Section IV-B)
  mean_plus_gamma_max,  // mean + gamma (max - mean), gamma in [0, 1]   (CFC, footnote 4)
  mean_plus_gamma_mad,  // mean + gamma mean|J_i - mean|, gamma <= 1/2  (CFC, g homogeneous)
  dictator,             // J_d of one fixed agent d                      (ONC; Arrow's escape)
};

struct Axioms {
  bool weak_pareto = false;           // Axiom 1 (P)
  bool strong_pareto = false;         // also strict when one agent is strictly better, none worse
  bool iia = false;                   // Axiom 2 (IIA)
  bool partial_independence = false;  // (PI) of Theorem 1: IIA relative to a reference x0
  bool anonymity = false;             // Axiom 3 (A); for weighted forms: only with equal weights
};

struct KindInfo {
  Kind kind;
  std::string_view name;
  std::string_view formula;
  Level level;  // the weakest comparability under which the ranking is invariant
  Axioms axioms;
  bool weighted;  // reads weights c_i (anonymous only when they are equal)
  bool uses_gamma;
  std::string_view paper;  // where the paper states it
};

// Sign of a - b: 0 when they differ by at most rel_tol times the larger magnitude (infinities
// compare exactly). SocialCost::compare on keys and on leximin's sorted costs; inline, as the
// invariance check makes thousands of these per draw.
inline int compare_with_tolerance(double a, double b, double rel_tol) {
  if (a == b) return 0;
  if (std::isinf(a) || std::isinf(b)) return a < b ? -1 : 1;
  const double scale = std::max(std::abs(a), std::abs(b));
  if (std::abs(a - b) <= rel_tol * scale) return 0;
  return a < b ? -1 : 1;
}

const std::vector<KindInfo>& catalogue();
const KindInfo& info(Kind kind);
// Throws std::invalid_argument listing the accepted names.
Kind kind_from_name(std::string_view text);
std::vector<std::string> kind_names();

// One outcome's evaluation, ready for comparison: `key` for real-valued SCFs, `sorted` (costs in
// decreasing order) for leximin.
struct Score {
  double key = 0.0;
  std::vector<double> sorted;
};

// A fully specified SCF: kind plus its parameters.
struct SocialCost {
  Kind kind = Kind::utilitarian;
  double gamma = 0.0;             // sum/mean + gamma * (...) forms
  std::size_t k = 1;              // kth_largest (1 = max)
  std::size_t dictator = 0;       // dictator's index
  std::vector<double> weights;    // c_i > 0; empty means all 1
  std::vector<double> reference;  // J_i(x0) for nash_reference

  double weight(std::size_t i) const { return weights.empty() ? 1.0 : weights[i]; }

  // The SCF value C(J) as the paper writes it (for Nash: -prod gain^c, which can underflow to
  // -0 for many agents; use key() to rank). NaN for leximin, which has no value. Nash SCFs with
  // some gain <= 0 (outside Theorem 1's domain) give +inf.
  double value(std::span<const double> costs) const;
  // Strictly increasing transform of value() (leximin: max cost, its first criterion).
  double key(std::span<const double> costs) const;
  Score score(std::span<const double> costs) const;
  // -1 if `a` is socially strictly preferred to `b`, +1 if `b` is, 0 if equal up to `rel_tol`
  // (relative to the magnitudes compared).
  int compare(const Score& a, const Score& b, double rel_tol) const;

  // The axioms this SCF satisfies with its parameters (info(kind).axioms holds them for the
  // parameter ranges ScfSettings accepts: mean + gamma (max - mean) is strongly Paretian for
  // gamma < 1, mean + gamma MAD for gamma <= 1/2; weighted forms are anonymous with equal c_i).
  Axioms axioms() const;

  // The weakest level under which the ranking of outcomes of `agents` agents is invariant given
  // the parameters: info(kind).level except where the SCF degenerates. One agent: every SCF
  // orders outcomes by that agent's cost (ONC). gamma = 0 turns the CFC forms into the sum or
  // mean (CUC); mean + 1 (max - mean) is max (OLC).
  Level effective_level(std::size_t agents) const;
};

}  // namespace fairmc::scf
