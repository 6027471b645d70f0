#include "scenarios/power/outcome_metrics.hpp"

#include "scenarios/power/batch_math.hpp"
#include "scenarios/power/program1_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fairmc::power {

double best_window_fraction(std::vector<double> lambda, double epsilon) {
  return best_window_fraction_sorting(lambda, epsilon);
}

namespace {

// Sums over agents that the per-agent pass accumulates (in agent order, so the same bits as the
// separate passes it replaces).
struct AgentSums {
  double shift_total = 0.0, grad_total = 0.0, off_normal = 0.0, power_error = 0.0;
  // Definition 2.1's ratio metrics, fused into the pass when lambda_ref is known in advance.
  double sum_dev = 0.0, dev_max = 0.0, dev_max_normal = 0.0, ratio_max = 0.0, sum_l = 0.0;
  std::size_t within = 0, n_exh = 0, n_normal = 0;

  // One agent's contribution to the ratio metrics (ratio = lambda_i / lambda_ref).
  void add_ratio(double ratio, double lambda, bool normal, bool exhausted, double epsilon) {
    const double dev = std::abs(1.0 - ratio);
    sum_dev += dev;
    dev_max = std::max(dev_max, dev);
    ratio_max = std::max(ratio_max, ratio);
    if (normal) {
      ++n_normal;
      dev_max_normal = std::max(dev_max_normal, dev);
    }
    if (ratio >= 1.0 - epsilon && ratio <= 1.0) ++within;
    if (exhausted) {
      ++n_exh;
      sum_l += lambda;
    }
  }
};

// One pass over the agents: Program 1 for each at (x, c), its shift, and (ref > 0) the ratio
// metrics. M = the number of issues at compile time (1..6), 0 = at run time.
template <std::size_t M>
void agent_pass(const Population& pop, const Equilibrium& eq, const double* q, const double* g,
                double gamma, double epsilon, double ref, double* net, double* grad_sum,
                double* lambda, char* exhausted, AgentSums& r_out) {
  // The sums in a local copy: through the reference every agent's additions went to memory (the
  // stores to lambda and exhausted may alias it) and waited on a store and a reload (issue 19).
  AgentSums r = r_out;
  const std::size_t n = pop.n, m = M > 0 ? M : pop.m;
  constexpr std::size_t kBuf = M > 0 ? M : 1;
  double a_buf[kBuf], e_buf[kBuf], d_buf[kBuf];
  std::vector<double> heap(M > 0 ? 0 : 3 * m);
  double* a = M > 0 ? a_buf : heap.data();
  double* e = M > 0 ? e_buf : heap.data() + m;
  double* delta = M > 0 ? d_buf : heap.data() + 2 * m;
  double net_acc[kBuf] = {}, grad_acc[kBuf] = {};
  double* netv = M > 0 ? net_acc : net;  // register accumulators when M is fixed
  double* gradv = M > 0 ? grad_acc : grad_sum;
  // Local copies of x, q, g and of the arrays' addresses: the stores to lambda and exhausted
  // (char) may alias anything, which would make the compiler reload them for every agent.
  double x_buf[kBuf], q_buf[kBuf], g_buf[kBuf];
  const double* x = eq.x.data();
  if constexpr (M > 0) {
    for (std::size_t j = 0; j < M; ++j) {
      x_buf[j] = eq.x[j];
      q_buf[j] = q[j];
      g_buf[j] = g[j];
    }
    x = x_buf;
    q = q_buf;
    g = g_buf;
  }
  const double* const cs = eq.c.data();
  const char* const normals = eq.normal.data();
  const double* const ws = pop.w.data();
  const double* const ys = pop.y.data();
  const bool fuse = ref > 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    double grad_norm = 0.0;
    const double ci = cs[i];
    const double* w = ws + i * m;
    const double* y = ys + i * m;
    for (std::size_t j = 0; j < m; ++j) {
      a[j] = ci * w[j];
      e[j] = y[j] - x[j];
      gradv[j] += 2.0 * a[j] * e[j];
      grad_norm += 4.0 * a[j] * a[j] * e[j] * e[j];
    }
    r.grad_total += std::sqrt(grad_norm);
    const Program1Result p = detail::program1<M>(a, e, q, g, m, gamma, delta);
    lambda[i] = p.lambda;
    exhausted[i] = p.exhausted;
    double len = 0.0;
    for (std::size_t j = 0; j < m; ++j) {
      netv[j] += delta[j];
      len += delta[j] * delta[j];
    }
    r.shift_total += std::sqrt(len);
    const bool normal = normals[i] != 0;
    if (!normal) {
      double len2 = 0.0;  // delta''_i = sqrt(gamma) c_i w_ij e_ij / q_j
      for (std::size_t j = 0; j < m; ++j) len2 += (a[j] * e[j] / q[j]) * (a[j] * e[j] / q[j]);
      r.off_normal += std::sqrt(len) + std::sqrt(gamma * len2);
    }
    if (p.exhausted) {
      r.power_error =
          std::max(r.power_error, std::abs(detail::power_used<M>(delta, q, g, m) - gamma) / gamma);
    }
    if (fuse) {
      const double ratio = p.lambda / ref;
      r.add_ratio(ratio, p.lambda, normal, p.exhausted, epsilon);
    }
  }
  if (M > 0)
    for (std::size_t j = 0; j < m; ++j) {
      net[j] = netv[j];
      grad_sum[j] = gradv[j];
    }
  r_out = r;
}

