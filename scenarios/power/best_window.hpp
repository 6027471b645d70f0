// Definition 2.1 with lambda chosen for the sample: the largest fraction of the lambda_i inside
// one window [(1 - eps) L, L], L > 0. Sorting the n values costs ~27 ns an agent (the largest
// single cost of a power draw at n = 10^5, issue 19); best_window_fraction_buckets gets the same
// count from a histogram and a few passes, sorting only the few values near a window's edge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace fairmc::power {

// Reusable buffers of best_window_fraction_buckets (contents are overwritten).
struct BestWindowScratch {
  std::vector<std::uint32_t> start, count;  // per bucket
  std::vector<std::uint64_t> top;           // largest key per bucket
  std::vector<std::pair<std::size_t, std::size_t>> candidates;
  std::vector<double> edge;        // the values where a candidate's thresholds fall, sorted
  std::vector<std::size_t> group;  // a candidate bucket's values by their threshold's rank
};

// Largest fraction of `lambda` inside one window [(1 - eps) L, L] over all L > 0: the window
// ending at each positive value v counts the values x with fl((1 - eps) v) <= x <= v. Sorts
// `lambda` in place.
double best_window_fraction_sorting(std::span<double> lambda, double epsilon);

// The same number, bit for bit, without sorting `lambda` (which it leaves unchanged): the
// positive values are bucketed by the top bits of their IEEE representation (monotone in the
// value), a window's count is bounded from above and below by whole buckets, and only where the
// bounds differ and could beat the best are the few values near a window's lower edge sorted. Falls
// back to best_window_fraction_sorting on a copy for inputs outside its range (NaN, infinities,
// values near the ends of the double range, or so small an eps that the buckets would outnumber
// the values).
double best_window_fraction_buckets(std::span<const double> lambda, double epsilon,
                                    BestWindowScratch& scratch);

}  // namespace fairmc::power
