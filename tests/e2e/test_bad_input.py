"""Broken experiment files and hostile environments: each gets a one-line error naming the place
and the fix, exit code 2, and no output (issue 7, item 3).

Usage: /usr/bin/python3 tests/e2e/test_bad_input.py PATH_TO_fairmc
"""
import os
import resource
import signal
import subprocess
import sys
import tempfile

FAIRMC = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "bad_inputs")

# file -> text the one-line error must contain (place and what is accepted)
EXPECT = {
    "syntax_error.yaml": ["syntax_error.yaml:4:", "YAML syntax"],
    "wrong_type.yaml": ["wrong_type.yaml:3:14", "population.agents", "expected an integer"],
    "unknown_key.yaml": ["unknown_key.yaml:3:25", "population.agnets", "unknown key", "agents"],
    "zero_size.yaml": ["population.agents", "got 0", "[1, 100000000]"],
    "negative_draws.yaml": ["negative_draws.yaml:3:1", "'draws'", "got -10"],
    "empty_sweep.yaml": ["population.agents", "empty sweep"],
    "nan_value.yaml": ["population.agents", "expected an integer"],
    "inf_value.yaml": ["population.agents", "expected an integer"],
    "huge_value.yaml": ["population.agents", "expected an integer"],
    "huge_draws.yaml": ["'draws'", "[1, 1000000000000]"],
    "unknown_scenario.yaml": ["unknown scenario 'nope'", "expected one of", "demo"],
    "missing_defaults.yaml": ["no such config 'populations/absent'"],
    "zip_mismatch.yaml": ["zip lists must have equal length"],
    "unknown_metric.yaml": ["unknown metric 'median'", "max"],
    "not_a_mapping.yaml": ["not_a_mapping.yaml:1:1", "YAML mapping"],
    "missing_experiment_name.yaml": ["'experiment'", "required"],
    "zero_block.yaml": ["'block'", "got 0"],
    "list_for_scalar.yaml": ["mechanism.name", "one of max"],
}


def check(name, args, must_contain, out_dir, passed_failed, preexec=None):
    r = subprocess.run([FAIRMC, *args], capture_output=True, text=True, preexec_fn=preexec)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    errors = [l for l in lines if l.startswith("fairmc: error: ")]
    problems = []
    if r.returncode != 2:
        problems.append(f"exit {r.returncode}, expected 2")
    # One error line; anything else on stderr may only be fairmc's own log lines.
    if len(errors) != 1 or any(not l.startswith("fairmc: ") for l in lines):
        problems.append(f"expected one 'fairmc: error:' line: {r.stderr!r}")
    for part in must_contain:
        if part not in r.stderr:
            problems.append(f"missing {part!r} in {r.stderr!r}")
    if out_dir and os.path.exists(out_dir):
        problems.append(f"left output behind: {os.listdir(out_dir)}")
    if problems:
        print(f"{name}: FAILED: " + "; ".join(problems))
        passed_failed[1] += 1
    else:
        passed_failed[0] += 1


def main():
    pf = [0, 0]
    assert set(EXPECT) == set(os.listdir(CORPUS)), set(EXPECT) ^ set(os.listdir(CORPUS))
    with tempfile.TemporaryDirectory() as tmp:
        for name, parts in sorted(EXPECT.items()):
            out = os.path.join(tmp, "out_" + name)
            check(name, ["run", os.path.join(CORPUS, name), "-o", out], parts, out, pf)
        good = os.path.join(tmp, "good.yaml")
        with open(good, "w") as f:
            f.write("experiment: t\nscenario: demo\ndraws: 100\npopulation: {agents: 5}\n")
        check("missing file", ["run", os.path.join(tmp, "absent.yaml")], ["absent.yaml", "no such file"], None, pf)
        check("bad override", ["run", good, "population.agents", "-o", os.path.join(tmp, "o1")],
              ["<command line>", "key=value"], os.path.join(tmp, "o1"), pf)
        check("override out of range", ["run", good, "population.agents=-1", "-o", os.path.join(tmp, "o2")],
              ["population.agents", "got -1"], os.path.join(tmp, "o2"), pf)
        blocker = os.path.join(tmp, "a_file")
        open(blocker, "w").close()
        check("unwritable output directory", ["run", good, "-o", os.path.join(blocker, "sub")],
              ["cannot write to directory"], os.path.join(blocker, "sub"), pf)

        def disk_full():  # writes beyond 4 KiB fail with EFBIG, as on a full disk
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

        check("disk full", ["run", good, "-o", os.path.join(tmp, "full")],
              ["cannot write", "disk full"], os.path.join(tmp, "full"), pf, preexec=disk_full)
        check("unknown option", ["run", good, "--frobnicate"], ["frobnicate"], None, pf)
    print(f"{pf[0]} passed, {pf[1]} failed")
    return 1 if pf[1] else 0


if __name__ == "__main__":
    sys.exit(main())