// agent_pass for one issue (the median draw's hot loop), in blocks: the closed form of Lemma 3.3
// for every agent in branch-free loops the compiler vectorises (FAIRMC_POWER_KERNEL,
// batch_math.hpp), then the sums in agent order. The same operations as agent_pass<1>
// (program1<1>), so the same bits; the rare agents who reach their ideal point or are indifferent
// take program1<1> itself. Issue 19, seventh step: every per-agent term of the sums is formed in
// the vectorised loops (a non-normal agent's Appendix D term through a list of their indices), so
// the loop of sums has no branch; the maxima are taken once per draw from the extremes of the
// ratios (below), and two operations are replaced by exact equivalents:
//  * sqrt(fl(d^2)) = |d| for binary floating point with rounding to nearest when d^2 neither
//    underflows nor overflows (Boldo, "Stupid is as stupid does: taking the square root of the
//    square of a floating-point number", 2015); outside [2^-500, 2^500] the block takes the root.
//  * the power error max_i fl(x_i / gamma) = fl(max_i x_i / gamma): rounding is monotone, so one
//    division per draw instead of one per agent.
typedef double Vec4 __attribute__((vector_size(32)));

// max_i |fl(1 - r_i)| from the smallest and largest r_i (NaN ignored): fl(1 - r) is
// nonincreasing in r, so |fl(1 - r)| is largest at an end of the range. lo > hi: no value.
inline double dev_of_range(double lo, double hi) {
  return lo <= hi ? std::max(std::abs(1.0 - lo), std::abs(1.0 - hi)) : 0.0;
}

