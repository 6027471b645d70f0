#!/usr/bin/env python3
"""NumPy peer of experiments/persuasion/bench_reference.yaml: the majorized policies (full
revelation with its 1-majorized selection rule, the paper's Delta_max policy) and the index
tie-break, as a competent scientist would write them: Wolfe's minimum-norm-point algorithm
(Fujishige) over each group's base polytope, its linear oracle the receiver's greedy allocation
in expectation (a truncated Poisson-binomial count, vectorised over agents, signals and layers).

Workload (scenarios/persuasion/population.cpp, signaling.cpp, buckets.cpp, utility_oracle.cpp,
evaluator.cpp): n agents, each with a uniform prior on `support` values 1 + (V - 1) U(0, 1)
snapped to a geometric grid of `grid` levels of [1, V]; a partition matroid of `groups` equal
groups, agents assigned at random, `capacity` per group (a direct sum: every group is solved on its
own). Bucketed receiver: a posterior mean mu is keyed by its bucket's lower end (1 + eps)^k.

  full_revelation_priority  signals = values, ties to the lower index: one greedy vertex.
  full_revelation           signals = values; the rule best in true utilities. Every grid level
                            has its own bucket here (asserted), so the true utilities form a base
                            polytope (Lemma 3.2 with values mu) and the rule is its min-norm point.
  paper                     Delta_max: K layers of weight 1/K, in layer k each agent's maximal
                            mapping for I_k (Def. 4.6, the pooling of Lemma 4.7); x_hat = the
                            min-norm point in fake utilities (m_k for the pooled signal, else 0).

Metrics compared (unique given the instance): welfare_, min_utility_, nash_ of full and
full_priority; alpha_bound_ / inv_alpha_bound_ of full and full_priority (max_k eta K Q_k(x_hat) /
Q_k(U)); alpha_class_full_priority. Not compared: the paper's TRUE utilities (welfare_paper, ...,
and every alpha_known_*, which take the best prefix over all policies including the paper's):
they belong to whichever selection rule realises x_hat, which is not unique, so two correct
implementations differ there; utilities_exact.
"""

from __future__ import annotations

import math
import time

import numpy as np

import common


def buckets_of(mu, eta: float, K: int):
    """0-based bucket of a posterior mean (buckets.cpp: floor(log_eta mu + 1e-9), clamped)."""
    b = np.floor(np.log(np.maximum(mu, 1.0)) / math.log(eta) + 1e-9)
    return np.clip(np.where(mu <= 1.0, 0, b), 0, K - 1).astype(int)


def maximal_split(vals, lo: float, hi: float, last: bool):
    """Maximal mapping for [lo, hi) of every agent at once (signaling.cpp): vals (A, S) sorted,
    equally likely. Returns p_in, mu_in, mu_out per agent."""
    A, S = vals.shape
    p = 1.0 / S
    theta = vals.mean(1)
    inside = (theta >= lo) & ((theta < hi) | (last & (theta <= hi)))
    below = theta < lo
    mass = np.zeros(A)
    tot = np.zeros(A)
    # theta < lo: the surplus of values >= lo buys the largest values below lo.
    up = vals >= lo
    surplus = np.where(up, p * (vals - lo), 0.0).sum(1)
    mass_b = np.where(up, p, 0.0).sum(1)
    sum_b = np.where(up, p * vals, 0.0).sum(1)
    for j in range(S - 1, -1, -1):
        v = vals[:, j]
        ok = (~up[:, j]) & (surplus > 0.0)
        take = np.where(ok, np.minimum(p, surplus / np.where(ok, lo - v, 1.0)), 0.0)
        surplus = surplus - take * (lo - v)
        mass_b += take
        sum_b += take * v
    # theta >= hi: the deficit of values <= target buys the smallest values above it.
    target = hi if last else hi * (1.0 - 1e-9)
    dn = vals <= target
    deficit = np.where(dn, p * (target - vals), 0.0).sum(1)
    mass_a = np.where(dn, p, 0.0).sum(1)
    sum_a = np.where(dn, p * vals, 0.0).sum(1)
    for j in range(S):
        v = vals[:, j]
        ok = (~dn[:, j]) & (deficit > 0.0)
        take = np.where(ok, np.minimum(p, deficit / np.where(ok, v - target, 1.0)), 0.0)
        deficit = deficit - take * (v - target)
        mass_a += take
        sum_a += take * v
    mass = np.where(below, mass_b, mass_a)
    tot = np.where(below, sum_b, sum_a)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu_in = np.where(below, np.maximum(lo, tot / mass), np.minimum(target, tot / mass))
        p_in = np.minimum(1.0, mass)
        mu_out = np.where(p_in < 1.0, (theta - p_in * mu_in) / (1.0 - p_in), theta)
    p_in = np.where(inside, 1.0, np.where(mass > 0.0, p_in, 0.0))
    mu_in = np.where(inside | (mass <= 0.0), theta, mu_in)
    mu_out = np.where(inside | (mass <= 0.0), theta, mu_out)
    return p_in, mu_in, mu_out


