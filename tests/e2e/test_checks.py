"""Checks end to end (issue 18, items 1 and 5): `fairmc run` prints the checks' table after the
summary, `fairmc show` prints it from the file, `--check` exits 3 unless every check passes (a
failed point's 1 takes precedence, Ctrl-C's 130 too), a malformed check exits 2, and
analysis/fairmc.py reads /checks; after Ctrl-C and --resume, /checks equals an uninterrupted run's.

Usage: /usr/bin/python3 tests/e2e/test_checks.py PATH_TO_fairmc
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("FAIRMC_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(SOURCE, "analysis"))
import fairmc  # noqa: E402

FAIRMC = os.path.abspath(sys.argv[1])
DEMO = os.path.join(SOURCE, "experiments", "demo.yaml")
WRONG = "checks=[{name: max_is_half, claim: 'E[max] = 1/2, wrongly', mean: max, equals: 0.5}]"

passed = failed = 0


def run(args):
    return subprocess.run([FAIRMC, *args], capture_output=True, text=True)


def expect(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"{name}: FAILED {detail}")


def checks_arrays(path):
    """Every number and verdict in /checks, as bytes."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                v = np.asarray(obj[()])
                out[name] = repr(v.tolist()) if v.dtype.kind == "O" else v.tobytes()
            for k, v in obj.attrs.items():
                out[f"{name}@{k}"] = np.asarray(v).tobytes()
        f["checks"].visititems(visit)
        for k, v in f["checks"].attrs.items():
            out[f"@{k}"] = np.asarray(v).tobytes()
    return out


def main():
    with tempfile.TemporaryDirectory() as tmp:
        small = ["draws=400", "--no-progress", "-j", "2"]
        # The demo's checks pass: exit 0 with --check, the table after the summary.
        out = os.path.join(tmp, "demo")
        r = run(["run", DEMO, "-o", out, "--check", *small])
        expect("demo --check exits 0", r.returncode == 0, r.stderr)
        expect("run prints the table", "checks: 5 passed" in r.stderr and
               "pass  max_is_closed_form" in r.stderr, r.stderr)
        expect("table after the summary", r.stderr.find("fairmc: fit") < r.stderr.find("checks:"),
               r.stderr)
        s = run(["show", out])
        expect("show prints the table", s.returncode == 0 and "checks: 5 passed" in s.stdout and
               "max_is_closed_form" in s.stdout, s.stdout)
        cs = fairmc.checks(out)
        expect("fairmc.checks names", [c["name"] for c in cs] == [
            "max_is_closed_form", "mean_is_one_half", "max_in_unit_interval",
            "gap_slope_minus_one", "max_large_n_above_099"], cs)
        first = cs[0]
        expect("fairmc.checks keys", set(first) >= {
            "name", "claim", "source", "erratum", "subject", "comparison", "verdict", "statistic",
            "statistic_name", "threshold", "worst_point", "points_evaluated", "points_failed",
            "points_undetermined", "violations", "points"}, sorted(first))
        expect("fairmc.checks points", len(first["points"]) == 7 and
               set(first["points"][0]) >= {"point", "estimate", "error", "target", "lo", "hi",
                                           "verdict"} and first["points"][3]["point"] == 3,
               first["points"][:1])
        expect("checks_verdict pass", fairmc.checks_verdict(out) == "pass")

        # A wrong constant fails: exit 3 with --check, 0 without.
        bad = os.path.join(tmp, "bad")
        r = run(["run", DEMO, "-o", bad, "--check", WRONG, *small])
        expect("wrong constant --check exits 3", r.returncode == 3, (r.returncode, r.stderr))
        expect("FAIL printed", "FAIL  max_is_half" in r.stderr and "checks: 0 passed, 1 failed"
               in r.stderr, r.stderr)
        expect("checks_verdict fail", fairmc.checks_verdict(bad) == "fail")
        r = run(["run", DEMO, "-o", os.path.join(tmp, "bad2"), WRONG, *small])
        expect("without --check exits 0", r.returncode == 0, (r.returncode, r.stderr))

        # A failed point: exit 1 takes precedence over 3 (its checks are undetermined).
        r = run(["run", DEMO, "-o", os.path.join(tmp, "failing"), "--check",
                 "mechanism.fail_for_agents=10", *small])
        expect("failed point exits 1", r.returncode == 1, (r.returncode, r.stderr))

        # A malformed check: exit 2, nothing written.
        r = run(["run", DEMO, "-o", os.path.join(tmp, "malformed"), "--check",
                 "checks=[{name: c, claim: x, mean: nope, le: 1}]", *small])
        expect("malformed check exits 2", r.returncode == 2 and "unknown or unrecorded metric 'nope'"
               in r.stderr and not os.path.exists(os.path.join(tmp, "malformed")), r.stderr)

        h = run(["run", "--help"])
        expect("--help documents --check and exit 3", "--check" in h.stdout and "3 with --check"
               in h.stdout, h.stdout)

        # Ctrl-C: 130 whatever the checks say; the partial file's unfinished points are
        # undetermined; --resume --check ends with /checks equal to an uninterrupted run's.
        slow = ["draws=1000", "block=10", "mechanism.work=100", "--no-progress", "-j", "2"]
        straight = os.path.join(tmp, "straight")
        r = run(["run", DEMO, "-o", straight, *slow])
        expect("straight run", r.returncode == 0, r.stderr)
        part = os.path.join(tmp, "part")
        p = subprocess.Popen([FAIRMC, "run", DEMO, "-o", part, "--check", "--checkpoint", "0",
                              *slow], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        while not os.path.exists(os.path.join(part, "results.h5")) and p.poll() is None:
            time.sleep(0.001)
        time.sleep(0.1)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate()
        if p.returncode == 130:
            verdict = fairmc.checks_verdict(part)
            expect("interrupted: not pass", verdict == "undetermined", verdict)
            undecided = sum(c["points_undetermined"] for c in fairmc.checks(part))
            expect("interrupted: undetermined points", undecided > 0)
            r = run(["run", "--resume", part, "--check", "--no-progress"])
            expect("resume --check exits 0", r.returncode == 0, (r.returncode, r.stderr))
        else:
            print(f"note: run ended before SIGINT (exit {p.returncode})")
            expect("uninterrupted --check exits 0", p.returncode == 0, err)
        a = checks_arrays(os.path.join(part, "results.h5"))
        b = checks_arrays(os.path.join(straight, "results.h5"))
        expect("/checks after resume equals straight", a == b,
               sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
