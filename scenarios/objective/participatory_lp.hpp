// x^θ (Eq. 3): the allocation maximising Σ_i v_i (Eqs. 9–11) over complete allocations with the
// share cap x_ij <= b_j, as a linear program solved with GLPK.
//
// The LP of the proof of Lemma 3.3 has one variable per ordered pair of agents, which GLPK solves
// in ~0.3 s at n = m = 50 (solve_participatory_pairwise, kept as the reference). The default solver
// reaches the same optimum exactly with much smaller LPs. With homogeneous aversion Σ_i v_i is
// linear on each cone of a fixed utility order, and an active-set method over orders solves small
// LPs (n − 1 order rows, no penalty variables) and certifies the optimum by a supergradient test
// on the tie groups (participatory_lp.cpp, solve_ordered). Otherwise (or if it stalls) the
// cutting-plane solver:
//   max Σ_i u_i − Σ_i t_i   s.t.  Σ_i x_ij = 1,  u_i = Σ_j a_ij x_ij,  0 <= x_ij <= b_j,
//                                 t_i >= P_i(u) through cutting planes,
// where P_i = α_i I_i^+ + β_i I_i^- is agent i's inequality penalty (Eq. 9), convex and piecewise
// linear in u. A cut freezes which agents are above/below i at the current u (a supporting plane of
// P_i); rounds add every violated cut (multi-cut Kelley) and stop when t_i >= P_i(u) for all i: the
// relaxation's optimum is then feasible for the exact LP, hence optimal (to GLPK's ~1e-9).
// Columns: x_kj that Lemma 3.3 proves zero in every optimum (a_kj < r_ik a_ij for more than
// winners − 1 agents i) are never considered; the others enter by column generation when their
// reduced cost is positive, starting from the winners of x* (warm-started basis).
// Each call owns its glp_prob; GLPK 5 keeps its environment in thread-local storage, so
// concurrent calls from different threads are safe (tested in tests/scenarios/objective).
#pragma once

#include "scenarios/objective/instance.hpp"

namespace fairmc::objective {

// The LP's relative accuracy: GLPK's primal feasibility tolerance (tol_bnd), the cutting-plane
// stop rule (no cut violated by more than kLpTolerance (1 + max_i |u_i|)) and the snapping of
// shares to 0 or b. Quantities of x^θ are known to this resolution only; decisions on them use it.
inline constexpr double kLpTolerance = 1e-10;

struct LpSolution {
  Eigen::MatrixXd x;    // n x m allocation
  bool ok = false;      // false if GLPK failed (x is then empty)
  int cuts = 0;         // cutting planes used
  int columns = 0;      // x columns that entered the LP
  int order_steps = 0;  // order-cone LPs of the active-set method (0: solved by cutting planes)
};

// Default solver: the order-cone active-set LP for homogeneous aversion, certified optimal (see
// participatory_lp.cpp), else the cutting-plane solver.
LpSolution solve_participatory(const Instance& inst);

// Cutting-plane solver (any aversion).
LpSolution solve_participatory_cutting(const Instance& inst);

// The full pairwise LP of the proof of Lemma 3.3 (reference for tests; O(n^2) rows).
LpSolution solve_participatory_pairwise(const Instance& inst);

// r_ik of Eq. (17).
double reallocation_ratio(const Aversion& av, int i, int k);

}  // namespace fairmc::objective
