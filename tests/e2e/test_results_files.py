"""Results files are never destroyed and never trusted unverified (issue 16, items 3 and 4):
two runs into one directory, bit rot in a stored dataset, --overwrite interrupted before its first
checkpoint, old and newer format versions.

Refusals are one line starting "fairmc: error: " and exit code 2.

Usage: /usr/bin/python3 tests/e2e/test_results_files.py PATH_TO_fairmc
"""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py

FAIRMC = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
FORMAT1 = os.path.join(HERE, "data", "format1_demo.h5")  # written by fairmc before checksums

# About half a second of work on one thread, draws kept (the bit-rot target).
EXPERIMENT = """experiment: files_e2e
scenario: demo
seed: 11
draws: 20000
block: 500
keep_draws: true
population: {agents: 3000}
sweep: {grid: {population.agents: [2000, 3000]}}
"""

failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAILED: " + what)


def run(args, **kw):
    return subprocess.run([FAIRMC, *args], capture_output=True, text=True, **kw)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def one_line_refusal(r, must_contain, what):
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    errors = [l for l in lines if l.startswith("fairmc: error: ")]
    expect(r.returncode == 2, f"{what}: exit {r.returncode}, expected 2 ({r.stderr!r})")
    expect(len(errors) == 1 and all(l.startswith("fairmc: ") for l in lines),
           f"{what}: expected one 'fairmc: error:' line and nothing from HDF5: {r.stderr!r}")
    for part in must_contain:
        expect(part in r.stderr, f"{what}: {part!r} missing from {r.stderr!r}")


