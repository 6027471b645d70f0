// The arithmetic floor of the scf reference workload (experiments/scf/bench_reference.yaml: the
// Table I check, 100 agents x 10 outcomes, 11 SCFs x 7 comparability levels) next to the model.
//
// The floor kernel performs only what a draw cannot avoid, with fairmc's Rng and the exp/log/pow
// kernels the model calls (scenarios/scf/vector_math: libmvec AVX2 in batches, or scalar glibc):
// the draw's random variates (the profile, its reference outcome, the weights, every level's
// transformation as Transform::sample draws it) and one exp per log-uniform variate; the
// transformation itself (a pow per cost for the two ordinal levels, a multiply-add for the five
// affine ones); per profile (original + 7 transformed) and outcome one pass for sum, maximum and
// second largest, the weighted sum, the absolute deviations from the mean and the two Nash log-sums
// (one log per agent and outcome; the reference outcome's own gains are 0, so its reference key
// needs none); and the key comparisons: each SCF's pairs once on the original profile, and per
// level its pairs and best outcome on the transformed one.
//
//   scf_floor                 interleaved timing, floor vs model, thread CPU µs per draw (median
//                             of rounds)
//   scf_floor floor|model N   only that one for N draws (for callgrind instruction counts)
#include "bench/bench_common.hpp"
#include "engine/rng.hpp"
#include "scenarios/scf/vector_math.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

namespace {

using fairmc::Draw;
using fairmc::Rng;
using fairmc::Substream;

constexpr std::size_t n = 100;     // agents
constexpr std::size_t m = 10;      // outcomes
constexpr std::size_t scfs = 11;   // every SCF
constexpr std::size_t levels = 7;  // every comparability level

namespace vmath = fairmc::scf::vmath;

struct Buffers {
  std::vector<double> profile = std::vector<double>(n * m);
  std::vector<double> transformed = std::vector<double>(n * m);
  std::vector<double> weights = std::vector<double>(n);
  std::vector<double> a = std::vector<double>(n), b = std::vector<double>(n),
                      p = std::vector<double>(n);
  std::vector<double> logs = std::vector<double>((2 * m - 1) * n);  // both Nash SCFs' gains
  std::vector<double> keys = std::vector<double>(scfs * m);
};

double log_uniform(Rng& rng, double llo, double lhi) {
  return vmath::exp(llo + (lhi - llo) * rng.uniform01());
}

// Statistics and keys of one profile: what every SCF's key needs, once per outcome. The outcomes
// advance together, agent by agent, so their chains of additions overlap (a floor is the
// arithmetic, not the latency of one chain after another); the Nash gains of all outcomes take
// one batch of logarithms.
void keys_of(const double* P, const double* w, double* keys, double* logs) {
  const double* ref = P;
  double sum[m], max[m], second[m], wsum[m], mean[m], mad[m], nash_ref[m], nash_neg[m];
  for (std::size_t x = 0; x < m; ++x) {
    sum[x] = wsum[x] = mad[x] = nash_ref[x] = nash_neg[x] = 0.0;
    max[x] = P[x * n];
    second[x] = -INFINITY;
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t x = 0; x < m; ++x) {
      const double v = P[x * n + i];
      sum[x] += v;
      wsum[x] += w[i] * v;
      second[x] = v > max[x] ? max[x] : (v > second[x] ? v : second[x]);
      max[x] = v > max[x] ? v : max[x];
    }
  for (std::size_t x = 0; x < m; ++x) mean[x] = sum[x] / static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t x = 0; x < m; ++x) mad[x] += std::abs(P[x * n + i] - mean[x]);
  // nash_reference: outcomes 1.. (the reference outcome's own gains are 0, its key +inf);
  // nash_negative: every outcome.
  for (std::size_t x = 1; x < m; ++x)
    for (std::size_t i = 0; i < n; ++i) logs[(x - 1) * n + i] = ref[i] - P[x * n + i];
  for (std::size_t i = 0; i < n * m; ++i) logs[(m - 1) * n + i] = -P[i];
  vmath::log({logs, (2 * m - 1) * n}, {logs, (2 * m - 1) * n});
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t x = 1; x < m; ++x) nash_ref[x] -= w[i] * logs[(x - 1) * n + i];
    for (std::size_t x = 0; x < m; ++x) nash_neg[x] -= w[i] * logs[(m - 1 + x) * n + i];
  }
  nash_ref[0] = INFINITY;
  for (std::size_t x = 0; x < m; ++x) {
    const double k[scfs] = {sum[x],
                            wsum[x],
                            max[x],
                            max[x],
                            second[x],
                            nash_ref[x],
                            nash_neg[x],
                            sum[x] + 100.0 * max[x],
                            mean[x] + 0.5 * (max[x] - mean[x]),
                            mean[x] + 0.25 * mad[x] / static_cast<double>(n),
                            P[x * n]};
    for (std::size_t s = 0; s < scfs; ++s) keys[s * m + x] = k[s];
  }
}

int sign(double a, double b, double tol) {
  if (a == b) return 0;
  if (std::abs(a - b) <= tol * std::max(std::abs(a), std::abs(b))) return 0;
  return a < b ? -1 : 1;
}

