#include "scenarios/persuasion/signaling.hpp"

#include <algorithm>
#include <cmath>

namespace fairmc::persuasion {

double receiver_key(double mu, Receiver receiver, const Buckets& buckets) {
  // The exact receiver is indifferent between means that differ by rounding only (e.g. the equal
  // prior means of Appendix A computed along different paths): keys are μ on a 2^-36 grid.
  if (receiver == Receiver::exact) return std::nearbyint(mu * 0x1p36) * 0x1p-36;
  return buckets.canonical(buckets.index(mu));
}

Mapping no_information(const std::vector<DiscretePrior>& priors, Receiver receiver,
                       const Buckets& buckets) {
  Layer layer;
  for (const DiscretePrior& p : priors) {
    const double mu = p.mean();
    const double key = receiver_key(mu, receiver, buckets);
    layer.agents.push_back({SignalClass{1.0, key, mu, key}});
  }
  return {layer};
}

Mapping full_revelation(const std::vector<DiscretePrior>& priors, Receiver receiver,
                        const Buckets& buckets) {
  Layer layer;
  for (const DiscretePrior& p : priors) {
    std::vector<SignalClass> classes;
    for (std::size_t j = 0; j < p.values.size(); ++j) {
      const double key = receiver_key(p.values[j], receiver, buckets);
      classes.push_back({p.probs[j], key, p.values[j], key});
    }
    layer.agents.push_back(std::move(classes));
  }
  return {layer};
}

MaximalSplit maximal_mapping(const DiscretePrior& prior, double lo, double hi, bool hi_closed) {
  const double theta = prior.mean();
  MaximalSplit out;
  if (theta >= lo && (theta < hi || (hi_closed && theta <= hi))) {
    out.p_in = 1.0;
    out.mu_in = theta;
    return out;
  }
  const std::size_t m = prior.values.size();
  double mass = 0.0;
  double sum = 0.0;  // Σ mass·value of the pool
  if (theta < lo) {
    // Surplus from values >= lo buys mass from the largest values below lo (cheapest first).
    double surplus = 0.0;
    for (std::size_t j = 0; j < m; ++j)
      if (prior.values[j] >= lo) {
        surplus += prior.probs[j] * (prior.values[j] - lo);
        mass += prior.probs[j];
        sum += prior.probs[j] * prior.values[j];
      }
    for (std::size_t j = m; j-- > 0 && surplus > 0.0;) {
      if (prior.values[j] >= lo) continue;
      const double cost = lo - prior.values[j];
      const double take = std::min(prior.probs[j], surplus / cost);
      surplus -= take * cost;
      mass += take;
      sum += take * prior.values[j];
    }
    if (mass <= 0.0) {  // no Bayes-plausible pool reaches I_k: the agent reveals nothing
      out.mu_out = theta;
      return out;
    }
    out.mu_in = std::max(lo, sum / mass);
  } else {
    // Symmetric: the prior mean is above the interval; target a mean just below hi.
    const double target = hi_closed ? hi : hi * (1.0 - 1e-9);
    double deficit = 0.0;
    for (std::size_t j = 0; j < m; ++j)
      if (prior.values[j] <= target) {
        deficit += prior.probs[j] * (target - prior.values[j]);
        mass += prior.probs[j];
        sum += prior.probs[j] * prior.values[j];
      }
    for (std::size_t j = 0; j < m && deficit > 0.0; ++j) {
      if (prior.values[j] <= target) continue;
      const double cost = prior.values[j] - target;
      const double take = std::min(prior.probs[j], deficit / cost);
      deficit -= take * cost;
      mass += take;
      sum += take * prior.values[j];
    }
    if (mass <= 0.0) {  // no Bayes-plausible pool reaches I_k: the agent reveals nothing
      out.mu_out = theta;
      return out;
    }
    out.mu_in = std::min(target, sum / mass);
  }
  out.p_in = std::min(1.0, mass);
  if (out.p_in < 1.0) out.mu_out = (theta - out.p_in * out.mu_in) / (1.0 - out.p_in);
  return out;
}

Mapping single_mean_maximal(const std::vector<DiscretePrior>& priors, const Buckets& buckets) {
  const int K = buckets.count();
  Mapping mapping;
  for (int k = 0; k < K; ++k) {
    Layer layer;
    layer.weight = 1.0 / K;
    const double mk = buckets.canonical(k);
    for (const DiscretePrior& p : priors) {
      const MaximalSplit split = maximal_mapping(p, buckets.lower(k), buckets.upper(k), k == K - 1);
      std::vector<SignalClass> classes;
      // The pooled signal sits in I_k by construction: its key is m_k, never recomputed from μ.
      if (split.p_in > 0.0) classes.push_back({split.p_in, mk, split.mu_in, mk});
      if (split.p_in < 1.0) {
        const double mu = split.mu_out;
        int b = buckets.index(mu);
        // Guard the side of I_k the leftover must be on against rounding at the boundary.
        if (mu < buckets.lower(k)) b = std::min(b, k - 1);
        if (mu >= buckets.lower(k)) b = std::max(b, k + 1);
        b = std::clamp(b, 0, K - 1);
        classes.push_back({1.0 - split.p_in, buckets.canonical(b), mu, 0.0});
      }
      layer.agents.push_back(std::move(classes));
    }
    mapping.push_back(std::move(layer));
  }
  return mapping;
}

bool next_class_profile(const Layer& layer, std::vector<int>& cls) {
  for (std::size_t i = 0; i < cls.size(); ++i) {
    if (++cls[i] < static_cast<int>(layer.agents[i].size())) return true;
    cls[i] = 0;
  }
  return false;
}

}  // namespace fairmc::persuasion
