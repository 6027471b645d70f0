"""`mpirun -np 2 fairmc run` writes numbers bit-identical to a one-process run (issue 7, item 1),
also when it resumes and extends a one-process run, and when a sweep point fails part-way.

Skipped (reported as such) when fairmc was built without MPI or mpirun is missing.
Usage: /usr/bin/python3 tests/e2e/test_mpi.py PATH_TO_fairmc
"""
import os
import subprocess
import sys
import tempfile

import h5py

from mpi_setup import ENV, mpirun_or_skip, numbers

FAIRMC = sys.argv[1]

EXPERIMENT = """experiment: mpi_check
scenario: demo
seed: 77
draws: 3000
block: 100
keep_draws: true
population: {agents: 50}
sweep: {grid: {population.agents: [1, 50, 500]}}
"""

PRECISION = """experiment: mpi_precision
scenario: demo
seed: 78
max_draws: 200000
block: 64
population: {agents: 20}
ratios: [{name: mean_over_max, num: mean, den: max}]
precision: [{metric: mean, abs: 0.0025}, {ratio: mean_over_max, rel: 0.01}]
sweep: {grid: {population.agents: [5, 20, 80]}}
"""


def numbers_and_status(path):
    out = numbers(path)
    with h5py.File(path, "r") as f:
        out["status"] = b"".join(f["sweep/status"][()].ravel())
    return out


def mpi(mpirun, np_, args):
    return subprocess.run([mpirun, "--oversubscribe", "-np", str(np_), FAIRMC, *args],
                          capture_output=True, text=True, env=ENV)


def main():
    mpirun = mpirun_or_skip(FAIRMC)
    if not mpirun:
        return 0
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        exp = os.path.join(tmp, "exp.yaml")
        with open(exp, "w") as f:
            f.write(EXPERIMENT)
        one = os.path.join(tmp, "one")
        r = subprocess.run([FAIRMC, "run", exp, "-o", one, "-j", "1", "--no-progress"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        reference = numbers(os.path.join(one, "results.h5"))
        def check(label, got, want):
            nonlocal passed, failed
            if got == want:
                passed += 1
            else:
                diff = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
                print(f"{label}: differs in {diff[:5]}")
                failed += 1

        for np_, threads in ((2, 1), (2, 2), (3, 1)):
            out = os.path.join(tmp, f"np{np_}_j{threads}")
            r = mpi(mpirun, np_, ["run", exp, "-o", out, "-j", str(threads), "--no-progress",
                                  "--checkpoint", "0"])
            if r.returncode != 0:
                print(f"-np {np_}: exit {r.returncode}: {r.stderr[-2000:]}")
                failed += 1
                continue
            check(f"-np {np_} -j {threads}", numbers(os.path.join(out, "results.h5")), reference)

        # One process computes 1,250 draws (the last block short), two ranks resume to 3,000.
        part = os.path.join(tmp, "part")
        r = subprocess.run([FAIRMC, "run", exp, "draws=1250", "-o", part, "-j", "1",
                            "--no-progress"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        r = mpi(mpirun, 2, ["run", "--resume", part, "draws=3000", "-j", "1", "--no-progress",
                            "--checkpoint", "0"])
        if r.returncode != 0:
            print(f"resume -np 2: exit {r.returncode}: {r.stderr[-2000:]}")
            failed += 1
        else:
            check("resume -np 2", numbers(os.path.join(part, "results.h5")), reference)

        # The 50-agent point fails at draw 1,500, after many of its blocks were merged and saved.
        failing = ["mechanism.fail_for_agents=50", "mechanism.fail_from_draw=1500"]
        solo = os.path.join(tmp, "fail_one")
        r = subprocess.run([FAIRMC, "run", exp, *failing, "-o", solo, "-j", "1", "--no-progress"],
                           capture_output=True, text=True)
        assert r.returncode == 1, r.stderr
        want = numbers_and_status(os.path.join(solo, "results.h5"))
        assert want["status"] == b"completefailedcomplete", want["status"]
        ranks = os.path.join(tmp, "fail_np2")
        r = mpi(mpirun, 2, ["run", exp, *failing, "-o", ranks, "-j", "2", "--no-progress",
                            "--checkpoint", "0"])
        if r.returncode != 1:
            print(f"failing point -np 2: exit {r.returncode}: {r.stderr[-2000:]}")
            failed += 1
        else:
            check("failing point -np 2", numbers_and_status(os.path.join(ranks, "results.h5")),
                  want)

        # Precision targets (issue 13): each point stops at the first 2^k blocks where its targets
        # hold, decided on the block-order merge, so ranks change nothing; sketch quantiles too.
        prec = os.path.join(tmp, "precision.yaml")
        with open(prec, "w") as f:
            f.write(PRECISION)
        solo = os.path.join(tmp, "prec_one")
        r = subprocess.run([FAIRMC, "run", prec, "-o", solo, "-j", "1", "--no-progress"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        want = numbers(os.path.join(solo, "results.h5"))
        for np_ in (2, 3):
            out = os.path.join(tmp, f"prec_np{np_}")
            r = mpi(mpirun, np_, ["run", prec, "-o", out, "-j", "1", "--no-progress",
                                  "--checkpoint", "0"])
            if r.returncode != 0:
                print(f"precision -np {np_}: exit {r.returncode}: {r.stderr[-2000:]}")
                failed += 1
                continue
            check(f"precision -np {np_}", numbers(os.path.join(out, "results.h5")), want)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
