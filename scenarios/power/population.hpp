// Agent populations of paper 000 (Section 2): each agent i has an ideal point y_i in R^m and
// issue weights w_ij >= 0, so that u_i(x) = -c_i * sum_j w_ij (x_j - y_ij)^2.
//
// PopulationSpec is the validated `population:` section; sample() draws one population from the
// draw's population stream only, so every mechanism at a sweep point sees the same agents.
#pragma once

#include "engine/params.hpp"
#include "engine/rng.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace fairmc::power {

// n agents, m issues; y and w are row-major n x m (agent i, issue j at i * m + j).
struct Population {
  std::size_t n = 0;
  std::size_t m = 0;
  std::vector<double> y;
  std::vector<double> w;

  double ideal(std::size_t i, std::size_t j) const { return y[i * m + j]; }
  double weight(std::size_t i, std::size_t j) const { return w[i * m + j]; }
  // Population variance of the ideal points on issue j (divides by n).
  double issue_variance(std::size_t j) const {
    double mean = 0.0, sq = 0.0;
    for (std::size_t i = 0; i < n; ++i) mean += ideal(i, j);
    mean /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) sq += (ideal(i, j) - mean) * (ideal(i, j) - mean);
    return sq / static_cast<double>(n);
  }
};

struct Cluster {
  double weight = 1.0;       // relative mixing weight (normalised over clusters)
  std::vector<double> mean;  // length m
  std::vector<double> sd;    // length m
};

struct IdealPointSpec {
  std::string dist = "normal";              // normal | uniform | mixture | list
  std::vector<double> mean;                 // normal: per issue
  std::vector<double> sd;                   // normal: per issue
  std::vector<double> low;                  // uniform: per issue
  std::vector<double> high;                 // uniform: per issue
  std::vector<Cluster> clusters;            // mixture
  std::vector<std::vector<double>> points;  // list: one row per agent
  bool resample = false;  // list: draw agents with replacement instead of taking the rows
};

struct WeightSpec {
  std::string dist = "constant";  // constant | uniform | lognormal | list
  std::vector<double> value;      // constant: per issue
  double low = 0.5, high = 1.5;   // uniform
  std::vector<double> mu;         // lognormal: log w_ij ~ N(mu_j, sigma^2)
  double sigma = 0.5;
  std::vector<std::vector<double>> values;  // list: one row per agent (requires ideal list rows)
};

struct PopulationSpec {
  std::size_t agents = 0;
  std::size_t issues = 1;
  IdealPointSpec ideal;
  WeightSpec weights;
};

// Reads and validates `population:` (errors name file, line and key).
PopulationSpec read_population(const Params& p);

// One population drawn from `rng` (the draw's population substream).
Population sample(const PopulationSpec& spec, Rng& rng);
// The same into `pop`, reusing its storage (every entry is overwritten; issue 19: a fresh
// population per draw cost page faults).
void sample_into(const PopulationSpec& spec, Rng& rng, Population& pop);

// The same population with issue `issue` measured in units 1/factor: y'_ij = factor * y_ij and
// w'_ij = w_ij / factor^2, so every agent's utility of every outcome is unchanged (Section 1.2).
Population rescale_issue(Population pop, std::size_t issue, double factor);

}  // namespace fairmc::power
