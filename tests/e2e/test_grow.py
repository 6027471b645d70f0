"""`fairmc run --resume DIR key=more,values` from the command line (issue 17, item 4): the grown
file equals a single run of the larger sweep in every dataset (only /history, which records how
each file was made, differs); a grow killed at any moment leaves a results file that opens, and
repeating the command finishes it to the same numbers. Refusals: one line, exit 2, file untouched.

Usage: /usr/bin/python3 tests/e2e/test_grow.py PATH_TO_fairmc
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py

FAIRMC = os.path.abspath(sys.argv[1])

EXPERIMENT = """\
experiment: grow_cli
scenario: demo
seed: 23
draws: 300
block: 64
keep_draws: true
population: {agents: 10}
mechanism: {work: 10}
fits: [{metric: gap, against: population.agents}]
checks:
  - {name: max_closed_form, claim: "E[max] = n/(n+1)", mean: max, equals: expected_max}
sweep:
  grid: {population.agents: [4, 64, 256], mechanism.fail_from_draw: [0, 1]}
"""
# Values inserted before, between and after the stored ones, on both axes.
GROW = ["population.agents=2,4,16,64,128,256,1024", "mechanism.fail_from_draw=0,2,1"]

failures = []


def fairmc(*args, cwd):
    return subprocess.run([FAIRMC, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def expect(cond, what, proc=None):
    if not cond:
        failures.append(what + ("" if proc is None else f"\n  exit {proc.returncode}: {proc.stderr.strip()}"))


def datasets(path):
    """Every dataset's bytes (strings as text) by name, /history aside."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and not name.startswith("history/"):
                v = obj[()]
                v = v.tolist() if obj.dtype.kind == "O" and hasattr(v, "tolist") else v
                out[name] = repr(v) if obj.dtype.kind == "O" else v.tobytes()
        f.visititems(visit)
    return out


def same_as(path, reference, what):
    got = datasets(path)
    differ = sorted(k for k in set(got) | set(reference) if got.get(k) != reference.get(k))
    expect(not differ, f"{what}: datasets differ from the single run: {differ[:5]}")


def history_kinds(path):
    with h5py.File(path, "r") as f:
        return [k.decode() if isinstance(k, bytes) else k for k in f["history/kind"][()]]