def concurrent_runs(tmp, exp):
    """Two runs started together into one directory: one refuses, the other's file is valid."""
    for trial in range(4):
        out = os.path.join(tmp, f"together{trial}")
        procs = [subprocess.Popen([FAIRMC, "run", exp, "-o", out, "-j", "1", "--no-progress"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        results = [(p.wait(), p.stderr.read()) for p in procs]
        codes = sorted(c for c, _ in results)
        expect(codes == [0, 2], f"trial {trial}: exit codes {codes}, expected one 0 and one 2: "
                                f"{results}")
        loser = [e for c, e in results if c == 2]
        if loser:
            expect("in use by another fairmc run" in loser[0] or "exists" in loser[0],
                   f"trial {trial}: refusal says why: {loser[0]!r}")
        expect(os.path.isfile(os.path.join(out, "results.h5")), f"trial {trial}: results.h5 gone")
        r = run(["show", out])
        expect(r.returncode == 0 and ", complete" in r.stdout,
               f"trial {trial}: the winner's file is valid and complete: {r.stderr!r}")
        left = sorted(os.listdir(out)) if os.path.isdir(out) else None
        expect(left == ["results.h5"], f"trial {trial}: the directory holds the results: {left}")


def data_offset(path, dataset):
    """File offset of a dataset's (first chunk of) stored numbers."""
    with h5py.File(path, "r") as f:
        d = f[dataset]
        if d.chunks is None:  # format 1
            return d.id.get_offset()
        return d.id.get_chunk_info(0).byte_offset


def bit_rot(tmp, exp):
    """Flip a bit of stored draws: show and --resume refuse in one line; nothing is rewritten."""
    good = os.path.join(tmp, "good")
    r = run(["run", exp, "-o", good, "-j", "2", "--no-progress", "draws=3000"])
    expect(r.returncode == 0, f"reference run: {r.stderr!r}")
    src = os.path.join(good, "results.h5")
    expect(run(["show", good]).returncode == 0, "show of an intact file")
    for name, dataset in [("draws", "points/1/draws/max"), ("blocks", "points/0/blocks/gap"),
                          ("summary", "summary/max_sem")]:
        rot = os.path.join(tmp, f"rot_{name}")
        shutil.copytree(good, rot)
        path = os.path.join(rot, "results.h5")
        at = data_offset(path, dataset) + 3
        with open(path, "r+b") as f:
            f.seek(at)
            b = f.read(1)
            f.seek(at)
            f.write(bytes([b[0] ^ 0x04]))
        before = digest(path)
        one_line_refusal(run(["show", path]), [path, "damaged"], f"show, {name} rotted")
        one_line_refusal(run(["show", rot]), ["damaged"], f"show DIR, {name} rotted")
        r = run(["run", "--resume", rot, "--no-progress"])
        one_line_refusal(r, [path, "damaged"], f"resume, {name} rotted")
        r = run(["run", "--resume", rot, "--no-progress", "draws=6000"])
        one_line_refusal(r, ["damaged"], f"resume with more draws, {name} rotted")
        expect(digest(path) == before, f"{name} rotted: the damaged file was left as it was")
        expect(sorted(os.listdir(rot)) == ["results.h5"], f"{name}: nothing else left behind")
    # Truncated, and not HDF5 at all.
    cut = os.path.join(tmp, "cut.h5")
    with open(src, "rb") as f, open(cut, "wb") as g:
        g.write(f.read()[: os.path.getsize(src) // 2])
    one_line_refusal(run(["show", cut]), ["truncated"], "show, truncated file")
    junk = os.path.join(tmp, "junk.h5")
    with open(junk, "wb") as f:
        f.write(b"not a results file\n" * 10)
    one_line_refusal(run(["show", junk]), [junk], "show, not a results file")


def overwrite_interrupted(tmp, exp):
    """--overwrite stopped before its first checkpoint leaves the old file as it was."""
    out = os.path.join(tmp, "over")
    r = run(["run", exp, "-o", out, "--no-progress", "draws=1000"])
    expect(r.returncode == 0, f"first run: {r.stderr!r}")
    path = os.path.join(out, "results.h5")
    old = digest(path)
    for sig in (signal.SIGKILL, signal.SIGINT):
        p = subprocess.Popen([FAIRMC, "run", exp, "-o", out, "--overwrite", "-j", "1",
                              "--no-progress", "draws=2000000", "--checkpoint", "600"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        p.send_signal(sig)
        code = p.wait(timeout=120)
        err = p.stderr.read()
        expect(digest(path) == old, f"--overwrite stopped by {sig.name}: the old file changed")
        if sig == signal.SIGINT:
            expect(code == 130 and "still holds the previous results" in err,
                   f"--overwrite interrupted: exit {code}, {err!r}")
        r = run(["show", out])
        expect(r.returncode == 0 and "1000 draws/point, complete" in r.stdout,
               f"after {sig.name}: the old results still show: {r.stderr!r}")
    # The lock of the killed run does not block the next one; a finished --overwrite replaces.
    r = run(["run", exp, "-o", out, "--overwrite", "--no-progress", "draws=500"])
    expect(r.returncode == 0, f"--overwrite after a killed run: {r.stderr!r}")
    expect("500 draws/point, complete" in run(["show", out]).stdout, "--overwrite replaced")


def versions(tmp):
    """Format 1 (no checksums) is read by show, resume and analysis; newer or missing refused."""
    r = run(["show", FORMAT1])
    expect(r.returncode == 0 and "40 draws/point, complete" in r.stdout,
           f"show of a format 1 file: {r.stderr!r}")
    sys.path.insert(0, os.path.join(HERE, "..", "..", "analysis"))
    import fairmc as fa  # analysis/fairmc.py

    expect(int(fa.root_attrs(FORMAT1)["format_version"]) == 1, "analysis reads format 1")
    old = os.path.join(tmp, "old")
    os.makedirs(old)
    shutil.copy(FORMAT1, os.path.join(old, "results.h5"))
    # Version 1 has no quantile sketches, so its blocks cannot be continued exactly: refused.
    before = open(os.path.join(old, "results.h5"), "rb").read()
    one_line_refusal(run(["run", "--resume", old, "draws=80", "--no-progress"]),
                     ["quantile sketches", "format_version 1"], "resume of a format 1 file")
    expect(open(os.path.join(old, "results.h5"), "rb").read() == before,
           "a refused resume leaves the format 1 file as it was")
    for name, edit in [("newer", lambda f: f.attrs.modify("format_version", 99)),
                       ("missing", lambda f: f.attrs.__delitem__("format_version"))]:
        path = os.path.join(tmp, f"{name}.h5")
        shutil.copy(FORMAT1, path)  # unsealed: an edit is not damage to the checksums
        with h5py.File(path, "r+") as f:
            edit(f)
        one_line_refusal(run(["show", path]), ["format_version"], f"show, {name} format_version")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        exp = os.path.join(tmp, "exp.yaml")
        with open(exp, "w") as f:
            f.write(EXPERIMENT)
        concurrent_runs(tmp, exp)
        bit_rot(tmp, exp)
        overwrite_interrupted(tmp, exp)
        versions(tmp)
    print(f"{'FAILED' if failures else 'passed'}: {len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