class GroupOracle:
    """Expected utilities of one group's greedy vertex for a priority order. Signals per layer:
    arrays (L, M, T) of prob, key, value, fake; layer weights w (L,). Agent i's signal s is
    allocated iff fewer than `cap` others precede it: key > key_is, or equal key and earlier."""

    def __init__(self, prob, key, value, fake, w, cap: int):
        self.prob, self.value, self.fake, self.w, self.cap = prob, value, fake, w, cap
        L, M, T = prob.shape
        kis = key[:, :, :, None, None]  # (L, i, s, j, t)
        kjt = key[:, None, None, :, :]
        pj = prob[:, None, None, :, :]
        self.gt = (pj * (kjt > kis)).sum(-1)  # (L, i, s, j)
        self.eq = (pj * (kjt == kis)).sum(-1)
        eye = np.eye(M, dtype=bool)[None, :, None, :]
        self.gt = np.where(eye, 0.0, self.gt)
        self.eq = np.where(eye, 0.0, self.eq)

    def __call__(self, rank):
        earlier = (rank[None, :] < rank[:, None])[None, :, None, :]  # [i, j]: j ahead on ties
        p = self.gt + self.eq * earlier  # (L, i, s, j)
        dist = np.zeros(p.shape[:-1] + (self.cap,))
        dist[..., 0] = 1.0
        for j in range(p.shape[-1]):
            pj = p[..., j, None]
            shifted = np.concatenate([np.zeros_like(dist[..., :1]), dist[..., :-1]], -1)
            dist = dist * (1.0 - pj) + shifted * pj
        alloc = dist.sum(-1) * self.prob * self.w[:, None, None]  # (L, i, s)
        return (alloc * self.fake).sum((0, 2)), (alloc * self.value).sum((0, 2))


def min_norm(oracle, m: int, use_value: bool, tol: float = 1e-12, max_iter: int = 0):
    """Wolfe's minimum-norm point of the base polytope whose linear oracle is `oracle` (greedy:
    serve the smallest current coordinates first)."""
    pick = 1 if use_value else 0
    rank0 = np.arange(m)
    q = oracle(rank0)[pick]
    corral, lam = [q], np.array([1.0])
    x = q.copy()
    scale = max(1e-300, x @ x)
    for _ in range(max_iter or 20 * m + 200):
        order = np.argsort(x, kind="stable")
        rank = np.empty(m, dtype=int)
        rank[order] = np.arange(m)
        q = oracle(rank)[pick]
        if x @ x - x @ q <= tol * scale:
            break
        if any(np.array_equal(q, c) for c in corral):
            break
        corral.append(q)
        lam = np.append(lam, 0.0)
        while True:
            Q = np.array(corral)
            k = len(corral)
            A = np.ones((k + 1, k + 1))
            A[:k, :k] = Q @ Q.T
            A[k, k] = 0.0
            rhs = np.zeros(k + 1)
            rhs[k] = 1.0
            alpha = np.linalg.lstsq(A, rhs, rcond=None)[0][:k]
            if (alpha > 1e-14).all():
                lam = alpha
                break
            neg = alpha <= 1e-14
            theta = min(1.0, float(np.min(lam[neg] / (lam[neg] - alpha[neg]))))
            lam = theta * alpha + (1.0 - theta) * lam
            keep = lam > 1e-14
            corral = [c for c, kp in zip(corral, keep) if kp]
            lam = lam[keep] / lam[keep].sum()
            if len(corral) == 1:
                break
        x = lam @ np.array(corral)
    return x


def prefix(u):
    return np.cumsum(np.sort(u))


def ratio(best, u) -> float:
    """max_k best_k / Q_k(u) (majorization.cpp): prefixes with best_k ~ 0 skipped, inf if Q_k = 0."""
    q = prefix(u)
    use = best > 1e-12 * abs(best[-1])
    if (q[use] <= 0.0).any():
        return math.inf
    return max(1.0, float(np.max(best[use] / q[use]))) if use.any() else 1.0


