#!/usr/bin/env python3
"""NumPy peer of experiments/scf/bench_reference.yaml: does each social cost function keep its
choice and its ranking of the outcomes under a random admissible transformation of each
comparability level (Table I)?

The same workload as scenarios/scf/invariance_model.cpp, vectorised over a batch of draws:
  * profile: agents x outcomes costs -U(cost_lo, cost_hi) for outcomes 1.., outcome 0 strictly
    between each agent's worst other outcome and 0 (worst * U(0.1, 0.9)); weights U(0.5, 1.5);
  * per level one transformation (transforms.cpp): scales log-uniform [1/5, 5], offsets
    -offset_scale U(0, 1), powers log-uniform [1/3, 3] (ordinal levels), per agent or common;
  * every SCF's key per outcome (social_cost.cpp), leximin on costs sorted worst-first (sorted
    only where the maxima tie: the first position decides otherwise);
  * choice_changed: argbest (exact comparisons, first best wins) differs;
    ranking_changed: a pair ordered before with relative tolerance 1e-7 is not ordered the same
    way after with relative tolerance 1e-10 (invariance.cpp's strict_tol and keep_tol).
All 2 x SCFs x levels metrics are computed.
"""

from __future__ import annotations

import time

import numpy as np

import common

LEVELS = ["onc", "olc", "cnc", "cnc_ratio", "cuc", "cfc", "rfc"]
SCFS = ["utilitarian", "weighted_sum", "rawls_max", "leximin", "kth_largest", "nash_reference",
        "nash_negative", "sum_plus_gamma_max", "mean_plus_gamma_max", "mean_plus_gamma_mad",
        "dictator"]
STRICT_TOL, KEEP_TOL = 1e-7, 1e-10


def compare(a, b, tol):
    """compare_with_tolerance elementwise: -1, 0, 1; infinities compared exactly."""
    with np.errstate(invalid="ignore"):
        s = np.where(a < b, -1, 1).astype(np.int8)
        tie = (a == b) | ((np.abs(a - b) <= tol * np.maximum(np.abs(a), np.abs(b)))
                          & ~(np.isinf(a) | np.isinf(b)))
    s[tie] = 0
    return s


def sample_profiles(rng, B, n, X, lo, hi):
    c = np.empty((B, X, n))
    c[:, 1:, :] = -(lo + (hi - lo) * rng.random((B, X - 1, n)))
    worst = np.maximum(-hi, c[:, 1:, :].max(axis=1))
    c[:, 0, :] = worst * (0.1 + 0.8 * rng.random((B, n)))
    return c


def transform(rng, level, c, offset_scale):
    B, _, n = c.shape
    per_scale = level in ("onc", "cnc", "cnc_ratio")
    per_offset = per_scale or level == "cuc"
    has_offset = level not in ("cnc_ratio", "rfc")
    ordinal = level in ("onc", "olc")

    def logu(lo, hi, shape):
        return np.exp(np.log(lo) + (np.log(hi) - np.log(lo)) * rng.random(shape))

    a = logu(0.2, 5.0, (B, n if per_scale else 1))
    b = -offset_scale * rng.random((B, n if per_offset else 1)) if has_offset else np.zeros((B, 1))
    if ordinal:
        p = logu(1 / 3, 3.0, (B, n if level == "onc" else 1))
        return b[:, None, :] - a[:, None, :] * (-c) ** p[:, None, :]
    return a[:, None, :] * c + b[:, None, :]


def keys(c, w, prm):
    """Per SCF (leximin excluded) the key of every outcome: dict name -> (B, X)."""
    n = c.shape[-1]
    s = c.sum(-1)
    mx = c.max(-1)
    mean = s / n
    k = min(prm["kth"], n)
    kth = np.partition(c, n - k, axis=-1)[..., n - k]
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = c[:, :1, :] - c
        nash_ref = np.where((gain > 0).all(-1), -(w[:, None, :] * np.log(gain)).sum(-1), np.inf)
        nash_neg = np.where((c < 0).all(-1), -(w[:, None, :] * np.log(-c)).sum(-1), np.inf)
    return {
        "utilitarian": s,
        "weighted_sum": (w[:, None, :] * c).sum(-1),
        "rawls_max": mx,
        "kth_largest": kth,
        "nash_reference": nash_ref,
        "nash_negative": nash_neg,
        "sum_plus_gamma_max": s + prm["sum_max_gamma"] * mx,
        "mean_plus_gamma_max": mean + prm["mean_max_gamma"] * (mx - mean),
        "mean_plus_gamma_mad": mean + prm["mad_gamma"] * np.abs(c - mean[..., None]).sum(-1) / n,
        "dictator": c[..., prm["dictator"]],
    }


