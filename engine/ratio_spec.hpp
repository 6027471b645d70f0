// A ratio metric E[num] / E[den] as a scenario or an experiment file declares it (`ratios:`);
// engine/ratio_estimate.hpp estimates it.
#pragma once

#include <string>

namespace fairmc {

struct RatioSpec {
  std::string name;
  std::string num;  // metric names of the point
  std::string den;
  friend bool operator==(const RatioSpec&, const RatioSpec&) = default;
};

}  // namespace fairmc
