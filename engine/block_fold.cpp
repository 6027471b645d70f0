#include "engine/block_fold.hpp"

#include <stdexcept>
#include <string>

namespace fairmc {

void BlockFold::fold(const std::vector<Summary>& parts) {
  if (folded_.size() < parts.size()) folded_.resize(parts.size());
  for (std::size_t m = 0; m < parts.size(); ++m) folded_[m] = Summary::merge(folded_[m], parts[m]);
}

void BlockFold::add(std::int64_t block, std::vector<Summary> parts) {
  if (block < 0 || contains(block))
    throw std::logic_error("BlockFold: block " + std::to_string(block) + " added twice");
  if (block != frontier_) {
    waiting_.emplace(block, std::move(parts));
    return;
  }
  fold(parts);
  ++frontier_;
  for (auto it = waiting_.begin(); it != waiting_.end() && it->first == frontier_;
       it = waiting_.erase(it)) {
    fold(it->second);
    ++frontier_;
  }
}

std::vector<Summary> BlockFold::merged() const {
  std::vector<Summary> out = folded_;
  for (const auto& [block, parts] : waiting_) {
    if (out.size() < parts.size()) out.resize(parts.size());
    for (std::size_t m = 0; m < parts.size(); ++m) out[m] = Summary::merge(out[m], parts[m]);
  }
  return out;
}

}  // namespace fairmc
