#include "scenarios/objective/participatory_lp.hpp"

#include "scenarios/objective/fehr_schmidt.hpp"
#include "scenarios/objective/utilitarian.hpp"

#include <glpk.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <unordered_map>
#include <vector>

namespace fairmc::objective {
namespace {

struct ProbDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};
using Prob = std::unique_ptr<glp_prob, ProbDeleter>;

// Sparse triplets for glp_load_matrix (1-based, index 0 unused).
struct Triplets {
  std::vector<int> row{0}, col{0};
  std::vector<double> val{0.0};
  void add(int r, int c, double v) {
    row.push_back(r);
    col.push_back(c);
    val.push_back(v);
  }
  void load(glp_prob* lp) {
    glp_load_matrix(lp, static_cast<int>(row.size()) - 1, row.data(), col.data(), val.data());
  }
};

// GLPK 5 keeps one environment per thread and frees it only on request; a worker thread that
// solved an LP frees its own when it ends (the engine's threads come and go with TBB's pool).
void use_glpk_on_this_thread() {
  struct Environment {
    Environment() { glp_term_out(GLP_OFF); }
    ~Environment() { glp_free_env(); }
  };
  thread_local const Environment environment;
}

glp_smcp simplex_params(int method) {
  glp_smcp p;
  glp_init_smcp(&p);
  p.msg_lev = GLP_MSG_OFF;
  p.meth = method;
  // Rows within GLPK's default 1e-7 of their bound let a cut's violation hide below the cut
  // tolerance; with 1e-10 the cutting-plane optimum matches the pairwise LP to ~1e-12 instead of
  // ~1e-6 (n = m = 50, α = 0.02: up to 7.7e-7 below it), for ~2% more work.
  p.tol_bnd = kLpTolerance;
  // Reduced costs likewise: with GLPK's default 1e-7 the solver stopped up to 1.9e-8 (relative)
  // short of the exact optimum on tight clusters (radius 0.001: near-ties everywhere).
  p.tol_dj = kLpTolerance;
  return p;
}

// GLPK's simplex has no anti-cycling rule: on a degenerate cut LP (utilities on a grid of 1/4,
// n = 31, m = 6, α = 1e-6, tests/scenarios/objective/test_lp.cpp) its dual simplex pivoted forever
// inside one call. A solve that needs more pivots than 20 per row and column is cycling (a
// legitimate re-solve after a cut round needs a few per added cut), so the call stops there and
// the caller restarts or hands the instance to the exact pairwise LP.
int iteration_limit(glp_prob* lp) {
  return 20 * (glp_get_num_rows(lp) + glp_get_num_cols(lp)) + 1000;
}

// Re-solve from the current basis; if GLPK gives up, restart from an advanced basis.
bool resolve(glp_prob* lp, int method) {
  glp_smcp p = simplex_params(method);
  p.it_lim = iteration_limit(lp);
  if (glp_simplex(lp, &p) == 0 && glp_get_status(lp) == GLP_OPT) return true;
  glp_adv_basis(lp, 0);
  p = simplex_params(GLP_PRIMAL);
  p.it_lim = iteration_limit(lp);
  return glp_simplex(lp, &p) == 0 && glp_get_status(lp) == GLP_OPT;
}

// A share within the solver's primal tolerance (tol_bnd = 1e-10, relative) of 0 or of its cap is
// set to that bound: basic variables that are 0 in exact arithmetic come out as ~1e-13 noise, and
// metrics that test u_i(x^θ) > 0 (Eq. 8's IT, which divides by it) jumped between infinite and
// ~1e15 with the noise (issue 19: a change of cut order flipped one draw of sweep_aversion_drawn).
double snap(double v, double cap) {
  const double eps = kLpTolerance * cap;
  return v <= eps ? 0.0 : v >= cap - eps ? cap : v;
}

constexpr int kCutMaxAge = 3;  // see "Cut ageing" in solve_participatory

// Numerator of r_ik (depends on i only) and its denominator (depends on k only), Eq. (17).
double ratio_numerator(const Aversion& av, double sum_alpha, std::size_t i, double n) {
  return 1.0 - av.beta[i] - (sum_alpha - av.alpha[i]) / (n - 1.0);
}
double ratio_denominator(const Aversion& av, double sum_beta, std::size_t k, double n) {
  return 1.0 + av.alpha[k] + (sum_beta - av.beta[k]) / (n - 1.0);
}

// A candidate x column (the screened universe). An LP starts with the winners of x* and grows by
// column generation: a candidate enters when its reduced cost a_ij y_i − y_j is positive
// (y: GLPK's row duals; the column has 1 in item row j and −a_ij in utility row i).
struct Column {
  int agent, item, glp = 0;  // glp: GLPK column index once in the LP
};

// Lemma 3.3 screening: x_kj > 0 forces a_kj >= r_ik a_ij for every i with x_ij < b_j, i.e. for
// all i != k but at most K−1 of them; so a_kj >= min_i r_ik · (K-th largest a_ij over i != k).
std::vector<Column> screened_columns(const Instance& inst, const Eigen::MatrixXd& xstar) {
  const int n = inst.agents(), m = inst.items(), K = inst.winners;
  const double nd = n;
  const Aversion& av = inst.aversion;
  const Eigen::MatrixXd& a = inst.a;
  const double sa = std::accumulate(av.alpha.begin(), av.alpha.end(), 0.0);
  const double sb = std::accumulate(av.beta.begin(), av.beta.end(), 0.0);
  std::vector<double> num(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    num[static_cast<std::size_t>(i)] = ratio_numerator(av, sa, static_cast<std::size_t>(i), nd);
  std::vector<double> sorted_num = num;
  std::sort(sorted_num.begin(), sorted_num.end());
  std::vector<double> r_min(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) {
    const auto sk = static_cast<std::size_t>(k);
    const double lowest_other = (num[sk] == sorted_num[0] && n > 1) ? sorted_num[1] : sorted_num[0];
    r_min[sk] = lowest_other / ratio_denominator(av, sb, sk, nd);
  }
  std::vector<Column> cand;
  std::vector<double> top(static_cast<std::size_t>(n));
  for (int j = 0; j < m; ++j) {
    for (int i = 0; i < n; ++i) top[static_cast<std::size_t>(i)] = a(i, j);
    const auto keep = static_cast<std::ptrdiff_t>(std::min(K + 1, n));
    std::partial_sort(top.begin(), top.begin() + keep, top.end(), std::greater<>());
    for (int i = 0; i < n; ++i) {
      const auto si = static_cast<std::size_t>(i);
      // K-th largest among the others: top[K] if i is itself among the top K, else top[K-1].
      double kth = 0.0;
      if (n - 1 >= K)
        kth = a(i, j) >= top[static_cast<std::size_t>(K - 1)]
                  ? top[static_cast<std::size_t>(K)]
                  : top[static_cast<std::size_t>(K - 1)];
      if (xstar(i, j) > 0.0 || r_min[si] <= 0.0 || a(i, j) >= r_min[si] * kth * (1.0 - 1e-12))
        cand.push_back({i, j});
    }
  }
  return cand;
}

// Adds candidate c as a GLPK column in item row item + 1 and utility row m + agent + 1.
void add_column(glp_prob* lp, const Instance& inst, Column& c, int status) {
  const int m = inst.items();
  c.glp = glp_add_cols(lp, 1);
  const int rows[3] = {0, c.item + 1, m + c.agent + 1};
  const double vals[3] = {0.0, 1.0, -inst.a(c.agent, c.item)};
  glp_set_mat_col(lp, c.glp, 2, rows, vals);
  glp_set_col_bnds(lp, c.glp, GLP_DB, 0.0, inst.cap());
  glp_set_col_stat(lp, c.glp, status);
}

// Warm start at x*: per item one winner basic, the other winners at their cap b.
void add_winner_columns(glp_prob* lp, const Instance& inst, const Eigen::MatrixXd& xstar,
                        std::vector<Column>& cand) {
  std::vector<char> basic_set(static_cast<std::size_t>(inst.items()), 0);
  for (Column& c : cand)
    if (xstar(c.agent, c.item) > 0.0) {
      const bool basic = !basic_set[static_cast<std::size_t>(c.item)];
      basic_set[static_cast<std::size_t>(c.item)] = 1;
      add_column(lp, inst, c, basic ? GLP_BS : GLP_NU);
    }
}

// Pricing: a column at 0 improves the objective iff its reduced cost a_ij y_i − y_j > 0. Adds
// every such candidate, or per item the per_item (> 0) of largest reduced cost; true if any
// entered.
bool price_columns(glp_prob* lp, const Instance& inst, std::vector<Column>& cand,
                   std::vector<double>& y_item, std::vector<double>& y_agent, int per_item = 0) {
  const int n = inst.agents(), m = inst.items();
  y_item.resize(static_cast<std::size_t>(m));
  y_agent.resize(static_cast<std::size_t>(n));
  for (int j = 0; j < m; ++j) y_item[static_cast<std::size_t>(j)] = glp_get_row_dual(lp, j + 1);
  for (int i = 0; i < n; ++i)
    y_agent[static_cast<std::size_t>(i)] = glp_get_row_dual(lp, m + i + 1);
  bool priced = false;
  std::vector<std::pair<double, std::size_t>> best;
  for (std::size_t k = 0; k < cand.size();) {
    const int item = cand[k].item;  // candidates come item by item
    best.clear();
    for (; k < cand.size() && cand[k].item == item; ++k) {
      const Column& c = cand[k];
      if (c.glp) continue;
      const double d = inst.a(c.agent, c.item) * y_agent[static_cast<std::size_t>(c.agent)] -
                       y_item[static_cast<std::size_t>(c.item)];
      if (d > 1e-9 * (1.0 + std::abs(y_item[static_cast<std::size_t>(c.item)])))
        best.emplace_back(d, k);
    }
    if (per_item > 0 && static_cast<int>(best.size()) > per_item) {
      std::partial_sort(best.begin(), best.begin() + per_item, best.end(), std::greater<>());
      best.resize(static_cast<std::size_t>(per_item));
      std::sort(best.begin(), best.end(),
                [](const auto& x, const auto& y) { return x.second < y.second; });
    }
    for (const auto& [d, idx] : best) {
      add_column(lp, inst, cand[idx], GLP_NL);
      priced = true;
    }
  }
  return priced;
}

// The allocation of the LP's x columns, snapped to 0 and the cap.
void read_allocation(glp_prob* lp, const Instance& inst, const std::vector<Column>& cand,
                     LpSolution& sol) {
  sol.x = Eigen::MatrixXd::Zero(inst.agents(), inst.items());
  for (const Column& c : cand)
    if (c.glp) sol.x(c.agent, c.item) = snap(glp_get_col_prim(lp, c.glp), inst.cap());
  sol.columns = static_cast<int>(
      std::count_if(cand.begin(), cand.end(), [](const Column& c) { return c.glp != 0; }));
  sol.ok = true;
}

// Homogeneous aversion (α_i = α, β_i = β): with c = (α + β)/(n − 1), Σ_i v_i = Σ_i u_i −
// c Σ_{i<k} |u_i − u_k| (Eqs. 9–11) = Σ_r w_r u_(r), u_(0) >= ... >= u_(n−1) the utilities in
// descending order and w_r = 1 − c (n − 1) + 2 c r (the r-th best-off agent is above r others'
// and below n − 1 − r). The weights increase with r, so Σ v = min over orders σ of Σ_r w_r u_σ(r)
// (rearrangement), concave, and linear on each order cone C_σ = {u_σ(0) >= ... >= u_σ(n−1)}.
// Active-set method: maximise the linear Σ_r w_r u_σ(r) over the allocations with u in C_σ (an LP
// with n − 1 two-entry order rows and no penalty variables), then test whether its optimum û is
// the optimum over all allocations. The LP's utility-row duals g (g_i = w_rank(i) plus the order
// rows' duals) make û maximise g·u over all allocations; if g is a supergradient of Σ v at û,
// Σ v(u) <= Σ v(û) + g·(u − û) <= Σ v(û) for every allocation: û is optimal. The supergradients
// at û are the vectors whose restriction to each tie group G (agents at equal utility, ranks
// p..q of σ) lies in the permutohedron of w_p..w_q: sorted ascending, g's prefix sums are >= those
// of w_p, w_{p+1}, ... with equal totals (majorisation). If a group fails, its agents are
// re-ranked by g ascending (the agent the LP values most takes the largest weight, at the bottom
// of the group): û stays feasible (the group is tied) and the old certificate no longer holds, so
// the next LP improves on û unless its dual was degenerate; a step cap hands degenerate cycling
// to the cutting-plane solver. Only the group's order rows change (same span, so the basis stays
// regular) and its agents' objective coefficients: each re-solve is warm.
// Returns false if it could not certify an optimum (the caller then uses the cutting planes).
bool solve_ordered(const Instance& inst, const Eigen::MatrixXd& xstar, std::vector<Column>& cand,
                   LpSolution& sol) {
  const int n = inst.agents(), m = inst.items();
  const double c = (inst.aversion.alpha[0] + inst.aversion.beta[0]) / (n - 1.0);
  std::vector<double> w(static_cast<std::size_t>(n));
  for (int r = 0; r < n; ++r) w[static_cast<std::size_t>(r)] = 1.0 - c * (n - 1.0) + 2.0 * c * r;
  Eigen::VectorXd u = utilities(inst.a, xstar);
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return u[x] > u[y]; });

