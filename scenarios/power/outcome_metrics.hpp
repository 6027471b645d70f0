// Definition 2.1 measured on one sample: every agent solves Program 1 at the construction's
// (x, c), and we report how close the outcome is to an equal-power equal-lambda equilibrium.
#pragma once

#include "scenarios/power/best_window.hpp"
#include "scenarios/power/equilibrium.hpp"
#include "scenarios/power/population.hpp"

#include <span>
#include <vector>

namespace fairmc::power {

struct OutcomeMetrics {
  // lambda_i / lambda_ref, where lambda_ref = 1/sqrt(q gamma) (Section 3) or 1/sqrt(gamma)
  // (Theorem 4.1); |1 - ratio| is the spread of lambda_i * sqrt(q gamma) around 1.
  double lambda_dev_mean = 0.0;
  double lambda_dev_max = 0.0;
  double lambda_dev_max_normal = 0.0;  // over the paper's normal agents N-hat only
  double lambda_ratio_max = 0.0;       // the paper's upper bound says <= 1
  double frac_within_eps = 0.0;        // (1 - eps) lambda_ref <= lambda_i <= lambda_ref
  double frac_within_eps_best = 0.0;   // the same with the best lambda for this sample
  double lambda_cv = 0.0;              // sd / mean of lambda_i over agents who exhaust
  double frac_exhausting = 0.0;
  double frac_normal = 0.0;
  double net_movement = 0.0;          // || sum_i delta_i ||_2
  double net_movement_rel = 0.0;      // || sum_i delta_i || / sum_i ||delta_i||
  double welfare_gradient = 0.0;      // || grad U(x) ||_2
  double welfare_gradient_rel = 0.0;  // || sum_i grad u_i(x) || / sum_i || grad u_i(x) ||
  double power_error = 0.0;           // max over exhausting agents |power used - gamma| / gamma
  double q_mean = 0.0;                // mean over issues of q_j = sum_k c_k w_kj
  // Appendix D for the agents outside N-hat: sum_i (||delta_i|| + ||delta''_i||) with
  // delta''_ij = sqrt(gamma) c_i w_ij e_ij / q_j (Lemma D.4's terms, measured on the sample).
  double off_normal_movement = 0.0;
};

// Solves Program 1 for every agent; lambda_ref <= 0 means "use the median lambda_i".
OutcomeMetrics evaluate(const Population& pop, const Equilibrium& eq, double gamma, double epsilon);

// Per-agent buffers of evaluate, reusable from draw to draw (contents are overwritten).
struct EvaluateScratch {
  std::vector<double> lambda;
  std::vector<char> exhausted;
  BestWindowScratch window;
};
OutcomeMetrics evaluate(const Population& pop, const Equilibrium& eq, double gamma, double epsilon,
                        EvaluateScratch& scratch);

// Largest fraction of `lambda` inside one window [(1 - eps) L, L] over all L > 0 (Definition 2.1
// with lambda chosen for the sample); best_window.hpp. Sorts a copy.
double best_window_fraction(std::vector<double> lambda, double epsilon);

}  // namespace fairmc::power
