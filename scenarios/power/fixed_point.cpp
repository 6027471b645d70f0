#include "scenarios/power/fixed_point.hpp"

#include "scenarios/power/batch_math.hpp"
#include "scenarios/power/equilibrium.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace fairmc::power {
namespace {

// GCC vector extensions: element-wise IEEE operations, lowered to SSE2 or AVX2 per clone.
typedef double Vec2 __attribute__((vector_size(16)));
typedef double Vec4 __attribute__((vector_size(32)));

// One pass over the agents for a compile-time number of issues M: N_j = sum_i c_i w_ij e_ij,
// P_j = sum_i c_i w_ij and, when dN is non-null, their derivatives in z (row-major M x d). With M
// fixed the accumulators stay in registers (issue 19: the pass was bound by stores to the heap).
// Same operations in the same order as the generic loop in Equations::eval, so the same bits.
template <std::size_t M>
FAIRMC_POWER_KERNEL void accumulate_fixed(const Population& pop, const double* x,
                                          const double* inv_q, double floor, bool free_q,
                                          double* N_out, double* P_out, double* dN_out,
                                          double* dP_out, double* c_out, char* free_out) {
  constexpr std::size_t D = 2 * M;
  const std::size_t d = free_q ? D : M;
  // The Jacobian rows in GCC vector registers (4 or 2 lanes): dN[j][l] += dc[l] we[j] is then one
  // multiply and one add per register for all l, lane by lane the scalar operations. As scalars
  // the 2 M x 2 M accumulators spilled to the stack (issue 19).
  using V = std::conditional_t<D % 4 == 0, Vec4, Vec2>;
  constexpr std::size_t W = sizeof(V) / sizeof(double), R = D / W;
  // N and P in Vec2 registers too (pairs of issues, the last padded with a zero weight): as
  // double arrays GCC kept them on the stack, and every agent's additions waited on a store and a
  // reload (issue 19). Lane by lane the scalar operations, so the same bits.
  constexpr std::size_t H = (M + 1) / 2;
  Vec2 N[H] = {}, P[H] = {};
  V dN[M][R] = {}, dP[M][R] = {};
  const bool jac = dN_out != nullptr;
  // Blocks of agents: first every agent's w e, s, c and (with the Jacobian) dc in loops the
  // compiler vectorises (four agents at a time in the AVX2 clone), then the sums in agent order,
  // which only load, multiply and add (issue 19: computed in the sums' loop, dc cost ~25
  // instructions an agent there; each value is the same operation either way, so the same bits).
  constexpr std::size_t B = 128;
  double sb[B], cb[B], web[M][B], eb[M][B], dcb[D][B];
  bool fb[B];
  for (std::size_t i0 = 0; i0 < pop.n; i0 += B) {
    const std::size_t nb = std::min(B, pop.n - i0);
    const double* const yb = &pop.y[i0 * M];
    const double* const wb = &pop.w[i0 * M];
    for (std::size_t k = 0; k < nb; ++k) {
      double s = 0.0;
      for (std::size_t j = 0; j < M; ++j) {
        const double e = yb[k * M + j] - x[j];
        const double we = wb[k * M + j] * e;
        eb[j][k] = e;
        web[j][k] = we;
        s += we * we * inv_q[j];
      }
      sb[k] = s;
    }
    for (std::size_t k = 0; k < nb; ++k) {  // c = 1 / max(sqrt(s), floor), vectorised
      const double root = std::sqrt(sb[k]);
      fb[k] = root > floor;
      cb[k] = 1.0 / (root > floor ? root : floor);
    }
    if (c_out != nullptr)
      for (std::size_t k = 0; k < nb; ++k) {
        c_out[i0 + k] = cb[k];
        free_out[i0 + k] = fb[k];
      }
    if (jac)
      for (std::size_t k = 0; k < nb; ++k) {  // dc/dx_l, then dc/dlog q_l
        const double c = cb[k];
        const double c3 = c * c * c;
        for (std::size_t l = 0; l < M; ++l) {
          const double dcl = c3 * wb[k * M + l] * web[l][k] * inv_q[l];
          dcb[l][k] = dcl;
          dcb[M + l][k] = 0.5 * dcl * eb[l][k];
        }
      }
    // N_j += c we_j and P_j += c w_j (lane j), and with the Jacobian dN_j += dc we_j and
    // dP_j += dc w_j for the agents whose c is not at the floor. One lambda, two loops: the
    // accumulators stay in registers in each (as one loop with a test of jac inside, GCC
    // unswitched it and kept some of them on the stack).
    auto sum = [&](std::size_t k, auto with_jac) {
      const double* w = wb + k * M;
      double we[2 * H] = {}, wp[2 * H] = {};
      for (std::size_t j = 0; j < M; ++j) {
        we[j] = web[j][k];
        wp[j] = w[j];
      }
      const double c = cb[k];
      Vec2 wev[H], wv[H];
      std::memcpy(wev, we, sizeof we);
      std::memcpy(wv, wp, sizeof wp);
      for (std::size_t h = 0; h < H; ++h) {
        N[h] += c * wev[h];
        P[h] += c * wv[h];
      }
      if constexpr (decltype(with_jac)::value) {
        if (!fb[k]) return;
        double dc[D];
        for (std::size_t l = 0; l < D; ++l) dc[l] = dcb[l][k];
        V dcv[R];
        std::memcpy(dcv, dc, sizeof dc);
        for (std::size_t j = 0; j < M; ++j)
          for (std::size_t r = 0; r < R; ++r) {
            dN[j][r] += dcv[r] * we[j];
            dP[j][r] += dcv[r] * w[j];
          }
      }
    };
    if (jac)
      for (std::size_t k = 0; k < nb; ++k) sum(k, std::true_type{});
    else
      for (std::size_t k = 0; k < nb; ++k) sum(k, std::false_type{});
  }
  // Copied out through memcpy with constant offsets: indexing the vectors by the run-time l made
  // GCC keep them in memory, and then the loop's additions went through the stack too.
  double dn_all[M][D], dp_all[M][D];
  std::memcpy(dn_all, dN, sizeof dN);
  std::memcpy(dp_all, dP, sizeof dP);
  for (std::size_t j = 0; j < M; ++j) {
    N_out[j] = N[j / 2][j % 2];
    P_out[j] = P[j / 2][j % 2];
    if (jac)
      for (std::size_t l = 0; l < d; ++l) {
        dN_out[j * d + l] = dn_all[j][l];
        dP_out[j * d + l] = dp_all[j][l];
      }
  }
}

// Standard deviation of issue j's ideal points, for the tolerance's scale only: the two-pass
// variance of Population::issue_variance with four interleaved partial sums, whose additions do
// not wait on each other (issue 19: the one-chain loops cost ~0.45 ms a draw at n = 10^5, m = 2).
double issue_sd(const Population& pop, std::size_t j) {
  const std::size_t n = pop.n, m = pop.m;
  const double* const y = pop.y.data() + j;
  const auto sum = [&](auto term) {
    double s[4] = {};
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4)
      for (std::size_t k = 0; k < 4; ++k) s[k] += term(y[(i + k) * m]);
    for (; i < n; ++i) s[0] += term(y[i * m]);
    return (s[0] + s[1]) + (s[2] + s[3]);
  };
  const double dn = static_cast<double>(n);
  const double mean = sum([](double v) { return v; }) / dn;
  return std::sqrt(sum([&](double v) { return (v - mean) * (v - mean); }) / dn);
}