FAIRMC_POWER_KERNEL void agent_pass_one_issue(const Population& pop, const Equilibrium& eq,
                                              const double* q_in, const double* g_in, double gamma,
                                              double epsilon, double ref, double* net_out,
                                              double* grad_sum_out, double* lambda, char* exhausted,
                                              AgentSums& r_out) {
  AgentSums r = r_out;  // local sums, as in agent_pass
  const std::size_t n = pop.n;
  const double x = eq.x[0], q = q_in[0], g = g_in[0];
  const double b = g / (2.0 * q);  // program1<1>'s centre and radius: the same for every agent
  const double gamma_c = gamma + q * b * b;
  const double* const cs = eq.c.data();
  const char* const normals = eq.normal.data();
  const double* const ws = pop.w.data();
  const double* const ys = pop.y.data();
  const bool fuse = ref > 0.0;
  const double inf = std::numeric_limits<double>::infinity();
  double net = 0.0, grad_sum = 0.0;
  // Extremes over the draw, four lanes: all ratios, the normal agents' ratios, the exhausting
  // agents' |power used - gamma|.
  Vec4 n_lo = {inf, inf, inf, inf}, n_hi = -n_lo, pe_hi = {0, 0, 0, 0};
  double off_lo = inf, off_hi = -inf;  // the agents outside N-hat
  const double lo_ratio = 1.0 - epsilon;
  constexpr std::size_t B = 256;
  alignas(32) double av[B], ev[B], epv[B], tv[B], gnv[B], gev[B], dv[B], lenv[B];
  alignas(32) double ratiov[B], devv[B], lexv[B], offv[B], pev[B];
  std::size_t off_idx[B];
  char exv[B];
  for (std::size_t i0 = 0; i0 < n; i0 += B) {
    const std::size_t nb = std::min(B, n - i0);
    const char* const normal = normals + i0;
    double* const lamv = lambda + i0;  // written in place (a copy cost ~2% of a draw)
    unsigned any_special = 0;
#pragma GCC ivdep
    for (std::size_t k = 0; k < nb; ++k) {
      const double a = cs[i0 + k] * ws[i0 + k];
      const double e = ys[i0 + k] - x;
      const double ep = e - b;
      const double A = a * a * ep * ep / q;
      av[k] = a;
      ev[k] = e;
      epv[k] = ep;
      tv[k] = (0.0 + A) / gamma_c;
      gnv[k] = 4.0 * a * a * e * e;
      gev[k] = 2.0 * a * e;
      any_special |= static_cast<unsigned>((0.0 + q * ep * ep <= gamma_c) | !(A > 0.0));
    }
    for (std::size_t k = 0; k < nb; ++k) tv[k] = std::sqrt(tv[k]);
    for (std::size_t k = 0; k < nb; ++k) gnv[k] = std::sqrt(gnv[k]);
    // Lemma 3.3's closed form and every term of the sums and of Definition 2.1's ratio metrics,
    // branch-free. A term that a sum skips is +0.0, which leaves a sum that starts at +0.0 (and
    // so never becomes -0.0) unchanged.
    unsigned outside = 0;  // some |d| outside [2^-500, 2^500]: take sqrt(d^2) as program1<1>
    std::size_t c_within = 0;
    for (std::size_t k = 0; k < nb; ++k) {
      const double a = av[k];
      const double lam = tv[k] - a / q;
      const double d = b + a * epv[k] / (a + lam * q);
      const double ad = std::abs(d);
      outside |= static_cast<unsigned>(!((ad >= 0x1p-500) & (ad <= 0x1p500)));
      const double ratio = lam / ref;
      lamv[k] = lam;
      dv[k] = d;
      lenv[k] = ad;
      pev[k] = std::abs((0.0 + q * d * d) - g * d - gamma);
      ratiov[k] = ratio;
      devv[k] = fuse ? std::abs(1.0 - ratio) : 0.0;
      lexv[k] = fuse ? lam : 0.0;
      offv[k] = 0.0;
      c_within += static_cast<std::size_t>((ratio >= lo_ratio) & (ratio <= 1.0));
    }
    if (outside)
      for (std::size_t k = 0; k < nb; ++k) lenv[k] = std::sqrt(0.0 + dv[k] * dv[k]);
    std::size_t c_exh = nb;
    std::fill(exv, exv + nb, char{1});
    if (any_special) {
      // The agents who reach their ideal point or are indifferent: program1<1> itself.
      for (std::size_t k = 0; k < nb; ++k) {
        const double a = av[k], e = ev[k];
        const double ep = epv[k], A = a * a * ep * ep / q;
        if (!((0.0 + q * ep * ep <= gamma_c) | !(A > 0.0))) continue;
        double delta;
        const Program1Result p = detail::program1<1>(&a, &e, q_in, g_in, 1, gamma, &delta);
        const double ratio = p.lambda / ref, ratio_was = ratiov[k];
        c_within -= static_cast<std::size_t>((ratio_was >= lo_ratio) & (ratio_was <= 1.0));
        c_within += static_cast<std::size_t>((ratio >= lo_ratio) & (ratio <= 1.0));
        c_exh -= !p.exhausted;
        lamv[k] = p.lambda;
        exv[k] = p.exhausted;
        dv[k] = delta;
        lenv[k] = std::sqrt(0.0 + delta * delta);
        pev[k] = p.exhausted ? std::abs(detail::power_used<1>(&delta, q_in, g_in, 1) - gamma) : 0.0;
        ratiov[k] = ratio;
        devv[k] = fuse ? std::abs(1.0 - ratio) : 0.0;
        lexv[k] = fuse && p.exhausted ? p.lambda : 0.0;
      }
    }
    // The agents outside N-hat (a few percent): their Appendix D term, delta''_i = sqrt(gamma)
    // c_i w_i e_i / q, and their ratio taken out of the normal agents' extremes (NaN is ignored
    // there) into the extremes over all agents.
    std::size_t n_off = 0;
    for (std::size_t k = 0; k < nb; ++k) {
      off_idx[n_off] = k;
      n_off += normal[k] == 0;
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t t = 0; t < n_off; ++t) {
      const std::size_t k = off_idx[t];
      const double ae = av[k] * ev[k];
      const double len2 = 0.0 + (ae / q) * (ae / q);
      offv[k] = lenv[k] + std::sqrt(gamma * len2);
      off_lo = std::min(off_lo, ratiov[k]);
      off_hi = std::max(off_hi, ratiov[k]);
      ratiov[k] = nan;
    }
    if (fuse) {
      r.within += c_within;
      r.n_exh += c_exh;
      r.n_normal += nb - n_off;
    }
    // Extremes (order-free: the same maxima in any order), four lanes.
    std::size_t k = 0;
    for (; k + 4 <= nb; k += 4) {
      Vec4 rv, pe;
      __builtin_memcpy(&rv, ratiov + k, sizeof rv);
      __builtin_memcpy(&pe, pev + k, sizeof pe);
      // Lane-wise min and max ignoring NaN as std::min(m, v) / std::max(m, v) do (v NaN: m kept).
      n_lo = rv < n_lo ? rv : n_lo;
      n_hi = rv > n_hi ? rv : n_hi;
      pe_hi = pe > pe_hi ? pe : pe_hi;
    }
    for (; k < nb; ++k) {
      n_lo[0] = std::min(n_lo[0], ratiov[k]);
      n_hi[0] = std::max(n_hi[0], ratiov[k]);
      pe_hi[0] = std::max(pe_hi[0], pev[k]);
    }
    std::copy(exv, exv + nb, exhausted + i0);
    // The sums, in agent order (the same operations as agent_pass<1>, so the same bits).
    for (std::size_t k2 = 0; k2 < nb; ++k2) {
      grad_sum += gev[k2];
      r.grad_total += gnv[k2];
      net += dv[k2];
      r.shift_total += lenv[k2];
      r.off_normal += offv[k2];
      r.sum_dev += devv[k2];
      r.sum_l += lexv[k2];
    }
  }
  // The power error of the exhausting agents (the maximum of fl(|power used - gamma| / gamma)),
  // with one division.
  double pe_max = 0.0, lo_n = inf, hi_n = -inf;
  for (int l = 0; l < 4; ++l) {  // the lanes (no value is NaN)
    pe_max = std::max(pe_max, pe_hi[l]);
    lo_n = std::min(lo_n, n_lo[l]);
    hi_n = std::max(hi_n, n_hi[l]);
  }
  const double lo = std::min(lo_n, off_lo), hi = std::max(hi_n, off_hi);
  r.power_error = std::max(r.power_error, pe_max / gamma);
  if (fuse) {
    r.dev_max = std::max(r.dev_max, dev_of_range(lo, hi));
    if (lo <= hi) r.ratio_max = std::max(r.ratio_max, hi);
    r.dev_max_normal = std::max(r.dev_max_normal, dev_of_range(lo_n, hi_n));
  }
  r_out = r;
  net_out[0] = net;
  grad_sum_out[0] = grad_sum;
}

