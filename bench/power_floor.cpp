// The arithmetic floor of a power draw (issue 19): the operations a draw cannot avoid, timed one
// by one with fairmc's own Rng and compiler flags, at the reference size n = 10^5.
//   m = 1 median: 2n normal variates (y, log w), n exp, one selection (since 2026-11-29 the
//                 histogram selection of equilibrium.hpp's sample_median; nth_element before), one
//                 pass with one division per agent (c_i), one pass for Program 1 (closed form: a
//                 division and a sqrt per agent), one histogram pass over the lambda_i (Def. 2.1's
//                 best band; until 2026-11-29 a sort, see best_window.hpp).
//   m = 2 fixed point: 4n variates, 2n exp, ~4 Newton passes (a sqrt and a division per agent,
//                 Jacobian accumulation), one pass for c, Program 1 per agent (one Newton
//                 evaluation: two divisions, a sqrt), one histogram pass. Since 2026-11-29
//                 (seventh step) also with Program 1 as a draw needs it (program1_pass_full: y
//                 read, each agent's start, delta and |delta|; both floors are printed).
// The per-agent kernels are compiled as fairmc's are (FAIRMC_POWER_KERNEL: AVX2 clones, and
// -fno-math-errno for this file), so that the floor is not slower than what fairmc already does.
// Prints each kernel's CPU time and the two floors; compare with bench_power's CPU per draw.
#include "engine/rng.hpp"
#include "scenarios/power/batch_math.hpp"
#include "scenarios/power/equilibrium.hpp"

#include <boost/random/normal_distribution.hpp>
#include <boost/sort/spreadsort/spreadsort.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <span>
#include <vector>

namespace {

double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Median CPU milliseconds of `reps` runs of f.
template <class F>
double time_ms(F&& f, int reps = 15) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const double t0 = thread_seconds();
    f(r);
    t.push_back(1e3 * (thread_seconds() - t0));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

volatile double sink = 0.0;

// One pass with a division per agent (the median's c_i, or Program 1's closed form).
FAIRMC_POWER_KERNEL void div_pass(const double* w, const double* y, double* c, std::size_t n) {
  const double x = 0.01;
  for (std::size_t i = 0; i < n; ++i) c[i] = 1.0 / (w[i] * std::abs(x - y[i]));
}

// One m = 2 pass: per block, every agent's w e, c = 1/sqrt(s) and dc (vectorised), then N, P and
// the 2x4 Jacobian accumulated in agent order, as fixed_point.cpp's accumulate_fixed<2>, with its
// accumulators in vector registers (a row of J per Vec4, N and P in a Vec2 each). Every
// accumulator feeds the result: returning only J[5] (before 2026-11-29, 18:30 UTC) let the
// compiler drop the other 15 Jacobian sums, and the kernel timed ~0.24 ms for a fifth of a pass.
typedef double Vec2 __attribute__((vector_size(16)));
typedef double Vec4 __attribute__((vector_size(32)));
FAIRMC_POWER_KERNEL double newton_pass(const double* y, const double* w, std::size_t n) {
  Vec2 N = {0, 0}, P = {0, 0};
  Vec4 J[4] = {};
  constexpr std::size_t B = 128;
  double cb[B], we0b[B], we1b[B], dcb[4][B];
  for (std::size_t i0 = 0; i0 < n; i0 += B) {
    const std::size_t nb = std::min(B, n - i0);
    for (std::size_t k = 0; k < nb; ++k) {
      const std::size_t i = i0 + k;
      const double e0 = y[2 * i] - 0.01, e1 = y[2 * i + 1] + 0.02;
      const double we0 = w[2 * i] * e0, we1 = w[2 * i + 1] * e1;
      const double cc = 1.0 / std::sqrt(we0 * we0 * 0.9 + we1 * we1 * 1.1);
      const double c3 = cc * cc * cc;
      cb[k] = cc;
      we0b[k] = we0;
      we1b[k] = we1;
      dcb[0][k] = c3 * w[2 * i] * we0;
      dcb[1][k] = c3 * w[2 * i + 1] * we1;
      dcb[2][k] = 0.5 * c3 * we0 * e0;
      dcb[3][k] = 0.5 * c3 * we1 * e1;
    }
    for (std::size_t k = 0; k < nb; ++k) {
      const std::size_t i = i0 + k;
      const double cc = cb[k], we0 = we0b[k], we1 = we1b[k];
      N += cc * Vec2{we0, we1};
      P += cc * Vec2{w[2 * i], w[2 * i + 1]};
      const Vec4 dc = {dcb[0][k], dcb[1][k], dcb[2][k], dcb[3][k]};
      J[0] += dc * we0;
      J[1] += dc * we1;
      J[2] += dc * w[2 * i];
      J[3] += dc * w[2 * i + 1];
    }
  }
  const Vec4 Js = (J[0] + J[1]) + (J[2] + J[3]);
  return N[0] + N[1] + P[0] + P[1] + Js[0] + Js[1] + Js[2] + Js[3];
}

// Program 1 for m = 2 at a good start: one Newton evaluation per agent.
FAIRMC_POWER_KERNEL void program1_pass(const double* c, const double* w, double* lambda,
                                       std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const double a0 = c[i] * w[2 * i], a1 = c[i] * w[2 * i + 1];
    const double r0 = 1.0 / (a0 * 1e-5 + 10.0), r1 = 1.0 / (a1 * 1e-5 + 10.0);
    const double phi = a0 * a0 * r0 * r0 + a1 * a1 * r1 * r1;
    lambda[i] = 10.0 - (1.0 / std::sqrt(phi) - 10.0) * r0;
  }
}

