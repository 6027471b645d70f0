"""Command-line conventions (issue 17, items 2 and 6): one configuration wherever the file lives
(--config-dir, built-in defaults equal to configs/defaults.yaml, defaults= refused), plan
--resolved, list SCENARIO, run --quiet, show --csv (every number equal to the file's).

Usage: /usr/bin/python3 tests/e2e/test_cli.py PATH_TO_fairmc
"""
import csv
import io
import math
import os
import subprocess
import sys
import tempfile

sys.path.append(os.path.join(os.environ.get("FAIRMC_SOURCE_DIR", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")), "analysis"))
import fairmc as loader  # noqa: E402

FAIRMC = os.path.abspath(sys.argv[1])
failures = []


def fairmc(*args, cwd):
    return subprocess.run([FAIRMC, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def expect(cond, what, proc=None):
    if not cond:
        failures.append(what + ("" if proc is None else f"\n  exit {proc.returncode}: {proc.stderr.strip()}"))


with tempfile.TemporaryDirectory(prefix="fairmc-cli-") as tmp:
    os.makedirs(os.path.join(tmp, "away"))
    with open(os.path.join(tmp, "away", "x.yaml"), "w") as f:
        f.write("experiment: cli_x\nscenario: demo\npopulation: {agents: 3}\n")
    # Outside any repository: the built-in defaults, the same as configs/defaults.yaml.
    plan = fairmc("plan", "x.yaml", "--resolved", cwd=os.path.join(tmp, "away"))
    expect(plan.returncode == 0 and "seed: 1\n" in plan.stdout and "draws: 1000\n" in plan.stdout,
           "plan --resolved outside the repository holds the built-in engine defaults", plan)
    # --config-dir: another configs/ with its own defaults and a `defaults:` entry.
    conf = os.path.join(tmp, "myconf")
    os.makedirs(os.path.join(conf, "populations"))
    with open(os.path.join(conf, "defaults.yaml"), "w") as f:
        f.write("seed: 7\ndraws: 50\nblock: 10\n")
    with open(os.path.join(conf, "populations", "small.yaml"), "w") as f:
        f.write("population: {agents: 4}\n")
    with open(os.path.join(tmp, "away", "y.yaml"), "w") as f:
        f.write("experiment: cli_y\nscenario: demo\ndefaults: [populations/small]\n")
    plan = fairmc("plan", "y.yaml", "--resolved", "--config-dir", conf, cwd=os.path.join(tmp, "away"))
    expect(plan.returncode == 0 and "seed: 7\n" in plan.stdout and "agents: 4" in plan.stdout,
           "--config-dir supplies defaults.yaml and the `defaults:` files", plan)
    run = fairmc("run", "y.yaml", "--config-dir", conf, "-o", "out_q", "--quiet", cwd=os.path.join(tmp, "away"))
    expect(run.returncode == 0 and run.stderr == "" and run.stdout == "", "run --quiet prints nothing", run)
    expect(os.path.exists(os.path.join(tmp, "away", "out_q", "results.h5")), "run --quiet still writes")
    bad = fairmc("plan", "y.yaml", "--config-dir", os.path.join(tmp, "nope"), cwd=os.path.join(tmp, "away"))
    expect(bad.returncode == 2 and "--config-dir" in bad.stderr and len(bad.stderr.splitlines()) == 1,
           "a missing --config-dir is one line, exit 2", bad)
    bad = fairmc("plan", "x.yaml", "defaults=[populations/small]", cwd=os.path.join(tmp, "away"))
    expect(bad.returncode == 2 and "defaults: [populations/small]" in bad.stderr,
           "defaults= on the command line is refused, saying where it goes", bad)
    listed = fairmc("list", "demo", cwd=tmp)
    expect(listed.returncode == 0 and listed.stdout.startswith("demo - ") and "\npower - " not in listed.stdout,
           "list SCENARIO lists that scenario only", listed)
    bad = fairmc("list", "nope", cwd=tmp)
    expect(bad.returncode == 2 and "unknown scenario 'nope'" in bad.stderr and "objective" in bad.stderr,
           "list of an unknown scenario names the known ones", bad)

    # show --csv: one row per point, every /summary number as stored (17 digits read back exactly).
    with open(os.path.join(tmp, "grid.yaml"), "w") as f:
        f.write("experiment: cli_grid\nscenario: demo\nseed: 3\ndraws: 60\nblock: 20\n"
                "population: {agents: 3}\nsweep:\n  grid: {population.agents: [2, 5], mechanism.work: [1, 2]}\n"
                "  zip: {mechanism.fail_for_agents: [0, 5], mechanism.fail_from_draw: [0, 3]}\n"
                "fits:\n  - {metric: max, against: population.agents, log: true}\n")
    run = fairmc("run", "grid.yaml", "-o", "grid", "--quiet", cwd=tmp)
    shown = fairmc("show", "grid", "--csv", cwd=tmp)
    expect(run.returncode == 1 and shown.returncode == 0, "show --csv of a run with a failed point", shown)
    rows = list(csv.DictReader(io.StringIO(shown.stdout)))
    frame = loader.summary_frame(os.path.join(tmp, "grid"))
    expect(len(rows) == len(frame) == 8, f"show --csv has a row per point ({len(rows)})")
    expect(not any(c.startswith("fit_") for c in rows[0]), "fits (one axis fewer) are left out")
    mismatched = []
    for p, row in enumerate(rows):
        expect(int(row["point"]) == p, "rows in point order")
        for column, text in row.items():
            if column in ("point", "status") or column not in frame.columns:
                continue
            want = frame[column].iloc[p]
            try:
                got = float(text)
            except ValueError:
                got = text
            same = (got == want or (isinstance(got, float) and math.isnan(got) and math.isnan(float(want)))
                    if isinstance(got, float) else str(want) == got)
            if not same:
                mismatched.append((p, column, text, want))
    expect(not mismatched, f"show --csv equals the file's numbers: {mismatched[:3]}")
    expect({r["status"] for r in rows} == {"complete", "failed"}, "status column (a point fails)")

for f in failures:
    print("FAIL:", f)
print(f"{'FAILED' if failures else 'OK'}: command-line conventions ({len(failures)} failures)")
sys.exit(1 if failures else 0)