  Prob lp(glp_create_prob());
  glp_set_obj_dir(lp.get(), GLP_MAX);
  glp_add_cols(lp.get(), n);
  glp_add_rows(lp.get(), m + n + (n - 1));
  Triplets trip;
  for (int i = 0; i < n; ++i) {
    glp_set_col_bnds(lp.get(), i + 1, GLP_FR, 0.0, 0.0);
    glp_set_col_stat(lp.get(), i + 1, GLP_BS);
    glp_set_row_bnds(lp.get(), m + i + 1, GLP_FX, 0.0, 0.0);
    glp_set_row_stat(lp.get(), m + i + 1, GLP_NS);
    trip.add(m + i + 1, i + 1, 1.0);
  }
  for (int j = 0; j < m; ++j) {
    glp_set_row_bnds(lp.get(), j + 1, GLP_FX, 1.0, 1.0);
    glp_set_row_stat(lp.get(), j + 1, GLP_NS);
  }
  const auto order_row = [&](int p) { return m + n + 1 + p; };  // u_σ(p) − u_σ(p+1) >= 0
  for (int p = 0; p < n; ++p)
    glp_set_obj_coef(lp.get(), order[static_cast<std::size_t>(p)] + 1,
                     w[static_cast<std::size_t>(p)]);
  for (int p = 0; p + 1 < n; ++p) {
    glp_set_row_bnds(lp.get(), order_row(p), GLP_LO, 0.0, 0.0);
    glp_set_row_stat(lp.get(), order_row(p), GLP_BS);  // x*'s order: satisfied at the start
    trip.add(order_row(p), order[static_cast<std::size_t>(p)] + 1, 1.0);
    trip.add(order_row(p), order[static_cast<std::size_t>(p) + 1] + 1, -1.0);
  }
  trip.load(lp.get());
  add_winner_columns(lp.get(), inst, xstar, cand);
  sol.cuts = n - 1;

