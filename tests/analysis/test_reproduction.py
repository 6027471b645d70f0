"""scripts/reproduce.sh and analysis/reproduction.py on a fixture paper (scenario demo).

    FAIRMC_SOURCE_DIR=. /usr/bin/python3 tests/analysis/test_reproduction.py build/fairmc

Builds a throw-away checkout in a temporary directory (the script, analysis/, two demo
experiments with checks, one of them wrong on purpose, a manifest reproduction/demo.yaml and its
intro), runs `scripts/reproduce.sh demo` with the given fairmc, and checks: every experiment runs
although a check fails, the exit status is 3, docs/reproduction.md has the verdicts, values,
figure and erratum links; a second paper's run keeps the first paper's section byte for byte;
`reproduction.py verify` (the currency test) passes, then fails after a change of a check, a
claim, the manifest or the intro, and not after a change of a comment or of the numbers; usage
errors exit 2 before running anything, an invalid experiment file stops the run with exit 2.
Prints "N passed, M failed" and exits non-zero when anything failed.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

_here = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.environ.get("FAIRMC_SOURCE_DIR", os.path.join(_here, "..", "..")))
sys.path.insert(0, os.path.join(SOURCE, "analysis"))

import reproduction  # noqa: E402

FIXTURE_A = """\
experiment: fixture_a
description: reproduction test, a paper experiment with checks
claim: E[max of n uniforms] = n/(n+1).
scenario: demo
seed: 11
draws: 4000
block: 200
population: {agents: 10}
sweep:
  grid: {population.agents: [1, 10, 100]}
checks:
  - name: max_exact
    claim: E[max] = n/(n+1) at every n
    source: "demo, eq. (1)"
    mean: max
    equals: expected_max
  - name: max_wrong
    claim: E[max] = 0.5 at every n (wrong on purpose)
    erratum: "docs/scenarios/demo.md#errata"
    mean: max
    equals: 0.5
  - name: max_below_09
    claim: every maximum is at most 0.9 (wrong on purpose for n >= 10)
    draws: max
    le: 0.9
"""

FIXTURE_B = """\
experiment: fixture_b
claim: An experiment without checks.
scenario: demo
seed: 12
draws: 400
block: 100
population: {agents: 5}
"""

FIXTURE_SLOPE = """\
experiment: fixture_slope
claim: The gap 1 - E[max] falls like 1/n whatever the work per draw.
scenario: demo
seed: 13
draws: 400
block: 100
population: {agents: 10}
sweep:
  grid: {mechanism.work: [1, 3], population.agents: [10, 100, 1000]}
fits:
  - {metric: gap, against: population.agents, log: true}
checks:
  - name: gap_slope
    claim: log-log slope of the gap about -1 at every work
    slope: {metric: gap, against: population.agents}
    in: [-1.2, -0.8]
  - name: gap_slope_work3
    claim: the same at work 3
    slope: {metric: gap, against: population.agents}
    in: [-1.2, -0.8]
    at: {mechanism.work: 3}
"""

MANIFEST = """\
paper: 999_fixture.txt
title: A Fixture Paper
scenario: demo
experiments:
  - file: experiments/fixture_a.yaml
    overrides: [draws=2000]
    plot: analysis/plot_fixture.py
  - file: experiments/fixture_b.yaml
    overrides: []
    plot: analysis/plot_extra.py
  - file: experiments/fixture_slope.yaml
items:
  - paper: "Figure 1"
    reported: "E[max] = n/(n+1) | exactly"
    experiment: fixture_a
    figures: [fixture_a_max_gap.png]
    checks: [max_exact, max_wrong, max_below_09]
  - paper: "Figure 3"
    reported: "slope -1"
    experiment: fixture_slope
    checks: [gap_slope, gap_slope_work3]
  - paper: "Table 2"
    reported: "nothing to see"
    experiment: fixture_b
