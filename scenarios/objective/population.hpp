// Population samplers for the utility coefficients a (n x m), drawn from Substream::population.
//
// structure:
//   iid          a_ij i.i.d. from the prior ("independent agents", Section 3.1 / Appendix E)
//   scaled_copy  a_1 from the prior, a_k = ratio · a_1 for k >= 2 (aligned agents, Figure 1's worst
//   case) dissimilar   two agents, a_1 from the prior; a_2j = a_1j w_j (w_j ~ U(w_lo, 1)) on the
//   items with
//                the smallest a_1j, taken while <a_1, a_2> <= γ ||a_1||_1 ||a_2||_1 (γ-dissimilar,
//                Section 3.1 / Appendix D; our construction, the paper defines only the condition)
//   two_point    a_ij = 1 or `low` with probability 1/2 each (Proposition F.2)
//   clustered    K clusters on disjoint item blocks (γ = 0 between centres) plus U(0, δ/m) noise
//   per
//                coefficient, so each cluster has radius <= δ (Theorem 3.5)
// normalize: true rescales each agent to Σ_j a_ij = 1 (Section 5).
#pragma once

#include "engine/params.hpp"
#include "engine/rng.hpp"
#include "scenarios/objective/prior.hpp"

#include <Eigen/Dense>

#include <string>

namespace fairmc::objective {

struct PopulationSpec {
  enum class Structure { iid, scaled_copy, dissimilar, two_point, clustered };
  int agents = 2;
  int items = 10;
  Prior prior;
  Structure structure = Structure::iid;
  double ratio = 0.9;   // scaled_copy
  double gamma = 0.01;  // dissimilar
  double w_lo = 0.0;    // dissimilar
  double low = 0.5;     // two_point
  int clusters = 2;     // clustered
  double radius = 0.1;  // clustered
  bool normalize = false;

  static PopulationSpec parse(const Params& p);
  Eigen::MatrixXd sample(Rng& rng) const;
};

// <a_1, a_2> / (||a_1||_1 ||a_2||_1): the smallest γ for which two agents are γ-dissimilar.
double dissimilarity(const Eigen::VectorXd& a1, const Eigen::VectorXd& a2);

}  // namespace fairmc::objective
