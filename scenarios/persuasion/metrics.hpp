// The metrics of scenario `persuasion`, each declared once (engine/metric.hpp) in metrics.cpp:
// which ones a sweep point records (MetricLayout), their names, their values for one draw
// (read from an Outcome) and their catalogue entries all come from the same tables.
#pragma once

#include "engine/metric.hpp"
#include "scenarios/persuasion/evaluator.hpp"
#include "scenarios/persuasion/signaling.hpp"

#include <array>
#include <span>
#include <string>
#include <vector>

namespace fairmc::persuasion {

// Policy ids: the YAML flag under mechanism.policies and the <policy> of the metric names.
enum Policy { kNoInfo, kFull, kFullPriority, kPaper, kMw, kHighLow, kPolicyCount };
struct PolicyId {
  const char* key;
  const char* metric;
};
inline constexpr PolicyId kPolicies[kPolicyCount] = {{"no_information", "no_info"},
                                                     {"full_revelation", "full"},
                                                     {"full_revelation_priority", "full_priority"},
                                                     {"paper", "paper"},
                                                     {"mw", "mw"},
                                                     {"high_low", "high_low"}};

using PerPolicy = std::array<double, kPolicyCount>;
inline constexpr PerPolicy kUndefinedPerPolicy = {kUndefined, kUndefined, kUndefined,
                                                  kUndefined, kUndefined, kUndefined};

// The exact α of Section 4 (exact_alpha.hpp) per policy; NaN where it was not computed.
struct ExactOutcome {
  PerPolicy alpha = kUndefinedPerPolicy;  // enumerated α_exact
  PerPolicy lo = kUndefinedPerPolicy;     // certified bracket of α_exact (= alpha if enumerated)
  PerPolicy hi = kUndefinedPerPolicy;
  PerPolicy known = kUndefinedPerPolicy;  // best-known side, canonical accounting
  PerPolicy bound = kUndefinedPerPolicy;  // K·Q_k(x̂) side, canonical accounting
  double bracket_ok = kUndefined;         // 1 / 0
  double profiles = kUndefined;           // vertex profiles per oracle call
};

// What one draw computed, from which every metric value is read.
struct Outcome {
  Receiver receiver = Receiver::bucketed;
  std::vector<PolicyResult> result = std::vector<PolicyResult>(kPolicyCount);  // by Policy
  std::vector<double> best;   // best known Q_k over the computed policies
  std::vector<double> upper;  // ηK·Q_k(x̂) (proof of Theorem 1.1); empty without Δmax
  std::vector<double> xhat;   // x̂: Δmax's 1-majorized fake utilities
  double mw_prefix_gap = kUndefined;
  bool utilities_exact = false;
  ExactOutcome exact;
};

// Which metrics a sweep point records, decided from its parameters alone.
struct MetricLayout {
  std::array<bool, kPolicyCount> enabled = {};
  bool exact_alpha = false;   // mechanism.exact_alpha.enabled
  bool keep_vectors = false;  // mechanism.keep_vectors
  int agents = 0;             // for keep_vectors

  // alpha_bound_<policy> and x̂ need Δmax, computed for the paper's policy and MW.
  bool bound() const { return enabled[kPaper] || enabled[kMw]; }
};

// The metric names of a point, in results order.
std::vector<std::string> metric_names(const MetricLayout& layout);

// The values of one draw: out.size() == metric_names(layout).size(), pre-filled with NaN. Every
// non-finite value but the keep_vectors entries is written as NaN (undefined for this draw).
void write_metrics(const MetricLayout& layout, const Outcome& draw, std::span<double> out);

// The catalogue (`fairmc list persuasion`), families as patterns <policy> and <i>. Ordered so that
// the first pattern matching a recorded name is its own (find_described): the specific
// alpha_*_canonical_/alpha_exact_lo_/hi_ families before alpha_known_/bound_/exact_<policy>.
std::vector<Described> describe_metrics();

}  // namespace fairmc::persuasion
