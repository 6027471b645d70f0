#!/usr/bin/env python3
"""NumPy/SciPy peer of experiments/objective/bench_reference.yaml: the utilitarian allocation x*
against the Fehr-Schmidt participatory allocation x^theta (Eq. 3) of m divisible items among n
agents with linear utilities a_ij ~ U(lo, hi) and aversion alpha_i, beta_i (fixed, as in the YAML).

x^theta is the textbook LP of the proof of Lemma 3.3, one slack per ordered pair of agents,
solved by scipy.optimize.linprog(method="highs") with sparse constraints:
    max  sum_i u_i - 1/(n-1) sum_{i != k} (beta_i + alpha_k) s_ik
    s.t. sum_i x_ij = 1 (every item allocated),  u_i = sum_j a_ij x_ij,
         s_ik >= u_i - u_k,  s_ik >= 0,  0 <= x_ij <= 1/winners.
x* gives each item to its top `winners` agents (ties to the lower index), as utilitarian.cpp.
Metrics compared (metrics.cpp): sw_star, sw_theta, v_star, v_theta, loss, gain, gain_to_loss,
pof_bertsimas, pof_caragiannis, individual_tradeoff, tradeoff_infinite, loss_bound (Theorem 3.4)
and bound_violated. Not computed: lp_cuts and lp_columns (fairmc's cutting-plane solver's own
counts), it_bound (defined only for homogeneous alpha_i = beta_i) and the two-agent metrics
(n = 2 only).
"""

from __future__ import annotations

import time

import numpy as np
import scipy.optimize
import scipy.sparse as sp

import common


def per_agent(v, n):
    v = np.asarray(v, float)
    return np.full(n, float(v)) if v.ndim == 0 else v