  std::vector<double> y_item, y_agent, gs;
  // Pricing enters at most this many columns per item and round, those of largest reduced cost.
  // At strong aversion x*'s duals price in most of the screened universe at once (~6,500 columns
  // at n = m = 200) and the primal simplex then pays for every one of them in each pricing pass:
  // per LP (callgrind) n = m = 50, α = 0.2: 23.4 M with all, 17.8 M with 4, 20.6 M with 8;
  // n = m = 200: ~1,100 M with all, 740 M with 4, 620 M with 8 (5 draws); weak aversion ±1%.
  const int per_item = std::max(4, n / 25);
  // Each re-ranking makes the old certificate fail, so the next LP improves unless its dual was
  // degenerate. A run of kMaxFlat order LPs without gain, or 4n + 20 in all, hands the draw to the
  // cutting planes (never seen: 0 of 200 draws at each of α = 0.001 .. 0.2, n = m = 50).
  constexpr int kMaxFlat = 5;
  const int max_steps = 4 * n + 20;
  double best = -std::numeric_limits<double>::infinity();
  int flat = 0;
  for (int step = 0; step < max_steps;) {
    if (!resolve(lp.get(), GLP_PRIMAL)) return false;
    if (price_columns(lp.get(), inst, cand, y_item, y_agent, per_item)) continue;
    ++step;
    const double value = glp_get_obj_val(lp.get());
    flat = value > best + kLpTolerance * (1.0 + std::abs(best)) ? 0 : flat + 1;
    best = std::max(best, value);
    if (flat >= kMaxFlat) return false;
    for (int i = 0; i < n; ++i) u[i] = glp_get_col_prim(lp.get(), i + 1);
    const double tol = kLpTolerance * (1.0 + u.cwiseAbs().maxCoeff());
    bool optimal = true;
    for (int p = 0; p < n;) {
      int q = p;
      while (q + 1 < n &&
             u[order[static_cast<std::size_t>(q)]] - u[order[static_cast<std::size_t>(q) + 1]] <=
                 tol)
        ++q;
      if (q > p) {  // tie group at ranks p..q: is g's restriction in the permutohedron of w_p..w_q?
        gs.clear();
        for (int r = p; r <= q; ++r)
          gs.push_back(y_agent[static_cast<std::size_t>(order[static_cast<std::size_t>(r)])]);
        std::sort(gs.begin(), gs.end());
        double gsum = 0.0, wsum = 0.0;
        bool inside = true;
        for (int r = p; r < q && inside; ++r) {
          gsum += gs[static_cast<std::size_t>(r - p)];
          wsum += w[static_cast<std::size_t>(r)];
          inside = gsum >= wsum - kLpTolerance * (1.0 + std::abs(wsum));
        }
        if (!inside) {
          optimal = false;
          const auto first = order.begin() + p, last = order.begin() + q + 1;
          std::stable_sort(first, last, [&](int x, int y) {
            return y_agent[static_cast<std::size_t>(x)] < y_agent[static_cast<std::size_t>(y)];
          });
          for (int r = p; r <= q; ++r)
            glp_set_obj_coef(lp.get(), order[static_cast<std::size_t>(r)] + 1,
                             w[static_cast<std::size_t>(r)]);
          // The group's rows and the two that tie it to its neighbours.
          for (int r = std::max(p - 1, 0); r < std::min(q + 1, n - 1); ++r) {
            const int cols[3] = {0, order[static_cast<std::size_t>(r)] + 1,
                                 order[static_cast<std::size_t>(r) + 1] + 1};
            const double vals[3] = {0.0, 1.0, -1.0};
            glp_set_mat_row(lp.get(), order_row(r), 2, cols, vals);
          }
          sol.cuts += q - p;
        }
      }
      p = q + 1;
    }
    if (optimal) {
      read_allocation(lp.get(), inst, cand, sol);
      sol.order_steps = step;
      return true;
    }
  }
  return false;
}

