// best_window_fraction_buckets (histogram bounds, few buckets sorted) against the plain sorting
// version on random inputs shaped like a draw's lambda_i and on adversarial ones: the counts,
// hence the fractions, must agree exactly.
#include "scenarios/power/best_window.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace fairmc;

namespace {

double sorting(std::vector<double> v, double eps) {
  return power::best_window_fraction_sorting(v, eps);
}

}  // namespace

TEST_CASE("best window: the bucket count equals the sorting count, bit for bit") {
  std::mt19937_64 gen(20261129);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  power::BestWindowScratch scratch;
  const double epsilons[] = {0.1, 0.01, 0.5, 1e-3, 1e-6, 0.999, 1e-12};
  int checked = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t n =
        trial % 7 == 0 ? 1 + trial % 13 : static_cast<std::size_t>(50 + gen() % 3000);
    const double eps = epsilons[trial % 7];
    std::vector<double> v(n);
    const int shape = trial % 8;
    for (std::size_t i = 0; i < n; ++i) {
      double x = 0.0;
      switch (shape) {
        case 0:  // concentrated around 10, as a draw's lambda_i around lambda*
          x = 10.0 * (1.0 + 0.01 * normal(gen));
          break;
        case 1:  // lognormal, several binades
          x = std::exp(2.0 * normal(gen));
          break;
        case 2:  // many ties on a grid (window edges land on equal values)
          x = 0.9 * std::floor(1 + 20 * unif(gen)) / 10.0;
          break;
        case 3:  // zeros (agents not exhausting) and negatives mixed in
          x = unif(gen) < 0.3 ? 0.0 : (unif(gen) < 0.1 ? -1.0 : 1.0 + unif(gen));
          break;
        case 4:  // values exactly at a window edge: v and fl((1 - eps) v)
          x = (gen() % 2 == 0) ? 3.0 : (1.0 - eps) * 3.0;
          break;
        case 5:  // extreme but in range: 20 decades
          x = std::pow(10.0, 20.0 * unif(gen) - 10.0);
          break;
        case 6:  // huge and tiny: the fallback range
          x = gen() % 2 == 0 ? 1e-300 * (1 + unif(gen)) : 1e300 * (1 + unif(gen));
          break;
        default:  // one value
          x = 2.5;
      }
      v[i] = x;
    }
    const std::vector<double> copy = v;
    const double got = power::best_window_fraction_buckets(v, eps, scratch);
    CHECK(v == copy);  // left unchanged
    const double want = sorting(v, eps);
    INFO("trial ", trial, " shape ", shape, " eps ", eps, " n ", n);
    CHECK(got == want);
    ++checked;
  }
  CHECK(checked == 400);
  // NaN and infinities take the fallback: the same answer as the sorting version.
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> odd = {1.0, 0.95, inf, 2.0, 1.99};
  CHECK(power::best_window_fraction_buckets(odd, 0.1, scratch) == sorting(odd, 0.1));
  CHECK(power::best_window_fraction_buckets(std::vector<double>{}, 0.1, scratch) == 0.0);
  CHECK(power::best_window_fraction_buckets(std::vector<double>{0.0, -2.0}, 0.1, scratch) == 0.0);
}
