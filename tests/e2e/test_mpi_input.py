"""Under mpirun, invalid input gives one error line from one rank and exit 2 with nothing written
(no copy per rank, no MPI_Abort banner), and an interrupt ends with the resume hint once and a run
that resumes to the numbers of an uninterrupted one (issue 16, item 6).

OpenMPI's mpirun answers Ctrl-C itself: it sends SIGTERM to the ranks, exits with status 1 whatever
they return, and kills them about two seconds later. Rank 0 therefore prints the resume hint as
soon as the signal arrives. A SIGTERM to the ranks themselves (what batch systems send) gives
mpirun's status 130, the ranks' own.

Skipped (reported as such) when fairmc was built without MPI or mpirun is missing.
Usage: /usr/bin/python3 tests/e2e/test_mpi_input.py PATH_TO_fairmc
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

from mpi_setup import ENV, mpirun_or_skip, numbers

FAIRMC = os.path.abspath(sys.argv[1])

GOOD = "experiment: t\nscenario: demo\nseed: 3\ndraws: 400\nblock: 100\npopulation: {agents: 5}\n"
LONG = ("experiment: long\nscenario: demo\nseed: 9\ndraws: 600000\nblock: 500\nmechanism: {work: 100}\n"
        "population: {agents: 20}\n")


def main():
    mpirun = mpirun_or_skip(FAIRMC)
    if not mpirun:
        return 0
    passed = failed = 0

    def verdict(label, problems):
        nonlocal passed, failed
        if problems:
            print(f"{label}: FAILED: " + "; ".join(problems))
            failed += 1
        else:
            passed += 1

    with tempfile.TemporaryDirectory() as tmp:
        good = os.path.join(tmp, "good.yaml")
        with open(good, "w") as f:
            f.write(GOOD)
        bad = os.path.join(tmp, "dup.yaml")
        with open(bad, "w") as f:
            f.write(GOOD + "draws: 500\n")
        cases = {
            "duplicate key": ([bad], "dup.yaml:7:1"),
            "empty override": ([good, "seed="], "'seed='"),
            "bad -j": ([good, "-j", "65537"], "'-j 65537'"),
            "sweep too large": ([good, "population.agents=range(1,1000001)"], "the limit is"),
        }
        for name, (args, where) in cases.items():
            out = os.path.join(tmp, "out_" + name.replace(" ", "_"))
            r = subprocess.run([mpirun, "-np", "3", FAIRMC, "run", *args, "-o", out,
                                "--no-progress"], capture_output=True, text=True, env=ENV)
            errors = [l for l in r.stderr.splitlines() if l.startswith("fairmc: error:")]
            problems = []
            if r.returncode != 2:
                problems.append(f"exit {r.returncode}")
            if len(errors) != 1 or where not in errors[0]:
                problems.append(f"expected one error line naming {where!r}: {errors}")
            if "MPI_ABORT" in r.stderr:
                problems.append("MPI_Abort banner")
            if os.path.exists(out):
                problems.append("left output behind")
            verdict(name, problems)

        long_yaml = os.path.join(tmp, "long.yaml")
        with open(long_yaml, "w") as f:
            f.write(LONG)
        for label, target in (("SIGINT to mpirun", "mpirun"), ("SIGTERM to the ranks", "ranks")):
            out = os.path.join(tmp, "long_" + target)
            p = subprocess.Popen([mpirun, "-np", "2", FAIRMC, "run", long_yaml, "-o", out, "-j",
                                  "1", "--no-progress", "--checkpoint", "0"],
                                 stderr=subprocess.PIPE, text=True, env=ENV,
                                 start_new_session=True)
            results = os.path.join(out, "results.h5")
            deadline = time.time() + 60
            while not os.path.exists(results) and time.time() < deadline:
                time.sleep(0.2)
            time.sleep(0.3)
            if target == "mpirun":
                os.kill(p.pid, signal.SIGINT)
            else:
                ranks = subprocess.run(["pgrep", "-f", f"{FAIRMC} run {long_yaml}"],
                                       capture_output=True, text=True).stdout.split()
                for pid in ranks:
                    if int(pid) != p.pid:
                        os.kill(int(pid), signal.SIGTERM)
            err = p.communicate(timeout=60)[1]
            problems = []
            if err.count("resume with: fairmc run --resume " + out) != 1:
                problems.append(f"expected the resume hint once: {err[-1500:]!r}")
            if "fairmc: error" in err or "MPI_ABORT" in err:
                problems.append(f"error output: {err[-1500:]!r}")
            want_rc = 130 if target == "ranks" else None
            if p.returncode == 0 or (want_rc and p.returncode != want_rc):
                problems.append(f"exit {p.returncode}")
            # The saved file resumes; the finished run equals an uninterrupted one.
            r = subprocess.run([FAIRMC, "run", "--resume", out, "--no-progress"],
                               capture_output=True, text=True)
            ref = os.path.join(tmp, "ref")
            if not os.path.exists(ref):
                subprocess.run([FAIRMC, "run", long_yaml, "-o", ref, "--no-progress"],
                               capture_output=True, text=True)
            if r.returncode != 0:
                problems.append(f"resume exit {r.returncode}: {r.stderr[-800:]}")
            elif numbers(results) != numbers(os.path.join(ref, "results.h5")):
                problems.append("resumed numbers differ from an uninterrupted run")
            verdict(label, problems)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