// Equal α_i and equal β_i with α + β >= 0 (so the weights w_r increase and Σ v is concave).
bool homogeneous(const Aversion& av) {
  for (std::size_t i = 1; i < av.alpha.size(); ++i)
    if (av.alpha[i] != av.alpha[0] || av.beta[i] != av.beta[0]) return false;
  return !av.alpha.empty() && av.alpha[0] + av.beta[0] >= 0.0;
}

// The LP's tolerances are absolute where a row's bound is 0 (GLPK's tol_bnd on the utility rows,
// tol_dj on the x columns, whose cost is 0) and x^θ does not depend on the scale of a (Σ v is
// positively homogeneous of degree 1 in a, the constraints do not involve a). At a_ij ~ 1e-8 GLPK's
// primal simplex cycled (all three solvers ran for minutes on 6 identical agents, 4 items, α = β =
// 0.2), at a_ij ~ 1e8 the cutting planes failed (ok = false) and the others ran for minutes. So an
// instance whose largest |a_ij| lies outside [2^-10, 2^10] is solved as a 2^k copy with it in
// [1/2, 1): exact in floating point (a power of two), and the instances of that range, which
// include every prior's default, are solved bit for bit as before.
std::optional<Instance> rescaled(const Instance& inst) {
  const double top = inst.a.size() > 0 ? inst.a.cwiseAbs().maxCoeff() : 0.0;
  if (!(top > 0.0) || !std::isfinite(top) || (top >= 0x1p-10 && top <= 0x1p10)) return std::nullopt;
  Instance copy = inst;
  copy.a *= std::ldexp(1.0, -std::ilogb(top) - 1);
  return copy;
}

}  // namespace

double reallocation_ratio(const Aversion& av, int i, int k) {
  const double n = static_cast<double>(av.alpha.size());
  const double sa = std::accumulate(av.alpha.begin(), av.alpha.end(), 0.0);
  const double sb = std::accumulate(av.beta.begin(), av.beta.end(), 0.0);
  return ratio_numerator(av, sa, static_cast<std::size_t>(i), n) /
         ratio_denominator(av, sb, static_cast<std::size_t>(k), n);
}

