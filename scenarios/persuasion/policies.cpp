#include "scenarios/persuasion/policies.hpp"

#include <algorithm>

namespace fairmc::persuasion {

Mapping canonical_values(Mapping mapping) {
  for (Layer& layer : mapping)
    for (auto& classes : layer.agents)
      for (SignalClass& c : classes) c.value = c.key;
  return mapping;
}

Mapping high_low(const std::vector<DiscretePrior>& priors, Receiver receiver,
                 const Buckets& buckets) {
  const auto m = std::count_if(priors.begin(), priors.end(),
                               [](const DiscretePrior& p) { return p.values.size() == 2; });
  Layer layer;
  for (const DiscretePrior& prior : priors) {
    const double mean = prior.mean();
    if (prior.values.size() != 2) {  // a point mass sends its value; longer priors pool
      const double key = receiver_key(mean, receiver, buckets);
      layer.agents.push_back({SignalClass{1.0, key, mean, key}});
      continue;
    }
    const double a = prior.values[0], b = prior.values[1], q = prior.probs[1];
    const double p = std::min(1.0, 1.0 / (static_cast<double>(m) * q));
    const double high = q * p;
    std::vector<SignalClass> classes;
    if (high < 1.0) {
      const double low_mean = ((1.0 - p) * q * b + (1.0 - q) * a) / (1.0 - high);
      const double key = receiver_key(low_mean, receiver, buckets);
      classes.push_back({1.0 - high, key, low_mean, key});
    }
    const double key = receiver_key(b, receiver, buckets);
    classes.push_back({high, key, b, key});
    layer.agents.push_back(std::move(classes));
  }
  return {layer};
}

}  // namespace fairmc::persuasion
