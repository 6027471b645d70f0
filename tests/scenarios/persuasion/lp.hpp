// Reference LPs of the persuasion tests, on the scenario's GLPK wrapper (scenarios/persuasion/
// lp.hpp). add_polymatroid_rows and goel_meyerson are independent on purpose: they state
// Section 3.2's LPs over all 2^n sets, which the code under test (min-norm points, greedy
// vertices, Δmax) never builds, so a test comparing the two can fail.
#pragma once

#include "scenarios/persuasion/lp.hpp"

#include <cstddef>
#include <utility>
#include <vector>

namespace fairmc::persuasion::test {

using fairmc::persuasion::Lp;
inline constexpr double kInf = Lp::kInf;

// Rows x(A) <= f(A) for every nonempty A (n <= 6).
inline void add_polymatroid_rows(Lp& lp, const std::vector<int>& cols, const std::vector<double>& f,
                                 bool base) {
  const std::size_t n = cols.size();
  for (std::size_t mask = 1; mask < (std::size_t{1} << n); ++mask) {
    std::vector<std::pair<int, double>> terms;
    for (std::size_t i = 0; i < n; ++i)
      if (mask >> i & 1U) terms.emplace_back(cols[i], 1.0);
    const bool all = mask == (std::size_t{1} << n) - 1;
    lp.row(terms, base && all ? f[mask] : -kInf, f[mask]);
  }
}

// Goel–Meyerson LP of Section 3.2 over B(G): max Σ U'_i - (n-k) M, U'_i <= U_i, U'_i <= M.
inline double goel_meyerson(const std::vector<double>& G, int n, int k) {
  Lp lp(true);
  std::vector<int> u, up;
  for (int i = 0; i < n; ++i) u.push_back(lp.col(0.0, kInf, 0.0));
  for (int i = 0; i < n; ++i) up.push_back(lp.col(0.0, 0.0, 1.0, true));
  const int M = lp.col(0.0, 0.0, -(n - k), true);
  add_polymatroid_rows(lp, u, G, true);
  for (int i = 0; i < n; ++i) {
    lp.row({{up[static_cast<std::size_t>(i)], 1.0}, {u[static_cast<std::size_t>(i)], -1.0}}, -kInf,
           0.0);
    lp.row({{up[static_cast<std::size_t>(i)], 1.0}, {M, -1.0}}, -kInf, 0.0);
  }
  return lp.solve();
}

}  // namespace fairmc::persuasion::test
