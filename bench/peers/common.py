"""Shared plumbing of the NumPy/SciPy peers (bench/peers/<scenario>.py): command line, the
reference YAML, running means and standard errors, the JSON the driver (compare.py) reads.

Every peer is run as
    python3 bench/peers/<scenario>.py --config experiments/<scenario>/bench_reference.yaml \
        --draws N [--seed S] [--out peer.json]
and writes {"scenario", "draws", "seconds", "points": [{"label", "metrics": {name: {mean, sem, n}}}]}.
The peers use numpy.random.default_rng (PCG64), so they agree with fairmc in distribution, not
bit for bit.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

import numpy as np
import yaml

# Process CPU seconds spent on the interpreter and the imports (numpy, scipy, yaml): left out of
# the peer's throughput, as a researcher pays them once per session, not per draw.
CPU_START = time.process_time()


def parse_args(description: str) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--config", required=True, help="experiments/<scenario>/bench_reference.yaml")
    ap.add_argument("--draws", type=int, default=None, help="draws per point (default: the YAML's)")
    ap.add_argument("--seed", type=int, default=None, help="seed of numpy.random.default_rng")
    ap.add_argument("--out", default=None, help="JSON file for the driver (default: stdout)")
    return ap.parse_args()


def load(path: str) -> dict:
    with open(path) as f:
        return yaml.safe_load(f)


class Moments:
    """Running mean and sum of squared deviations per metric, merged batch by batch (Chan, Golub
    & LeVeque), as fairmc's summaries. NaN draws are left out, as fairmc's."""

    def __init__(self) -> None:
        self.acc: dict[str, tuple[int, float, float]] = {}

    def add(self, name: str, values) -> None:
        v = np.asarray(values, dtype=float).ravel()
        v = v[~np.isnan(v)]
        if v.size == 0:
            self.acc.setdefault(name, (0, 0.0, 0.0))
            return
        nb, mb = v.size, float(v.mean())
        m2b = float(((v - mb) ** 2).sum())
        na, ma, m2a = self.acc.get(name, (0, 0.0, 0.0))
        n = na + nb
        d = mb - ma
        self.acc[name] = (n, ma + d * nb / n, m2a + m2b + d * d * na * nb / n)

    def summary(self) -> dict:
        out = {}
        for k, (n, mean, m2) in self.acc.items():
            sem = math.sqrt(m2 / (n - 1) / n) if n > 1 else math.nan
            out[k] = {"mean": mean if n else math.nan, "sem": sem, "n": n}
        return out


def write(args, scenario: str, draws: int, start: float, points: list[dict]) -> None:
    """`start` is time.perf_counter() after the imports; the CPU seconds are the process's since
    the imports too (common is imported after numpy and scipy)."""
    doc = {"scenario": scenario, "draws": draws, "seconds": time.perf_counter() - start,
           "cpu_seconds": time.process_time() - CPU_START, "points": points}
    text = json.dumps(doc, indent=1, allow_nan=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text + "\n")
