#!/usr/bin/python3
"""The `make bench` table: one reference experiment per scenario, run by the fairmc binary.

For each scenario it runs experiments/<scenario>/bench_reference.yaml
  * `fairmc run -j1` and `fairmc run -j2`: draws/s (wall clock), CPU seconds, peak RSS (the
    child's rusage), output file size;
  * `fairmc run -j2` with a tenth of the draws: peak RSS again (memory must not grow with draws);
  * `bench_split -j1`: the same run in-process with Model::run timed, for the share of the time
    spent in the engine rather than in the scenario (prepare + run).
Then a memory check over three decades of draws (demo, 1 agent, blocks of 100).
Prints a Markdown table and writes OUT/table.md and OUT/table.json.

Usage: /usr/bin/python3 bench/reference_table.py [--build build] [--out results/bench]
         [--only demo,power] [--scale 0.1] [--env GLIBC_TUNABLES=...]
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (scenario, experiment file, overrides). The objective LP is slow (~15 ms a draw): its
# reference (10,000 draws, the target workload) is cut to its first 1,500 draws here.
REFERENCES = [
    ("demo", "experiments/demo/bench_reference.yaml", []),
    ("power", "experiments/power/bench_reference.yaml", []),
    ("objective", "experiments/objective/bench_reference.yaml", ["draws=1500"]),
    ("persuasion", "experiments/persuasion/bench_reference.yaml", []),
    ("scf", "experiments/scf/bench_reference.yaml", []),
]


def experiment_sizes(fairmc, exp, overrides):
    """(points, draws per point, block) from `fairmc plan`."""
    out = subprocess.run([fairmc, "plan", exp, *overrides], check=True, capture_output=True,
                         text=True).stdout
    m = re.search(r"(\d+) draws per point in (\d+) blocks of (\d+)", out)
    p = re.search(r"sweep: (\d+) point", out)
    return int(p.group(1)), int(m.group(1)), int(m.group(3))


def measure(cmd, env):
    """Runs cmd; returns wall seconds, CPU seconds, peak RSS (KiB) of the child, exit code."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env)
        out = proc.stdout.read()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.read().decode()}")
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_kib": ru.ru_maxrss,
            "stdout": out.decode()}


def run_fairmc(fairmc, exp, overrides, threads, outdir, env):
    cmd = [fairmc, "run", exp, *overrides, "-j", str(threads), "-o", str(outdir), "--overwrite",
           "--no-progress"]
    load = os.getloadavg()[0]
    r = measure(cmd, env)
    r.pop("stdout")
    r["load_before"] = load
    r["file_bytes"] = (outdir / "results.h5").stat().st_size
    return r


def machine():
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    return (f"{os.cpu_count()} x {cpu}, {int(mem) / 2**20:.0f} GiB, Linux {platform.release()}, "
            f"{platform.libc_ver()[0]} {platform.libc_ver()[1]}")