LpSolution solve_participatory(const Instance& inst) {
  if (const auto s = rescaled(inst)) return solve_participatory(*s);
  if (homogeneous(inst.aversion) && inst.agents() > 1) {
    use_glpk_on_this_thread();
    const Eigen::MatrixXd xstar = utilitarian_allocation(inst.a, inst.winners);
    std::vector<Column> cand = screened_columns(inst, xstar);
    LpSolution sol;
    if (solve_ordered(inst, xstar, cand, sol)) return sol;
  }
  LpSolution sol = solve_participatory_cutting(inst);
  // The cutting planes stop without an optimum only where GLPK cycled or failed twice; the
  // pairwise LP ends in exact arithmetic (glp_exact), so every instance gets its optimum.
  if (!sol.ok) sol = solve_participatory_pairwise(inst);
  return sol;
}

LpSolution solve_participatory_cutting(const Instance& inst) {
  if (const auto s = rescaled(inst)) return solve_participatory_cutting(*s);
  use_glpk_on_this_thread();
  const int n = inst.agents(), m = inst.items(), K = inst.winners;
  const Aversion& av = inst.aversion;
  const Eigen::MatrixXd& a = inst.a;
  const double sa = std::accumulate(av.alpha.begin(), av.alpha.end(), 0.0);

  const Eigen::MatrixXd xstar = utilitarian_allocation(a, K);
  std::vector<Column> cand = screened_columns(inst, xstar);

  // Columns: u (n), z_i (n; t_i minus its "below everyone" cut, see below), then x as they enter.
  // Rows: items (m), utility definitions (n), then Σu's and the prefix sums' definitions and cuts.
  // The penalty is split by agent, P(u) = Σ_i P_i(u) with P_i = α_i I_i^+ + β_i I_i^- (Eq. 9), and
  // each t_i >= P_i(u) gets its own cuts (multi-cut Kelley): far fewer rounds than one t >= P(u).
  Prob lp(glp_create_prob());
  glp_set_obj_dir(lp.get(), GLP_MAX);
  glp_add_cols(lp.get(), 2 * n);
  glp_add_rows(lp.get(), m + n);
  const auto tcol = [&](int i) { return n + 1 + i; };  // z_i
  for (int i = 0; i < n; ++i) {
    glp_set_col_bnds(lp.get(), i + 1, GLP_FR, 0.0, 0.0);
    // Σ_i u_i − Σ_i t_i with t_i = α_i/(n−1) (Σ_k u_k − n u_i) + z_i (see z_i below).
    glp_set_obj_coef(lp.get(), i + 1,
                     1.0 + (n * av.alpha[static_cast<std::size_t>(i)] - sa) / (n - 1.0));
    glp_set_col_stat(lp.get(), i + 1, GLP_BS);
    glp_set_row_bnds(lp.get(), m + i + 1, GLP_FX, 0.0, 0.0);
    glp_set_row_stat(lp.get(), m + i + 1, GLP_NS);
  }
  for (int j = 0; j < m; ++j) {
    glp_set_row_bnds(lp.get(), j + 1, GLP_FX, 1.0, 1.0);
    glp_set_row_stat(lp.get(), j + 1, GLP_NS);
  }
  for (int i = 0; i < n; ++i) {
    glp_set_col_bnds(lp.get(), tcol(i), GLP_LO, 0.0, 0.0);
    glp_set_obj_coef(lp.get(), tcol(i), -1.0);
  }
  {
    Triplets trip;
    for (int i = 0; i < n; ++i) trip.add(m + i + 1, i + 1, 1.0);
    trip.load(lp.get());
  }
  add_winner_columns(lp.get(), inst, xstar, cand);

  std::array<int, 8> ind{};  // 1-based rows of <= 5 nonzeros
  std::array<double, 8> val{};
  const double scale = 1.0 / (n - 1.0);
  // A cut is P_i made linear by freezing the descending order σ of the agents at the point where
  // it is taken. Written in u it has n + 1 nonzeros, and those dense rows made GLPK's pivots slow;
  // with the prefix sums s_r = Σ_{q<=r} u_σ(q) of that order every cut has at most 5 nonzeros:
  //   t_i >= α_i/(n−1) (s_{r−1} − r u_i) + β_i/(n−1) ((n−1−r) u_i − (s_n − s_r)),  r = rank of i.
  // Same optimum, ~1.3–1.5x faster at n = m = 50 (measured in bench/).
  // A prefix sum is the sum over a set of agents (the top r + 1 of σ), and successive orders differ
  // locally (weak aversion: a few agents change places per round), so most of their top sets
  // coincide. Each set gets one column and one defining row (s_S = s_S' + u_k, <= 3 nonzeros)
  // however many orders share it: at α = 0.02, β = 0.01 this cut the LP from ~1380 to ~600 rows.
  // Sets are found by a Zobrist hash (a fixed 64-bit key per agent, XORed) and confirmed exactly.
  std::vector<int> rank(static_cast<std::size_t>(n)), order(static_cast<std::size_t>(n));
  std::vector<int> pcol(static_cast<std::size_t>(n));  // GLPK column of s_r for the latest order
  std::vector<std::uint64_t> zobrist(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {  // splitmix64 of the agent index: fixed, no random stream used
    std::uint64_t z = 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(i + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    zobrist[static_cast<std::size_t>(i)] = z ^ (z >> 31);
  }
  struct PrefixSet {
    int column, order_id, size;  // the set is the top `size` agents of orders[order_id]
  };
  std::unordered_multimap<std::uint64_t, PrefixSet> prefix_sets;
  std::vector<std::vector<int>> order_ranks;  // rank of every agent in each order that added sets
  int len = 0;
  const auto put = [&](int col, double v) {
    ind[static_cast<std::size_t>(++len)] = col;
    val[static_cast<std::size_t>(len)] = v;
  };
  // Appends the row put() has collected, `type` (GLP_FX or GLP_LO) with right-hand side 0.
  const auto add_row = [&](int type, int status) {
    const int row = glp_add_rows(lp.get(), 1);
    glp_set_row_bnds(lp.get(), row, type, 0.0, 0.0);
    glp_set_mat_row(lp.get(), row, len, ind.data(), val.data());
    glp_set_row_stat(lp.get(), row, status);
  };
  const auto add_order = [&](const Eigen::VectorXd& uu) {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return uu[x] > uu[y]; });
    for (int r = 0; r < n; ++r)
      rank[static_cast<std::size_t>(order[static_cast<std::size_t>(r)])] = r;
    const int id = static_cast<int>(order_ranks.size());
    bool used = false;
    std::uint64_t h = 0;
    for (int r = 0; r < n; ++r) {
      const int agent = order[static_cast<std::size_t>(r)];
      h ^= zobrist[static_cast<std::size_t>(agent)];
      int found = 0;
      const auto [lo, hi] = prefix_sets.equal_range(h);
      for (auto it = lo; it != hi && !found; ++it) {
        const PrefixSet& ps = it->second;
        if (ps.size != r + 1) continue;
        const std::vector<int>& other = order_ranks[static_cast<std::size_t>(ps.order_id)];
        bool same = true;  // equal sizes: same set iff every member of ours is in theirs
        for (int q = 0; q <= r && same; ++q)
          same = other[static_cast<std::size_t>(order[static_cast<std::size_t>(q)])] <= r;
        if (same) found = ps.column;
      }
      if (!found) {
        // s_r basic, its defining row at its (fixed) bound: the basis stays square and regular.
        found = glp_add_cols(lp.get(), 1);
        glp_set_col_bnds(lp.get(), found, GLP_FR, 0.0, 0.0);
        glp_set_col_stat(lp.get(), found, GLP_BS);
        len = 0;
        put(found, 1.0);
        put(agent + 1, -1.0);
        if (r > 0) put(pcol[static_cast<std::size_t>(r - 1)], -1.0);
        add_row(GLP_FX, GLP_NS);
        prefix_sets.emplace(h, PrefixSet{found, id, r + 1});
        used = true;
      }
      pcol[static_cast<std::size_t>(r)] = found;
    }
    if (used) order_ranks.push_back(rank);
  };
  // P_i(u) − t: how far (u, t) violates agent i's cut at u (tie terms vanish, so ties may be
  // ranked either way).
  const auto violation = [&](int i, const Eigen::VectorXd& uu, double t) {
    const auto si = static_cast<std::size_t>(i);
    double value = 0.0;
    for (int k = 0; k < n; ++k)
      if (k != i)
        value += uu[k] > uu[i] ? av.alpha[si] * scale * (uu[k] - uu[i])
                               : av.beta[si] * scale * (uu[i] - uu[k]);
    return value - t;
  };
  // Agent i's cut for the latest order (add_order first).
  const auto add_cut = [&](int i, int status) {
    const auto si = static_cast<std::size_t>(i);
    const int r = rank[si];
    const double ca = av.alpha[si] * scale, cb = av.beta[si] * scale;
    len = 0;  // the cut on t_i, written for z_i = t_i − α_i/(n−1) (s_n − n u_i)
    put(tcol(i), 1.0);
    put(i + 1, ca * r - cb * (n - 1 - r) - ca * n);
    if (r > 0) put(pcol[static_cast<std::size_t>(r - 1)], -ca);
    put(pcol[static_cast<std::size_t>(n - 1)], ca + (r < n - 1 ? cb : 0.0));
    if (r < n - 1) put(pcol[static_cast<std::size_t>(r)], -cb);
    add_row(GLP_LO, status);
  };

  LpSolution sol;
  Eigen::VectorXd u = utilities(a, xstar);
  // The first LP holds only the two order-free cuts per agent, i below everyone and i above
  // everyone:
  //   t_i >= α_i/(n−1) (Σ_k u_k − n u_i),   t_i >= β_i/(n−1) (n u_i − Σ_k u_k).
  // Together they certify a tie of all agents, where strong aversion ends (at n = m = 50,
  // α = 0.2, β = 0.1 every agent gets the same utility); order cuts alone need several rounds to
  // pin a tie (the order-free cuts: 2.2x fewer instructions there, 1.2–3x elsewhere). The first is
  // not a row: t_i = α_i/(n−1) (Σ_k u_k − n u_i) + z_i with z_i >= 0 a bounded column, every cut
  // on t_i is written for z_i (same nonzeros: s_n is in each already), and the objective's
  // −Σ_i t_i moves its linear part into u's coefficients: the same LP with n rows fewer (issue 19).
  // The cuts of x*'s order, which the LP also started with until then, are left to the rounds:
  // x^θ is far from x*'s order, and with them the first LP had n more cut rows and n − 1 more
  // prefix sums. Together: 33% fewer instructions per LP at the reference, 10% at weak aversion
  // (callgrind, bench_objective).
  // Σ_k u_k is one column with a dense defining row, registered as the prefix set of all agents
  // (Zobrist key of the full set), so every later order's s_n is this column.
  const int sum_u = glp_add_cols(lp.get(), 1);
  {
    glp_set_col_bnds(lp.get(), sum_u, GLP_FR, 0.0, 0.0);
    glp_set_col_stat(lp.get(), sum_u, GLP_BS);
    std::vector<int> cols(static_cast<std::size_t>(n) + 2, 0);
    std::vector<double> vals(static_cast<std::size_t>(n) + 2, -1.0);
    cols[1] = sum_u;
    vals[1] = 1.0;
    std::uint64_t h = 0;
    for (int i = 0; i < n; ++i) {
      cols[static_cast<std::size_t>(i) + 2] = i + 1;
      h ^= zobrist[static_cast<std::size_t>(i)];
    }
    const int row = glp_add_rows(lp.get(), 1);
    glp_set_row_bnds(lp.get(), row, GLP_FX, 0.0, 0.0);
    glp_set_mat_row(lp.get(), row, n + 1, cols.data(), vals.data());
    glp_set_row_stat(lp.get(), row, GLP_NS);
    std::iota(rank.begin(), rank.end(), 0);  // any order: the set is all agents
    prefix_sets.emplace(h, PrefixSet{sum_u, 0, n});
    order_ranks.push_back(rank);
  }
  const double total = u.sum();
  for (int i = 0; i < n; ++i) {
    const auto si = static_cast<std::size_t>(i);
    const double ca = av.alpha[si] * scale, cb = av.beta[si] * scale;
    // z_i >= (α_i + β_i)/(n−1) (n u_i − Σ_k u_k); warm start at x*: z_i = max(0, that).
    const bool above_binds = n * u[i] - total > 0.0;
    glp_set_col_stat(lp.get(), tcol(i), above_binds ? GLP_BS : GLP_NL);
    len = 0;
    put(tcol(i), 1.0);
    put(sum_u, ca + cb);
    put(i + 1, -(ca + cb) * n);
    add_row(GLP_LO, above_binds ? GLP_NL : GLP_BS);
  }
  sol.cuts = 2 * n;
  if (!resolve(lp.get(), GLP_PRIMAL)) return sol;
  std::vector<double> y_item, y_agent;
  const int max_rounds = 40 * (n + m) + 1000;
  double last_gap = std::numeric_limits<double>::infinity();
  int stalled = 0;
  std::vector<int> age;  // per LP row: solves in a row a cut has been slack
  for (int round = 0; round < max_rounds; ++round) {
    if (price_columns(lp.get(), inst, cand, y_item, y_agent)) {
      if (!resolve(lp.get(), GLP_PRIMAL)) return sol;
      continue;
    }
    for (int i = 0; i < n; ++i) u[i] = glp_get_col_prim(lp.get(), i + 1);
    // GLPK satisfies rows to tol_bnd = 1e-10 relative, so a smaller violation can reappear
    // forever (the stall guard below ends that); 1e-7 here stopped up to ~1e-6 short of the
    // optimum.
    const double tol = kLpTolerance * (1.0 + u.cwiseAbs().maxCoeff());
    const double sum = u.sum();
    int added = 0;
    double gap = 0.0;  // LP bound minus the exact Σv at u: the total cut violation
    for (int e = 0; e < n; ++e) {
      const double t = glp_get_col_prim(lp.get(), tcol(e)) +
                       av.alpha[static_cast<std::size_t>(e)] * scale * (sum - n * u[e]);
      const double v = violation(e, u, t);
      if (v > tol) {
        if (added == 0) add_order(u);
        add_cut(e, GLP_BS);
        gap += v;
        ++added;
      }
    }
    // Stall guard: if GLPK's tolerances keep re-violating cuts without closing the gap, stop at
    // the current (feasible, within `gap` of optimal) allocation instead of looping.
    stalled = gap > last_gap * (1.0 - 1e-6) ? stalled + 1 : 0;
    last_gap = std::min(last_gap, gap);
    if (added == 0 || stalled >= 20) {
      read_allocation(lp.get(), inst, cand, sol);
      return sol;
    }
    sol.cuts += added;
    // Cut ageing: a cut basic (slack) in the last three solves is dropped before the resolve.
    // The LP stays a relaxation, and the stopping test above certifies optimality whatever cuts
    // it holds, so the optimum is unchanged; a dropped cut that matters is violated again and
    // comes back as the current order's cut. At α = 0.02, β = 0.01 only ~77 of ~560 cuts bind at
    // the end: 14% fewer instructions (callgrind). Dropping after one slack solve cycles (4x the
    // cuts). The rows just added (the last `added`, after this round's prefix rows) are skipped.
    {
      const int rows = glp_get_num_rows(lp.get());
      age.resize(static_cast<std::size_t>(rows), 0);
      std::vector<int> drop{0};  // 1-based for glp_del_rows
      std::vector<int> kept;
      kept.reserve(age.size());
      for (int r = 1; r <= rows; ++r) {
        int& g = age[static_cast<std::size_t>(r - 1)];
        const bool cut = r > m + n && glp_get_row_type(lp.get(), r) == GLP_LO;
        g = cut && r <= rows - added && glp_get_row_stat(lp.get(), r) == GLP_BS ? g + 1 : 0;
        if (g >= kCutMaxAge)
          drop.push_back(r);
        else
          kept.push_back(g);
      }
      if (drop.size() > 1) glp_del_rows(lp.get(), static_cast<int>(drop.size()) - 1, drop.data());
      age = std::move(kept);
    }
    if (!resolve(lp.get(), GLP_DUALP)) return sol;
  }
  return sol;
}