def main() -> None:
    args = common.parse_args(__doc__.splitlines()[0])
    start = time.perf_counter()
    cfg = common.load(args.config)
    pop, con, mech = cfg["population"], cfg["constraint"], cfg["mechanism"]
    n, V, grid = int(pop["agents"]), float(pop["V"]), int(pop.get("grid", 0))
    prior = pop.get("prior", {})
    assert prior.get("dist") == "uniform" and con.get("type") == "partition"
    assert con.get("assign", "blocks") == "random" and mech.get("receiver", "bucketed") == "bucketed"
    pol = mech.get("policies", {})
    on = {k: bool(pol.get(k, d)) for k, d in (("no_information", True), ("full_revelation", True),
                                              ("full_revelation_priority", False), ("paper", True),
                                              ("mw", False))}
    assert not on["no_information"] and not on["mw"], "peer: no_information and mw not covered"
    S, G, cap = int(prior.get("support", 4)), int(con.get("groups", 1)), int(con.get("capacity", 1))
    assert n % G == 0, "peer: equal group sizes only"
    M = n // G
    eta = 1.0 + float(mech.get("epsilon", 0.5))
    K = max(1, math.ceil(math.log(V) / math.log(eta) - 1e-9))
    lower = eta ** np.arange(K)
    upper = np.append(eta ** np.arange(1, K), V)
    if grid >= 2 and V > 1.0:
        levels = np.exp(np.arange(grid) * math.log(V) / (grid - 1))
        levels[-1] = V
        lb = buckets_of(levels, eta, K)
        assert len(set(lb.tolist())) == grid, "peer: the full-revelation rule needs one level per bucket"
    draws = args.draws or int(cfg["draws"])
    rng = np.random.default_rng(args.seed if args.seed is not None else int(cfg["seed"]))
    acc = common.Moments()
    block = np.arange(n) * G // n
    for _ in range(draws):
        v = 1.0 + (V - 1.0) * rng.random((n, S))
        if grid >= 2 and V > 1.0:
            step = math.log(V) / (grid - 1)
            j = np.clip(np.round(np.log(v) / step), 0, grid - 1)
            v = np.where(j == grid - 1, V, np.exp(j * step))
        v = np.sort(np.clip(v, 1.0, V), axis=1)
        members = np.argsort(rng.permuted(block), kind="stable").reshape(G, M)
        key_full = lower[buckets_of(v, eta, K)]
        # Delta_max layers for all agents: pooled signal (m_k, fake m_k) and the rest (fake 0).
        dm = np.zeros((4, K, n, 2))  # prob, key, value, fake
        if on["paper"]:
            for k in range(K):
                p_in, mu_in, mu_out = maximal_split(v, lower[k], upper[k], k == K - 1)
                b = buckets_of(mu_out, eta, K)
                b = np.where(mu_out < lower[k], np.minimum(b, k - 1), np.maximum(b, k + 1))
                b = np.clip(b, 0, K - 1)
                dm[:, k, :, 0] = [p_in, np.full(n, lower[k]), mu_in, np.full(n, lower[k])]
                dm[:, k, :, 1] = [1.0 - p_in, lower[b], mu_out, np.zeros(n)]
        U = {p: np.zeros(n) for p in ("full", "full_priority")}
        xhat = np.zeros(n)
        for g in range(G):
            idx = members[g]  # index order inside the group (ties to the lower index)
            prob = np.full((1, M, S), 1.0 / S)
            full = GroupOracle(prob, key_full[idx][None], v[idx][None], key_full[idx][None],
                               np.ones(1), cap)
            if on["full_revelation_priority"]:
                U["full_priority"][idx] = full(np.arange(M))[1]
            if on["full_revelation"]:
                U["full"][idx] = min_norm(full, M, use_value=True)
            if on["paper"]:
                d = dm[:, :, idx, :]
                xhat[idx] = min_norm(GroupOracle(d[0], d[1], d[2], d[3], np.full(K, 1.0 / K), cap),
                                     M, use_value=False)
        upper_prefix = eta * K * prefix(xhat)
        for p in ("full", "full_priority"):
            key = "full_revelation" if p == "full" else "full_revelation_priority"
            if not on[key]:
                continue
            u = U[p]
            acc.add(f"welfare_{p}", u.sum())
            acc.add(f"min_utility_{p}", u.min())
            acc.add(f"nash_{p}", math.exp(np.log(u).mean()) if (u > 0).all() else 0.0)
            if on["paper"]:
                a = ratio(upper_prefix, u)
                acc.add(f"alpha_bound_{p}", a if math.isfinite(a) else math.nan)
                acc.add(f"inv_alpha_bound_{p}", 1.0 / a)
        if on["full_revelation"] and on["full_revelation_priority"]:
            a = ratio(prefix(U["full"]), U["full_priority"])
            acc.add("alpha_class_full_priority", a if math.isfinite(a) else math.nan)
    common.write(args, "persuasion", draws, start,
                 [{"label": "persuasion", "metrics": acc.summary()}])


if __name__ == "__main__":
    main()
