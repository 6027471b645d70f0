// Independent value priors D_i on [1, V] (Section 2.1), held as finite discrete distributions so
// that every expectation over values can be enumerated or computed by dynamic programming.
#pragma once

#include <vector>

namespace fairmc::persuasion {

struct DiscretePrior {
  std::vector<double> values;  // strictly increasing
  std::vector<double> probs;   // positive, sum to 1

  double mean() const;
  // Sorts, merges equal values, drops zero masses and normalises; throws on bad input.
  static DiscretePrior make(std::vector<double> values, std::vector<double> probs);
  // A point mass (deterministic value).
  static DiscretePrior point(double value) { return make({value}, {1.0}); }
};

// Snaps v in [1, V] to the nearest (in log scale) of `levels` geometric levels V^(j/(levels-1)),
// which creates the ties that make the full-revelation selection rule matter.
double snap_to_grid(double v, double V, int levels);

}  // namespace fairmc::persuasion
