#!/usr/bin/env python3
"""NumPy/SciPy peer of experiments/power/bench_reference.yaml: equal-power equilibria of n agents
with quadratic utilities, ideal points N(mean, sd^2), weights lognormal(mu, sigma), one point of
the sweep per run (compare.py splits the sweep):
  * construction: median (Section 3, one issue): x = the median ideal point (numpy.median),
    c_i = 1 / (w_i |x - y_i|), lambda* = 1 / sqrt(q gamma), normal agents |x - y_i| >= n^(-1/4);
  * construction: fixed_point (Section 5, m issues): the reduced equations in z = (x, log q),
    F_x,j = sum_i c_i w_ij e_ij / P_j, F_q,j = log P_j - log q_j, c_i = 1 / max(sqrt(sum_j
    w_ij^2 e_ij^2 / q_j), alpha / sqrt(n)), alpha = n^(-7/8), solved by scipy.optimize.root
    (MINPACK hybrd) after a few plain steps; lambda* = 1 / sqrt(gamma), normal = unclamped;
  * Program 1 for every agent at (x, c), vectorised over agents: lambda_i in closed form for one
    issue, by scipy.optimize.newton on arrays (phi(l)^(-1/2) = gamma'^(-1/2)) for several.
Metrics compared: lambda_dev_mean, lambda_dev_max, lambda_dev_max_normal, lambda_ratio_max
(median only), frac_within_eps, frac_outside_eps, frac_within_eps_best, frac_outside_eps_best,
lambda_cv, frac_exhausting, frac_normal, net_movement_rel, q_mean and (median) lemma33_bound: 14
and 12 of fairmc's 20. Not computed: power_error, construction_residual, fixed_point_iterations,
net_movement, welfare_gradient and welfare_gradient_rel, which measure rounding and the solver's
stopping rule (zero in exact arithmetic) rather than the model; nor, at the fixed point,
lambda_ratio_max, which is 1 there to within ~1e-8, the size of the two solvers' stopping
tolerances.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.optimize

import common


# Arrays are issue-major, (m, n): per-agent sums over the issues then add m contiguous rows,
# which NumPy does much faster than reducing the short axis of an (n, m) array.


def sample(rng, n, m, ip, wp):
    mean = np.broadcast_to(np.asarray(ip.get("mean", 0.0), float), (m,))[:, None]
    sd = np.broadcast_to(np.asarray(ip.get("sd", 1.0), float), (m,))[:, None]
    y = mean + sd * rng.standard_normal((m, n))
    mu = np.broadcast_to(np.asarray(wp.get("mu", 0.0), float), (m,))[:, None]
    w = np.exp(mu + float(wp.get("sigma", 0.5)) * rng.standard_normal((m, n)))
    return y, w


def median_construction(y, w, gamma):
    n = y.shape[1]
    x = np.median(y[0])
    d = np.abs(x - y[0])
    with np.errstate(divide="ignore"):
        c = np.where(d > 0, 1.0 / (w[0] * d), 0.0)
    at_x = d == 0
    if at_x.any():
        c[at_x] = c[~at_x].sum() / (~at_x).sum() if (~at_x).any() else 1.0
    q = c @ w[0]
    return np.array([x]), c, d >= n ** -0.25, 1.0 / np.sqrt(q * gamma)


def fixed_point(y, w, gamma, alpha):
    m, n = y.shape
    floor = alpha / np.sqrt(n)
    sd = y.std(1)
    scale = np.where(sd > 0, sd, 1.0)
    w2 = w * w

    def scalings(x, q):
        root = np.sqrt(((w2 / q[:, None]) * (y - x[:, None]) ** 2).sum(0))
        return 1.0 / np.maximum(root, floor), root > floor

    def F(z):
        x, q = z[:m], np.exp(z[m:])
        c, _ = scalings(x, q)
        cw = w * c
        P = cw.sum(1)
        return np.concatenate([(cw * (y - x[:, None])).sum(1) / P / scale, np.log(P / q)])

    wsum = w.sum(1)
    z = np.concatenate([(w * y).sum(1) / wsum, np.log(wsum)])
    for _ in range(8):  # plain steps fix q's overall scale
        c, _ = scalings(z[:m], np.exp(z[m:]))
        cw = w * c
        P = cw.sum(1)
        z = np.concatenate([(cw * y).sum(1) / P, np.log(P)])
    sol = scipy.optimize.root(F, z, method="hybr", options={"xtol": 1e-13})
    x, q = sol.x[:m], np.exp(sol.x[m:])
    c, unclamped = scalings(x, q)
    return x, c, unclamped, 1.0 / np.sqrt(gamma)


def program1(a, e, q, g, gamma):
    """Every agent's lambda_i, exhausted_i and shift delta_i (columns), as program1.cpp."""
    q = q[:, None]
    b = g[:, None] / (2.0 * q)
    ep = e - b
    gamma_c = gamma + (q * b * b).sum()
    reach = (q * ep * ep).sum(0)
    A = a * a * ep * ep / q
    rho = a / q
    S = A.sum(0)
    tight = (reach > gamma_c) & (S > 0)
    s = np.sqrt(S / gamma_c)
    act = A > 0
    rho_lo = np.where(act, rho, np.inf).min(0)
    rho_hi = np.where(act, rho, 0.0).max(0)
    lam = s - rho_lo
    newton = tight & (rho_hi - rho_lo > 1e-15 * rho_hi)
    if newton.any():
        An, rn = A[:, newton], rho[:, newton]
        lo, hi = np.maximum(0.0, s[newton] - rho_hi[newton]), s[newton] - rho_lo[newton]
        guess = np.clip(s[newton] - (An * rn).sum(0) / S[newton], lo, hi)
        inv = 1.0 / np.sqrt(gamma_c)

        def h(l):
            r = 1.0 / (rn + l)
            return (An * r * r).sum(0) ** -0.5 - inv

        def dh(l):
            r = 1.0 / (rn + l)
            return (An * r * r).sum(0) ** -1.5 * (An * r ** 3).sum(0)

        lam[newton] = np.clip(scipy.optimize.newton(h, guess, fprime=dh, tol=1e-14, maxiter=100),
                              lo, hi)
    lam = np.where(tight, lam, 0.0)
    delta = np.where(tight, b + a * ep / (a + lam * q), np.where(reach > gamma_c, b, e))
    return lam, tight, delta


