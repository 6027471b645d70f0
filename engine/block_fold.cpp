#include "engine/block_fold.hpp"

#include <bit>
#include <stdexcept>
#include <string>

namespace fairmc {

void BlockFold::fold_into(std::vector<Summary>& metrics, std::vector<RatioGroups>& ratios,
                          std::int64_t block, const Part& p) {
  if (metrics.size() < p.metrics.size()) metrics.resize(p.metrics.size());
  for (std::size_t m = 0; m < p.metrics.size(); ++m)
    metrics[m] = Summary::merge(metrics[m], p.metrics[m]);
  if (ratios.size() < p.ratios.size()) ratios.resize(p.ratios.size());
  for (std::size_t r = 0; r < p.ratios.size(); ++r) ratios[r].add(block, p.ratios[r]);
}

void BlockFold::add(std::int64_t block, std::vector<Summary> parts, std::vector<RatioSums> ratios) {
  if (block < 0 || contains(block))
    throw std::logic_error("BlockFold: block " + std::to_string(block) + " added twice");
  Part part{std::move(parts), std::move(ratios)};
  if (block != frontier_) {
    waiting_.emplace(block, std::move(part));
    return;
  }
  const auto advance = [&](const Part& p) {
    fold_into(folded_, ratios_, frontier_, p);
    ++frontier_;
    if (std::has_single_bit(static_cast<std::uint64_t>(frontier_)))
      at_power_of_two_.push_back(folded_);
  };
  advance(part);
  for (auto it = waiting_.begin(); it != waiting_.end() && it->first == frontier_;
       it = waiting_.erase(it))
    advance(it->second);
}

std::vector<Summary> BlockFold::merged() const {
  std::vector<Summary> out = folded_;
  std::vector<RatioGroups> ignore;
  for (const auto& [block, part] : waiting_) fold_into(out, ignore, block, {part.metrics, {}});
  return out;
}

std::vector<RatioGroups> BlockFold::ratios() const {
  std::vector<Summary> ignore;
  std::vector<RatioGroups> out = ratios_;
  for (const auto& [block, part] : waiting_) fold_into(ignore, out, block, {{}, part.ratios});
  return out;
}

std::pair<Summary, Summary> BlockFold::halves(std::size_t metric) const {
  if (frontier_ < 4) return {};
  const auto k =
      static_cast<std::size_t>(std::bit_width(static_cast<std::uint64_t>(frontier_ / 2)) - 1);
  const auto& head = at_power_of_two_.at(k);
  if (metric >= head.size() || metric >= folded_.size()) return {};
  return {head[metric], Summary::unmerge(folded_[metric], head[metric])};
}

}  // namespace fairmc
