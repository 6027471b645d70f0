#include "scenarios/persuasion/buckets.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fairmc::persuasion {

Buckets::Buckets(double V, double epsilon) : V_(V), eta_(1.0 + epsilon) {
  if (V < 1.0 || !(epsilon > 0.0)) throw std::invalid_argument("buckets need V >= 1 and ε > 0");
  // The 1e-9 slack keeps V = η^K (the paper's assumption) at exactly K buckets.
  count_ = std::max(1, static_cast<int>(std::ceil(std::log(V) / std::log(eta_) - 1e-9)));
}

int Buckets::index(double mu) const {
  if (mu <= 1.0) return 0;
  // The 1e-9 slack puts a mean computed as pow(η, k) into bucket k despite rounding in log().
  const int k = static_cast<int>(std::floor(std::log(mu) / std::log(eta_) + 1e-9));
  return std::clamp(k, 0, count_ - 1);
}

double Buckets::lower(int k) const {
  return std::pow(eta_, k);
}
double Buckets::upper(int k) const {
  return k == count_ - 1 ? V_ : std::pow(eta_, k + 1);
}
double Buckets::canonical(int k) const {
  return lower(k);
}

}  // namespace fairmc::persuasion