// agent_pass for two issues (the m = 2 fixed point's draw), in blocks: program1<2>'s first Newton
// evaluation from its usual start for every agent in branch-free vectorised loops (`&&` in the
// select below: GCC 12 does not if-convert the `&` form), then the sums in agent order. The same
// operations as program1<2>, so the same bits; an agent whose solve is not this one step (ideal
// point affordable, an inactive issue, equal rho_j, or a Newton step not yet below 1e-9) takes
// program1<2> itself. 1/q_j and 1/gamma' are computed once per pass, as program1<2> computes
// them per agent (the same values).
FAIRMC_POWER_KERNEL void agent_pass_two_issues(const Population& pop, const Equilibrium& eq,
                                               const double* q, const double* g, double gamma,
                                               double epsilon, double ref, double* net,
                                               double* grad_sum, double* lambda, char* exhausted,
                                               AgentSums& r_out) {
  AgentSums r = r_out;  // local sums, as in agent_pass
  const double power_error_in = r.power_error;
  r.power_error = 0.0;
  const std::size_t n = pop.n;
  const double x0 = eq.x[0], x1 = eq.x[1], q0 = q[0], q1 = q[1], g0 = g[0], g1 = g[1];
  const double qv[2] = {q0, q1}, gv[2] = {g0, g1};
  const double b0 = g0 / (2.0 * q0), b1 = g1 / (2.0 * q1);
  const double gamma_c = (gamma + q0 * b0 * b0) + q1 * b1 * b1;
  const double inv_gamma_c = 1.0 / gamma_c, inv_q0 = 1.0 / q0, inv_q1 = 1.0 / q1;
  const double* const cs = eq.c.data();
  const char* const normals = eq.normal.data();
  const double* const ws = pop.w.data();
  const double* const ys = pop.y.data();
  const bool fuse = ref > 0.0;
  double net0 = 0.0, net1 = 0.0, gs0 = 0.0, gs1 = 0.0;
  constexpr std::size_t B = 256;
  alignas(32) double a0v[B], a1v[B], e0v[B], e1v[B], gnv[B], d0v[B], d1v[B], lenv[B];
  alignas(32) double ratiov[B], perrv[B], ge0v[B], ge1v[B], devv[B], lexv[B];
  bool fallback[B];
  std::size_t off_idx[B], fb_idx[B];
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double lo_ratio = 1.0 - epsilon;
  // Extremes over the pass, as in agent_pass_one_issue: the normal agents' ratios (four lanes),
  // the exhausting agents' |power used - gamma| (four lanes), the agents outside N-hat.
  Vec4 n_lo = {inf, inf, inf, inf}, n_hi = -n_lo, pe_hi = {0, 0, 0, 0};
  double off_lo = inf, off_hi = -inf;
  constexpr double kMinNormal = std::numeric_limits<double>::min();
  constexpr double kMaxNormal = std::numeric_limits<double>::max();
  char exv[B];
  for (std::size_t i0 = 0; i0 < n; i0 += B) {
    const std::size_t nb = std::min(B, n - i0);
    const char* const normal = normals + i0;
    double* const lamv = lambda + i0;  // written in place (no block copy), as in the m = 1 pass
    std::size_t c_within = 0;
    // One vectorised loop (issue 19, seventh step: as six loops over block arrays, with the
    // roots apart, the first one alone cost a third of the pass in stores of intermediates).
#pragma GCC ivdep
    for (std::size_t k = 0; k < nb; ++k) {
      const std::size_t i = i0 + k;
      const double a0 = cs[i] * ws[2 * i], a1 = cs[i] * ws[2 * i + 1];
      const double e0 = ys[2 * i] - x0, e1 = ys[2 * i + 1] - x1;
      const double ep0 = e0 - b0, ep1 = e1 - b1;
      const double reach = (0.0 + q0 * ep0 * ep0) + q1 * ep1 * ep1;
      const double A0 = a0 * a0 * ep0 * ep0 * inv_q0, A1 = a1 * a1 * ep1 * ep1 * inv_q1;
      const double rho0 = a0 * inv_q0, rho1 = a1 * inv_q1;
      const double S = (0.0 + A0) + A1;
      const double rho_lo = rho1 < rho0 ? rho1 : rho0, rho_hi = rho0 < rho1 ? rho1 : rho0;
      a0v[k] = a0;
      a1v[k] = a1;
      e0v[k] = e0;
      e1v[k] = e1;
      gnv[k] = std::sqrt((0.0 + 4.0 * a0 * a0 * e0 * e0) + 4.0 * a1 * a1 * e1 * e1);
      // `|`, not `||`: no branches, so the loop vectorises (the same truth value).
      const bool special = (reach <= gamma_c) | !(A0 > 0.0) | !(A1 > 0.0) |
                           (rho_hi - rho_lo <= 1e-15 * rho_hi) | !(rho0 > 0.0) | !(rho1 > 0.0);
      const double s = std::sqrt(S * inv_gamma_c);
      const double lo_raw = s - rho_hi;
      const double lo = 0.0 < lo_raw ? lo_raw : 0.0, hi = s - rho_lo;
      // program1's second-order start.
      const double inv_Ss = 1.0 / (S * s);
      const double ravg = (0.0 + A0 * rho0) + A1 * rho1;
      const double rbar = ravg * s * inv_Ss;
      const double dr0 = rho0 - rbar, dr1 = rho1 - rbar;
      const double vs = (0.0 + A0 * dr0 * dr0) + A1 * dr1 * dr1;
      const double start = (s - rbar) + 1.5 * vs * inv_Ss;
      const double lam = !(start >= lo) ? lo : (hi < start ? hi : start);  // as program1
      // pair_reciprocals, branch-free: a product that is not a normal number sends the agent to
      // program1<2> (which divides term by term then).
      const double u0 = rho0 + lam, u1 = rho1 + lam, uu = u0 * u1;
      const bool pair_ok = (uu >= kMinNormal) & (uu <= kMaxNormal);
      const double R = 1.0 / uu;
      const double r0 = u1 * R, r1 = u0 * R;
      const double Ar0 = A0 * r0 * r0, Ar1 = A1 * r1 * r1;
      const double phi = (0.0 + Ar0) + Ar1, T = (0.0 + Ar0 * r0) + Ar1 * r1;
      const double hs = 1.0 - std::sqrt(phi * inv_gamma_c);
      // program1<2>'s step written with selects instead of branches (vectorisable).
      const double lo2 = hs < 0.0 ? lam : lo, hi2 = hs > 0.0 ? lam : hi;
      const double step = lam - hs * phi / T;
      const double mid = 0.5 * (lo2 + hi2);
      const double next = step > lo2 && step < hi2 ? step : mid;
      // h = 0 (frequent from the second-order start): program1 stops at lam itself, which is
      // step here (lam - 0 phi / T, with phi, T > 0 finite for these agents) unless lam is on
      // the bracket's edge; then the scalar solver. (`|` and `&`: no branches.)
      const bool done = std::abs(next - lam) <= 1e-9 * std::abs(next);
      const double v0 = rho0 + next, v1 = rho1 + next, vv = v0 * v1;
      const double Rv = 1.0 / vv;
      const bool again =
          (!done) | ((hs == 0.0) & (next != lam)) | !(vv >= kMinNormal) | !(vv <= kMaxNormal);
      const double d0 = b0 + rho0 * (e0 - b0) * (v1 * Rv);
      const double d1 = b1 + rho1 * (e1 - b1) * (v0 * Rv);
      lamv[k] = next;
      d0v[k] = d0;
      d1v[k] = d1;
      lenv[k] = std::sqrt((0.0 + d0 * d0) + d1 * d1);
      const double ratio = next / ref;
      ratiov[k] = ratio;
      // |power used - gamma|; divided by gamma once per pass (below).
      perrv[k] = std::abs(((((0.0 + q0 * d0 * d0) - g0 * d0) + q1 * d1 * d1) - g1 * d1) - gamma);
      fallback[k] = special | again | !pair_ok;
      // Every term of the sums, branch-free: a term a sum skips is +0.0, which leaves a sum that
      // starts at +0.0 (and so never becomes -0.0) unchanged.
      ge0v[k] = 2.0 * a0 * e0;
      ge1v[k] = 2.0 * a1 * e1;
    }
    // Apart from the loop above (in it, GCC 12 did not if-convert selects on `fuse` and left
    // the whole loop scalar).
    if (fuse)
      for (std::size_t k = 0; k < nb; ++k) {
        const double ratio = ratiov[k];
        devv[k] = std::abs(1.0 - ratio);
        lexv[k] = lamv[k];
        c_within += static_cast<std::size_t>((ratio >= lo_ratio) & (ratio <= 1.0));
      }
    // The indices of the agents whose solve is not that one step and of the agents outside
    // N-hat (a few percent each), branch-free.
    std::size_t n_fb = 0, n_off = 0;
    for (std::size_t k = 0; k < nb; ++k) {
      fb_idx[n_fb] = k;
      n_fb += fallback[k];
      off_idx[n_off] = k;
      n_off += normal[k] == 0;
    }
    std::size_t c_exh = nb;
    std::fill(exv, exv + nb, char{1});
    // The agents whose solve is not that one step: program1<2> itself, written into the block.
    for (std::size_t t = 0; t < n_fb; ++t) {
      const std::size_t k = fb_idx[t];
      const double a[2] = {a0v[k], a1v[k]}, e[2] = {e0v[k], e1v[k]};
      double delta[2];
      const Program1Result p = detail::program1<2>(a, e, qv, gv, 2, gamma, delta);
      const double ratio = p.lambda / ref, ratio_was = ratiov[k];
      c_within -= static_cast<std::size_t>((ratio_was >= lo_ratio) & (ratio_was <= 1.0));
      c_within += static_cast<std::size_t>((ratio >= lo_ratio) & (ratio <= 1.0));
      c_exh -= !p.exhausted;
      lamv[k] = p.lambda;
      exv[k] = p.exhausted;
      d0v[k] = delta[0];
      d1v[k] = delta[1];
      lenv[k] = std::sqrt((0.0 + delta[0] * delta[0]) + delta[1] * delta[1]);
      ratiov[k] = ratio;
      perrv[k] = p.exhausted ? std::abs(detail::power_used<2>(delta, qv, gv, 2) - gamma) : 0.0;
      devv[k] = fuse ? std::abs(1.0 - ratio) : 0.0;
      lexv[k] = fuse && p.exhausted ? p.lambda : 0.0;
    }
    // The agents outside N-hat (a few percent): their Appendix D term, summed here in agent
    // order (the other agents' terms would be +0.0, which leaves the sum unchanged), and their
    // ratio taken out of the normal agents' extremes (NaN is ignored there) into the extremes
    // over all.
    for (std::size_t t = 0; t < n_off; ++t) {
      const std::size_t k = off_idx[t];
      const double ae0 = a0v[k] * e0v[k], ae1 = a1v[k] * e1v[k];
      const double len2 = (0.0 + (ae0 / q0) * (ae0 / q0)) + (ae1 / q1) * (ae1 / q1);
      r.off_normal += lenv[k] + std::sqrt(gamma * len2);
      off_lo = std::min(off_lo, ratiov[k]);
      off_hi = std::max(off_hi, ratiov[k]);
      ratiov[k] = nan;
    }
    if (fuse) {
      r.within += c_within;
      r.n_exh += c_exh;
      r.n_normal += nb - n_off;
    }
    // Extremes (order-free: the same maxima in any order), four lanes; min and max ignore NaN
    // as std::min(m, v) / std::max(m, v) do (v NaN: m kept).
    std::size_t k = 0;
    for (; k + 4 <= nb; k += 4) {
      Vec4 rv, pe;
      __builtin_memcpy(&rv, ratiov + k, sizeof rv);
      __builtin_memcpy(&pe, perrv + k, sizeof pe);
      n_lo = rv < n_lo ? rv : n_lo;
      n_hi = rv > n_hi ? rv : n_hi;
      pe_hi = pe > pe_hi ? pe : pe_hi;
    }
    for (; k < nb; ++k) {
      n_lo[0] = std::min(n_lo[0], ratiov[k]);
      n_hi[0] = std::max(n_hi[0], ratiov[k]);
      pe_hi[0] = std::max(pe_hi[0], perrv[k]);
    }
    std::copy(exv, exv + nb, exhausted + i0);
    // The sums, in agent order (the same operations as agent_pass<2>, so the same bits); the
    // ratio metrics' sums only when fused (without them the loop has two chains fewer).
    for (std::size_t k2 = 0; k2 < nb; ++k2) {
      gs0 += ge0v[k2];
      gs1 += ge1v[k2];
      r.grad_total += gnv[k2];
      net0 += d0v[k2];
      net1 += d1v[k2];
      r.shift_total += lenv[k2];
    }
    if (fuse)
      for (std::size_t k2 = 0; k2 < nb; ++k2) {
        r.sum_dev += devv[k2];
        r.sum_l += lexv[k2];
      }
  }
  double pe_max = 0.0, lo_n = inf, hi_n = -inf;
  for (int l = 0; l < 4; ++l) {  // the lanes (no value is NaN)
    pe_max = std::max(pe_max, pe_hi[l]);
    lo_n = std::min(lo_n, n_lo[l]);
    hi_n = std::max(hi_n, n_hi[l]);
  }
  const double lo = std::min(lo_n, off_lo), hi = std::max(hi_n, off_hi);
  r.power_error = pe_max;
  if (fuse) {
    r.dev_max = std::max(r.dev_max, dev_of_range(lo, hi));
    if (lo <= hi) r.ratio_max = std::max(r.ratio_max, hi);
    r.dev_max_normal = std::max(r.dev_max_normal, dev_of_range(lo_n, hi_n));
  }
  net[0] = net0;
  net[1] = net1;
  grad_sum[0] = gs0;
  grad_sum[1] = gs1;
  // The power error's maximum was taken over |power used - gamma|: rounding is monotone, so
  // max_i fl(x_i / gamma) = fl(max_i x_i / gamma), one division per pass instead of per agent.
  r.power_error = std::max(power_error_in, r.power_error / gamma);
  r_out = r;
}

}  // namespace

