"""Kill runs with SIGKILL at random moments, then resume them; the results must open after every
kill and end bit-identical to an uninterrupted run (issue 7, item 2).

Usage: /usr/bin/python3 tests/e2e/test_kill_resume.py PATH_TO_fairmc [KILLS]
"""
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

FAIRMC = sys.argv[1]
KILLS = int(sys.argv[2]) if len(sys.argv) > 2 else 20

EXPERIMENT = """experiment: kill_resume
scenario: demo
seed: 4242
draws: 6000
block: 50
keep_draws: true
population: {agents: 3000}
sweep: {grid: {population.agents: [2000, 3000]}}
"""


def numbers(path):
    """Every stored number of a results file, by dataset name."""
    out = {}
    with h5py.File(path, "r") as f:
        assert f.attrs["format"] == b"fairmc-results" or f.attrs["format"] == "fairmc-results"

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f":
                out[name] = obj[()]

        f["summary"].visititems(lambda n, o: visit("summary/" + n, o))
        f["points"].visititems(lambda n, o: visit("points/" + n, o))
    return out


def run(args, **kw):
    return subprocess.run([FAIRMC, *args], capture_output=True, text=True, **kw)


def main():
    rng = random.Random(20261125)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        exp = os.path.join(tmp, "exp.yaml")
        with open(exp, "w") as f:
            f.write(EXPERIMENT)
        ref_dir = os.path.join(tmp, "ref")
        r = run(["run", exp, "-o", ref_dir, "-j", "2", "--no-progress"])
        assert r.returncode == 0, r.stderr
        reference = numbers(os.path.join(ref_dir, "results.h5"))
        for k in range(KILLS):
            out = os.path.join(tmp, f"k{k}")
            results = os.path.join(out, "results.h5")
            p = subprocess.Popen([FAIRMC, "run", exp, "-o", out, "-j", "2", "--no-progress",
                                  "--checkpoint", "0.02"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # The file exists from the run's first moment after validation; kill at a random
            # moment after that (possibly mid-checkpoint, possibly after the end).
            deadline = time.time() + 10
            while not os.path.exists(results) and time.time() < deadline and p.poll() is None:
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.6))
            p.send_signal(signal.SIGKILL)
            p.wait()
            try:
                numbers(results)  # opens and reads after the kill
                resumes = 0
                while True:
                    r = run(["run", "--resume", out, "-j", "2", "--no-progress"])
                    assert r.returncode == 0, r.stderr
                    with h5py.File(results, "r") as f:
                        if int(f.attrs["complete"]) == 1:
                            break
                    resumes += 1
                    assert resumes < 3, "resume did not complete"
                got = numbers(results)
                assert got.keys() == reference.keys(), set(got) ^ set(reference)
                for name, ref in reference.items():
                    a, b = np.asarray(got[name]), np.asarray(ref)
                    assert a.shape == b.shape and a.tobytes() == b.tobytes(), name
                passed += 1
            except AssertionError as e:
                print(f"kill {k}: FAILED: {e}")
                failed += 1
        # Ctrl-C (SIGINT): finish the blocks in flight, save, say how to resume, exit 130.
        out = os.path.join(tmp, "sigint")
        p = subprocess.Popen([FAIRMC, "run", exp, "-o", out, "-j", "2", "--no-progress"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        while not os.path.exists(os.path.join(out, "results.h5")) and p.poll() is None:
            time.sleep(0.001)
        time.sleep(0.05)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate()
        try:
            if p.returncode == 0:
                print("note: run finished before SIGINT arrived")
            else:
                assert p.returncode == 130, (p.returncode, err)
                assert "fairmc run --resume " + out in err, err
                with h5py.File(os.path.join(out, "results.h5"), "r") as f:
                    assert int(f.attrs["complete"]) == 0
                r = run(["run", "--resume", out, "--no-progress"])
                assert r.returncode == 0, r.stderr
            got = numbers(os.path.join(out, "results.h5"))
            assert all(got[k].tobytes() == np.asarray(v).tobytes() for k, v in reference.items())
            passed += 1
        except AssertionError as e:
            print(f"SIGINT: FAILED: {e}")
            failed += 1
        # A changed experiment is refused on resume.
        with open(exp, "a") as f:
            f.write("mechanism: {work: 2}\n")
        r = run(["run", "--resume", os.path.join(tmp, "k0"), exp])
        if r.returncode == 2 and "differs" in r.stderr:
            passed += 1
        else:
            print("changed experiment was not refused:", r.returncode, r.stderr)
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