// Program 1 for m = 2 as a draw needs it (2026-11-29, seventh step): program1_pass above reads
// only c and w and starts from a constant, so it omits work no draw can avoid: e_j = y_j - x_j
// (A_j = a_j^2 e_j^2 / q_j needs it, so y is read), the agent's own start s = sqrt(S / gamma)
// (lambda_i differs by agent), and the solution itself, delta_j = rho_j e_j / (rho_j + lambda)
// (net movement, Theorem 3.1's first claim, is sum_i delta_i; the shift metrics need |delta_i|).
// Per agent: the start's root, one Newton evaluation with the pair's reciprocals from one
// division, the step's division, delta from one more division, |delta| (a root); sums of delta.
FAIRMC_POWER_KERNEL double program1_pass_full(const double* c, const double* w, const double* y,
                                              double* lambda, std::size_t n) {
  const double x0 = 0.01, x1 = -0.02, iq0 = 1.0 / 9e4, iq1 = 1.0 / 1.1e5, igamma = 100.0;
  const double isg = 0.1;
  double net0 = 0.0, net1 = 0.0, shift = 0.0;
  constexpr std::size_t B = 256;
  double d0b[B], d1b[B], lenb[B];
  for (std::size_t i0 = 0; i0 < n; i0 += B) {
    const std::size_t nb = std::min(B, n - i0);
    for (std::size_t k = 0; k < nb; ++k) {
      const std::size_t i = i0 + k;
      const double a0 = c[i] * w[2 * i], a1 = c[i] * w[2 * i + 1];
      const double e0 = y[2 * i] - x0, e1 = y[2 * i + 1] - x1;
      const double r0 = a0 * iq0, r1 = a1 * iq1;
      const double A0 = a0 * e0 * e0 * r0, A1 = a1 * e1 * e1 * r1;
      const double S = A0 + A1;
      const double s = std::sqrt(S * igamma);
      const double lam = s - (A0 * r0 + A1 * r1) / S;
      const double u0 = r0 + lam, u1 = r1 + lam, R = 1.0 / (u0 * u1);
      const double p0 = u1 * R, p1 = u0 * R;
      const double Ap0 = A0 * p0 * p0, Ap1 = A1 * p1 * p1;
      const double phi = Ap0 + Ap1, T = Ap0 * p0 + Ap1 * p1;
      const double next = lam - (1.0 - std::sqrt(phi) * isg) * phi / T;
      const double v0 = r0 + next, v1 = r1 + next, Rv = 1.0 / (v0 * v1);
      const double d0 = r0 * e0 * v1 * Rv, d1 = r1 * e1 * v0 * Rv;
      lambda[i] = next;
      d0b[k] = d0;
      d1b[k] = d1;
      lenb[k] = std::sqrt(d0 * d0 + d1 * d1);
    }
    for (std::size_t k = 0; k < nb; ++k) {
      net0 += d0b[k];
      net1 += d1b[k];
      shift += lenb[k];
    }
  }
  return net0 + net1 + shift;
}

