#include "scenarios/persuasion/exact_alpha_types.hpp"

#include "scenarios/persuasion/exact_alpha.hpp"
#include "scenarios/persuasion/lp.hpp"

#include <glpk.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <queue>

namespace fairmc::persuasion {
namespace {

// log 0 in the relaxation. A profile that uses a law with F_v(b) = 0 has G(b) = 0; with -40 per
// agent the relaxation over-states e^{z_b} by at most e^-40, added to every upper bound.
constexpr double kLogZero = -40.0;
// Below this u = log G(β-1) the term κ e^u is bounded by κ e^kFloor (one piece).
constexpr double kFloor = -60.0;
// Added to every upper bound, relative to the direction's scale λ_A m0 + λ_B m_top: GLPK's
// feasibility and optimality tolerances (1e-7), the 1e-8 stop of the cutting planes and the
// e^kLogZero terms are all below it.
constexpr double kMargin = 1e-6;

struct ProbDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};

struct Family {
  int n = 0;                             // B agents
  int K = 0;                             // buckets
  int b0 = 0;                            // A's bucket
  double m0 = 0.0;                       // A's canonical value
  std::vector<double> m;                 // canonical values m_b
  std::vector<std::vector<double>> ell;  // ell[v][b] = log F_v(b) (kLogZero for 0)
  std::vector<std::vector<char>> zero;   // F_v(b) == 0
};

// Exact class totals of an integer profile (counts per law) under one tie order.
std::pair<double, double> totals(const Family& F, const std::vector<double>& counts, bool a_ahead) {
  std::vector<double> G(static_cast<std::size_t>(F.K));
  for (int b = 0; b < F.K; ++b) {
    double z = 0.0;
    bool nil = false;
    for (std::size_t v = 0; v < counts.size(); ++v) {
      if (counts[v] <= 0.0) continue;
      if (F.zero[v][static_cast<std::size_t>(b)]) nil = true;
      z += counts[v] * F.ell[v][static_cast<std::size_t>(b)];
    }
    G[static_cast<std::size_t>(b)] = nil ? 0.0 : std::exp(z);
  }
  G.back() = 1.0;
  const int beta = F.b0 + (a_ahead ? 1 : 0);
  const double YA = beta >= 1 ? F.m0 * G[static_cast<std::size_t>(beta - 1)] : 0.0;
  double YB = 0.0;
  for (int b = beta; b < F.K; ++b)
    YB += F.m[static_cast<std::size_t>(b)] *
          (G[static_cast<std::size_t>(b)] - (b > 0 ? G[static_cast<std::size_t>(b - 1)] : 0.0));
  return {YA, std::max(0.0, YB)};
}

// One concave piece: maximise constant + lin_u·u - Σ_j d_j e^{z_{b_j}} over real counts c >= 0,
// Σ c = n, u = z_{ub}(c) in [u1, u2] (when `bounded`).
struct Piece {
  double constant = 0.0;
  double lin_u = 0.0;
  int ub = -1;  // bucket of u (β - 1); -1: no u
  std::vector<int> exp_b;
  std::vector<double> exp_d;
  bool bounded = false;
  double u1 = 0.0, u2 = 0.0;
};

struct PieceResult {
  bool feasible = false;
  double upper = -HUGE_VAL;    // certified upper bound on the piece's maximum
  std::vector<double> counts;  // the LP point
};

double z_of(const Family& F, const std::vector<double>& c, int b) {
  double z = 0.0;
  for (std::size_t v = 0; v < c.size(); ++v) z += c[v] * F.ell[v][static_cast<std::size_t>(b)];
  return z;
}

PieceResult solve_piece(const Family& F, const Piece& P, double scale, int& lp_solves) {
  PieceResult out;
  const int nv = static_cast<int>(F.ell.size());
  const int nt = static_cast<int>(P.exp_b.size());
  std::unique_ptr<glp_prob, ProbDeleter> lp(glp_create_prob());
  glp_set_obj_dir(lp.get(), GLP_MAX);
  glp_add_cols(lp.get(), nv + nt);
  for (int v = 1; v <= nv; ++v) {
    glp_set_col_bnds(lp.get(), v, GLP_DB, 0.0, F.n);
    if (P.ub >= 0)
      glp_set_obj_coef(
          lp.get(), v,
          P.lin_u * F.ell[static_cast<std::size_t>(v - 1)][static_cast<std::size_t>(P.ub)]);
  }
  for (int j = 1; j <= nt; ++j) {
    glp_set_col_bnds(lp.get(), nv + j, GLP_LO, 0.0, 0.0);
    glp_set_obj_coef(lp.get(), nv + j, -P.exp_d[static_cast<std::size_t>(j - 1)]);
  }
  std::vector<int> idx(static_cast<std::size_t>(nv + nt + 2));
  std::vector<double> val(idx.size());
  glp_add_rows(lp.get(), 1);  // Σ c = n
  for (int v = 1; v <= nv; ++v) {
    idx[static_cast<std::size_t>(v)] = v;
    val[static_cast<std::size_t>(v)] = 1.0;
  }
  glp_set_mat_row(lp.get(), 1, nv, idx.data(), val.data());
  glp_set_row_bnds(lp.get(), 1, GLP_FX, F.n, F.n);
  if (P.bounded) {
    const int r = glp_add_rows(lp.get(), 1);
    for (int v = 1; v <= nv; ++v) {
      idx[static_cast<std::size_t>(v)] = v;
      val[static_cast<std::size_t>(v)] =
          F.ell[static_cast<std::size_t>(v - 1)][static_cast<std::size_t>(P.ub)];
    }
    glp_set_mat_row(lp.get(), r, nv, idx.data(), val.data());
    if (std::isfinite(P.u1))
      glp_set_row_bnds(lp.get(), r, GLP_DB, P.u1, P.u2);
    else
      glp_set_row_bnds(lp.get(), r, GLP_UP, 0.0, P.u2);
  }
  const auto add_cut = [&](int j, double zhat) {  // t_j >= e^ẑ (1 + z - ẑ)
    const double e = std::exp(zhat);
    if (e <= 0.0) return;
    const int r = glp_add_rows(lp.get(), 1);
    const int b = P.exp_b[static_cast<std::size_t>(j)];
    int len = 0;
    for (int v = 1; v <= nv; ++v) {
      idx[static_cast<std::size_t>(++len)] = v;
      val[static_cast<std::size_t>(len)] =
          -e * F.ell[static_cast<std::size_t>(v - 1)][static_cast<std::size_t>(b)];
    }
    idx[static_cast<std::size_t>(++len)] = nv + 1 + j;
    val[static_cast<std::size_t>(len)] = 1.0;
    glp_set_mat_row(lp.get(), r, len, idx.data(), val.data());
    glp_set_row_bnds(lp.get(), r, GLP_LO, e * (1.0 - zhat), 0.0);
  };
  for (int j = 0; j < nt; ++j) add_cut(j, 0.0);
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  std::vector<double> c(static_cast<std::size_t>(nv));
  for (int iter = 0; iter < 400; ++iter) {
    ++lp_solves;
    const int rc = glp_simplex(lp.get(), &parm);
    if (rc == GLP_ENOPFS || (rc == 0 && glp_get_status(lp.get()) == GLP_NOFEAS)) return out;
    if (rc != 0 || glp_get_status(lp.get()) != GLP_OPT) {
      out.feasible = true;  // unknown: the caller gives up
      out.upper = HUGE_VAL;
      return out;
    }
    out.feasible = true;
    for (int v = 1; v <= nv; ++v)
      c[static_cast<std::size_t>(v - 1)] = std::max(0.0, glp_get_col_prim(lp.get(), v));
    const double ub = P.constant + glp_get_obj_val(lp.get());
    // The piece's objective at c with every exp exact: ub - f is the cutting planes' gap.
    double f = P.constant + (P.ub >= 0 ? P.lin_u * z_of(F, c, P.ub) : 0.0);
    bool cut = false;
    for (int j = 0; j < nt; ++j) {
      const double z = std::min(0.0, z_of(F, c, P.exp_b[static_cast<std::size_t>(j)]));
      const double e = std::exp(z);
      f -= P.exp_d[static_cast<std::size_t>(j)] * e;
      if (e > glp_get_col_prim(lp.get(), nv + 1 + j) + 1e-15 * std::max(1.0, e)) {
        add_cut(j, z);
        cut = true;
      }
    }
    out.upper = ub;
    out.counts = c;
    // GLPK's tolerances (1e-7 on rows and reduced costs) leave cuts of tiny exps unenforced, so
    // the stop is at 1e-8 relative and the caller adds a 1e-6 relative margin to every bound.
    if (!cut || ub - f <= 1e-8 * scale) break;
  }
  return out;
}

// Largest-remainder rounding of real counts to integers summing to n.
std::vector<double> round_counts(const std::vector<double>& c, int n) {
  std::vector<double> r(c.size());
  std::vector<std::pair<double, std::size_t>> frac;
  double s = 0.0;
  for (std::size_t v = 0; v < c.size(); ++v) {
    r[v] = std::floor(c[v] + 1e-9);
    s += r[v];
    frac.emplace_back(c[v] - r[v], v);
  }
  std::sort(frac.begin(), frac.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t t = 0; s < n && t < frac.size(); ++t, s += 1.0) r[frac[t].second] += 1.0;
  for (std::size_t t = 0; s > n && t < r.size(); ++t)
    while (s > n && r[t] > 0.0) {
      r[t] -= 1.0;
      s -= 1.0;
    }
  return r;
}

// Integer profiles near real counts: largest-remainder rounding, and for every law with a
// fractional count, that law rounded up and down (one agent moved to or from the largest count):
// a fraction of a law whose F_v(b) = 0 acts in the relaxation like a whole agent.
std::vector<std::vector<double>> integer_profiles(const std::vector<double>& c, int n) {
  std::vector<std::vector<double>> out{round_counts(c, n)};
  const std::vector<double> base = out.front();
  const auto largest =
      static_cast<std::size_t>(std::max_element(base.begin(), base.end()) - base.begin());
  for (std::size_t v = 0; v < c.size(); ++v) {
    if (c[v] - std::floor(c[v]) < 1e-9 || v == largest) continue;
    for (const double target : {std::floor(c[v]), std::ceil(c[v])}) {
      std::vector<double> r = base;
      const double d = target - r[v];
      if (d == 0.0 || r[largest] - d < 0.0) continue;
      r[v] = target;
      r[largest] -= d;
      out.push_back(std::move(r));
    }
  }
  return out;
}

// max over the convex hull of `pts` (class totals) of Q_k for every k = 1..n+1 (type-constant).
std::vector<double> max_prefix_over_hull(std::vector<std::pair<double, double>> pts, int n) {
  pts.emplace_back(0.0, 0.0);
  std::sort(pts.begin(), pts.end());
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  // Upper-right hull by Andrew's monotone chain (upper chain in Y_B over Y_A).
  std::vector<std::pair<double, double>> hull;
  const auto cross = [](const auto& o, const auto& a, const auto& b) {
    return (a.first - o.first) * (b.second - o.second) -
           (a.second - o.second) * (b.first - o.first);
  };
  for (const auto& p : pts) {
    while (hull.size() >= 2 && cross(hull[hull.size() - 2], hull.back(), p) >= 0.0) hull.pop_back();
    hull.push_back(p);
  }
  std::vector<double> out(static_cast<std::size_t>(n + 1), 0.0);
  const double N = n;
  for (int k = 1; k <= n + 1; ++k) {
    const auto Q = [&](double YA, double YB) {
      if (k == n + 1) return YA + YB;
      return std::min(k * YB / N, YA + (k - 1) * YB / N);
    };
    double best = 0.0;
    for (std::size_t t = 0; t < hull.size(); ++t) {
      best = std::max(best, Q(hull[t].first, hull[t].second));
      if (t + 1 < hull.size() && k <= n) {  // the kink y_A = y_B inside the edge
        const auto& a = hull[t];
        const auto& b = hull[t + 1];
        const double da = a.first - a.second / N, db = b.first - b.second / N;
        if ((da < 0.0) != (db < 0.0)) {
          const double s = da / (da - db);
          best = std::max(
              best, Q(a.first + s * (b.first - a.first), a.second + s * (b.second - a.second)));
        }
      }
    }
    out[static_cast<std::size_t>(k - 1)] = best;
  }
  return out;
}

}  // namespace