// The start's sums sum_i w_ij y_ij and sum_i w_ij (in agent order) and issue_sd for every issue,
// for a compile-time number of issues: the w-weighted means and the ideal points' means in one
// pass, the variances in a second (issue 19: issue_sd per issue and the sums made five passes).
// Per issue the same operations in the same order as issue_sd and the start's loop, so the same
// bits.
template <std::size_t M>
void start_sums(const Population& pop, double* wy, double* wsum, double* sd) {
  const std::size_t n = pop.n;
  const double* const y = pop.y.data();
  const double* const w = pop.w.data();
  double a[M] = {}, b[M] = {}, s[M][4] = {}, mean[M];
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (std::size_t k = 0; k < 4; ++k)
      for (std::size_t j = 0; j < M; ++j) {
        const double v = y[(i + k) * M + j];
        s[j][k] += v;
        a[j] += w[(i + k) * M + j] * v;
        b[j] += w[(i + k) * M + j];
      }
  for (; i < n; ++i)
    for (std::size_t j = 0; j < M; ++j) {
      s[j][0] += y[i * M + j];
      a[j] += w[i * M + j] * y[i * M + j];
      b[j] += w[i * M + j];
    }
  const double dn = static_cast<double>(n);
  for (std::size_t j = 0; j < M; ++j) {
    wy[j] = a[j];
    wsum[j] = b[j];
    mean[j] = ((s[j][0] + s[j][1]) + (s[j][2] + s[j][3])) / dn;
    for (double& v : s[j]) v = 0.0;
  }
  for (i = 0; i + 4 <= n; i += 4)
    for (std::size_t k = 0; k < 4; ++k)
      for (std::size_t j = 0; j < M; ++j) {
        const double d = y[(i + k) * M + j] - mean[j];
        s[j][k] += d * d;
      }
  for (; i < n; ++i)
    for (std::size_t j = 0; j < M; ++j) {
      const double d = y[i * M + j] - mean[j];
      s[j][0] += d * d;
    }
  for (std::size_t j = 0; j < M; ++j)
    sd[j] = std::sqrt(((s[j][0] + s[j][1]) + (s[j][2] + s[j][3])) / dn);
}

// What the last evaluation computed besides F: c and the unclamped flags for every agent (into
// the caller's arrays), N and P, and the z they belong to. The solution's c is then the last
// Newton evaluation's, not a further pass (issue 19).
struct LastPass {
  double* c = nullptr;  // n entries
  char* unclamped = nullptr;
  Eigen::VectorXd z;
  std::vector<double> N, P;
};

// The reduced equations F(z) = 0 in z = (x, log q) (or z = x when q is fixed):
//   F_x,j = sum_i c_i w_ij e_ij / P_j   (the weighted mean's shift: x_j(c) - x_j), or in limit
//           mode sum_i c_i w_ij e_ij / sqrt(q_j) (the net push in units of one agent's push)
//   F_q,j = log P_j - log q_j            (P_j = sum_i c_i w_ij must reproduce q_j)
class Equations {
 public:
  // sd: issue_sd of every issue when the caller has it (null: computed here).
  Equations(const Population& pop, const FixedPointOptions& o, const double* sd = nullptr)
      : pop_(pop),
        floor_(o.alpha / std::sqrt(static_cast<double>(pop.n))),
        fixed_metric_(!o.metric.empty()),
        limit_(o.limit || fixed_metric_),
        metric_(o.metric),
        scale_(pop.m, 1.0) {
    // Per-issue spread, so that the x equations are tested relative to the population's size.
    for (std::size_t j = 0; j < pop.m; ++j) {
      const double v = sd != nullptr ? sd[j] : issue_sd(pop, j);
      if (v > 0.0) scale_[j] = v;
    }
  }

