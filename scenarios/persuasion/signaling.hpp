// Mapping rules of Section 2.1: each agent independently maps its value to a signal; the
// receiver forms posterior means μ_i and runs the greedy algorithm on them (Lemma 2.4).
//
// A signal is summarised by what the rest of the code needs: its probability, the key the
// receiver ranks it by (μ for the exact receiver, the canonical bucket value m_k for the
// (1+ε)-bucketed one), the true utility per unit of allocation (μ, so E[μ x] = E[v x]) and the
// utility the selection rule optimises ("fake": the key itself for full revelation and no
// information, m_k·1{μ ∈ I_k} for the single-mean layers of Definition 4.1).
// A Mapping is a list of layers chosen at random with the given weights (the randomised
// single-mean policy of Definition 4.2 has K layers of weight 1/K).
#pragma once

#include "scenarios/persuasion/buckets.hpp"
#include "scenarios/persuasion/prior.hpp"

#include <vector>

namespace fairmc::persuasion {

struct SignalClass {
  double prob = 0.0;
  double key = 0.0;
  double value = 0.0;
  double fake = 0.0;
};

struct Layer {
  double weight = 1.0;
  std::vector<std::vector<SignalClass>> agents;  // agents[i] = the signals of agent i
};

using Mapping = std::vector<Layer>;

// Steps `cls` (one signal-class index per agent, all 0 at the start) to the next profile of the
// layer, odometer-style; false once every profile has been visited.
bool next_class_profile(const Layer& layer, std::vector<int>& cls);

enum class Receiver { exact, bucketed };

// The receiver's ranking key for a posterior mean.
double receiver_key(double mu, Receiver receiver, const Buckets& buckets);

// No information: one signal per agent with μ_i = E[D_i].
Mapping no_information(const std::vector<DiscretePrior>& priors, Receiver receiver,
                       const Buckets& buckets);
// Full revelation (Section 3): the signal is the value itself.
Mapping full_revelation(const std::vector<DiscretePrior>& priors, Receiver receiver,
                        const Buckets& buckets);

// The maximal mapping of Definition 4.6 for target interval [lo, hi): the Bayes-plausible split
// of the prior into one pooled signal whose mean lies in the interval, of largest probability,
// and one signal with the rest. Pooling takes all mass on the far side of the interval and then
// the nearest values on the prior-mean side until the pooled mean reaches the boundary (the
// pooling construction of Lemma 4.7). The supremum at an open upper end is approached to a
// relative 1e-9. p_in = 1 when the prior mean is already inside, p_in = 0 when no split reaches.
struct MaximalSplit {
  double p_in = 0.0;
  double mu_in = 0.0;
  double mu_out = 0.0;  // undefined when p_in = 1
};
MaximalSplit maximal_mapping(const DiscretePrior& prior, double lo, double hi, bool hi_closed);

// Δ_max of Section 4.2: K layers of weight 1/K; in layer k every agent uses its maximal mapping
// for I_k; the fake utility of the pooled signal is m_k, of the other signal 0.
Mapping single_mean_maximal(const std::vector<DiscretePrior>& priors, const Buckets& buckets);

}  // namespace fairmc::persuasion