LpSolution solve_participatory_pairwise(const Instance& inst) {
  if (const auto s = rescaled(inst)) return solve_participatory_pairwise(*s);
  use_glpk_on_this_thread();
  const int n = inst.agents(), m = inst.items();
  const Aversion& av = inst.aversion;
  const int pairs = n * (n - 1) / 2;
  const int nx = n * m;
  Prob lp(glp_create_prob());
  glp_set_obj_dir(lp.get(), GLP_MAX);
  glp_add_cols(lp.get(), nx + n + 2 * pairs);
  glp_add_rows(lp.get(), m + n + pairs);
  Triplets trip;
  const auto xcol = [&](int i, int j) { return 1 + i * m + j; };
  const auto ucol = [&](int i) { return 1 + nx + i; };
  for (int i = 0; i < n; ++i) {
    glp_set_col_bnds(lp.get(), ucol(i), GLP_FR, 0.0, 0.0);
    glp_set_obj_coef(lp.get(), ucol(i), 1.0);
    glp_set_row_bnds(lp.get(), m + 1 + i, GLP_FX, 0.0, 0.0);
    trip.add(m + 1 + i, ucol(i), 1.0);
    for (int j = 0; j < m; ++j) {
      glp_set_col_bnds(lp.get(), xcol(i, j), GLP_DB, 0.0, inst.cap());
      trip.add(j + 1, xcol(i, j), 1.0);
      trip.add(m + 1 + i, xcol(i, j), -inst.a(i, j));
    }
  }
  for (int j = 0; j < m; ++j) glp_set_row_bnds(lp.get(), j + 1, GLP_FX, 1.0, 1.0);
  // u_i − u_k = p_ik − q_ik with p, q >= 0; p costs (β_i + α_k)/(n−1), q costs (β_k + α_i)/(n−1).
  int p = 0;
  for (int i = 0; i < n; ++i)
    for (int k = i + 1; k < n; ++k, ++p) {
      const auto si = static_cast<std::size_t>(i), sk = static_cast<std::size_t>(k);
      const int row = m + n + 1 + p, cp = nx + n + 1 + 2 * p, cq = cp + 1;
      glp_set_row_bnds(lp.get(), row, GLP_FX, 0.0, 0.0);
      glp_set_col_bnds(lp.get(), cp, GLP_LO, 0.0, 0.0);
      glp_set_col_bnds(lp.get(), cq, GLP_LO, 0.0, 0.0);
      glp_set_obj_coef(lp.get(), cp, -(av.beta[si] + av.alpha[sk]) / (n - 1.0));
      glp_set_obj_coef(lp.get(), cq, -(av.beta[sk] + av.alpha[si]) / (n - 1.0));
      trip.add(row, ucol(i), 1.0);
      trip.add(row, ucol(k), -1.0);
      trip.add(row, cp, -1.0);
      trip.add(row, cq, 1.0);
    }
  trip.load(lp.get());
  // No presolve: on near-degenerate instances (clustered agents, coefficients ~1e-5 apart) GLPK's
  // presolved simplex met a numerically singular basis and gave up (GLP_EFAIL, "unable to
  // factorize the basis matrix"; 11 of 240 clustered instances at n = 12, m = 24), leaving no basis
  // to restart from, and its postsolve returned allocations with column sums 1e-8 off. Without it
  // GLPK starts from an advanced basis and, if the simplex still fails, from the slack basis, which
  // is always regular. Reduced costs are held to the same 1e-10 as the rows: with GLPK's default
  // 1e-7 the optimum was up to 7.5e-8 (relative) short. Finally glp_exact re-solves from the
  // simplex's basis in rational arithmetic, so the reference is the exact optimum of the LP with
  // these coefficients (600 mixed instances, n = 4..14: 2.1 s instead of 1.5 s with both solvers).
  glp_smcp prm = simplex_params(GLP_PRIMAL);
  prm.it_lim = iteration_limit(lp.get());  // then glp_exact finishes from the basis reached
  LpSolution sol;
  sol.columns = nx;
  const auto optimal = [&](int ret) { return ret == 0 && glp_get_status(lp.get()) == GLP_OPT; };
  glp_adv_basis(lp.get(), 0);
  if (!optimal(glp_simplex(lp.get(), &prm))) {
    glp_std_basis(lp.get());
    glp_simplex(lp.get(), &prm);  // a failure here still leaves glp_exact a regular start
  }
  glp_smcp exact;
  glp_init_smcp(&exact);
  exact.msg_lev = GLP_MSG_OFF;
  if (!optimal(glp_exact(lp.get(), &exact))) {
    glp_std_basis(lp.get());
    if (!optimal(glp_exact(lp.get(), &exact))) return sol;
  }
  sol.x = Eigen::MatrixXd::Zero(n, m);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j)
      sol.x(i, j) = snap(glp_get_col_prim(lp.get(), xcol(i, j)), inst.cap());
  sol.ok = true;
  return sol;
}

}  // namespace fairmc::objective
