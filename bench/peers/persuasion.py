#!/usr/bin/env python3
"""NumPy peer of experiments/persuasion/bench_reference.yaml, one policy only: full revelation with
the (1+eps)-bucketed receiver and fixed priority by agent index (full_revelation_priority).
compare.py runs fairmc with the same single policy (the other policies switched off), so both
sides compute the same thing.

Workload (scenarios/persuasion/population.cpp, signaling.cpp, buckets.cpp, utility_oracle.cpp):
n agents, each with a uniform prior on `support` values 1 + (V - 1) U(0, 1) snapped to a
geometric grid of `grid` levels of [1, V]; a partition matroid of `groups` equal groups, agents
assigned at random, `capacity` per group. Full revelation: the receiver sees each value, keys it
by its bucket's lower end (1 + eps)^k and takes in every group the `capacity` largest keys, ties
to the lower index. U_i = E[v_i x_i] exactly: for each value of agent i, the probability that
fewer than `capacity` group members precede it (a Poisson-binomial count, by dynamic
programming over the members, vectorised over draws, groups, agents and values).
Metrics compared: welfare_full_priority (sum U_i), min_utility_full_priority (min U_i),
nash_full_priority (geometric mean of U_i). Not computed: the no-information, full-revelation
(majorized) and paper policies (the min-norm/majorization over the polymatroid), alpha_known_*,
inv_alpha_known_* (trivially 1 with one policy) and utilities_exact.
"""

from __future__ import annotations

import math
import time

import numpy as np

import common


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
    assert pol.get("full_revelation_priority") and not any(
        pol.get(k, d) for k, d in (("no_information", True), ("full_revelation", True),
                                   ("paper", True), ("mw", False))), "peer: one policy only"
    S, G, cap = int(prior.get("support", 4)), int(con.get("groups", 1)), int(con.get("capacity", 1))
    assert n % G == 0, "peer: equal group sizes only"
    M = n // G
    eta = 1.0 + float(mech.get("epsilon", 0.5))
    K = max(1, math.ceil(math.log(V) / math.log(eta) - 1e-9))
    draws = args.draws or int(cfg["draws"])
    rng = np.random.default_rng(args.seed if args.seed is not None else int(cfg["seed"]))
    acc = common.Moments()
    block = np.arange(n) * G // n
    batch = 100
    for first in range(0, draws, batch):
        B = min(batch, draws - first)
        v = 1.0 + (V - 1.0) * rng.random((B, n, S))
        if grid >= 2 and V > 1.0:
            step = math.log(V) / (grid - 1)
            j = np.clip(np.round(np.log(v) / step), 0, grid - 1)
            v = np.where(j == grid - 1, V, np.exp(j * step))
        v = np.clip(v, 1.0, V)
        bucket = np.where(v <= 1.0, 0, np.clip(np.floor(np.log(v) / math.log(eta) + 1e-9), 0, K - 1))
        # Group members in index order: (B, G, M) agent indices.
        group_of = rng.permuted(np.broadcast_to(block, (B, n)), axis=1)
        members = np.argsort(group_of, axis=1, kind="stable").reshape(B, G, M)
        kb = np.take_along_axis(bucket, members.reshape(B, n)[..., None], 1).reshape(B, G, M, S)
        vb = np.take_along_axis(v, members.reshape(B, n)[..., None], 1).reshape(B, G, M, S)
        a = kb[:, :, :, :, None, None]  # target (i, s)
        other = kb[:, :, None, None, :, :]  # (k, t)
        before = np.arange(M)[None, :] < np.arange(M)[:, None]  # before[i, k]: k precedes i on ties
        p = ((other > a) | ((other == a) & before[None, None, :, None, :, None])).mean(-1)
        p[:, :, np.arange(M), :, np.arange(M)] = 0.0  # not oneself (advanced index moves axes)
        dist = np.zeros(p.shape[:-1] + (cap,))
        dist[..., 0] = 1.0
        for k in range(M):
            pk = p[..., k, None]
            shifted = np.concatenate([np.zeros_like(dist[..., :1]), dist[..., :-1]], -1)
            dist = dist * (1.0 - pk) + shifted * pk
        allocated = dist.sum(-1) if cap > 0 else np.zeros(p.shape[:-1])
        U = (vb * allocated).mean(-1).reshape(B, n)
        acc.add("welfare_full_priority", U.sum(1))
        acc.add("min_utility_full_priority", U.min(1))
        with np.errstate(divide="ignore"):
            nash = np.where((U > 0).all(1), np.exp(np.log(U).mean(1)), 0.0)
        acc.add("nash_full_priority", nash)
    common.write(args, "persuasion", draws, start,
                 [{"label": "persuasion", "metrics": acc.summary()}])


if __name__ == "__main__":
    main()
