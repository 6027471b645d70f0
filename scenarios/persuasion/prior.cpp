#include "scenarios/persuasion/prior.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace fairmc::persuasion {

double DiscretePrior::mean() const {
  double m = 0.0;
  for (std::size_t j = 0; j < values.size(); ++j) m += values[j] * probs[j];
  return m;
}

DiscretePrior DiscretePrior::make(std::vector<double> values, std::vector<double> probs) {
  if (values.size() != probs.size() || values.empty())
    throw std::invalid_argument("prior: values and probs must be non-empty and of equal length");
  std::vector<std::size_t> idx(values.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(),
            [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  DiscretePrior p;
  double total = 0.0;
  for (const std::size_t j : idx) {
    if (probs[j] < 0.0 || !std::isfinite(probs[j]))
      throw std::invalid_argument("prior: bad probability");
    if (probs[j] == 0.0) continue;
    total += probs[j];
    if (!p.values.empty() && p.values.back() == values[j]) {
      p.probs.back() += probs[j];
    } else {
      p.values.push_back(values[j]);
      p.probs.push_back(probs[j]);
    }
  }
  if (total <= 0.0) throw std::invalid_argument("prior: probabilities sum to zero");
  for (double& q : p.probs) q /= total;
  return p;
}

double snap_to_grid(double v, double V, int levels) {
  if (levels < 2 || V <= 1.0) return v;
  const double step = std::log(V) / (levels - 1);
  const double j = std::clamp(std::round(std::log(v) / step), 0.0, static_cast<double>(levels - 1));
  // The top level is exactly V so that priors stay inside [1, V].
  return j == levels - 1 ? V : std::exp(j * step);
}

}  // namespace fairmc::persuasion