"""

INTRO = """\
## What the paper says
E[max] = n/(n+1).
## What fairmc measures
The mean of the max ([errata](../docs/scenarios/demo.md#errata)).
## Where they differ
Nowhere.
"""

MANIFEST2 = """\
paper: 998_second.txt
title: A Second Paper
scenario: second
experiments:
  - file: experiments/fixture_b.yaml
items: []
"""

results = []


def case(fn):
    try:
        fn()
        results.append((fn.__name__, None))
    except Exception:  # noqa: BLE001 - report every failure, keep going
        results.append((fn.__name__, traceback.format_exc()))
    return fn


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()


def reproduce(root, binary, *args):
    return subprocess.run(["bash", os.path.join(root, "scripts", "reproduce.sh"), *args, "--fairmc", binary],
                          cwd=root, capture_output=True, text=True, timeout=120)


def section(doc, scenario):
    m = re.search(rf"<!-- reproduction:begin {scenario} -->.*?<!-- reproduction:end {scenario} -->", doc, re.S)
    assert m, f"no {scenario} section"
    return m.group(0)


def main():
    binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(SOURCE, "build", "fairmc")
    tmp = tempfile.mkdtemp(prefix="fairmc-reproduction-")
    root = os.path.join(tmp, "repo")
    try:
        os.makedirs(os.path.join(root, "scripts"))
        shutil.copy(os.path.join(SOURCE, "scripts", "reproduce.sh"), os.path.join(root, "scripts"))
        shutil.copytree(os.path.join(SOURCE, "analysis"), os.path.join(root, "analysis"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        write(root, "experiments/fixture_a.yaml", FIXTURE_A)
        write(root, "experiments/fixture_b.yaml", FIXTURE_B)
        write(root, "experiments/fixture_slope.yaml", FIXTURE_SLOPE)
        write(root, "reproduction/demo.yaml", MANIFEST)
        write(root, "reproduction/demo.md", INTRO)
        run_cases(root, binary)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    failed = [(n, e) for n, e in results if e]
    for n, e in failed:
        print(f"FAIL {n}\n{e}")
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def run_cases(root, binary):
    # Plots as the machinery sees them: PLOT OUTDIR OUTDIR writes PNGs (matplotlib would add seconds).
    write(root, "analysis/plot_fixture.py", "import sys\nopen(sys.argv[2] + '/fixture_a_max_gap.png', 'wb')"
                                            ".write(b'\\x89PNG fixture')\n")
    write(root, "analysis/plot_extra.py", "import sys\nopen(sys.argv[2] + '/unshown.png', 'wb').close()\n")
    first = reproduce(root, binary, "demo", "-j", "2")

    @case
    def failing_check_does_not_stop_the_run_and_exits_3():
        assert first.returncode == 3, (first.returncode, first.stdout, first.stderr)
        runs = reproduction.read_tsv(os.path.join(root, "out/reproduce/demo/runs.tsv"))
        assert [r[0] for r in runs[1:]] == ["fixture_a", "fixture_b", "fixture_slope"], runs
        assert [r[1] for r in runs[1:]] == ["3", "0", "0"], runs  # fairmc run --check exit statuses
        for stem in ("fixture_a", "fixture_b"):
            assert os.path.isfile(os.path.join(root, "out/reproduce/demo", stem, "results.h5"))
        assert re.search(r"experiments/fixture_a\.yaml +run +[0-9.]+s +plot +[0-9.]+s +CHECK NOT PASSED",
                         first.stdout), first.stdout
        # the run ends with every claim and its verdict
        assert re.search(r"demo: 3 checks passed, 2 failed, 0 undetermined \(3 experiments, [0-9.]+ s\)\n"
                         r"  pass   fixture_a/max_exact: E\[max\] = n/\(n\+1\) at every n\n"
                         r"  FAIL   fixture_a/max_wrong: E\[max\] = 0\.5 at every n \(wrong on purpose\)\n"
                         r"  FAIL   fixture_a/max_below_09: every maximum is at most 0\.9 .*\n"
                         r"  -      fixture_b: no checks\n", first.stdout), first.stdout
        assert re.search(r"experiments/fixture_b\.yaml +run +[0-9.]+s +plot +[0-9.]+s +ok", first.stdout), first.stdout

    @case
    def page_has_verdicts_values_links_and_the_other_papers():
        doc = read(root, "docs/reproduction.md")
        s = section(doc, "demo")
        assert "## Paper 999: A Fixture Paper (`demo`)" in s
        assert "### What fairmc measures" in s  # intro headings moved to ###
        assert "[errata](scenarios/demo.md#errata)" in s  # intro link rewritten relative to docs/
        rows = {line.split("|")[2].strip(): line for line in s.splitlines()
                if line.startswith("| `fixture_a` | `")}
        assert set(rows) == {"`max_exact`", "`max_wrong`", "`max_below_09`"}, rows
        assert "| pass |" in rows["`max_exact`"] and "demo, eq. (1)" in rows["`max_exact`"]
        assert "| **FAIL** |" in rows["`max_wrong`"]
        assert "[demo.md#errata](scenarios/demo.md#errata)" in rows["`max_wrong`"]
        assert "| `fixture_b` | (no checks) | An experiment without checks. |" in s
        item = next(line for line in s.splitlines() if line.startswith("| Figure 1 |"))
        assert "E[max] = n/(n+1) \\| exactly" in item  # a | in a cell is escaped
        assert "(img/reproduction/demo/fixture_a_max_gap.png)" in item, item
        assert os.listdir(os.path.join(root, "docs/img/reproduction/demo")) == ["fixture_a_max_gap.png"]
        with open(os.path.join(root, "docs/img/reproduction/demo/fixture_a_max_gap.png"), "rb") as f:
            assert f.read() == b"\x89PNG fixture"
        # values: estimate ± error per point, labelled by the swept key; the wrong check's failures marked
        assert re.search(r"agents=10: 0\.9\d+ ± 0\.00\d\d \(target 0\.909091\)", item), item
        assert "✗" in item.split("`max_wrong`")[1] and "✗" not in item.split("`max_wrong`")[0]
        # a slope's points are those of the fit's shape, labelled by the other axes
        slope = next(line for line in s.splitlines() if line.startswith("| Figure 3 |"))
        # (mechanism.work only repeats the work: the same slope at both points, shown once)
        assert re.search(r"`gap_slope` pass: slope of gap against population.agents in \[-1\.2, -0\.8\] "
                         r"within 4 sigma: all 2 points: (-\d\.\d+ ± 0\.\d+)<br>`gap_slope_work3` pass: "
                         r"slope of gap against population.agents in \[-1\.2, -0\.8\] within 4 sigma: "
                         r"work=3: \1 \|$", slope), slope
        # a draws subject: the extreme draw against the bound, violating draws where there are some
        draws = item.split("`max_below_09`")[1]
        assert re.search(r"agents=10: 0\.99\d+ \(bound 0\.9\); (≥ )?\d+ violating draws ✗", draws), draws
        assert "| `fixture_a` | [experiments/fixture_a.yaml](../experiments/fixture_a.yaml) | `draws=2000` | 3 × 2000 |" in s
        m = re.search(r"<!-- reproduction:summary demo (\{.*\}) -->", s)
        import json
        summary = json.loads(m.group(1))
        assert (summary["passed"], summary["failed"], summary["undetermined"]) == (3, 2, 0), summary
        assert summary["build"] and summary["cores"] == str(os.cpu_count() or summary["cores"])
        for p in reproduction.PAPERS:  # the four papers without a manifest: one line each
            assert "Not yet reproduced (no manifest" in section(doc, p)
        assert re.search(r"\| \[Paper 999: A Fixture Paper\]\(#paper-999-a-fixture-paper-demo\) \| 3 \| 3 \| 2 \| 0 \|", doc)

    @case
    def page_is_current_and_goes_stale_on_claim_or_check_changes():
        assert reproduction.verify(root) == []

        def stale_after(rel, edit):
            old = read(root, rel)
            assert edit(old) != old, rel  # the fixture still has what the edit replaces
            write(root, rel, edit(old))
            try:
                return reproduction.verify(root)
            finally:
                write(root, rel, old)

        p = stale_after("experiments/fixture_a.yaml", lambda t: t.replace("equals: 0.5", "equals: 0.6"))
        assert len(p) == 1 and "experiments/fixture_a.yaml" in p[0] and "scripts/reproduce.sh demo" in p[0], p
        p = stale_after("experiments/fixture_a.yaml", lambda t: t.replace("    source: \"demo, eq. (1)\"\n", ""))
        assert len(p) == 1 and "fixture_a.yaml" in p[0], p
        p = stale_after("experiments/fixture_b.yaml", lambda t: t.replace("without checks", "with no checks"))
        assert len(p) == 1 and "fixture_b.yaml" in p[0], p
        p = stale_after("reproduction/demo.yaml", lambda t: t.replace("draws=2000", "draws=3000"))
        assert len(p) == 1 and "reproduction/demo.yaml" in p[0], p
        write(root, "experiments/fixture_c.yaml", FIXTURE_B.replace("fixture_b", "fixture_c"))
        p = stale_after("reproduction/demo.yaml", lambda t: t.replace(
            "    overrides: []\n", "    overrides: []\n  - file: experiments/fixture_c.yaml\n"))
        assert len(p) == 1 and "fixture_c.yaml" in p[0], p
        p = stale_after("reproduction/demo.md", lambda t: t + "More.\n")
        assert len(p) == 1 and "reproduction/demo.md" in p[0], p
        # Neither layout, comments, seeds of results nor the numbers on the page count.
        assert stale_after("experiments/fixture_a.yaml", lambda t: t + "# a comment\n") == []
        assert stale_after("experiments/fixture_a.yaml", lambda t: t.replace("seed: 11", "seed: 12")) == []
        assert stale_after("docs/reproduction.md", lambda t: t.replace("0.9", "0.1")) == []
        # A manifest for a paper still "not yet reproduced".
        write(root, "reproduction/power.yaml", MANIFEST.replace("scenario: demo", "scenario: power"))
        p = reproduction.verify(root)
        os.remove(os.path.join(root, "reproduction/power.yaml"))
        assert len(p) == 1 and "power" in p[0] and "not yet reproduced" in p[0], p
        assert reproduction.verify(root) == []

    @case
    def results_older_than_the_experiment_file_are_not_shown():
        before = read(root, "docs/reproduction.md")
        old = read(root, "experiments/fixture_a.yaml")
        write(root, "experiments/fixture_a.yaml", old.replace("claim: E[max] = 0.5", "claim: E[max] = 0.6"))
        write_demo = ["--root", root, "write", "--papers", "demo", "--command", "scripts/reproduce.sh demo -j 2"]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            rc = reproduction.main(write_demo)
        stale = read(root, "docs/reproduction.md")
        write(root, "experiments/fixture_a.yaml", old)
        assert rc == 1 and "results.h5 is older than experiments/fixture_a.yaml" in err.getvalue(), err.getvalue()
        assert "| `fixture_a` | `max_wrong` | E[max] = 0.6 at every n (wrong on purpose) |  | not run |" in stale
        assert "results.h5 is older than experiments/fixture_a.yaml" in stale
        with contextlib.redirect_stdout(io.StringIO()):
            assert reproduction.main(write_demo) == 0
        assert read(root, "docs/reproduction.md") == before  # the same results give the same page

    @case
    def a_merged_overview_is_rebuilt_from_the_sections():
        doc = read(root, "docs/reproduction.md")
        row = next(line for line in doc.splitlines() if line.startswith("| [Paper 999: A Fixture Paper]"))
        write(root, "docs/reproduction.md", doc.replace(row, "<<<<<<< HEAD\n" + row + "\n=======\n"
                                                        + row.replace("| 2 |", "| 3 |") + "\n>>>>>>> other"))
        p = reproduction.verify(root)
        assert len(p) == 2 and "conflict" in p[0] and "--papers none" in p[1], p
        write(root, "docs/reproduction.md", doc.replace(row, row.replace("| 2 |", "| 3 |")))
        assert len(reproduction.verify(root)) == 1
        assert reproduction.main(["--root", root, "write", "--papers", "none"]) == 0
        assert read(root, "docs/reproduction.md") == doc
        assert reproduction.verify(root) == []

    @case
    def fmt_pm_rounds_to_the_error():
        f = reproduction.fmt_pm
        assert f(0.50031, 0.004618) == "0.5003 ± 0.0046", f(0.50031, 0.004618)
        assert f(0.9, 0.0996) == "0.90 ± 0.10", f(0.9, 0.0996)
        assert f(12345.2, 67.1) == "12345 ± 67", f(12345.2, 67.1)
        assert f(12345.2, 671) == "12350 ± 670", f(12345.2, 671)
        assert f(1.2345e-5, 3.12e-7) == "(1.234 ± 0.031)e-5" or f(1.2345e-5, 3.12e-7) == "(1.235 ± 0.031)e-5"
        assert f(2.5e7, 1.3e5) == "(2.500 ± 0.013)e7", f(2.5e7, 1.3e5)
        assert f(0.99999999999999978, 2.2e-16) == "1 ± 2.2e-16", f(0.99999999999999978, 2.2e-16)
        assert f(3.14159265, 3.1e-8) == "3.141593 ± 3.1e-8", f(3.14159265, 3.1e-8)
        assert f(-0.25, 0.0) == "-0.25" and f(float("nan"), 0.1) == "n/a" and f(1.5, float("nan")) == "1.5"
        assert reproduction.fmt_num(4.0) == "4" and reproduction.fmt_num(math.inf) == "∞"
        assert reproduction.fmt_num(0.123456789, 3) == "0.123"

    @case
    def another_paper_keeps_this_papers_section():
        before = read(root, "docs/reproduction.md")
        write(root, "reproduction/second.yaml", MANIFEST2)
        out = reproduce(root, binary, "second")
        assert out.returncode == 0, (out.returncode, out.stdout, out.stderr)
        after = read(root, "docs/reproduction.md")
        assert section(after, "demo") == section(before, "demo")
        assert "## Paper 998: A Second Paper (`second`)" in section(after, "second")
        assert re.search(r"\| \[Paper 998: A Second Paper\]\(#paper-998-a-second-paper-second\) \| 1 \| 0 \| 0 \| 0 \|", after)
        assert re.search(r"\| \[Paper 999: A Fixture Paper\]\(#paper-999-a-fixture-paper-demo\) \| 3 \| 3 \| 2 \| 0 \|", after)
        assert os.path.isfile(os.path.join(root, "docs/img/reproduction/demo/fixture_a_max_gap.png"))
        assert reproduction.verify(root) == []

    @case
    def usage_errors_exit_2_before_running_anything():
        for args in (["nosuch"], ["demo", "-j", "x"], ["demo", "--nope"], [], ["power"]):
            out = reproduce(root, binary, *args)
            assert out.returncode == 2, (args, out.returncode, out.stdout, out.stderr)
        stub = os.path.join(root, "old-fairmc")  # a build without `run --check`
        write(root, "old-fairmc", "#!/bin/sh\necho 'fairmc run EXPERIMENT.yaml --checkpoint arg'\n")
        os.chmod(stub, 0o755)
        out = reproduce(root, stub, "demo")
        assert out.returncode == 2 and "has no 'run --check'" in out.stderr, (out.returncode, out.stderr)
        shutil.rmtree(os.path.join(root, "out"))
        old = read(root, "reproduction/demo.yaml")
        for bad, message in ((old.replace("title:", "titel:"), "unknown key 'titel'"),
                             (old.replace("checks: [max_exact, max_wrong, max_below_09]", "checks: [max_exakt]"), "max_exakt"),
                             (old.replace("experiment: fixture_b", "experiment: fixture_z"), "fixture_z"),
                             (old.replace("fixture_b.yaml", "missing.yaml"), "no such experiment file")):
            assert bad != old, message  # the fixture still has what the edit replaces
            write(root, "reproduction/demo.yaml", bad)
            out = reproduce(root, binary, "demo")
            assert out.returncode == 2 and message in out.stderr, (message, out.returncode, out.stderr)
            assert not os.path.exists(os.path.join(root, "out/reproduce/demo/fixture_a")), "ran anyway"
        write(root, "reproduction/demo.yaml", old)

    @case
    def an_invalid_experiment_stops_the_run_with_2():
        write(root, "experiments/fixture_b.yaml", FIXTURE_B + "populaton: {agents: 3}\n")
        doc = read(root, "docs/reproduction.md")
        out = reproduce(root, binary, "demo")
        write(root, "experiments/fixture_b.yaml", FIXTURE_B)
        assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
        assert "stopped" in out.stderr and "populaton" in out.stderr, out.stderr
        assert read(root, "docs/reproduction.md") == doc  # the page is not rewritten


if __name__ == "__main__":
    sys.exit(main())