bool appendix_a_family(const std::vector<DiscretePrior>& priors, const Polymatroid& f) {
  const auto cap = f.uniform_capacity();
  if (!cap || *cap != 1 || f.size() != static_cast<int>(priors.size())) return false;
  int points = 0;
  const DiscretePrior* b = nullptr;
  for (const DiscretePrior& p : priors) {
    if (p.values.size() == 1) {
      ++points;
    } else if (!b) {
      b = &p;
    } else if (p.values != b->values || p.probs != b->probs) {
      return false;
    }
  }
  return points == 1 && b && b->values.size() == 2;
}

PrefixBracket appendix_a_prefix_bracket(const std::vector<DiscretePrior>& priors,
                                        const Polymatroid& f, const Buckets& buckets,
                                        const std::vector<std::vector<double>>& points) {
  PrefixBracket res;
  const auto cap = f.uniform_capacity();
  if (!cap || *cap != 1 || f.size() != static_cast<int>(priors.size())) {
    res.reason = "not a 1-uniform matroid";
    return res;
  }
  int a_index = -1, b_rep = -1;
  for (std::size_t i = 0; i < priors.size(); ++i) {
    if (priors[i].values.size() == 1) {
      if (a_index >= 0) {
        res.reason = "more than one point prior";
        return res;
      }
      a_index = static_cast<int>(i);
    } else if (b_rep < 0) {
      b_rep = static_cast<int>(i);
    } else if (priors[i].values != priors[static_cast<std::size_t>(b_rep)].values ||
               priors[i].probs != priors[static_cast<std::size_t>(b_rep)].probs) {
      res.reason = "the non-point priors differ";
      return res;
    }
  }
  if (a_index < 0 || b_rep < 0) {
    res.reason = "not Appendix A's two classes";
    return res;
  }
  const auto verts = bucket_polytope_vertices(priors[static_cast<std::size_t>(b_rep)], buckets);
  if (!verts) {
    res.reason = "prior with more than two values";
    return res;
  }
  Family F;
  F.n = static_cast<int>(priors.size()) - 1;
  F.K = buckets.count();
  F.b0 = buckets.index(priors[static_cast<std::size_t>(a_index)].values[0]);
  F.m0 = buckets.canonical(F.b0);
  for (int b = 0; b < F.K; ++b) F.m.push_back(buckets.canonical(b));
  for (const auto& p : *verts) {
    std::vector<double> ell(static_cast<std::size_t>(F.K));
    std::vector<char> zero(static_cast<std::size_t>(F.K));
    double cdf = 0.0;
    for (int b = 0; b < F.K; ++b) {
      cdf += p[static_cast<std::size_t>(b)];
      const double Fb = b == F.K - 1 ? 1.0 : std::min(1.0, cdf);
      zero[static_cast<std::size_t>(b)] = Fb <= 0.0;
      ell[static_cast<std::size_t>(b)] = Fb <= 0.0 ? kLogZero : std::max(kLogZero, std::log(Fb));
    }
    F.ell.push_back(std::move(ell));
    F.zero.push_back(std::move(zero));
  }
  use_glpk_on_this_thread();

  // Achievable points: the given vectors' class totals, and rounded LP solutions.
  std::vector<std::pair<double, double>> inner;
  for (const auto& u : points) {
    double YA = u[static_cast<std::size_t>(a_index)], YB = 0.0;
    for (std::size_t i = 0; i < u.size(); ++i)
      if (static_cast<int>(i) != a_index) YB += u[i];
    inner.emplace_back(YA, YB);
  }
  // Outer half-planes λ_A Y_A + λ_B Y_B <= h.
  std::vector<std::array<double, 3>> outer;
  bool failed = false;
  const auto direction = [&](double la, double lb) {
    ++res.directions;
    const bool a_ahead = la >= lb;
    const int beta = F.b0 + (a_ahead ? 1 : 0);
    const double scale = la * F.m0 + lb * F.m.back();
    Piece base;
    base.constant = lb * F.m.back();
    for (int b = beta; b <= F.K - 2; ++b) {
      base.exp_b.push_back(b);
      base.exp_d.push_back(
          lb * (F.m[static_cast<std::size_t>(b + 1)] - F.m[static_cast<std::size_t>(b)]));
    }
    if (beta >= F.K) {  // A is in the top bucket and wins its ties: B never wins, Y = (m0, 0)
      outer.push_back({la, lb, la * F.m0 * (1.0 + kMargin)});
      inner.emplace_back(F.m0, 0.0);
      return;
    }
    const double beta_m = F.m[static_cast<std::size_t>(beta)];
    const double kappa = beta >= 1 ? la * F.m0 - lb * beta_m : 0.0;
    double h = -HUGE_VAL;
    const auto take = [&](const PieceResult& r) {
      if (!r.feasible) return;
      if (!std::isfinite(r.upper)) failed = true;
      if (kappa <= 0.0) h = std::max(h, r.upper);
      if (!r.counts.empty()) {
        for (const auto& c : integer_profiles(r.counts, F.n))
          for (const bool o : {false, true}) inner.push_back(totals(F, c, o));
      }
    };
    if (kappa <= 0.0) {
      Piece p = base;
      if (beta >= 1 && kappa < 0.0) {
        p.exp_b.push_back(beta - 1);
        p.exp_d.push_back(-kappa);
      }
      take(solve_piece(F, p, scale, res.lp_solves));
    } else {
      // κ e^u on intervals of u = z_{β-1}: chords, the interval with the largest bound split.
      struct Node {
        double upper, u1, u2;
        bool operator<(const Node& o) const { return upper < o.upper; }
      };
      std::priority_queue<Node> open;
      double best_relaxed = -HUGE_VAL, bottom = -HUGE_VAL;
      const auto solve_interval = [&](double u1, double u2) {
        Piece p = base;
        p.ub = beta - 1;
        p.bounded = true;
        p.u1 = u1;
        p.u2 = u2;
        if (!std::isfinite(u1)) {  // (-inf, kFloor]: κ e^u <= κ e^kFloor
          p.constant += kappa * std::exp(u2);
        } else {
          const double s = (std::exp(u2) - std::exp(u1)) / (u2 - u1);
          p.lin_u = kappa * s;
          p.constant += kappa * (std::exp(u1) - s * u1);
        }
        const PieceResult r = solve_piece(F, p, scale, res.lp_solves);
        take(r);
        if (!r.feasible) return;
        if (!r.counts.empty()) {
          // The relaxed objective at the LP point with κ e^u exact: a lower bound on the
          // relaxation's maximum, the B&B's stopping reference.
          double g = base.constant + kappa * std::exp(std::min(0.0, z_of(F, r.counts, beta - 1)));
          for (std::size_t j = 0; j < base.exp_b.size(); ++j)
            g -= base.exp_d[j] * std::exp(std::min(0.0, z_of(F, r.counts, base.exp_b[j])));
          best_relaxed = std::max(best_relaxed, g);
        }
        if (std::isfinite(u1))
          open.push({r.upper, u1, u2});
        else
          bottom = r.upper;
      };
      solve_interval(-HUGE_VAL, kFloor);
      const int pieces = 16;
      for (int t = 0; t < pieces; ++t)
        solve_interval(kFloor * (1.0 - static_cast<double>(t) / pieces),
                       kFloor * (1.0 - static_cast<double>(t + 1) / pieces));
      for (int split = 0; split < 300 && !open.empty() && !failed; ++split) {
        const Node top = open.top();
        if (top.upper - best_relaxed <= 1e-8 * scale) break;
        open.pop();
        const double mid = 0.5 * (top.u1 + top.u2);
        solve_interval(top.u1, mid);
        solve_interval(mid, top.u2);
      }
      h = std::max(bottom, open.empty() ? -HUGE_VAL : open.top().upper);
    }
    outer.push_back({la, lb, h + kMargin * scale});
  };
  // Directions λ_A / λ_B on a log scale (the prefix sums' duals need ratios up to ~n).
  direction(1.0, 0.0);
  direction(0.0, 1.0);
  for (int t = 0; t <= 72; ++t) {
    const double r = std::pow(10.0, -4.0 + 10.0 * t / 72.0);
    direction(r / (1.0 + r), 1.0 / (1.0 + r));
  }
  // Refinement: between two neighbouring half-planes the polygon's corner may stand off the
  // frontier; where it does by more than 1e-5 relative in the bisecting direction (measured
  // against the achievable points), that direction is added; at most 4 rounds.
  for (int round = 0; round < 4 && !failed && outer.size() < 300; ++round) {
    std::sort(outer.begin(), outer.end(), [](const auto& a, const auto& b) {
      return std::atan2(a[0], a[1]) < std::atan2(b[0], b[1]);
    });
    std::vector<std::pair<double, double>> add;
    for (std::size_t j = 0; j + 1 < outer.size(); ++j) {
      const auto& a = outer[j];
      const auto& b = outer[j + 1];
      const double det = a[0] * b[1] - a[1] * b[0];
      if (std::abs(det) < 1e-14) continue;
      const double x = (a[2] * b[1] - a[1] * b[2]) / det;
      const double y = (a[0] * b[2] - a[2] * b[0]) / det;
      const double t = 0.5 * (std::atan2(a[0], a[1]) + std::atan2(b[0], b[1]));
      const double la = std::sin(t), lb = std::cos(t);
      double reach = 0.0;
      for (const auto& p : inner) reach = std::max(reach, la * p.first + lb * p.second);
      if (la * x + lb * y - reach > 1e-5 * (la * F.m0 + lb * F.m.back())) add.emplace_back(la, lb);
    }
    if (add.empty()) break;
    for (const auto& [la, lb] : add) direction(la, lb);
  }
  if (failed) {
    res.reason = "cutting-plane LP failed";
    return res;
  }
  // Vertices of the outer polygon {Y >= 0, λ·Y <= h}.
  std::vector<std::pair<double, double>> corners;
  const auto inside = [&](double x, double y) {
    if (x < -1e-12 || y < -1e-12) return false;
    for (const auto& hp : outer)
      if (hp[0] * x + hp[1] * y > hp[2] * (1.0 + 1e-12) + 1e-300) return false;
    return true;
  };
  std::vector<std::array<double, 3>> lines = outer;
  lines.push_back({1.0, 0.0, 0.0});
  lines.push_back({0.0, 1.0, 0.0});
  for (std::size_t a = 0; a < lines.size(); ++a)
    for (std::size_t b = a + 1; b < lines.size(); ++b) {
      const double det = lines[a][0] * lines[b][1] - lines[a][1] * lines[b][0];
      if (std::abs(det) < 1e-300) continue;
      const double x = (lines[a][2] * lines[b][1] - lines[a][1] * lines[b][2]) / det;
      const double y = (lines[a][0] * lines[b][2] - lines[a][2] * lines[b][0]) / det;
      if (inside(x, y)) corners.emplace_back(std::max(0.0, x), std::max(0.0, y));
    }
  res.hi = max_prefix_over_hull(corners, F.n);
  res.lo = max_prefix_over_hull(inner, F.n);
  for (std::size_t k = 0; k < res.lo.size(); ++k)
    if (res.lo[k] > res.hi[k] * (1.0 + 1e-7) + 1e-300) {
      res.reason = "lower bound above upper bound (numerical failure)";
      return res;
    }
  res.ok = true;
  return res;
}

}  // namespace fairmc::persuasion