  std::size_t dim() const { return fixed_metric_ ? pop_.m : 2 * pop_.m; }
  // Every evaluation from now on records its pass in `last` (not owned; null: none).
  void record(LastPass* last) { last_ = last; }
  bool limit() const { return limit_; }
  double floor() const { return floor_; }

  std::vector<double> x_of(const Eigen::VectorXd& z) const {
    return std::vector<double>(z.data(), z.data() + pop_.m);
  }
  std::vector<double> q_of(const Eigen::VectorXd& z) const {
    if (fixed_metric_) return metric_;
    std::vector<double> q(pop_.m);
    for (std::size_t j = 0; j < pop_.m; ++j)
      q[j] = std::exp(z[static_cast<Eigen::Index>(pop_.m + j)]);
    return q;
  }

  // F at z; the Jacobian too when `jac` is non-null. Also returns P (the new q).
  Eigen::VectorXd eval(const Eigen::VectorXd& z, Eigen::MatrixXd* jac,
                       std::vector<double>* P_out) const {
    const std::size_t m = pop_.m, n = pop_.n, d = dim();
    const std::vector<double> x = x_of(z), q = q_of(z);
    std::vector<double> N(m, 0.0), P(m, 0.0), inv_q(m);
    for (std::size_t j = 0; j < m; ++j) inv_q[j] = 1.0 / q[j];
    // dN[j][l], dP[j][l] for l < d (x then log q), row-major in plain arrays.
    std::vector<double> dNr(jac != nullptr ? m * d : 0, 0.0), dPr(dNr.size(), 0.0);
    std::vector<double> e(m), we(m), dc(d);
    double* jN = jac != nullptr ? dNr.data() : nullptr;
    double* jP = jac != nullptr ? dPr.data() : nullptr;
    const bool free_q = !fixed_metric_;
    double* const c_out = last_ != nullptr ? last_->c : nullptr;
    char* const free_out = last_ != nullptr ? last_->unclamped : nullptr;
    bool done = true;
    const auto pass = [&]<std::size_t M>() {
      accumulate_fixed<M>(pop_, x.data(), inv_q.data(), floor_, free_q, N.data(), P.data(), jN, jP,
                          c_out, free_out);
    };
    switch (m) {  // compiled per number of issues up to 6; more: the run-time loop below
      case 1:
        pass.template operator()<1>();
        break;
      case 2:
        pass.template operator()<2>();
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
        done = false;
    }
    for (std::size_t i = 0; i < (done ? 0 : n); ++i) {
      const double* y = &pop_.y[i * m];
      const double* w = &pop_.w[i * m];
      double s = 0.0;
      for (std::size_t j = 0; j < m; ++j) {
        e[j] = y[j] - x[j];
        we[j] = w[j] * e[j];
        s += we[j] * we[j] * inv_q[j];
      }
      const double root = std::sqrt(s);
      const bool free = root > floor_;
      const double c = 1.0 / (free ? root : floor_);
      if (c_out != nullptr) {
        c_out[i] = c;
        free_out[i] = free;
      }
      for (std::size_t j = 0; j < m; ++j) {
        N[j] += c * we[j];
        P[j] += c * w[j];
      }
      if (jac == nullptr || !free) continue;
      // dc/dx_l = c^3 w_l^2 e_l / q_l ; dc/dlog q_l = c^3 w_l^2 e_l^2 / (2 q_l)
      const double c3 = c * c * c;
      for (std::size_t l = 0; l < m; ++l) {
        dc[l] = c3 * w[l] * we[l] * inv_q[l];
        if (!fixed_metric_) dc[m + l] = 0.5 * dc[l] * e[l];
      }
      for (std::size_t j = 0; j < m; ++j) {
        double* rn = &dNr[j * d];
        double* rp = &dPr[j * d];
        for (std::size_t l = 0; l < d; ++l) {
          rn[l] += dc[l] * we[j];
          rp[l] += dc[l] * w[j];
        }
      }
    }
    Eigen::MatrixXd dN(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(d));
    Eigen::MatrixXd dP = dN;
    if (jac != nullptr)
      for (std::size_t j = 0; j < m; ++j)
        for (std::size_t l = 0; l < d; ++l) {
          dN(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(l)) = dNr[j * d + l];
          dP(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(l)) = dPr[j * d + l];
        }
    Eigen::VectorXd F(static_cast<Eigen::Index>(d));
    for (std::size_t j = 0; j < m; ++j) {
      const auto J = static_cast<Eigen::Index>(j);
      F[J] = limit_ ? N[j] / std::sqrt(q[j]) : N[j] / P[j];
      if (!fixed_metric_) F[J + static_cast<Eigen::Index>(m)] = std::log(P[j]) - std::log(q[j]);
    }
    if (jac != nullptr) {
      jac->setZero(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d));
      for (std::size_t j = 0; j < m; ++j) {
        const auto J = static_cast<Eigen::Index>(j);
        dN(J, J) -= P[j];  // e_ij = y_ij - x_j
        for (std::size_t l = 0; l < d; ++l) {
          const auto L = static_cast<Eigen::Index>(l);
          if (limit_) {
            // d(N_j q_j^(-1/2)): the log q_j column also gets -F_j / 2.
            (*jac)(J, L) =
                dN(J, L) / std::sqrt(q[j]) - (l == m + j && !fixed_metric_ ? 0.5 * F[J] : 0.0);
          } else {
            (*jac)(J, L) = (dN(J, L) - F[J] * dP(J, L)) / P[j];
          }
          if (!fixed_metric_) {
            (*jac)(J + static_cast<Eigen::Index>(m), L) =
                dP(J, L) / P[j] - (l == m + j ? 1.0 : 0.0);
          }
        }
      }
    }
    if (last_ != nullptr) {
      last_->z = z;
      last_->N = N;
      last_->P = P;
    }
    if (P_out != nullptr) *P_out = P;
    return F;
  }

  // Scaled size of F: x equations relative to the spread (limit: in pushes, as they are), log q
  // equations as they are.
  double size(const Eigen::VectorXd& F) const {
    double s = 0.0;
    for (Eigen::Index k = 0; k < F.size(); ++k) {
      const double v = static_cast<std::size_t>(k) < pop_.m && !limit_
                           ? F[k] / scale_[static_cast<std::size_t>(k)]
                           : F[k];
      s = std::max(s, std::abs(v));
    }
    return s;
  }

  // The plain map: x <- weighted mean, q <- P.
  Eigen::VectorXd plain_step(const Eigen::VectorXd& z) const {
    std::vector<double> P;
    const Eigen::VectorXd F = eval(z, nullptr, &P);
    Eigen::VectorXd next = z;
    for (std::size_t j = 0; j < pop_.m; ++j) {
      const auto J = static_cast<Eigen::Index>(j);
      // F_x is N/P, or N/sqrt(q) in limit mode.
      next[J] += limit_ ? F[J] * std::sqrt(q_of(z)[j]) / P[j] : F[J];
      if (!fixed_metric_) next[J + static_cast<Eigen::Index>(pop_.m)] = std::log(P[j]);
    }
    return next;
  }

  double scale(std::size_t j) const { return scale_[j]; }

 private:
  const Population& pop_;
  double floor_;
  bool fixed_metric_;
  bool limit_;
  std::vector<double> metric_;
  std::vector<double> scale_;
  LastPass* last_ = nullptr;
};