double floor_draw(const Draw& draw, Buffers& B) {
  Rng pop = draw.stream(Substream::population);
  for (std::size_t i = n; i < n * m; ++i) B.profile[i] = -(0.1 + 0.9 * pop.uniform01());
  for (std::size_t i = 0; i < n; ++i) {
    double worst = -1.0;  // x0 lies between the agent's worst other outcome and 0
    for (std::size_t x = 1; x < m; ++x) worst = std::max(worst, B.profile[x * n + i]);
    B.profile[i] = worst * (0.1 + 0.8 * pop.uniform01());
  }
  for (double& w : B.weights) w = 0.5 + pop.uniform01();
  keys_of(B.profile.data(), B.weights.data(), B.keys.data(), B.logs.data());
  // Each SCF's pairs once on the original profile.
  signed char before[scfs][m * (m - 1) / 2];
  double acc = 0.0;
  for (std::size_t s = 0; s < scfs; ++s) {
    std::size_t q = 0;
    for (std::size_t x = 0; x < m; ++x)
      for (std::size_t y = x + 1; y < m; ++y)
        before[s][q++] = static_cast<signed char>(sign(B.keys[s * m + x], B.keys[s * m + y], 1e-7));
  }
  const double la = std::log(0.2), ha = std::log(5.0), lp = std::log(1.0 / 3.0), hp = std::log(3.0);
  for (std::size_t l = 0; l < levels; ++l) {
    Rng rng = draw.stream(static_cast<std::uint32_t>(Substream::first_free) +
                          static_cast<std::uint32_t>(l));
    // Transform::sample's variates: a0, b0 (offset levels), p0 (ordinal), then per agent.
    const bool per_scale = l == 0 || l == 2 || l == 3, ordinal = l <= 1;
    const bool offset = l != 3 && l != 6, per_offset = per_scale || l == 4;
    const double a0 = log_uniform(rng, la, ha);
    const double b0 = offset ? -rng.uniform01() : 0.0;
    const double p0 = ordinal ? log_uniform(rng, lp, hp) : 1.0;
    for (std::size_t i = 0; i < n; ++i) {
      B.a[i] = per_scale ? la + (ha - la) * rng.uniform01() : a0;
      B.b[i] = offset && per_offset ? -rng.uniform01() : b0;
      B.p[i] = l == 0 ? lp + (hp - lp) * rng.uniform01() : p0;
    }
    if (per_scale) vmath::exp(B.a, B.a);
    if (l == 0) vmath::exp(B.p, B.p);
    for (std::size_t x = 0; x < m; ++x) {
      const double* c = B.profile.data() + x * n;
      double* t = B.transformed.data() + x * n;
      if (ordinal) {
        for (std::size_t i = 0; i < n; ++i) t[i] = -c[i];
        vmath::pow({t, n}, B.p, {t, n});
        for (std::size_t i = 0; i < n; ++i) t[i] = B.b[i] - B.a[i] * t[i];
      } else {
        for (std::size_t i = 0; i < n; ++i) t[i] = B.a[i] * c[i] + B.b[i];
      }
    }
    keys_of(B.transformed.data(), B.weights.data(), B.keys.data(), B.logs.data());
    for (std::size_t s = 0; s < scfs; ++s) {
      const double* k = B.keys.data() + s * m;
      std::size_t best = 0, q = 0;
      for (std::size_t x = 1; x < m; ++x) best = k[x] < k[best] ? x : best;
      int changed = 0;
      for (std::size_t x = 0; x < m; ++x)
        for (std::size_t y = x + 1; y < m; ++y, ++q)
          changed |= before[s][q] != 0 && sign(k[x], k[y], 1e-10) != before[s][q];
      acc += static_cast<double>(best) + changed;
    }
  }
  return acc;
}

// CPU time of this thread: on a shared machine wall time mostly measures the other processes.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double model_draw(const fairmc::Model& model, const Draw& draw, std::vector<double>& out) {
  std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
  model.run(draw, out);
  double acc = 0.0;
  for (const double v : out) acc += v;
  return acc;
}

}  // namespace

int main(int argc, char** argv) {
  const auto loaded = fairmc::bench::load_file(fairmc::bench::reference_file("scf"));
  const fairmc::Model& model = *loaded.prepared.at(0).model;
  std::vector<double> out(model.metrics().size());
  Buffers B;
  if (argc == 3) {
    const std::string what = argv[1];
    const long draws = std::atol(argv[2]);
    double acc = 0.0;
    for (long d = 0; d < draws; ++d) {
      const Draw draw(7, static_cast<std::uint64_t>(d));
      acc += what == "floor" ? floor_draw(draw, B) : model_draw(model, draw, out);
    }
    std::printf("%s: %ld draws (checksum %.6g)\n", what.c_str(), draws, acc);
    return 0;
  }
  const int rounds = 9, draws = 400;
  std::vector<double> tf, tm;
  double acc = 0.0;
  for (int r = 0; r < rounds; ++r) {
    for (int which = 0; which < 2; ++which) {
      const double t0 = thread_cpu_seconds();
      for (int d = 0; d < draws; ++d) {
        const Draw draw(7, static_cast<std::uint64_t>(r * draws + d));
        acc += which == 0 ? floor_draw(draw, B) : model_draw(model, draw, out);
      }
      const double us = 1e6 * (thread_cpu_seconds() - t0) / draws;
      (which == 0 ? tf : tm).push_back(us);
    }
  }
  std::sort(tf.begin(), tf.end());
  std::sort(tm.begin(), tm.end());
  std::printf(
      "scf reference workload (100 agents x 10 outcomes, 11 SCFs x 7 levels), one thread, %s "
      "exp/log/pow\n",
      vmath::kernels());
  std::printf("  floor kernel: %.1f us/draw CPU (median of %d rounds, min %.1f)\n", tf[rounds / 2],
              rounds, tf[0]);
  std::printf("  model run():  %.1f us/draw (median, min %.1f)\n", tm[rounds / 2], tm[0]);
  std::printf("  model / floor: %.2f (medians), %.2f (minima)   [checksum %.6g]\n",
              tm[rounds / 2] / tf[rounds / 2], tm[0] / tf[0], acc);
  return 0;
}
