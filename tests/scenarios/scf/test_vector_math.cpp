// The batched exp/log/pow of the scf kernels (scenarios/scf/vector_math): every element's result
// is independent of the batch it is in (so batching and thread count cannot change results),
// accurate to a few ulp of glibc's scalar functions, and the transformations built on them draw
// the same uniforms in the same order as one scalar pass.
#include "engine/rng.hpp"
#include "scenarios/scf/comparability.hpp"
#include "scenarios/scf/social_cost.hpp"
#include "scenarios/scf/transforms.hpp"
#include "scenarios/scf/vector_math.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <vector>

using namespace fairmc;
using namespace fairmc::scf;

namespace {

// |a - b| in units of the spacing of doubles at b (b finite, nonzero).
double ulps(double a, double b) {
  const double spacing =
      std::nextafter(std::abs(b), std::numeric_limits<double>::infinity()) - std::abs(b);
  return std::abs(a - b) / spacing;
}

}  // namespace

TEST_CASE("vmath: a batch gives each element what it gives alone, for every length and offset") {
  std::mt19937_64 g(3);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  for (std::size_t n = 0; n <= 11; ++n) {
    std::vector<double> x(n), y(n), l(n), e(n), p(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = std::exp(8.0 * U(g) - 4.0);
      y[i] = std::exp(2.2 * U(g) - 1.1);
    }
    vmath::log(x, l);
    vmath::exp(y, e);
    vmath::pow(x, y, p);
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(l[i] == vmath::log(x[i]));
      CHECK(e[i] == vmath::exp(y[i]));
      CHECK(p[i] == vmath::pow(x[i], y[i]));
    }
    // A shifted window (other lanes, another tail) and in place.
    if (n >= 2) {
      std::vector<double> tail(x.begin() + 1, x.end());
      vmath::log(tail, tail);
      for (std::size_t i = 1; i < n; ++i) CHECK(tail[i - 1] == l[i]);
    }
  }
}

TEST_CASE("vmath: within 4 ulp of glibc's scalar exp, log and pow on the scf ranges") {
  std::mt19937_64 g(5);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  const std::size_t n = 20000;
  std::vector<double> x(n), y(n), z(n), l(n), e(n), p(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = std::exp(20.0 * U(g) - 15.0);  // gains and costs, 3e-7 .. 150
    y[i] = std::exp(2.2 * U(g) - 1.1);    // powers in [1/3, 3]
    z[i] = 3.3 * U(g) - 1.65;             // log-uniform exponents
  }
  vmath::log(x, l);
  vmath::exp(z, e);
  vmath::pow(x, y, p);
  double worst_log = 0.0, worst_exp = 0.0, worst_pow = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    worst_log = std::max(worst_log, ulps(l[i], std::log(x[i])));
    worst_exp = std::max(worst_exp, ulps(e[i], std::exp(z[i])));
    worst_pow = std::max(worst_pow, ulps(p[i], std::pow(x[i], y[i])));
  }
  // libmvec documents at most 4 ulp; glibc's scalar functions are within 1 ulp.
  CHECK(worst_log <= 5.0);
  CHECK(worst_exp <= 5.0);
  CHECK(worst_pow <= 5.0);
  // Special values the keys rely on: log 1 = 0, pow(x, 1) = x, exp 0 = 1.
  CHECK(vmath::log(1.0) == 0.0);
  CHECK(vmath::exp(0.0) == 1.0);
  CHECK(vmath::pow(0.37, 1.0) == 0.37);
}

TEST_CASE("Transform::sample: the uniforms of one scalar pass, exponentiated in batches") {
  const std::size_t n = 13;  // not a multiple of the lane count
  const double la = std::log(0.2), ha = std::log(5.0);
  const double lp = std::log(1.0 / 3.0), hp = std::log(3.0);
  for (const Level level : {Level::onc, Level::olc, Level::cnc, Level::cuc, Level::cnc_ratio}) {
    Rng rng(17, 3, 0);
    Rng replay = rng;
    const Transform t = Transform::sample(level, n, rng, 2.0);
    const bool per_scale = level == Level::onc || level == Level::cnc || level == Level::cnc_ratio;
    const bool offset = level != Level::cnc_ratio;
    const bool per_offset = per_scale || level == Level::cuc;
    const bool ordinal = level == Level::onc || level == Level::olc;
    const double a0 = vmath::exp(la + (ha - la) * replay.uniform01());
    const double b0 = offset ? -2.0 * replay.uniform01() : 0.0;
    const double p0 = ordinal ? vmath::exp(lp + (hp - lp) * replay.uniform01()) : 1.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double a = per_scale ? vmath::exp(la + (ha - la) * replay.uniform01()) : a0;
      const double b = offset && per_offset ? -2.0 * replay.uniform01() : b0;
      const double p = level == Level::onc ? vmath::exp(lp + (hp - lp) * replay.uniform01()) : p0;
      const double c = -0.3 - 0.05 * static_cast<double>(i);
      const double want = ordinal ? b - a * vmath::pow(-c, p) : a * c + b;
      CHECK(t.apply(i, c) == want);
    }
    // Nothing drawn beyond: the next uniform is the same on both streams.
    CHECK(rng.uniform01() == replay.uniform01());
  }
}

TEST_CASE("SocialCost::key: the Nash log-sum through the batched logarithm, +inf on a gain <= 0") {
  SocialCost s;
  s.kind = Kind::nash_negative;
  // 200 costs: glibc's and libmvec's logarithms differ in the last bit on some of them.
  std::mt19937_64 g(9);
  std::uniform_real_distribution<double> U(0.01, 2.0);
  std::vector<double> c(200);
  for (double& v : c) v = -U(g);
  double want = 0.0;
  for (const double v : c) want -= 1.0 * vmath::log(-v);
  CHECK(s.key(c) == want);
  const std::vector<double> bad = {-0.5, 0.0, -0.25};
  CHECK(s.key(bad) == std::numeric_limits<double>::infinity());
}