// m = 1: the x equation is piecewise flat (unclamped agents contribute sqrt(q) sgn(e_i)), so
// Newton is unreliable; bisect on x, solving the scalar q equation at each trial x.
Eigen::VectorXd solve_one_issue(const Population& pop, const Equations& eqs, Eigen::VectorXd z,
                                const FixedPointOptions& o, int& iterations) {
  const bool free_q = z.size() == 2;
  auto settle_q = [&](Eigen::VectorXd& zz) {
    if (!free_q) return;
    // Newton on the scalar q equation, warm-started from the previous trial x; dF/dlog q lies in
    // [-1, -1/2], so a few steps reach rounding level.
    for (int k = 0; k < 30; ++k) {
      Eigen::MatrixXd J;
      const Eigen::VectorXd F = eqs.eval(zz, &J, nullptr);
      const double step = -F[1] / J(1, 1);
      zz[1] += step;
      if (std::abs(step) < 1e-14) break;
    }
  };
  double lo = *std::min_element(pop.y.begin(), pop.y.end());
  double hi = *std::max_element(pop.y.begin(), pop.y.end());
  const double resolution =
      4.0 * std::numeric_limits<double>::epsilon() * std::max(std::abs(lo), std::abs(hi));
  for (iterations = 0; iterations < 200 && hi - lo > resolution; ++iterations) {
    z[0] = 0.5 * (lo + hi);
    settle_q(z);
    const Eigen::VectorXd F = eqs.eval(z, nullptr, nullptr);
    if (F[0] == 0.0 || eqs.size(F) < o.tolerance * 1e-3) break;
    (F[0] > 0.0 ? lo : hi) = z[0];
  }
  return z;
}

// Below this size of F, Newton keeps its Jacobian (see newton).
constexpr double kChordSize = 1e-5;