OutcomeMetrics evaluate(const Population& pop, const Equilibrium& eq, double gamma,
                        double epsilon) {
  EvaluateScratch scratch;
  return evaluate(pop, eq, gamma, epsilon, scratch);
}

OutcomeMetrics evaluate(const Population& pop, const Equilibrium& eq, double gamma, double epsilon,
                        EvaluateScratch& scratch) {
  const std::size_t n = pop.n, m = pop.m;
  // q_j = sum c w and grad U(x): from the construction's pass over c, or here in one pass (each
  // sum in agent order, as issue_weights and welfare_gradient compute them).
  std::vector<double> q = eq.q, g = eq.grad;
  if (q.size() != m || g.size() != m) {
    q.assign(m, 0.0);
    g.assign(m, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j) {
        const double cw = eq.c[i] * pop.w[i * m + j];
        q[j] += cw;
        g[j] -= 2.0 * cw * (eq.x[j] - pop.y[i * m + j]);
      }
  }
  std::vector<double> net(m, 0.0), grad_sum(m, 0.0);
  std::vector<double>& lambda = scratch.lambda;
  std::vector<char>& exhausted = scratch.exhausted;
  lambda.resize(n);  // every entry is written by agent_pass
  exhausted.resize(n);
  OutcomeMetrics r;
  AgentSums s;
  const double ref_in = eq.lambda_ref;
  auto pass = [&]<std::size_t M>() {
    agent_pass<M>(pop, eq, q.data(), g.data(), gamma, epsilon, ref_in, net.data(), grad_sum.data(),
                  lambda.data(), exhausted.data(), s);
  };
  switch (m) {
    case 1:
      agent_pass_one_issue(pop, eq, q.data(), g.data(), gamma, epsilon, ref_in, net.data(),
                           grad_sum.data(), lambda.data(), exhausted.data(), s);
      break;
    case 2:
      agent_pass_two_issues(pop, eq, q.data(), g.data(), gamma, epsilon, ref_in, net.data(),
                            grad_sum.data(), lambda.data(), exhausted.data(), s);
      break;
    case 3:
      pass.template operator()<3>();
      break;
    case 4:
      pass.template operator()<4>();
      break;
    case 5:
      pass.template operator()<5>();
      break;
    case 6:
      pass.template operator()<6>();
      break;
    default:
      pass.template operator()<0>();
  }
  const double shift_total = s.shift_total, grad_total = s.grad_total;
  r.off_normal_movement = s.off_normal;
  r.power_error = s.power_error;

  if (!(ref_in > 0.0)) {
    // lambda_ref = the median lambda_i: known only now, so the ratio metrics take a second pass.
    std::vector<double> sorted = lambda;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(n / 2),
                     sorted.end());
    const double ref = sorted[n / 2];
    for (std::size_t i = 0; i < n; ++i) {
      const double ratio = lambda[i] / ref;
      const double dev = std::abs(1.0 - ratio);
      s.sum_dev += dev;
      s.dev_max = std::max(s.dev_max, dev);
      s.ratio_max = std::max(s.ratio_max, ratio);
      if (eq.normal[i]) {
        ++s.n_normal;
        s.dev_max_normal = std::max(s.dev_max_normal, dev);
      }
      if (ratio >= 1.0 - epsilon && ratio <= 1.0) ++s.within;
      if (exhausted[i]) {
        ++s.n_exh;
        s.sum_l += lambda[i];
      }
    }
  }
  const double sum_dev = s.sum_dev, sum_l = s.sum_l;
  const std::size_t within = s.within, n_exh = s.n_exh, n_normal = s.n_normal;
  r.lambda_dev_max = s.dev_max;
  r.lambda_ratio_max = s.ratio_max;
  r.lambda_dev_max_normal = s.dev_max_normal;
  const double dn = static_cast<double>(n);
  r.lambda_dev_mean = sum_dev / dn;
  r.frac_within_eps = static_cast<double>(within) / dn;
  r.frac_exhausting = static_cast<double>(n_exh) / dn;
  r.frac_normal = static_cast<double>(n_normal) / dn;
  if (n_exh > 1) {
    // Two passes: E[l^2] - E[l]^2 cancels catastrophically exactly where the lambda_i concentrate
    // (relative error ~1e-4 at n = 10^4, m = 5, ~15% at gamma = 1e-8). The second pass adds the
    // usual correction sum(d)^2 / n, which removes the first-order error of the mean.
    const double mean = sum_l / static_cast<double>(n_exh);
    double ss = 0.0, sd = 0.0;
    for (std::size_t i = 0; i < n; ++i)
      if (exhausted[i]) {
        const double d = lambda[i] - mean;
        ss += d * d;
        sd += d;
      }
    const double var = (ss - sd * sd / static_cast<double>(n_exh)) / static_cast<double>(n_exh);
    r.lambda_cv = std::sqrt(std::max(0.0, var)) / mean;
  }
  double net2 = 0.0, grad2 = 0.0, gsum2 = 0.0, qsum = 0.0;
  for (std::size_t j = 0; j < m; ++j) {
    net2 += net[j] * net[j];
    grad2 += g[j] * g[j];
    gsum2 += grad_sum[j] * grad_sum[j];
    qsum += q[j];
  }
  r.net_movement = std::sqrt(net2);
  r.net_movement_rel = shift_total > 0.0 ? r.net_movement / shift_total : 0.0;
  r.welfare_gradient = std::sqrt(grad2);
  r.welfare_gradient_rel = grad_total > 0.0 ? std::sqrt(gsum2) / grad_total : 0.0;
  r.q_mean = qsum / static_cast<double>(m);
  r.frac_within_eps_best = best_window_fraction_buckets(lambda, epsilon, scratch.window);
  return r;
}

}  // namespace fairmc::power
