#!/usr/bin/python3
"""Growth with problem size (issue 19 item 6): per-draw CPU time and peak memory of the fairmc
binary against n, up to the sizes the papers' claims need (power n = 10^6 in 1-D and at m = 2,
objective n = m = 200, scf 10^4 agents), with fitted exponents.

Each point is one experiment (the scenario's bench_reference workload with the size changed, one
sweep point, one block) run by `fairmc run -j1` under /usr/bin/time, first with 1 draw and then
with 1 + k draws (k from an 11-draw run, for ~1.5 s of draws): per-draw CPU = the difference
of the two runs' user + system seconds over k (start-up, preparation and the results file
cancel), peak memory = the longer run's maximum resident set (getrusage of the child). The exponent is the
least-squares slope of log t (or of log of the peak RSS above the curve's smallest size) on log n;
"top decade" fits the last decade only.

Usage: /usr/bin/python3 bench/growth.py [--build build] [--out results/bench] [--only NAME]
         [--budget 1.5] [--render OUT/growth.json]
Output: OUT/growth.md (table) and OUT/growth.json (every run).
"""
import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

POWER = """experiment: growth_power
scenario: power
seed: 20261122
population:
  agents: {n}
  issues: {m}
  ideal_points: {{dist: normal, sd: 1}}
  weights: {{dist: lognormal, sigma: 0.5}}
mechanism: {{name: equal_power, construction: {construction}, gamma: 0.01, epsilon: 0.1}}
"""
OBJECTIVE = """experiment: growth_objective
scenario: objective
seed: 20260013
population: {{agents: {n}, items: {n}, prior: {{dist: uniform}}}}
mechanism: {{name: participatory, alpha: 0.2, beta: 0.1}}
"""
SCF = """experiment: growth_scf
scenario: scf
seed: 20250003
population: {{sampler: negative_profiles, agents: {n}, outcomes: 10, cost_lo: 0.1, cost_hi: 1.0}}
mechanism: {{name: invariance, scfs: all, levels: all}}
"""
DEMO = """experiment: growth_baseline
scenario: demo
seed: 1
population: {agents: 1}
"""

# name, template, fields, sizes, expected exponent (and why; docs/performance.md section 3)
CURVES = [
    ("power_median_m1", POWER, {"m": 1, "construction": "median"},
     [1000, 3162, 10000, 31623, 100000, 316228, 1000000], "1 (O(n))"),
    ("power_fixed_point_m2", POWER, {"m": 2, "construction": "fixed_point"},
     [1000, 3162, 10000, 31623, 100000, 316228, 1000000], "1 (O(n))"),
    ("objective_n_eq_m", OBJECTIVE, {}, [10, 20, 50, 100, 200], "~2-3 (simplex on (n+m) rows)"),
    ("scf_10outcomes", SCF, {}, [100, 316, 1000, 3162, 10000], "1 (O(n): keys in one pass; sorts only on leximin ties)"),
]


def run(build, text, draws, tmp):
    cfg = Path(tmp) / "exp.yaml"
    cfg.write_text(text + f"draws: {draws}\nblock: {draws}\n")
    out = Path(tmp) / "out"
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", str(Path(build) / "fairmc"), "run",
                        str(cfg), "-j", "1", "-o", str(out), "--overwrite"],
                       capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"growth: fairmc failed ({p.returncode}):\n{p.stderr[-2000:]}")
    user, sys_s, kib = p.stderr.strip().splitlines()[-1].split()
    return {"draws": draws, "cpu": float(user) + float(sys_s), "wall": wall,
            "rss_mib": int(kib) / 1024.0}


def fit(ns, vs):
    x, y = np.log(np.asarray(ns, float)), np.log(np.asarray(vs, float))
    ok = np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(x) < 2:
        return math.nan, math.nan
    A = np.vstack([np.ones_like(x), x]).T
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    if len(x) < 3:
        return coef[1], math.nan
    r = y - A @ coef
    se = math.sqrt(r @ r / (len(x) - 2) / ((x - x.mean()) @ (x - x.mean())))
    return coef[1], se


