// Approximate majorization (Definition 2.2) and the welfare functions of Proposition 2.3.
#pragma once

#include <span>
#include <vector>

namespace fairmc::persuasion {

// Q_k(u) = sum of the k smallest entries, k = 1..n (Section 3.2's notation).
std::vector<double> prefix_smallest(std::span<const double> u);

// Smallest α with α·Q_k(u) >= best[k] for all k: max_k best[k] / Q_k(u). Prefixes where best[k]
// is (numerically) zero are skipped; returns +inf if some Q_k(u) = 0 < best[k].
double majorization_ratio(std::span<const double> best_prefix, std::span<const double> u);

// Entrywise maximum of prefix-sum vectors: the best known Q_k over a set of policies.
void raise_prefix(std::vector<double>& best, std::span<const double> prefix);

// Symmetric, monotone, concave welfare functions for Proposition 2.3.
double welfare_sum(std::span<const double> u);
double welfare_min(std::span<const double> u);
double welfare_nash(std::span<const double> u);  // geometric mean (homogeneous of degree 1)

}  // namespace fairmc::persuasion
