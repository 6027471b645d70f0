// Reading the `mechanism:` section shared by the three scf problems: which SCFs to optimise or
// check, and their parameters.
//
// clang-format off
//   scfs: utilitarian, leximin, nash_reference  # comma-separated; default: all the problem supports
//   sum_max_gamma: 80     # gamma of sum + gamma max (default: the number of agents, Figure 5(c))
//   mean_max_gamma: 0.5   # gamma in [0, 1] of mean + gamma (max - mean)
//   mad_gamma: 0.25       # gamma in [0, 1/2] of mean + gamma mean|J - mean| (weak Pareto)
//   kth: 2                # the positional dictator's rank
//   dictator: 0           # the dictator's index
// clang-format on
#pragma once

#include "engine/params.hpp"
#include "scenarios/scf/social_cost.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fairmc::scf {

struct ScfSettings {
  std::vector<Kind> kinds;
  double sum_max_gamma = 1.0;
  double mean_max_gamma = 0.5;
  double mad_gamma = 0.25;
  std::size_t kth = 2;
  std::size_t dictator = 0;

  // `agents` bounds kth and dictator and is the default sum_max_gamma.
  static ScfSettings read(const Params& mech, double agents, std::size_t max_index,
                          const std::function<bool(Kind)>& supported);
  // Each parameter key with the SCF that reads it.
  static const std::vector<std::pair<std::string_view, Kind>>& parameter_keys();
  // The SCF of `kind` with these parameters and weights c_i.
  SocialCost make(Kind kind, std::vector<double> weights) const;
};

}  // namespace fairmc::scf