// Newton on F(z) = 0 from z with backtracking (Levenberg-Marquardt, then plain steps, when the
// Newton direction fails); `last_size` receives the size of F at the returned z.
Eigen::VectorXd newton(const Equations& eqs, Eigen::VectorXd z, const FixedPointOptions& o,
                       int& iterations, double& last_size, bool polish = false) {
  // Newton; every evaluation also gives the Jacobian, so an accepted trial point needs no
  // second pass, and the last evaluation is the convergence test.
  Eigen::MatrixXd J;
  Eigen::VectorXd F = eqs.eval(z, &J, nullptr);
  double& now = last_size;
  now = eqs.size(F);
  for (iterations = 0; iterations < o.max_iterations; ++iterations) {
    if (now < o.tolerance) break;
    const Eigen::VectorXd step = J.colPivHouseholderQr().solve(-F);
    bool accepted = false;
    // Near the root the Jacobian is kept (chord steps; issue 19: its sums were ~a third of a
    // pass): it changes by ~|step| relative, so a chord step contracts the error by that factor,
    // and the polishing step below is as good with it.
    const bool chord = polish && now < kChordSize;
    if (step.allFinite()) {
      for (double t = 1.0; t > 1e-6; t *= 0.5) {
        const Eigen::VectorXd trial = z + t * step;
        Eigen::MatrixXd Jt;
        Eigen::VectorXd Ft = eqs.eval(trial, chord ? nullptr : &Jt, nullptr);
        const double size = eqs.size(Ft);
        if (size < (1.0 - 1e-4 * t) * now) {
          z = trial;
          F = std::move(Ft);
          if (!chord) J = std::move(Jt);
          now = size;
          accepted = true;
          break;
        }
      }
    }
    if (!accepted && eqs.limit()) {
      // Newton's direction fails where the field is nearly singular (an issue in tiny units
      // makes the unit vectors almost one-dimensional) or near a kink: Levenberg-Marquardt
      // steps, which decrease ||F||_2 for a large enough damping, instead of the plain
      // (Weiszfeld) step, which stalls at ideal points.
      const Eigen::MatrixXd JtJ = J.transpose() * J;
      const Eigen::VectorXd grad = J.transpose() * F;
      const double f2 = F.squaredNorm();
      double mu = 1e-6 * JtJ.diagonal().maxCoeff();
      for (int k = 0; k < 40 && !accepted && mu > 0.0; ++k, mu *= 10.0) {
        Eigen::MatrixXd A = JtJ;
        A.diagonal().array() += mu;
        const Eigen::VectorXd trial = z + A.ldlt().solve(-grad);
        if (!trial.allFinite()) continue;
        Eigen::MatrixXd Jt;
        Eigen::VectorXd Ft = eqs.eval(trial, &Jt, nullptr);
        if (Ft.squaredNorm() < f2) {
          z = trial;
          F = std::move(Ft);
          J = std::move(Jt);
          now = eqs.size(F);
          accepted = true;
        }
      }
    }
    if (!accepted) {
      z = eqs.plain_step(z);
      F = eqs.eval(z, &J, nullptr);
      now = eqs.size(F);
    }
  }
  if (polish && now < o.tolerance) {
    // One more Newton step from the converged point, with F and J at hand: convergence is
    // quadratic, so this lands x at rounding level instead of anywhere below the tolerance. The
    // quantities that cancel (net movement ~ n |grad U| / q, grad U itself) depend on that: at
    // m = 5, n = 10^5 stopping at the tolerance moved net_movement by 7% (3 sem). Its pass needs
    // no Jacobian; kept only if F does not grow.
    const Eigen::VectorXd step = J.colPivHouseholderQr().solve(-F);
    if (step.allFinite()) {
      const Eigen::VectorXd trial = z + step;
      const double size = eqs.size(eqs.eval(trial, nullptr, nullptr));
      ++iterations;
      if (size <= now) {
        z = trial;
        now = size;
      }
    }
  }
  return z;
}

}  // namespace

double limit_violation(const Population& pop, std::span<const double> x, std::span<const double> q,
                       double at_tolerance, std::size_t* at_x) {
  const std::size_t m = pop.m;
  std::vector<double> sum(m, 0.0), a(m);
  std::size_t k = 0;
  for (std::size_t i = 0; i < pop.n; ++i) {
    double s = 0.0;
    for (std::size_t j = 0; j < m; ++j) {
      a[j] = pop.w[i * m + j] * (pop.y[i * m + j] - x[j]) / std::sqrt(q[j]);
      s += a[j] * a[j];
    }
    const double r = std::sqrt(s);
    if (r <= at_tolerance) {
      ++k;  // at her ideal point: contributes any vector of norm <= 1 (subgradient)
      continue;
    }
    for (std::size_t j = 0; j < m; ++j) sum[j] += a[j] / r;
  }
  double norm = 0.0;
  for (const double v : sum) norm += v * v;
  if (at_x != nullptr) *at_x = k;
  // NaN (a diverged x or q) must not pass as 0 through std::max.
  if (!std::isfinite(norm)) return std::numeric_limits<double>::infinity();
  return std::max(0.0, std::sqrt(norm) - static_cast<double>(k));
}

void scalings_at(const Population& pop, std::span<const double> x, std::span<const double> q,
                 double floor, std::span<double> c, std::span<char> unclamped) {
  const std::size_t m = pop.m;
  for (std::size_t i = 0; i < pop.n; ++i) {
    double s = 0.0;
    for (std::size_t j = 0; j < m; ++j) {
      const double we = pop.w[i * m + j] * (pop.y[i * m + j] - x[j]);
      s += we * we / q[j];
    }
    const double root = std::sqrt(s);
    unclamped[i] = root > floor;
    c[i] = 1.0 / std::max(root, floor);
  }
}

std::vector<double> section5_map(const Population& pop, std::span<const double> c, double alpha) {
  const std::size_t n = pop.n, m = pop.m;
  const double dn = static_cast<double>(n);
  // x_j(c) and sum_k s_k c_k w_kj with s_k = 1/n.
  std::vector<double> mass(m, 0.0), x(m, 0.0);
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t j = 0; j < m; ++j) {
      mass[j] += c[k] * pop.w[k * m + j];
      x[j] += c[k] * pop.w[k * m + j] * pop.y[k * m + j];
    }
  for (std::size_t j = 0; j < m; ++j) {
    x[j] /= mass[j];
    mass[j] /= dn;
  }
  std::vector<double> g(n);
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0.0;
    for (std::size_t j = 0; j < m; ++j) {
      const double we = pop.w[i * m + j] * (pop.y[i * m + j] - x[j]);
      s += we * we / mass[j];
    }
    g[i] = std::sqrt(dn) / std::max(alpha, std::sqrt(s));
  }
  return g;
}

double section5_residual(const Population& pop, std::span<const double> c, double alpha) {
  const std::vector<double> g = section5_map(pop, c, alpha);
  double r = 0.0;
  for (std::size_t i = 0; i < pop.n; ++i) r = std::max(r, std::abs(g[i] - c[i]) / c[i]);
  return r;
}