def summarise(name, pts, expected):
    ns = [p["n"] for p in pts]
    t_exp, t_se = fit(ns, [p["cpu_per_draw"] for p in pts])
    top = [p for p in pts if p["n"] >= max(ns) / 10 * 0.999]
    t_top, _ = fit([p["n"] for p in top], [p["cpu_per_draw"] for p in top])
    # Memory the problem adds: peak RSS above the curve's smallest size (the binary, libraries
    # and the engine's buffers are the rest), fitted where it exceeds 2 MiB (below: noise).
    extra = [(p["n"], p["rss_mib"] - pts[0]["rss_mib"]) for p in pts]
    big = [e for e in extra if e[1] > 2.0]
    m_exp, m_se = fit([b[0] for b in big], [b[1] for b in big]) if len(big) >= 2 else (math.nan,
                                                                                       math.nan)
    return {"points": pts, "expected": expected, "time_exponent": t_exp,
            "time_exponent_se": t_se, "time_top_decade": t_top, "memory_exponent": m_exp,
            "memory_exponent_se": m_se,
            "bytes_per_unit": (extra[-1][1] * 2**20 / extra[-1][0]) if len(pts) > 1 else math.nan}


def render(results):
    lines = ["| curve | n | CPU per draw | peak RSS | time exponent (top decade) | memory exponent"
             " | memory per unit of n | expected time exponent |",
             "|---|---|---|---|---:|---:|---:|---|"]
    for name, c in results["curves"].items():
        p0, p1 = c["points"][0], c["points"][-1]
        lines.append(
            f"| {name} | {p0['n']:,}–{p1['n']:,} | {p0['cpu_per_draw'] * 1e3:.3g} → "
            f"{p1['cpu_per_draw'] * 1e3:.4g} ms | {p0['rss_mib']:.1f} → {p1['rss_mib']:.1f} MiB | "
            f"{c['time_exponent']:.2f} ± {c['time_exponent_se']:.2f} ({c['time_top_decade']:.2f}) | "
            f"{c['memory_exponent']:.2f} | {c['bytes_per_unit']:.0f} B | {c['expected']} |")
    lines.append("")
    lines.append(
        f"CPU per draw = (CPU of a 1 + k draw run - CPU of a 1-draw run) / k, one thread. Memory "
        f"exponent: slope of log(peak RSS - the curve's first point) on log n over the points more "
        f"than 2 MiB above it; memory per unit of n = that excess at the largest n / n. Process "
        f"baseline (demo, 1 agent, 1 draw): {results['baseline_rss_mib']:.1f} MiB. Load average "
        f"{' '.join(results['load_start'])} at the start, {' '.join(results['load_end'])} at the "
        f"end.")
    for name, c in results["curves"].items():
        lines.append("")
        lines.append(f"{name}: " + ", ".join(
            f"n = {p['n']:,}: {p['cpu_per_draw'] * 1e3:.4g} ms, {p['rss_mib']:.1f} MiB"
            for p in c["points"]))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default="results/bench")
    ap.add_argument("--only", default="", help="run the curves whose name contains this")
    ap.add_argument("--budget", type=float, default=1.5, help="CPU seconds of draws per point")
    ap.add_argument("--render", default="", help="re-print an existing growth.json")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.render:
        results = json.loads(Path(args.render).read_text())
        for name, c in results["curves"].items():
            results["curves"][name] = summarise(name, c["points"], c["expected"])
    else:
        results = {"load_start": Path("/proc/loadavg").read_text().split()[:3], "curves": {}}
        with tempfile.TemporaryDirectory() as tmp:
            results["baseline_rss_mib"] = run(args.build, DEMO, 1, tmp)["rss_mib"]
            for name, template, fields, sizes, expected in CURVES:
                if args.only and args.only not in name:
                    continue
                pts = []
                for n in sizes:
                    text = template.format(n=n, **fields)
                    one = run(args.build, text, 1, tmp)
                    # /usr/bin/time counts 10 ms ticks: a first guess from 10 more draws, then k.
                    two = run(args.build, text, 11, tmp)
                    per = max((two["cpu"] - one["cpu"]) / 10, 1e-5)
                    k = int(min(100000, max(10, math.ceil(args.budget / per))))
                    many = run(args.build, text, 1 + k, tmp)
                    per = (many["cpu"] - one["cpu"]) / k
                    pts.append({"n": n, "cpu_per_draw": per, "rss_mib": many["rss_mib"],
                                "runs": [one, two, many]})
                    print(f"{name} n={n}: {per * 1e3:.3f} ms/draw, peak RSS "
                          f"{many['rss_mib']:.1f} MiB ({k} draws)", flush=True)
                results["curves"][name] = summarise(name, pts, expected)
        results["load_end"] = Path("/proc/loadavg").read_text().split()[:3]
        (out / "growth.json").write_text(json.dumps(results, indent=1))
    text = render(results)
    (out / "growth.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