def pair_signs(key, xs, ys, tol):
    return compare(key[:, xs], key[:, ys], tol)


def lex_pair_signs(c, mx, xs, ys, tol):
    """Leximin: the first non-tied position of the worst-first sorted costs decides. Position 0
    is the maximum, which decides unless it ties; only tied pairs sort their costs."""
    s = compare(mx[:, xs], mx[:, ys], tol)
    d, p = np.nonzero(s == 0)
    if d.size:
        sa = -np.sort(-c[d, xs[p], :], axis=-1)
        sb = -np.sort(-c[d, ys[p], :], axis=-1)
        t = compare(sa, sb, tol)
        first = np.argmax(t != 0, axis=-1)
        s[d, p] = t[np.arange(d.size), first]
    return s


def lex_argmin(c, mx):
    """First outcome whose worst-first sorted costs are lexicographically smallest (exact)."""
    cand = mx == mx.min(-1, keepdims=True)
    tied = np.nonzero(cand.sum(-1) > 1)[0]
    if tied.size:
        srt = -np.sort(-c[tied], axis=-1)
        sub = cand[tied]
        for r in range(1, srt.shape[-1]):
            col = np.where(sub, srt[..., r], np.inf)
            sub &= col == col.min(-1, keepdims=True)
            if (sub.sum(-1) == 1).all():
                break
        cand[tied] = sub
    return np.argmax(cand, axis=-1)


def main() -> None:
    args = common.parse_args(__doc__.splitlines()[0])
    start = time.perf_counter()
    cfg = common.load(args.config)
    pop, mech = cfg["population"], cfg["mechanism"]
    n, X = int(pop.get("agents")), int(pop.get("outcomes", 10))
    lo, hi = float(pop.get("cost_lo", 0.1)), float(pop.get("cost_hi", 1.0))
    assert "weights" not in pop, "peer: only the default weights U(0.5, 1.5)"
    levels = LEVELS if mech.get("levels", "all") in ("all", ["all"]) else list(mech["levels"])
    scfs = SCFS if mech.get("scfs", "all") in ("all", ["all"]) else list(mech["scfs"])
    prm = {"sum_max_gamma": float(mech.get("sum_max_gamma", n)),
           "mean_max_gamma": float(mech.get("mean_max_gamma", 0.5)),
           "mad_gamma": float(mech.get("mad_gamma", 0.25)),
           "kth": int(mech.get("kth", min(2, n))), "dictator": int(mech.get("dictator", 0))}
    offset_scale = float(mech.get("offset_scale", 1.0))
    draws = args.draws or int(cfg["draws"])
    rng = np.random.default_rng(args.seed if args.seed is not None else int(cfg["seed"]))
    xs, ys = np.triu_indices(X, 1)
    acc = common.Moments()
    batch = 200
    for first in range(0, draws, batch):
        B = min(batch, draws - first)
        c = sample_profiles(rng, B, n, X, lo, hi)
        w = 0.5 + rng.random((B, n))
        k0 = keys(c, w, prm)
        before = {}
        for s in scfs:
            if s == "leximin":
                mx = k0["rawls_max"]
                before[s] = (lex_argmin(c, mx), lex_pair_signs(c, mx, xs, ys, STRICT_TOL))
            else:
                before[s] = (np.argmin(k0[s], -1), pair_signs(k0[s], xs, ys, STRICT_TOL))
        for level in levels:
            t = transform(rng, level, c, offset_scale)
            k1 = keys(t, w, prm)
            for s in scfs:
                best0, sign0 = before[s]
                if s == "leximin":
                    mx = k1["rawls_max"]
                    best1, sign1 = lex_argmin(t, mx), lex_pair_signs(t, mx, xs, ys, KEEP_TOL)
                else:
                    best1, sign1 = np.argmin(k1[s], -1), pair_signs(k1[s], xs, ys, KEEP_TOL)
                acc.add(f"choice_changed_{s}_{level}", best0 != best1)
                acc.add(f"ranking_changed_{s}_{level}", ((sign0 != 0) & (sign1 != sign0)).any(-1))
    # fairmc's metric order: per SCF, per level, choice then ranking.
    summ = acc.summary()
    ordered = {}
    for s in scfs:
        for level in levels:
            for m in ("choice_changed", "ranking_changed"):
                ordered[f"{m}_{s}_{level}"] = summ[f"{m}_{s}_{level}"]
    common.write(args, "scf", draws, start, [{"label": "scf", "metrics": ordered}])


if __name__ == "__main__":
    main()
