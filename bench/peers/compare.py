#!/usr/bin/python3
"""fairmc against what a researcher would otherwise write: a NumPy/SciPy script per scenario.

For each scenario with a peer (bench/peers/<scenario>.py) and each point of its
experiments/<scenario>/bench_reference.yaml (a sweep is split into one experiment per point), it
runs, interleaved, --reps times:
  * `fairmc run <point.yaml> -j1 draws=N seed=<seed + rep> -o <tmp>`
  * `python3 bench/peers/<scenario>.py --config <point.yaml> --draws N --seed <seed + rep>`
both with the same N. fairmc is timed as a child process (CPU seconds, user + system, and wall
seconds, start-up and HDF5 output included); the peer reports its own CPU and wall seconds after
the interpreter has started and imported numpy/scipy (~0.3 s, paid once per session). Throughput
= N / median CPU seconds (--clock cpu, the default: a loaded machine disturbs it less than the
wall clock) or N / median wall seconds (--clock wall). Then every metric the peer computes is checked against
fairmc's (/summary/<metric> and <metric>_sem of results.h5, docs/results-format.md):
z = (mean_fairmc - mean_peer) / sqrt(sem_fairmc^2 + sem_peer^2) must satisfy |z| <= 4 (a metric
with sem 0 on both sides must agree exactly). The two use different random streams, so they
agree in distribution only.
Prints a Markdown table and writes OUT/peers.md and OUT/peers.json; exits 1 if a check fails.

Usage: /usr/bin/python3 bench/peers/compare.py [--build build] [--out results/bench]
         [--reps 3] [--scale 1] [--draws scf=4000,power=40] [--clock cpu|wall] [scenario ...]
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent
PY = "/usr/bin/python3"

# Draws per point at the default size (--scale multiplies them): the three repetitions of all
# scenarios take ~5-6 minutes on one quiet core, fairmc and the peers together (CPU seconds per
# repetition, fairmc + peer: scf ~4 + 9, power ~4 + 11, objective ~6 + 45, persuasion ~1.5 + 30:
# its peer runs Wolfe's algorithm in NumPy, ~50 ms a draw).
DEFAULT_DRAWS = {"scf": 20000, "power": 80, "objective": 1000, "persuasion": 600}
# Where a peer covers part of the reference workload, fairmc runs the same part: these keys
# override the reference YAML for both, and the table names the restriction. (persuasion's peer
# covers its whole reference workload since issue 19's last round: no entry.)
RESTRICT: dict = {}
ORDER = ["scf", "power", "objective", "persuasion"]
# One core for the peer as for fairmc -j1: no BLAS/OpenMP thread pools.
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def set_key(cfg: dict, key: str, value) -> None:
    node = cfg
    *head, last = key.split(".")
    for h in head:
        node = node.setdefault(h, {})
    node[last] = value


def split_points(cfg: dict) -> list[tuple[str, dict]]:
    """One experiment per sweep point (zip and grid of explicit value lists)."""
    sweep = cfg.get("sweep")
    if not sweep:
        return [("", cfg)]
    base = {k: v for k, v in cfg.items() if k != "sweep"}
    combos = [{}]
    for kind, axes in sweep.items():
        if kind == "zip":
            length = len(next(iter(axes.values())))
            combos = [dict(c, **{k: v[i] for k, v in axes.items()}) for c in combos
                      for i in range(length)]
        elif kind == "grid":
            for k, values in axes.items():
                combos = [dict(c, **{k: v}) for c in combos for v in values]
        else:
            raise SystemExit(f"compare.py: sweep kind '{kind}' not supported")
    out = []
    for c in combos:
        point = copy.deepcopy(base)
        for key, value in c.items():
            set_key(point, key, value)
        out.append((", ".join(f"{k.split('.')[-1]}={v}" for k, v in c.items()), point))
    return out


def timed(cmd: list[str], env=None) -> tuple[float, float]:
    """(wall, cpu) seconds of a child process; raises on failure. stderr goes to a file (a pipe
    left unread could fill up and stall the child)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            text = err.read().decode(errors="replace")
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{text}")
    return wall, ru.ru_utime + ru.ru_stime


def fairmc_summary(results: Path, metrics) -> dict:
    out = {}
    with h5py.File(results / "results.h5", "r") as f:
        s = f["summary"]
        for m in metrics:
            if m in s:
                out[m] = (float(np.ravel(s[m][()])[0]), float(np.ravel(s[m + "_sem"][()])[0]))
    return out