def evaluate(y, w, x, c, normal, lam_ref, gamma, eps):
    m, n = y.shape
    a = w * c
    q = a.sum(1)
    e = y - x[:, None]
    g = 2.0 * (a * e).sum(1)
    lam, exh, delta = program1(a, e, q, g, gamma)
    ratio = lam / lam_ref
    dev = np.abs(1.0 - ratio)
    within = ((ratio >= 1.0 - eps) & (ratio <= 1.0)).mean()
    srt = np.sort(lam)
    his = np.nonzero(srt > 0)[0]
    lo = np.searchsorted(srt, (1.0 - eps) * srt[his], side="left")
    best = (his - lo + 1).max() / n if his.size else 0.0
    le = lam[exh]
    out = {
        "lambda_dev_mean": dev.mean(),
        "lambda_dev_max": dev.max(),
        "lambda_dev_max_normal": dev[normal].max() if normal.any() else 0.0,
        "lambda_ratio_max": max(ratio.max(), 0.0),
        "frac_within_eps": within,
        "frac_outside_eps": 1.0 - within,
        "frac_within_eps_best": best,
        "frac_outside_eps_best": 1.0 - best,
        "lambda_cv": le.std() / le.mean() if le.size > 1 else 0.0,
        "frac_exhausting": exh.mean(),
        "frac_normal": normal.mean(),
        "net_movement_rel": np.linalg.norm(delta.sum(1)) / np.sqrt((delta * delta).sum(0)).sum(),
        "q_mean": q.mean(),
    }
    return out


def main() -> None:
    args = common.parse_args(__doc__.splitlines()[0])
    start = time.perf_counter()
    cfg = common.load(args.config)
    assert "sweep" not in cfg, "peer: one point per run (compare.py splits the sweep)"
    pop, mech = cfg["population"], cfg["mechanism"]
    n, m = int(pop["agents"]), int(pop.get("issues", 1))
    ip, wp = pop.get("ideal_points", {}), pop.get("weights", {})
    assert ip.get("dist", "normal") == "normal" and wp.get("dist") == "lognormal"
    construction = mech.get("construction", "fixed_point")
    gamma, eps = float(mech.get("gamma", 0.01)), float(mech.get("epsilon", 0.1))
    alpha = float(mech.get("alpha", n ** (-7.0 / 8.0)))
    draws = args.draws or int(cfg["draws"])
    rng = np.random.default_rng(args.seed if args.seed is not None else int(cfg["seed"]))
    acc = common.Moments()
    for _ in range(draws):
        y, w = sample(rng, n, m, ip, wp)
        if construction == "median":
            eq = median_construction(y, w, gamma)
        elif construction == "fixed_point":
            eq = fixed_point(y, w, gamma, alpha)
        else:
            raise SystemExit(f"peer: construction {construction} not implemented")
        r = evaluate(y, w, *eq, gamma, eps)
        if construction == "fixed_point":
            del r["lambda_ratio_max"]
        if construction == "median":
            r["lemma33_bound"] = np.sqrt(gamma / r["q_mean"]) * n ** 0.25
        for k, v in r.items():
            acc.add(k, [v])
    label = f"issues={m}, construction={construction}"
    common.write(args, "power", draws, start, [{"label": label, "metrics": acc.summary()}])


if __name__ == "__main__":
    main()
