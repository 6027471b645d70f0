// sample_median (histogram of IEEE keys, selection in one or two buckets) against the plain
// nth_element selection median_construction used before: the same bits on random inputs of
// several shapes, odd and even n, ties, zeros of both signs and values in one bucket.
#include "scenarios/power/equilibrium.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using namespace fairmc;

namespace {

double reference_median(std::vector<double> s) {
  const std::size_t mid = s.size() / 2;
  const auto it = s.begin() + static_cast<std::ptrdiff_t>(mid);
  std::nth_element(s.begin(), it, s.end());
  double x = *it;
  if (s.size() % 2 == 0) x = 0.5 * (*std::max_element(s.begin(), it) + x);
  return x;
}

}  // namespace

TEST_CASE("power: sample_median equals the nth_element median bit for bit") {
  std::mt19937_64 gen(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  std::vector<double> scratch;
  for (int trial = 0; trial < 120; ++trial) {
    const std::size_t n = (trial % 3 == 0 ? 4096 : 5000) + static_cast<std::size_t>(trial % 2) +
                          static_cast<std::size_t>(gen() % 3000);
    std::vector<double> y(n);
    const int shape = trial % 6;
    for (double& v : y) {
      switch (shape) {
        case 0:
          v = normal(gen);
          break;
        case 1:  // many ties: a coarse grid, so both ranks often share a value
          v = std::floor(8 * normal(gen)) / 8;
          break;
        case 2:  // all in one bucket (1 + tiny offsets)
          v = 1.0 + 1e-9 * unif(gen);
          break;
        case 3:  // zeros of both signs around the middle
          v = gen() % 4 == 0 ? (gen() % 2 == 0 ? 0.0 : -0.0) : normal(gen);
          break;
        case 4:  // far apart in magnitude, both signs
          v = (gen() % 2 == 0 ? -1.0 : 1.0) * std::pow(10.0, 40 * unif(gen) - 20);
          break;
        default:  // a gap at the median: two clusters (ranks mid - 1 and mid in other buckets)
          v = (gen() % 2 == 0 ? -5.0 : 7.0) + 0.01 * unif(gen);
      }
    }
    if (shape == 5 && n % 2 == 0) {  // exactly half below: rank mid - 1 in an earlier bucket
      for (std::size_t i = 0; i < n; ++i) y[i] = (i < n / 2 ? -5.0 : 7.0) + 0.01 * unif(gen);
    }
    INFO("trial ", trial, " shape ", shape, " n ", n);
    const double want = reference_median(y);
    const double got = power::sample_median(y, scratch);
    CHECK(std::bit_cast<std::uint64_t>(got) == std::bit_cast<std::uint64_t>(want));
  }
}

namespace {

// median_construction's pass the straightforward way (before issue 19's seventh step): c, q,
// grad U(x) and Lemma 3.1's balance agent by agent, an agent at x filled with the mean c.
power::Equilibrium reference_construction(const power::Population& pop, double gamma) {
  power::Equilibrium eq;
  const double x = reference_median(pop.y);
  const std::size_t n = pop.n;
  eq.x = {x};
  eq.c.assign(n, 0.0);
  eq.normal.assign(n, 0);
  const double radius = std::pow(static_cast<double>(n), -0.25);
  double sum_c = 0.0, q = 0.0, grad = 0.0, balance = 0.0;
  std::size_t at_x = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double yi = pop.y[i], wi = pop.w[i], d = std::abs(x - yi);
    eq.normal[i] = d >= radius;
    balance += (x > yi) - (x < yi);
    if (d > 0.0) {
      eq.c[i] = 1.0 / (wi * d);
      sum_c += eq.c[i];
      q += eq.c[i] * wi;
      grad -= 2.0 * eq.c[i] * wi * (x - yi);
    } else {
      ++at_x;
    }
  }
  if (at_x > 0) {
    const double fill = at_x < n ? sum_c / static_cast<double>(n - at_x) : 1.0;
    for (double& ci : eq.c)
      if (ci == 0.0) ci = fill;
    q = power::issue_weights(pop, eq.c)[0];
    grad = power::welfare_gradient(pop, eq.c, eq.x)[0];
  }
  eq.q = {q};
  eq.grad = {grad};
  eq.lambda_ref = 1.0 / std::sqrt(q * gamma);
  eq.residual = std::abs(balance) / static_cast<double>(n);
  return eq;
}

}  // namespace

TEST_CASE("power: median_construction's blocked pass equals the per-agent pass bit for bit") {
  std::mt19937_64 gen(19);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::lognormal_distribution<double> lognormal(0.0, 0.5);
  // Odd n (an agent sits at the median: the fill), even n (none), ties at the median, blocks of
  // 256 and a partial last block.
  for (const std::size_t n : {5001, 5000, 777, 9000}) {
    power::Population pop;
    pop.n = n;
    pop.m = 1;
    for (std::size_t i = 0; i < n; ++i) {
      pop.y.push_back(n == 9000 ? std::round(4.0 * normal(gen)) / 4.0 : normal(gen));
      pop.w.push_back(lognormal(gen));
    }
    const power::Equilibrium got = power::median_construction(pop, 0.01);
    const power::Equilibrium want = reference_construction(pop, 0.01);
    INFO("n = " << n);
    CHECK(got.x == want.x);
    CHECK(got.c == want.c);
    CHECK(got.normal == want.normal);
    CHECK(got.q == want.q);
    CHECK(got.grad == want.grad);
    CHECK(got.lambda_ref == want.lambda_ref);
    CHECK(got.residual == want.residual);
  }
}
