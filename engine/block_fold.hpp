// The merged statistics of one sweep point, kept up to date as its blocks complete, in memory that
// does not grow with the number of blocks.
//
// Blocks [0, frontier) are folded into one Summary per metric and one RatioGroups per ratio; a
// block that arrives past a gap waits until the gap is filled. merged() is therefore the left fold
// of every added block in block order, Summary::merge_all's order, and bit-identical whatever
// order the blocks arrived in. The fold also remembers its state at every power-of-two frontier,
// so the first and second half of the blocks can be compared (engine/diagnostics.hpp).
#pragma once

#include "engine/ratio_estimate.hpp"
#include "engine/stats.hpp"

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace fairmc {

class BlockFold {
 public:
  bool contains(std::int64_t block) const { return block < frontier_ || waiting_.contains(block); }
  std::int64_t count() const { return frontier_ + static_cast<std::int64_t>(waiting_.size()); }
  // Blocks [0, frontier()) have all been added.
  std::int64_t frontier() const { return frontier_; }
  std::size_t waiting() const { return waiting_.size(); }

  // Adds a block not added before (std::logic_error otherwise); `parts` has one Summary per
  // metric, `ratios` the block's paired sums per ratio.
  void add(std::int64_t block, std::vector<Summary> parts, std::vector<RatioSums> ratios = {});
  // Every added block merged, per metric, in block order (as many metrics as the widest block).
  std::vector<Summary> merged() const;
  // Every added block's ratio sums in jackknife groups, added in block order.
  std::vector<RatioGroups> ratios() const;
  // Blocks [0, h) and [h, frontier) of `metric`, h the largest power of two <= frontier / 2;
  // both empty while the frontier is below 4 blocks.
  std::pair<Summary, Summary> halves(std::size_t metric) const;

 private:
  struct Part {
    std::vector<Summary> metrics;
    std::vector<RatioSums> ratios;
  };
  static void fold_into(std::vector<Summary>& metrics, std::vector<RatioGroups>& ratios,
                        std::int64_t block, const Part& p);

  std::int64_t frontier_ = 0;
  std::vector<Summary> folded_;
  std::vector<RatioGroups> ratios_;
  std::vector<std::vector<Summary>> at_power_of_two_;  // [k]: blocks [0, 2^k) merged
  std::map<std::int64_t, Part> waiting_;               // added blocks past the first gap
};

}  // namespace fairmc