// Definition 2.1's best band needs every lambda_i once: one histogram pass over their IEEE keys.
double histogram_pass(const double* lambda, std::size_t n, std::vector<std::uint32_t>& count) {
  std::fill(count.begin(), count.end(), 0u);
  const std::uint64_t base = std::bit_cast<std::uint64_t>(1.0) >> 42;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t b = (std::bit_cast<std::uint64_t>(std::abs(lambda[i])) >> 42) - base;
    ++count[std::min<std::uint64_t>(b, count.size() - 1)];
  }
  return count[0];
}

}  // namespace

int main() {
  constexpr std::size_t n = 100'000;
  std::vector<double> y(2 * n), w(2 * n), c(2 * n), lambda(n);
  boost::random::normal_distribution<double> normal(0.0, 1.0);
  const double normals = time_ms([&](int r) {
    fairmc::Rng rng(1, static_cast<std::uint64_t>(r), fairmc::Substream::population);
    for (std::size_t i = 0; i < n; ++i) y[i] = normal(rng);
  });
  const double exps = time_ms([&](int) {
    for (std::size_t i = 0; i < n; ++i) w[i] = std::exp(0.5 * y[i]);
  });
  const double nth = time_ms([&](int) {
    std::vector<double> s(y.begin(), y.begin() + n);
    std::nth_element(s.begin(), s.begin() + n / 2, s.end());
    sink = s[n / 2];
  });
  // The selection as fairmc now makes it (a histogram pass and nth_element in one bucket).
  std::vector<double> scratch;
  const double select = time_ms([&](int) {
    sink = fairmc::power::sample_median(std::span<const double>(y.data(), n), scratch);
  });
  const double div_ms = time_ms([&](int) { div_pass(w.data(), y.data(), c.data(), n); });
  // One m = 2 pass with a sqrt and a division per agent, accumulating N, P and the 2x4 Jacobian.
  for (std::size_t i = n; i < 2 * n; ++i) {
    y[i] = y[i - n] * 0.7;
    w[i] = w[i - n] * 1.3;
  }
  const double newton_ms = time_ms([&](int) { sink = newton_pass(y.data(), w.data(), n); });
  const double program1_ms =
      time_ms([&](int) { program1_pass(c.data(), w.data(), lambda.data(), n); });
  for (std::size_t i = 0; i < n; ++i) c[i] = 1.0 / std::sqrt(w[2 * i] * w[2 * i] + 1e-3);
  const double program1_full_ms = time_ms(
      [&](int) { sink = program1_pass_full(c.data(), w.data(), y.data(), lambda.data(), n); });
  // The lambda_i of a draw concentrate (lambda_dev ~1e-3): most land in a few buckets, which is
  // the slow case for a histogram (increments of one counter depend on each other).
  for (std::size_t i = 0; i < n; ++i) lambda[i] = 10.0 * (1.0 + 1e-3 * y[i]);
  std::vector<std::uint32_t> counts(8192);
  const double histogram_ms =
      time_ms([&](int) { sink = histogram_pass(lambda.data(), n, counts); });
  const double sort = time_ms([&](int) {
    std::vector<double> s(c.begin(), c.begin() + n);
    for (double& v : s) v = std::abs(v);
    boost::sort::spreadsort::spreadsort(s.begin(), s.end());
    sink = s[n / 2];
  });
  std::printf(
      "n = %zu, CPU ms (median of 15): normal variates %.2f, exp %.2f, median selection %.2f,\n"
      "  division pass %.2f, m=2 Newton pass %.2f, m=2 Program 1 pass %.2f, histogram pass %.2f"
      "\n  (before 2026-11-29: nth_element %.2f, sort of n doubles for the best band %.2f)\n",
      n, normals, exps, select, div_ms, newton_ms, program1_ms, histogram_ms, nth, sort);
  const double floor1 = 2 * normals + exps + select + 2 * div_ms + histogram_ms;
  const double floor2 =
      4 * normals + 2 * exps + 4 * newton_ms + div_ms + program1_ms + histogram_ms;
  const double floor2_full = floor2 - program1_ms + program1_full_ms;
  std::printf("m=2 Program 1 pass with y, the start and delta (seventh step): %.2f\n",
              program1_full_ms);
  std::printf(
      "floor m = 1 median: %.2f ms; m = 2 fixed point: %.2f ms (with Program 1's delta: %.2f ms)\n",
      floor1, floor2, floor2_full);
  return 0;
}
