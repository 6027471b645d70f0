"""`fairmc run --shard I/K` and `fairmc merge` from the command line, as a Slurm job array uses
them: K shard runs, one merge, and the merged file equal to a single run (issue 17, item 4).
Bad uses get one line, exit code 2, and leave nothing behind.

Usage: /usr/bin/python3 tests/e2e/test_shard_merge.py PATH_TO_fairmc
"""
import os
import subprocess
import sys
import tempfile

FAIRMC = os.path.abspath(sys.argv[1])

EXPERIMENT = """\
experiment: shard_cli
scenario: demo
seed: 17
draws: 200
block: 50
population: {agents: 10}
sweep:
  grid: {population.agents: [2, 4, 8, 16, 32, 64, 128]}
"""

failures = []


def fairmc(*args, cwd):
    return subprocess.run([FAIRMC, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def expect(cond, what, proc=None):
    if not cond:
        failures.append(what + ("" if proc is None else f"\n  exit {proc.returncode}: {proc.stderr.strip()}"))


def one_line_usage_error(proc, *needles, what):
    lines = proc.stderr.strip().splitlines()
    expect(proc.returncode == 2 and len(lines) == 1 and all(n in proc.stderr for n in needles), what, proc)


with tempfile.TemporaryDirectory(prefix="fairmc-shard-") as tmp:
    with open(os.path.join(tmp, "e.yaml"), "w") as f:
        f.write(EXPERIMENT)
    whole = fairmc("run", "e.yaml", "-o", "whole", "--no-progress", cwd=tmp)
    expect(whole.returncode == 0, "the whole run", whole)
    # The job array: task i of 3 runs shard i/3 into its own directory.
    for i in range(3):
        shard = fairmc("run", "e.yaml", "--shard", f"{i}/3", "-o", f"part{i}", "--no-progress", cwd=tmp)
        expect(shard.returncode == 0 and f"shard {i}/3" in shard.stderr, f"shard {i}/3", shard)
    merged = fairmc("merge", "part0", "part1", "part2", "-o", "merged", cwd=tmp)
    expect(merged.returncode == 0 and "7 of 7 points complete" in merged.stderr, "merge", merged)
    show_whole = fairmc("show", "whole", cwd=tmp).stdout
    show_merged = fairmc("show", "merged", cwd=tmp).stdout
    expect(show_whole == show_merged and "shard_cli" in show_whole,
           "fairmc show of the merged file equals the whole run's")

    # Two of three shards: pending points, and the command to finish them.
    partial = fairmc("merge", "part0", "part2", "-o", "partial", cwd=tmp)
    expect(partial.returncode == 0 and "pending" in partial.stderr and "--resume partial" in partial.stderr,
           "a merge missing a shard says how to finish", partial)
    resumed = fairmc("run", "--resume", "partial", "--no-progress", cwd=tmp)
    expect(resumed.returncode == 0 and fairmc("show", "partial", cwd=tmp).stdout == show_whole,
           "the partial merge resumed equals the whole run", resumed)

    for bad in ("3/3", "1/0", "x", "1/2/3", "-1/2", "1", "/2", "99999999999/100000000000"):
        proc = fairmc("run", "e.yaml", "--shard", bad, "-o", "never", cwd=tmp)
        one_line_usage_error(proc, "--shard", "0 <= I < K", what=f"--shard {bad} refused")
    expect(not os.path.exists(os.path.join(tmp, "never")), "a refused --shard creates nothing")

    proc = fairmc("merge", "part0", "-o", "m1", cwd=tmp)
    expect(proc.returncode == 2 and not os.path.exists(os.path.join(tmp, "m1")), "merge of one input", proc)
    proc = fairmc("merge", "part0", "part1", cwd=tmp)
    expect(proc.returncode == 2, "merge without -o", proc)
    proc = fairmc("merge", "part0", "nothing_here", "-o", "m2", cwd=tmp)
    one_line_usage_error(proc, "nothing_here", what="merge of a missing input")
    proc = fairmc("merge", "part0", "part1", "-o", "merged", cwd=tmp)
    one_line_usage_error(proc, "exists", what="merge into an existing results file")
    other = fairmc("run", "e.yaml", "seed=18", "--shard", "1/3", "-o", "other", "--no-progress", cwd=tmp)
    expect(other.returncode == 0, "the other experiment", other)
    proc = fairmc("merge", "part0", "other", "-o", "m3", cwd=tmp)
    one_line_usage_error(proc, "different experiments", "other", what="merge of different experiments")
    expect(not os.path.exists(os.path.join(tmp, "m3")), "a refused merge leaves no directory")

for f in failures:
    print("FAIL:", f)
print(f"{'FAILED' if failures else 'OK'}: shard/merge command line ({len(failures)} failures)")
sys.exit(1 if failures else 0)