def fmt_rate(x):
    return f"{x / 1e3:,.1f} k" if x >= 1e4 else f"{x:,.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default="results/bench")
    ap.add_argument("--only", default="", help="comma-separated scenarios")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every draw count")
    ap.add_argument("--env", action="append", default=[], help="KEY=VALUE for every run")
    args = ap.parse_args()
    os.chdir(ROOT)
    build = Path(args.build)
    fairmc, split = str(build / "fairmc"), str(build / "bench_split")
    out = Path(args.out)
    (out / "runs").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    for kv in args.env:
        k, v = kv.split("=", 1)
        env[k] = v
    only = set(filter(None, args.only.split(",")))

    rows = []
    for scenario, exp, overrides in REFERENCES:
        if only and scenario not in only:
            continue
        points, draws, block = experiment_sizes(fairmc, exp, overrides)
        draws = max(block, int(round(draws * args.scale / block)) * block)
        tenth = max(block, (draws // 10) // block * block)
        ov = [o for o in overrides if not o.startswith("draws=")] + [f"draws={draws}"]
        print(f"== {scenario}: {exp} {' '.join(ov)} ({points} x {draws} draws)", flush=True)
        row = {"scenario": scenario, "experiment": exp, "overrides": ov, "points": points,
               "draws": draws, "block": block}
        for j in (1, 2):
            row[f"j{j}"] = run_fairmc(fairmc, exp, ov, j, out / "runs" / f"{scenario}-j{j}", env)
            r = row[f"j{j}"]
            r["draws_per_s"] = points * draws / r["wall_s"]
            print(f"   -j{j}: {r['wall_s']:.2f} s wall, {r['cpu_s']:.2f} s CPU, "
                  f"{r['draws_per_s']:.1f} draws/s, {r['peak_rss_kib'] / 1024:.1f} MiB, "
                  f"load before {r['load_before']:.2f}", flush=True)
        ov_tenth = [o for o in ov if not o.startswith("draws=")] + [f"draws={tenth}"]
        row["j2_tenth"] = run_fairmc(fairmc, exp, ov_tenth, 2, out / "runs" / f"{scenario}-tenth",
                                     env)
        row["j2_tenth"]["draws"] = tenth
        load = os.getloadavg()[0]
        s = json.loads(measure([split, exp, *ov, "-j", "1"], env)["stdout"])
        s["load_before"] = load
        row["split_j1"] = s
        print(f"   split -j1: engine share {100 * s['engine_share']:.2f}% "
              f"(scenario {s['mechanism_s'] + s['prepare_s']:.2f} s of {s['wall_s']:.2f} s)",
              flush=True)
        rows.append(row)

    # Memory against the number of draws (blocks of 100, raw draws not kept).
    memory = []
    if not only or "demo" in only:
        for d in (10**5, 10**6, 10**7):
            r = run_fairmc(fairmc, "experiments/demo/bench_reference.yaml",
                           ["population.agents=1", "block=100", f"draws={d}"], 2,
                           out / "runs" / "memory", env)
            memory.append({"draws": d, "blocks": d // 100, **r})
            print(f"== memory: {d:.0e} draws -> {r['peak_rss_kib'] / 1024:.1f} MiB", flush=True)

    lines = [f"Machine: {machine()}.", ""]
    lines.append("| scenario | reference (points x draws) | draws/s, 1 thread | draws/s, 2 threads | "
                 "scaling | peak RSS | RSS at draws/10 | engine share | output | load avg |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        name = Path(r["experiment"]).parent.name + "/" + Path(r["experiment"]).name
        lines.append(
            f"| {r['scenario']} | `{name}` {r['points']} x {r['draws']:,} | "
            f"{fmt_rate(r['j1']['draws_per_s'])} | {fmt_rate(r['j2']['draws_per_s'])} | "
            f"{r['j2']['draws_per_s'] / r['j1']['draws_per_s']:.2f}x | "
            f"{r['j2']['peak_rss_kib'] / 1024:.1f} MiB | "
            f"{r['j2_tenth']['peak_rss_kib'] / 1024:.1f} MiB | "
            f"{100 * r['split_j1']['engine_share']:.2f}% | "
            f"{r['j2']['file_bytes'] / 1024:,.0f} KiB | "
            f"{r['j1']['load_before']:.1f} / {r['j2']['load_before']:.1f} |")
    lines += ["", "Scaling = (draws/s on 2 threads) / (draws/s on 1 thread), wall clock. Engine "
              "share = 1 - (time in the scenario's prepare() and run()) / (wall time), one thread "
              "(bench_split). Peak RSS of the 2-thread run. Load avg = 1-minute load average "
              "before the 1- and 2-thread runs (2 cores: above ~0.3 another process competed)."]
    if memory:
        lines += ["", "Memory against draws (demo, 1 agent, blocks of 100, 2 threads): " + ", ".join(
            f"{m['draws']:.0e} draws ({m['blocks']:,} blocks) {m['peak_rss_kib'] / 1024:.1f} MiB"
            for m in memory) + "."]
    text = "\n".join(lines)
    print()
    print(text)
    (out / "table.md").write_text(text + "\n")
    (out / "table.json").write_text(json.dumps({"machine": machine(), "rows": rows,
                                                "memory": memory}, indent=1) + "\n")
    print(f"\nwrote {out / 'table.md'} and {out / 'table.json'}")


if __name__ == "__main__":
    main()
