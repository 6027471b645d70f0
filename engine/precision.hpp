// Precision targets (issue 13 item 5): a point takes blocks until every target holds or the cap
// (max_draws) is reached. The decision is taken only when the point's blocks [0, limit) are all
// merged, limit = 16, 32, 64, ... blocks (and the cap), on the block-order merge, so it is a fixed
// function of the blocks' contents: a precision-driven run is bit-identical for any thread count,
// rank count and resume. Blocks past the limit are never computed before the decision.
#pragma once

#include "engine/config.hpp"
#include "engine/results.hpp"

#include <cstdint>

namespace fairmc {

inline constexpr std::int64_t kFirstPrecisionCheck = 16;  // blocks

// The limit a point starts with: the first check, or the experiment's block count (the cap) when
// there are no targets or fewer blocks.
std::int64_t initial_limit(const Experiment& e);

// While the point has merged every block below its limit and the limit is not final, evaluates
// the targets there and either makes the limit final (all met, or the cap reached) or doubles it
// (up to the cap). Returns whether the limit or its finality changed.
bool decide_precision(const Experiment& e, PointRecord& r);

// Whether target `t` holds for the point's current merge, with the 95% half-width reached.
struct TargetState {
  double estimate;
  double half_width;
  bool met;
};
TargetState evaluate_target(const PrecisionTarget& t, const PointRecord& r);

}  // namespace fairmc
