#!/usr/bin/python3
"""Per-draw time against population size n: runs build/bench_complexity (Google Benchmark), fits
the exponent b of t = a n^b by least squares on log t against log n (over the whole range and
over the top decade), prints it beside the exponent the algorithm should show, and draws
OUT/complexity.png.

Usage: /usr/bin/python3 bench/complexity.py [--build build] [--out results/bench]
         [--min-time 0.5] [--filter REGEX] [--json EXISTING.json] [--png PATH]
"""
import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
UNIT = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def fit(ns, ts):
    """Slope and its standard error of log t against log n."""
    x, y = np.log(ns), np.log(ts)
    if len(x) < 2:
        return math.nan, math.nan
    A = np.vstack([np.ones_like(x), x]).T
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    if len(x) < 3:
        return coef[1], math.nan
    resid = y - A @ coef
    s2 = resid @ resid / (len(x) - 2)
    se = math.sqrt(s2 / ((x - x.mean()) @ (x - x.mean())))
    return coef[1], se


def load(path):
    data = json.loads(Path(path).read_text())
    curves = {}
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate":
            name = b["name"].rsplit("_", 1)[0]
            c = curves.setdefault(name, {"points": []})
            if b.get("aggregate_name") == "RMS":
                c["gb_rms"] = b.get("rms")
            elif b.get("aggregate_name") == "BigO":
                c["gb_big_o"] = b.get("big_o")
            continue
        name, n = b["name"].rsplit("/n:", 1)
        c = curves.setdefault(name, {"points": []})
        c["points"].append((int(n), b["cpu_time"] * UNIT[b["time_unit"]], b["iterations"]))
        c["expected_exponent"] = b.get("expected_exponent", math.nan)
        c["expected"] = b.get("label", "").removeprefix("expected ")
    for c in curves.values():
        c["points"].sort()
        ns = np.array([p[0] for p in c["points"]], float)
        ts = np.array([p[1] for p in c["points"]], float)
        c["exponent"], c["exponent_se"] = fit(ns, ts)
        top = ns >= ns.max() / 10 * 0.999
        c["top_exponent"], _ = fit(ns[top], ts[top])
        # n^b log n has a local slope above b; over [n0, n1] its least-squares slope is this.
        c["log_factor"] = "log n" in c["expected"]
        shape = ns ** c["expected_exponent"] * (np.log(ns) if c["log_factor"] else 1.0)
        c["expected_fit"], _ = fit(ns, shape)
        c["expected_shape"] = shape / shape[0]
    return data.get("context", {}), curves


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default="results/bench")
    ap.add_argument("--min-time", default="0.5", help="Google Benchmark min time per n (s)")
    ap.add_argument("--filter", default="", help="--benchmark_filter regex")
    ap.add_argument("--json", help="fit an existing Google Benchmark JSON instead of running")
    ap.add_argument("--png", help="figure path (default OUT/complexity.png)")
    args = ap.parse_args()
    os.chdir(ROOT)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = Path(args.json) if args.json else out / "complexity.json"
    if not args.json:
        cmd = [str(Path(args.build) / "bench_complexity"), f"--benchmark_out={path}",
               "--benchmark_out_format=json", f"--benchmark_min_time={args.min_time}"]
        if args.filter:
            cmd.append(f"--benchmark_filter={args.filter}")
        print("$", " ".join(cmd), flush=True)
        if subprocess.run(cmd).returncode != 0:
            sys.exit("bench_complexity failed")
    context, curves = load(path)

    lines = ["| curve | n | CPU per draw | fitted exponent | top decade | expected |",
             "|---|---|---|---:|---:|---|"]
    for name, c in curves.items():
        (n0, t0, _), (n1, t1, _) = c["points"][0], c["points"][-1]
        lines.append(
            f"| {name.removeprefix('complexity/')} | {n0:,}–{n1:,} | {fmt_time(t0)} → "
            f"{fmt_time(t1)} | {c['exponent']:.2f} ± {c['exponent_se']:.2f} | "
            f"{c['top_exponent']:.2f} | {expected(c)} |")
    text = "\n".join(lines)
    print()
    print(text)
    (out / "complexity.md").write_text(text + "\n")

    fig, ax = plt.subplots(figsize=(8.5, 6))
    for name, c in curves.items():
        ns = np.array([p[0] for p in c["points"]], float)
        ts = np.array([p[1] for p in c["points"]], float)
        (line,) = ax.loglog(ns, ts, "o-", ms=4, lw=1.2,
                            label=f"{name.removeprefix('complexity/')}: "
                                  f"{c['exponent']:.2f} (expected {c['expected_fit']:.2f})")
        # The expected growth through the first point, for comparison.
        ax.loglog(ns, ts[0] * c["expected_shape"], ":", color=line.get_color(), lw=1)
    ax.set_xlabel("population size n (agents)")
    ax.set_ylabel("CPU time per draw (s)")
    ax.set_title("Per-draw time against n: fitted exponent (dotted: expected growth)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    host = context.get("host_name", "")
    fig.text(0.99, 0.01, f"{context.get('date', '')} {host} {context.get('num_cpus', '')} CPUs",
             ha="right", fontsize=6, color="gray")
    fig.tight_layout()
    png = Path(args.png) if args.png else out / "complexity.png"
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=120)
    print(f"\nwrote {out / 'complexity.md'} and {png}")


def expected(c):
    if c["log_factor"]:
        return f"{c['expected']}: {c['expected_fit']:.2f} over this range"
    return f"{c['expected_exponent']:g} ({c['expected']})"


def fmt_time(t):
    for unit, f in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if t >= f:
            return f"{t / f:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"


if __name__ == "__main__":
    main()