def z_score(mf, sf, mp, sp) -> float:
    den = math.hypot(sf, sp)
    if den == 0.0:
        return 0.0 if mf == mp else math.inf
    return (mf - mp) / den


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default="results/bench")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiplies the default draws (at least 30 per point)")
    ap.add_argument("--draws", default="", help="per-scenario draws, e.g. scf=4000,power=40")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    ap.add_argument("--keep", action="store_true", help="keep the temporary runs (printed)")
    ap.add_argument("scenarios", nargs="*")
    a = ap.parse_args()
    fairmc = str(Path(a.build).resolve() / "fairmc")
    # At least 30 draws under --scale: with fewer, the standard errors themselves are too rough
    # for a 4-sem test of skewed metrics (maxima over agents); --draws may go lower.
    draws = {k: max(30, round(v * a.scale)) for k, v in DEFAULT_DRAWS.items()}
    for item in filter(None, a.draws.split(",")):
        k, v = item.split("=")
        draws[k] = int(v)
    scenarios = a.scenarios or [s for s in ORDER if (HERE / f"{s}.py").exists()]
    env = dict(os.environ, **ONE_THREAD)
    tmp = Path(tempfile.mkdtemp(prefix="fairmc-peers-"))
    if a.keep:
        print(f"compare.py: runs kept in {tmp}")

    # Every (scenario, point) as one job; repetitions interleave fairmc and peer runs.
    jobs = []
    for s in scenarios:
        cfg = yaml.safe_load((ROOT / "experiments" / s / "bench_reference.yaml").read_text())
        if s in RESTRICT:
            for key, value in RESTRICT[s][1].items():
                set_key(cfg, key, value)
        for i, (label, point) in enumerate(split_points(cfg)):
            if s in RESTRICT:
                label = ", ".join(filter(None, [label, RESTRICT[s][0]]))
            yml = tmp / f"{s}_{i}.yaml"
            yml.write_text(yaml.safe_dump(point, sort_keys=False))
            jobs.append({"scenario": s, "point": label, "yaml": yml, "draws": draws[s],
                         "seed": int(cfg["seed"]), "fairmc": [], "peer": [], "dir": tmp / f"{s}_{i}"})
    print(f"== peers: {len(jobs)} points x {a.reps} repetitions; machine load average "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}", flush=True)
    for rep in range(a.reps):
        for j in jobs:
            n = j["draws"]
            # Both sides take a new seed per repetition, so that the repetitions are three
            # independent comparisons.
            j["fairmc"].append(timed([fairmc, "run", str(j["yaml"]), "-j1", f"draws={n}",
                                      f"seed={j['seed'] + rep}", "-o", str(j["dir"] / f"rep{rep}")]))
            out = j["dir"] / f"peer{rep}.json"
            timed([PY, str(HERE / f"{j['scenario']}.py"), "--config", str(j["yaml"]), "--draws",
                   str(n), "--seed", str(j["seed"] + rep), "--out", str(out)], env)
            doc = json.loads(out.read_text())
            j["peer"].append((doc["seconds"], doc["cpu_seconds"]))
            k = 1 if a.clock == "cpu" else 0
            print(f"   rep {rep + 1}: {j['scenario']} {j['point']}".rstrip() + ": fairmc "
                  f"{n / j['fairmc'][-1][k]:,.1f} draws/s, peer {n / j['peer'][-1][k]:,.1f} "
                  f"draws/s ({a.clock})", flush=True)

    # Checks: each repetition's fairmc run against the same repetition's peer.
    rows, ok = [], True
    for j in jobs:
        zmax, compared, total, worst = 0.0, 0, 0, ""
        for rep in range(a.reps):
            peer = json.loads((j["dir"] / f"peer{rep}.json").read_text())["points"][0]["metrics"]
            with h5py.File(j["dir"] / f"rep{rep}" / "results.h5", "r") as f:
                total = sum(1 for k in f["summary"] if k + "_sem" in f["summary"])
            fm = fairmc_summary(j["dir"] / f"rep{rep}", peer)
            missing = sorted(set(peer) - set(fm))
            if missing:
                raise SystemExit(f"compare.py: {j['scenario']}: fairmc has no metric {missing}")
            compared = len(peer)
            for m, st in peer.items():
                if math.isnan(fm[m][0]) != math.isnan(st["mean"]):
                    z = math.inf  # defined on one side only
                elif not (st["n"] > 1) or math.isnan(fm[m][1]) or math.isnan(st["sem"]):
                    continue  # fewer than 2 draws where defined: no standard error
                else:
                    z = z_score(fm[m][0], fm[m][1], st["mean"], st["sem"])
                if abs(z) > zmax:
                    zmax, worst = abs(z), f"{m} (rep {rep + 1}: fairmc {fm[m][0]:.6g} ± " \
                        f"{fm[m][1]:.2g}, peer {st['mean']:.6g} ± {st['sem']:.2g})"
        k = 1 if a.clock == "cpu" else 0
        tf = statistics.median(t[k] for t in j["fairmc"])
        tp = statistics.median(t[k] for t in j["peer"])
        agree = zmax <= 4.0
        ok &= agree
        rows.append({"scenario": j["scenario"], "point": j["point"], "draws": j["draws"],
                     "fairmc_draws_per_s": j["draws"] / tf, "peer_draws_per_s": j["draws"] / tp,
                     "ratio": tp / tf, "metrics_compared": compared,
                     "metrics_total": total, "max_abs_z": zmax,
                     "worst": worst, "agree": agree,
                     "fairmc_seconds": j["fairmc"], "peer_seconds": j["peer"]})

    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    lines = [f"fairmc -j1 against the NumPy/SciPy peers (bench/peers/), {a.reps} interleaved "
             f"repetitions, throughput from the median {a.clock} seconds; "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
             f"load average {load} at the end.", "",
             "| scenario | draws | fairmc draws/s | peer draws/s | fairmc / peer | metrics compared "
             "| max \\|z\\| |", "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        name = r["scenario"] + (f" ({r['point']})" if r["point"] else "")
        lines.append(f"| {name} | {r['draws']:,} | {r['fairmc_draws_per_s']:,.1f} | "
                     f"{r['peer_draws_per_s']:,.1f} | {r['ratio']:.2f}x | {r['metrics_compared']} of "
                     f"{r['metrics_total']} "
                     f"| {r['max_abs_z']:.2f}{'' if r['agree'] else ' FAIL'} |")
    lines.append("")
    for r in rows:
        if r["worst"]:
            name = r["scenario"] + (f" ({r['point']})" if r["point"] else "")
            lines.append(f"- {name}: largest |z| on {r['worst']}")
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "peers.md").write_text(text)
    (out / "peers.json").write_text(json.dumps(rows, indent=1))
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    if not ok:
        print("compare.py: a metric mean disagrees by more than 4 standard errors", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
