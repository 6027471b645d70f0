// The merged statistics of one sweep point, kept up to date as its blocks complete, in memory that
// does not grow with the number of blocks.
//
// Blocks [0, frontier) are folded into one Summary per metric; a block that arrives past a gap
// waits until the gap is filled. merged() is therefore the left fold of every added block in block
// order, Summary::merge_all's order, and bit-identical whatever order the blocks arrived in.
#pragma once

#include "engine/stats.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace fairmc {

class BlockFold {
 public:
  bool contains(std::int64_t block) const { return block < frontier_ || waiting_.contains(block); }
  std::int64_t count() const { return frontier_ + static_cast<std::int64_t>(waiting_.size()); }
  // Blocks [0, frontier()) have all been added.
  std::int64_t frontier() const { return frontier_; }
  std::size_t waiting() const { return waiting_.size(); }

  // Adds a block not added before (std::logic_error otherwise); `parts` has one Summary per metric.
  void add(std::int64_t block, std::vector<Summary> parts);
  // Every added block merged, per metric, in block order (as many metrics as the widest block).
  std::vector<Summary> merged() const;

 private:
  void fold(const std::vector<Summary>& parts);

  std::int64_t frontier_ = 0;
  std::vector<Summary> folded_;
  std::map<std::int64_t, std::vector<Summary>> waiting_;  // added blocks past the first gap
};

}  // namespace fairmc