namespace {

double map_residual(const Population& pop, const std::vector<double>& c,
                    const std::vector<double>& xc, const std::vector<double>& mass, double alpha);

// c at (fp.x, fp.q) as scalings_at computes it, with sum c w and grad U(x) from the same pass, and
// (alpha > 0) fp.residual = section5_residual(c): x(c) and sum c w / n accumulated in that pass,
// the map and its residual in a second one (the same operations as section5_map's three passes).
FAIRMC_POWER_KERNEL void final_scalings(const Population& pop, FixedPoint& fp, double floor,
                                        double alpha) {
  const std::size_t n = pop.n, m = pop.m;
  const double dn = static_cast<double>(n);
  std::vector<double> mass(m, 0.0), xc(m, 0.0);
  fp.gradient.assign(m, 0.0);
  const double* const ws = pop.w.data();
  const double* const ys = pop.y.data();
  // s_i into c's storage, then every c_i (vectorised, IEEE-exact per lane), then the sums in
  // agent order.
  for (std::size_t i = 0; i < n; ++i) {
    const double* w = ws + i * m;
    const double* y = ys + i * m;
    double s = 0.0;
    for (std::size_t j = 0; j < m; ++j) {
      const double we = w[j] * (y[j] - fp.x[j]);
      s += we * we / fp.q[j];
    }
    fp.c[i] = s;
  }
  {  // c = 1 / max(sqrt(s), floor), vectorised
    double* const cs = fp.c.data();
    char* const free = fp.unclamped.data();
    for (std::size_t i = 0; i < n; ++i) {
      const double root = std::sqrt(cs[i]);
      free[i] = root > floor;
      cs[i] = 1.0 / std::max(root, floor);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double* w = ws + i * m;
    const double* y = ys + i * m;
    const double c = fp.c[i];
    for (std::size_t j = 0; j < m; ++j) {
      mass[j] += c * w[j];
      xc[j] += c * w[j] * y[j];
      fp.gradient[j] -= 2.0 * c * w[j] * (fp.x[j] - y[j]);
    }
  }
  fp.weight_sum = mass;
  if (!(alpha > 0.0)) return;
  for (std::size_t j = 0; j < m; ++j) {
    xc[j] /= mass[j];
    mass[j] /= dn;
  }
  fp.residual = map_residual(pop, fp.c, xc, mass, alpha);
}

// fp.residual = section5_residual(c) given x(c) = xc and sum_k c_k w_kj / n = mass: the map and
// its residual in one pass. M = the number of issues at compile time (1..6; 0: at run time), so
// that the per-agent sum unrolls with xc and mass in registers; the same operations in the same
// order for every M, so the same bits.
template <std::size_t M>
FAIRMC_POWER_KERNEL double map_residual_m(const Population& pop, const double* c,
                                          const double* xc_in, const double* mass_in,
                                          double alpha) {
  const std::size_t n = pop.n, m = M > 0 ? M : pop.m;
  constexpr std::size_t kBuf = M > 0 ? M : 1;
  double xc_buf[kBuf], mass_buf[kBuf];
  const double* xc = xc_in;
  const double* mass = mass_in;
  if constexpr (M > 0) {
    std::copy(xc_in, xc_in + M, xc_buf);
    std::copy(mass_in, mass_in + M, mass_buf);
    xc = xc_buf;
    mass = mass_buf;
  }
  const double* const ws = pop.w.data();
  const double* const ys = pop.y.data();
  const double sqrt_n = std::sqrt(static_cast<double>(n));
  double r = 0.0;
  constexpr std::size_t B = 256;
  double sb[B];
  for (std::size_t i0 = 0; i0 < n; i0 += B) {
    const std::size_t nb = std::min(B, n - i0);
    for (std::size_t k = 0; k < nb; ++k) {
      double s = 0.0;
      for (std::size_t j = 0; j < m; ++j) {
        const double we = ws[(i0 + k) * m + j] * (ys[(i0 + k) * m + j] - xc[j]);
        s += we * we / mass[j];
      }
      sb[k] = s;
    }
    for (std::size_t k = 0; k < nb; ++k) sb[k] = std::sqrt(sb[k]);
    for (std::size_t k = 0; k < nb; ++k) {
      const double g = sqrt_n / std::max(alpha, sb[k]);
      sb[k] = std::abs(g - c[i0 + k]) / c[i0 + k];
    }
    for (std::size_t k = 0; k < nb; ++k) r = std::max(r, sb[k]);
  }
  return r;
}

double map_residual(const Population& pop, const std::vector<double>& c,
                    const std::vector<double>& xc, const std::vector<double>& mass, double alpha) {
  const auto run = [&]<std::size_t M>() {
    return map_residual_m<M>(pop, c.data(), xc.data(), mass.data(), alpha);
  };
  switch (pop.m) {
    case 1:
      return run.template operator()<1>();
    case 2:
      return run.template operator()<2>();
    case 3:
      return run.template operator()<3>();
    case 4:
      return run.template operator()<4>();
    case 5:
      return run.template operator()<5>();
    case 6:
      return run.template operator()<6>();
    default:
      return run.template operator()<0>();
  }
}

// fp.c already holds c at (fp.x, fp.q) from the solver's last pass, which also summed
// N_j = sum_k c_k w_kj (y_kj - x_j) and P_j = sum_k c_k w_kj: the weight sums are P, grad U(x) =
// -2 sum_k c_k w_kj (x_j - y_kj) = 2 N, and x(c) = x + N/P (the weighted mean), so only the
// residual's pass remains (alpha > 0). The same quantities as final_scalings, rounded
// differently in the last bits (c from 1/q_j's product instead of a division by q_j).
void scalings_done(const Population& pop, FixedPoint& fp, const std::vector<double>& N,
                   const std::vector<double>& P, double alpha) {
  const std::size_t m = pop.m;
  fp.weight_sum = P;
  fp.gradient.resize(m);
  for (std::size_t j = 0; j < m; ++j) fp.gradient[j] = 2.0 * N[j];
  if (!(alpha > 0.0)) return;
  std::vector<double> xc(m), mass(m);
  for (std::size_t j = 0; j < m; ++j) {
    xc[j] = fp.x[j] + N[j] / P[j];
    mass[j] = P[j] / static_cast<double>(pop.n);
  }
  fp.residual = map_residual(pop, fp.c, xc, mass, alpha);
}

}  // namespace

FixedPoint solve_fixed_point(const Population& pop, const FixedPointOptions& o) {
  const std::size_t m = pop.m;
  // Start at the w-weighted mean with q from c = 1 (in limit mode, a few plain steps follow: the
  // map is homogeneous of degree 1/2 in c, so q's scale error halves per step). The sums in agent
  // order; for m <= 6 in registers and in one pass with the ideal points' spread (start_sums).
  std::vector<double> wsum(m, 0.0), wy(m, 0.0), sd(m, 0.0);
  bool have_sd = true;
  const auto sums = [&]<std::size_t M>() { start_sums<M>(pop, wy.data(), wsum.data(), sd.data()); };
  switch (m) {
    case 1:
      sums.template operator()<1>();
      break;
    case 2:
      sums.template operator()<2>();
      break;
    case 3:
      sums.template operator()<3>();
      break;
    case 4:
      sums.template operator()<4>();
      break;
    case 5:
      sums.template operator()<5>();
      break;
    case 6:
      sums.template operator()<6>();
      break;
    default:
      have_sd = false;
      for (std::size_t i = 0; i < pop.n; ++i)
        for (std::size_t j = 0; j < m; ++j) {
          wy[j] += pop.w[i * m + j] * pop.y[i * m + j];
          wsum[j] += pop.w[i * m + j];
        }
  }
  Equations eqs(pop, o, have_sd ? sd.data() : nullptr);
  const auto d = static_cast<Eigen::Index>(eqs.dim());
  Eigen::VectorXd z = Eigen::VectorXd::Zero(d);
  for (std::size_t j = 0; j < m; ++j) z[static_cast<Eigen::Index>(j)] = wy[j];
  for (std::size_t j = 0; j < m; ++j) {
    z[static_cast<Eigen::Index>(j)] /= wsum[j];
    if (o.metric.empty()) z[static_cast<Eigen::Index>(m + j)] = std::log(wsum[j]);
  }

  const Eigen::VectorXd z_start = z;
  FixedPoint fp;
  // Each pass writes its c into fp.c: the solution's c is the last pass's (issue 19).
  fp.c.resize(pop.n);
  fp.unclamped.resize(pop.n);
  LastPass last;
  last.c = fp.c.data();
  last.unclamped = fp.unclamped.data();
  eqs.record(&last);
  double last_size = 0.0;  // m > 1: the size of F at the returned z
  if (m == 1) {
    z = solve_one_issue(pop, eqs, z, o, fp.iterations);
  } else if (eqs.limit()) {
    // Two plain steps, then the overall scale of q in one move: for unclamped agents c scales
    // like sqrt(q), so P(s q) = sqrt(s) P(q) and s = (geometric mean of P/q)^2 settles the scale
    // that each plain step only halves (issue 19: 8 plain steps were half the passes).
    for (int k = 0; k < 2; ++k) z = eqs.plain_step(z);
    if (o.metric.empty()) {
      std::vector<double> P;
      eqs.eval(z, nullptr, &P);
      double shift = 0.0;
      for (std::size_t j = 0; j < m; ++j)
        shift +=
            2.0 * (std::log(P[j]) - z[static_cast<Eigen::Index>(m + j)]) / static_cast<double>(m);
      for (std::size_t j = 0; j < m; ++j) z[static_cast<Eigen::Index>(m + j)] += shift;
    }
    z = newton(eqs, std::move(z), o, fp.iterations, last_size);
  } else {
    // Section 5's equations: Newton from the start at once. F_q = log P - log q is affine in
    // log q where the agents are unclamped (c, hence P, scales like sqrt(q)), so the first Newton
    // step sets q's overall scale, which the plain steps only halved (issue 19: they and a
    // scale move were 3 of a draw's ~7 passes at m = 2; Newton needs ~0.5 more).
    z = newton(eqs, std::move(z), o, fp.iterations, last_size, true);
  }
  fp.x = eqs.x_of(z);
  fp.q = eqs.q_of(z);
  const double final_size = m == 1 ? eqs.size(eqs.eval(z, nullptr, nullptr)) : last_size;
  eqs.record(nullptr);  // from here fp.c is the certificate's (limit mode)
  if (eqs.limit()) {
    auto certify = [&] {
      // Certify from scratch. An agent within the floor of x is at her ideal point in the alpha ->
      // 0 limit: put x there exactly, and accept it only if the subgradient condition holds.
      scalings_at(pop, fp.x, fp.q, eqs.floor(), fp.c, fp.unclamped);
      for (std::size_t i = 0; i < pop.n; ++i)
        if (!fp.unclamped[i]) {
          for (std::size_t j = 0; j < m; ++j) fp.x[j] = pop.y[i * m + j];
          break;
        }
      fp.residual = limit_violation(pop, fp.x, fp.q, eqs.floor(), &fp.at_ideal);
      // The x equations are certified above (near an ideal point they need not be small: the
      // kink); the q equations, when q is free, must hold on their own.
      bool q_settled = true;
      if (o.metric.empty()) {
        const Eigen::VectorXd F = eqs.eval(z, nullptr, nullptr);
        for (std::size_t j = 0; j < m; ++j)
          q_settled = q_settled &&
                      std::abs(F[static_cast<Eigen::Index>(m + j)]) < std::max(o.tolerance, 1e-9);
      }
      fp.converged = fp.residual <= o.limit_tolerance && q_settled;
      if (!fp.converged && !o.metric.empty()) {
        // Newton can stall at the kink of a limit sitting on an ideal point: try the ideal points
        // of the agents nearest to where it stopped (largest c_i), each under the subgradient test.
        std::vector<std::size_t> order(pop.n);
        for (std::size_t i = 0; i < pop.n; ++i) order[i] = i;
        const std::size_t k = std::min<std::size_t>(8, pop.n);
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k),
                          order.end(),
                          [&](std::size_t a, std::size_t b) { return fp.c[a] > fp.c[b]; });
        for (std::size_t t = 0; t < k && !fp.converged; ++t) {
          std::vector<double> y(pop.y.begin() + static_cast<std::ptrdiff_t>(order[t] * m),
                                pop.y.begin() + static_cast<std::ptrdiff_t>((order[t] + 1) * m));
          std::size_t at = 0;
          const double v = limit_violation(pop, y, fp.q, eqs.floor(), &at);
          if (v <= o.limit_tolerance) {
            fp.x = y;
            fp.residual = v;
            fp.at_ideal = at;
            fp.converged = true;
          }
        }
      }
    };
    certify();
    if (!fp.converged && !o.metric.empty() && m > 1) {
      // Continuation in the floor: where an issue is in tiny units the unit vectors are nearly
      // one-dimensional and the field is too stiff for Newton from the weighted mean. Smooth it
      // (agents within the floor contribute linearly) with a floor of a tenth of the median
      // ||a_i||, solve, and shrink the floor 30-fold per stage down to the target, warm-started.
      std::vector<double> r(pop.n), c0(pop.n);
      std::vector<char> unused(pop.n);
      scalings_at(pop, eqs.x_of(z_start), o.metric, 0.0, c0, unused);
      for (std::size_t i = 0; i < pop.n; ++i) r[i] = 1.0 / c0[i];
      std::nth_element(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(pop.n / 2), r.end());
      Eigen::VectorXd zc = z_start;
      for (double f = 0.1 * r[pop.n / 2];; f /= 30.0) {
        const bool last = !(f > eqs.floor());
        FixedPointOptions oc = o;
        oc.alpha = (last ? eqs.floor() : f) * std::sqrt(static_cast<double>(pop.n));
        if (!last) oc.max_iterations = std::min(o.max_iterations, 40);  // stages need not converge
        int it = 0;
        double size = 0.0;
        zc = newton(Equations(pop, oc), std::move(zc), oc, it, size);
        fp.iterations += it;
        if (last || !zc.allFinite()) break;
      }
      if (zc.allFinite()) {
        z = zc;
        fp.x = eqs.x_of(z);
        certify();
      }
    }
    if (!fp.converged && o.metric.empty()) {
      // Free q: Newton on the push-unit equations can diverge in q where weights vary widely;
      // the Section 5 form of the same equations (x as the weighted mean) is the fallback, and
      // its solution must pass the same certificate.
      FixedPointOptions o5 = o;
      o5.limit = false;
      const FixedPoint f5 = solve_fixed_point(pop, o5);
      if (f5.converged) {
        for (std::size_t j = 0; j < m; ++j) {
          z[static_cast<Eigen::Index>(j)] = f5.x[j];
          z[static_cast<Eigen::Index>(m + j)] = std::log(f5.q[j]);
        }
        fp.x = f5.x;
        fp.q = f5.q;
        fp.iterations += f5.iterations;
        certify();
      }
    }
    if (!fp.converged && !o.metric.empty() && pop.n <= 4096) {
      // Last resort for small populations: every ideal point under the subgradient test
      // (O(n^2 m)); a limit on an ideal point that Newton could not approach is still found.
      for (std::size_t i = 0; i < pop.n && !fp.converged; ++i) {
        std::vector<double> y(pop.y.begin() + static_cast<std::ptrdiff_t>(i * m),
                              pop.y.begin() + static_cast<std::ptrdiff_t>((i + 1) * m));
        std::size_t at = 0;
        const double v = limit_violation(pop, y, fp.q, eqs.floor(), &at);
        if (v <= o.limit_tolerance) {
          fp.x = y;
          fp.residual = v;
          fp.at_ideal = at;
          fp.converged = true;
        }
      }
    }
  } else {
    fp.converged = final_size < std::max(o.tolerance, 1e-9);
  }
  if (!eqs.limit() && last.z.size() == z.size() && last.z == z) {
    // fp.c is the last pass's, at z itself: its sums are sum c w and grad U(x).
    scalings_done(pop, fp, last.N, last.P, o.alpha);
  } else {
    final_scalings(pop, fp, eqs.floor(), eqs.limit() ? -1.0 : o.alpha);
  }
  if (!fp.converged) {
    // No certified solution: report nothing rather than a wrong point.
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    std::fill(fp.x.begin(), fp.x.end(), nan);
    std::fill(fp.q.begin(), fp.q.end(), nan);
    std::fill(fp.c.begin(), fp.c.end(), nan);
    std::fill(fp.weight_sum.begin(), fp.weight_sum.end(), nan);
    std::fill(fp.gradient.begin(), fp.gradient.end(), nan);
  }
  return fp;
}

}  // namespace fairmc::power