with tempfile.TemporaryDirectory(prefix="fairmc-grow-") as tmp:
    with open(os.path.join(tmp, "e.yaml"), "w") as f:
        f.write(EXPERIMENT)
    whole = fairmc("run", "e.yaml", *GROW, "-o", "whole", "--no-progress", cwd=tmp)
    expect(whole.returncode == 0, "the single run of the larger sweep", whole)
    reference = datasets(os.path.join(tmp, "whole", "results.h5"))
    expect(any(k.startswith("checks/") for k in reference) and any(k.startswith("summary/") for k in reference),
           "the file has /checks and /summary to compare")

    small = fairmc("run", "e.yaml", "-o", "small", "--no-progress", cwd=tmp)
    expect(small.returncode == 0, "the stored run", small)
    keep = os.path.join(tmp, "small_copy")
    shutil.copytree(os.path.join(tmp, "small"), keep)

    grown = fairmc("run", "--resume", "small", *GROW, "--no-progress", cwd=tmp)
    expect(grown.returncode == 0 and "grew the sweep from 6 to 21 points" in grown.stderr
           and "15 new points" in grown.stderr, "the grow", grown)
    same_as(os.path.join(tmp, "small", "results.h5"), reference, "grown")
    expect(history_kinds(os.path.join(tmp, "small", "results.h5")) == ["new", "grow"], "history: new, grow")
    expect(fairmc("show", "small", cwd=tmp).stdout == fairmc("show", "whole", cwd=tmp).stdout,
           "fairmc show of the grown file equals the single run's")
    # The same command again: nothing left to add, a plain resume.
    again = fairmc("run", "--resume", "small", *GROW, "--no-progress", cwd=tmp)
    expect(again.returncode == 0 and "0 draws" in again.stderr, "the grow repeated", again)
    # With the experiment file given as well (checked against the stored one plus the overrides).
    with_file = fairmc("run", "--resume", os.path.join("small_copy"), "e.yaml", *GROW, "--no-progress", cwd=tmp)
    expect(with_file.returncode == 0, "the grow with the experiment file", with_file)
    same_as(os.path.join(keep, "results.h5"), reference, "grown with the experiment file")

    # Killed at random moments while growing: the file opens after each kill (the stored
    # experiment or the grown one), and repeating the command completes it.
    rng = random.Random(17)
    for k in range(6):
        out = f"kill{k}"
        r = fairmc("run", "e.yaml", "-o", out, "--no-progress", cwd=tmp)
        expect(r.returncode == 0, f"kill {k}: the stored run", r)
        results = os.path.join(tmp, out, "results.h5")
        p = subprocess.Popen([FAIRMC, "run", "--resume", out, *GROW, "--no-progress", "--checkpoint", "0.02"],
                             cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if k % 2:
            # After the grow's first write replaced the stored file (its checkpoints follow).
            before = os.stat(results).st_mtime_ns
            deadline = time.time() + 20
            while os.stat(results).st_mtime_ns == before and p.poll() is None and time.time() < deadline:
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.15))
        else:
            time.sleep(rng.uniform(0.0, 0.3))
        p.send_signal(signal.SIGKILL)
        p.wait()
        try:
            with h5py.File(results, "r") as f:
                points = f["sweep/status"].size
                complete = int(f.attrs["complete"])
        except OSError as e:
            expect(False, f"kill {k}: the file does not open: {e}")
            continue
        print(f"kill {k}: {points} points on disk, complete={complete}")
        expect(points in (6, 21), f"kill {k}: {points} points, neither the stored nor the grown sweep")
        r = fairmc("run", "--resume", out, *GROW, "--no-progress", cwd=tmp)
        expect(r.returncode == 0, f"kill {k}: the grow repeated", r)
        same_as(results, reference, f"kill {k} ({points} points on disk), grow repeated")

    # Two MPI ranks grow it to the same file (skipped without MPI).
    mpirun = shutil.which("mpirun")
    if "MPI: on" in fairmc("--version", cwd=tmp).stdout and mpirun:
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                   OMPI_MCA_rmaps_base_oversubscribe="1")
        r = fairmc("run", "e.yaml", "-o", "ranks", "--no-progress", cwd=tmp)
        expect(r.returncode == 0, "the stored run for MPI", r)
        r = subprocess.run([mpirun, "--oversubscribe", "-np", "2", FAIRMC, "run", "--resume", "ranks", *GROW,
                            "-j", "1", "--no-progress"], cwd=tmp, capture_output=True, text=True, env=env,
                           timeout=300)
        expect(r.returncode == 0, "the grow on two MPI ranks", r)
        same_as(os.path.join(tmp, "ranks", "results.h5"), reference, "grown on two MPI ranks")
    else:
        print("MPI part skipped: fairmc built without MPI or no mpirun")

    # Refusals: one line naming the file and the key, exit 2, the file untouched.
    stored = os.path.join(tmp, "whole", "results.h5")
    stamp = (os.path.getmtime(stored), os.path.getsize(stored))
    for args, needles in [
        (["population.agents=2,4,16,64,256,1024"], ["whole/results.h5", "population.agents", "128 is missing"]),
        (["population.agents=64"], ["population.agents", "one value"]),
        (["population.size=1,2"], ["population.size", "not swept"]),
        (["population.agents=2,4,16,64,128,256,1024,2048", "seed=5"], ["'seed=5'", "only sweep values"]),
        (["mechanism.work=40,80"], ["mechanism.work", "not swept"]),
        (["scenario=power"], ["scenario", "demo"]),
        (["draws=100"], ["draws", "300"]),
    ]:
        r = fairmc("run", "--resume", "whole", *args, "--no-progress", cwd=tmp)
        lines = r.stderr.strip().splitlines()
        expect(r.returncode == 2 and len(lines) == 1 and all(n in r.stderr for n in needles),
               f"--resume whole {' '.join(args)} refused with {needles}", r)
    expect((os.path.getmtime(stored), os.path.getsize(stored)) == stamp, "refusals left the file untouched")

for f in failures:
    print("FAIL:", f)
print(f"{'FAILED' if failures else 'OK'}: grow from the command line ({len(failures)} failures)")
sys.exit(1 if failures else 0)
