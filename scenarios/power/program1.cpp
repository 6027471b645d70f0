#include "scenarios/power/program1.hpp"

#include "scenarios/power/program1_kernel.hpp"

namespace fairmc::power {

double power_used(std::span<const double> delta, std::span<const double> q,
                  std::span<const double> g) {
  return detail::power_used<0>(delta.data(), q.data(), g.empty() ? nullptr : g.data(),
                               delta.size());
}

Program1Result solve_program1(std::span<const double> a, std::span<const double> e,
                              std::span<const double> q, std::span<const double> g, double gamma,
                              std::span<double> delta) {
  return detail::program1<0>(a.data(), e.data(), q.data(), g.empty() ? nullptr : g.data(), e.size(),
                             gamma, delta.data());
}

}  // namespace fairmc::power
