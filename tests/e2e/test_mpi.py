"""`mpirun -np 2 fairmc run` writes numbers bit-identical to a one-process run (issue 7, item 1).

Skipped (reported as such) when fairmc was built without MPI or mpirun is missing.
Usage: /usr/bin/python3 tests/e2e/test_mpi.py PATH_TO_fairmc
"""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py

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


def numbers(path):
    out = {}
    with h5py.File(path, "r") as f:
        for group in ("summary", "points"):
            f[group].visititems(
                lambda n, o: out.__setitem__(group + "/" + n, o[()].tobytes())
                if isinstance(o, h5py.Dataset) and o.dtype.kind == "f" else None)
    return out


def main():
    version = subprocess.run([FAIRMC, "--version"], capture_output=True, text=True).stdout
    mpirun = shutil.which("mpirun")
    if "MPI: on" not in version or not mpirun:
        print("fairmc built without MPI or no mpirun: skipped")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
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
        for np_, threads in ((2, 1), (2, 2), (3, 1)):
            out = os.path.join(tmp, f"np{np_}_j{threads}")
            r = subprocess.run([mpirun, "--oversubscribe", "-np", str(np_), FAIRMC, "run", exp, "-o", out,
                                "-j", str(threads), "--no-progress"],
                               capture_output=True, text=True, env=env)
            if r.returncode != 0:
                print(f"-np {np_}: exit {r.returncode}: {r.stderr[-2000:]}")
                failed += 1
                continue
            got = numbers(os.path.join(out, "results.h5"))
            if got == reference:
                passed += 1
            else:
                diff = sorted(k for k in set(got) | set(reference) if got.get(k) != reference.get(k))
                print(f"-np {np_} -j {threads}: differs in {diff[:5]}")
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