def build_lp(n, m, alpha, beta, cap):
    """The constant parts of the LP; the a_ij enter the u rows' data (see solve)."""
    nx, npair = n * m, n * (n - 1)
    ii, kk = np.nonzero(~np.eye(n, dtype=bool))  # ordered pairs i != k
    c = np.concatenate([np.zeros(nx), -np.ones(n), (beta[ii] + alpha[kk]) / (n - 1)])
    # Equalities: m item rows, then n utility rows u_i - sum_j a_ij x_ij = 0.
    xi = np.arange(nx)
    rows = np.concatenate([xi % m, m + xi // m, m + np.arange(n)])
    cols = np.concatenate([xi, xi, nx + np.arange(n)])
    b_eq = np.concatenate([np.ones(m), np.zeros(n)])
    # Inequalities: u_i - u_k - s_ik <= 0.
    r = np.arange(npair)
    A_ub = sp.csr_matrix((np.concatenate([np.ones(npair), -np.ones(npair), -np.ones(npair)]),
                          (np.concatenate([r, r, r]),
                           np.concatenate([nx + ii, nx + kk, nx + n + r]))),
                         shape=(npair, nx + n + npair))
    bounds = np.array([(0.0, cap)] * nx + [(-np.inf, np.inf)] * n + [(0.0, np.inf)] * npair)
    return {"c": c, "rows": rows, "cols": cols, "b_eq": b_eq, "A_ub": A_ub,
            "b_ub": np.zeros(npair), "bounds": bounds, "shape": (m + n, nx + n + npair)}


def solve(lp, a):
    n, m = a.shape
    data = np.concatenate([np.ones(n * m), -a.ravel(), np.ones(n)])
    A_eq = sp.csr_matrix((data, (lp["rows"], lp["cols"])), shape=lp["shape"])
    res = scipy.optimize.linprog(lp["c"], A_ub=lp["A_ub"], b_ub=lp["b_ub"], A_eq=A_eq,
                                 b_eq=lp["b_eq"], bounds=lp["bounds"], method="highs")
    if res.status != 0:
        return None
    return res.x[: n * m].reshape(n, m)


def penalty(u, alpha, beta):
    n = u.size
    d = u[:, None] - u[None, :]  # d_ik = u_i - u_k: i ahead (beta_i), k behind (alpha_k)
    return ((beta[:, None] + alpha[None, :]) * np.maximum(d, 0.0)).sum() / (n - 1)


def main() -> None:
    args = common.parse_args(__doc__.splitlines()[0])
    start = time.perf_counter()
    cfg = common.load(args.config)
    pop, mech = cfg["population"], cfg["mechanism"]
    n, m = int(pop.get("agents", 2)), int(pop.get("items", 10))
    prior = pop.get("prior", {})
    assert prior.get("dist", "uniform") == "uniform" and pop.get("structure", "iid") == "iid"
    assert mech.get("aversion", "fixed") == "fixed" and not pop.get("normalize", False)
    assert n > 2, "peer: the two-agent metrics are not implemented"
    lo, hi = float(prior.get("lo", 0.0)), float(prior.get("hi", 1.0))
    alpha = per_agent(mech.get("alpha", 0.1), n)
    beta = per_agent(mech.get("beta", 0.05), n)
    winners = int(mech.get("winners", 1))
    cap = 1.0 / winners
    lp = build_lp(n, m, alpha, beta, cap)
    sa, sb, am = alpha.sum(), beta.sum(), alpha.max()
    draws = args.draws or int(cfg["draws"])
    rng = np.random.default_rng(args.seed if args.seed is not None else int(cfg["seed"]))
    acc = common.Moments()
    names = ["sw_star", "sw_theta", "v_star", "v_theta", "loss", "gain", "gain_to_loss",
             "pof_bertsimas", "pof_caragiannis", "individual_tradeoff", "tradeoff_infinite",
             "loss_bound", "bound_violated"]
    for _ in range(draws):
        a = lo + (hi - lo) * rng.random((n, m))
        # x*: each item to its top `winners` agents (stable: ties to the lower index).
        top = np.argsort(-a, axis=0, kind="stable")[:winners]
        xstar = np.zeros((n, m))
        np.put_along_axis(xstar, top, cap, axis=0)
        r = dict.fromkeys(names, np.nan)
        xt = solve(lp, a)
        if xt is not None:
            us, ut = (a * xstar).sum(1), (a * xt).sum(1)
            r["sw_star"], r["sw_theta"] = us.sum(), ut.sum()
            r["v_star"] = us.sum() - penalty(us, alpha, beta)
            r["v_theta"] = ut.sum() - penalty(ut, alpha, beta)
            loss, gain = r["sw_star"] - r["sw_theta"], r["v_theta"] - r["v_star"]
            tol = 1e-7 * (1.0 + abs(r["sw_star"]))
            r["loss"], r["gain"] = loss, gain
            if loss > tol:
                r["gain_to_loss"] = gain / loss
            if r["sw_star"] > 0:
                r["pof_bertsimas"] = loss / r["sw_star"]
            if r["sw_theta"] > 0:
                r["pof_caragiannis"] = 1.0 + loss / r["sw_theta"]
            pos = ut > 0
            infinite = bool(((~pos) & (us > 0)).any())
            r["tradeoff_infinite"] = float(infinite)
            if not infinite:
                r["individual_tradeoff"] = max((us[pos] / ut[pos]).max(initial=0.0), 0.0)
            # Theorem 3.4: sum_j c_j a_top,j / winners, c_j from the largest beta among the top.
            beta_top = beta[top].max(0)
            c_j = (beta_top + am + (sa + sb) / (n - 1)) / (1.0 + am + sb / (n - 1))
            r["loss_bound"] = (c_j * np.take_along_axis(a, top, 0).sum(0)).sum() / winners
            r["bound_violated"] = float(loss < -tol or gain < -tol or loss > r["loss_bound"] + tol)
        for k in names:
            acc.add(k, [r[k]])
    common.write(args, "objective", draws, start, [{"label": "objective", "metrics": acc.summary()}])


if __name__ == "__main__":
    main()
