"""Command-line conventions (issue 17, items 2 and 6): one configuration wherever the file lives
(--config-dir, built-in defaults equal to configs/defaults.yaml, defaults= refused), plan
--resolved, list SCENARIO, run --quiet, show --csv (every number equal to the file's); --json on
plan, show, list and run (one document on stdout, every number equal to the file's, value by value
through h5py); every option's range checked and extra arguments refused (exit 2, one line naming the
option and what it accepts, nothing written).

Usage: /usr/bin/python3 tests/e2e/test_cli.py PATH_TO_fairmc
"""
import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.append(os.path.join(os.environ.get("FAIRMC_SOURCE_DIR", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")), "analysis"))
import fairmc as loader  # noqa: E402
import h5py  # noqa: E402
import numpy as np  # noqa: E402

FAIRMC = os.path.abspath(sys.argv[1])
failures = []


def fairmc(*args, cwd):
    return subprocess.run([FAIRMC, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def expect(cond, what, proc=None):
    if not cond:
        failures.append(what + ("" if proc is None else f"\n  exit {proc.returncode}: {proc.stderr.strip()}"))


with tempfile.TemporaryDirectory(prefix="fairmc-cli-") as tmp:
    os.makedirs(os.path.join(tmp, "away"))
    with open(os.path.join(tmp, "away", "x.yaml"), "w") as f:
        f.write("experiment: cli_x\nscenario: demo\npopulation: {agents: 3}\n")
    # Outside any repository: the built-in defaults, the same as configs/defaults.yaml.
    plan = fairmc("plan", "x.yaml", "--resolved", cwd=os.path.join(tmp, "away"))
    expect(plan.returncode == 0 and "seed: 1\n" in plan.stdout and "draws: 1000\n" in plan.stdout,
           "plan --resolved outside the repository holds the built-in engine defaults", plan)
    # --config-dir: another configs/ with its own defaults and a `defaults:` entry.
    conf = os.path.join(tmp, "myconf")
    os.makedirs(os.path.join(conf, "populations"))
    with open(os.path.join(conf, "defaults.yaml"), "w") as f:
        f.write("seed: 7\ndraws: 50\nblock: 10\n")
    with open(os.path.join(conf, "populations", "small.yaml"), "w") as f:
        f.write("population: {agents: 4}\n")
    with open(os.path.join(tmp, "away", "y.yaml"), "w") as f:
        f.write("experiment: cli_y\nscenario: demo\ndefaults: [populations/small]\n")
    plan = fairmc("plan", "y.yaml", "--resolved", "--config-dir", conf, cwd=os.path.join(tmp, "away"))
    expect(plan.returncode == 0 and "seed: 7\n" in plan.stdout and "agents: 4" in plan.stdout,
           "--config-dir supplies defaults.yaml and the `defaults:` files", plan)
    run = fairmc("run", "y.yaml", "--config-dir", conf, "-o", "out_q", "--quiet", cwd=os.path.join(tmp, "away"))
    expect(run.returncode == 0 and run.stderr == "" and run.stdout == "", "run --quiet prints nothing", run)
    expect(os.path.exists(os.path.join(tmp, "away", "out_q", "results.h5")), "run --quiet still writes")
    bad = fairmc("plan", "y.yaml", "--config-dir", os.path.join(tmp, "nope"), cwd=os.path.join(tmp, "away"))
    expect(bad.returncode == 2 and "--config-dir" in bad.stderr and len(bad.stderr.splitlines()) == 1,
           "a missing --config-dir is one line, exit 2", bad)
    bad = fairmc("plan", "x.yaml", "defaults=[populations/small]", cwd=os.path.join(tmp, "away"))
    expect(bad.returncode == 2 and "defaults: [populations/small]" in bad.stderr,
           "defaults= on the command line is refused, saying where it goes", bad)
    listed = fairmc("list", "demo", cwd=tmp)
    expect(listed.returncode == 0 and listed.stdout.startswith("demo - ") and "\npower - " not in listed.stdout,
           "list SCENARIO lists that scenario only", listed)
    bad = fairmc("list", "nope", cwd=tmp)
    expect(bad.returncode == 2 and "unknown scenario 'nope'" in bad.stderr and "objective" in bad.stderr,
           "list of an unknown scenario names the known ones", bad)

    # show --csv: one row per point, every /summary number as stored (17 digits read back exactly).
    with open(os.path.join(tmp, "grid.yaml"), "w") as f:
        f.write("experiment: cli_grid\nscenario: demo\nseed: 3\ndraws: 60\nblock: 20\n"
                "population: {agents: 3}\nsweep:\n  grid: {population.agents: [2, 5], mechanism.work: [1, 2]}\n"
                "  zip: {mechanism.fail_for_agents: [0, 5], mechanism.fail_from_draw: [0, 3]}\n"
                "fits:\n  - {metric: max, against: population.agents, log: true}\n")
    run = fairmc("run", "grid.yaml", "-o", "grid", "--quiet", cwd=tmp)
    shown = fairmc("show", "grid", "--csv", cwd=tmp)
    expect(run.returncode == 1 and shown.returncode == 0, "show --csv of a run with a failed point", shown)
    rows = list(csv.DictReader(io.StringIO(shown.stdout)))
    frame = loader.summary_frame(os.path.join(tmp, "grid"))
    expect(len(rows) == len(frame) == 8, f"show --csv has a row per point ({len(rows)})")
    expect(not any(c.startswith("fit_") for c in rows[0]), "fits (one axis fewer) are left out")
    mismatched = []
    for p, row in enumerate(rows):
        expect(int(row["point"]) == p, "rows in point order")
        for column, text in row.items():
            if column in ("point", "status") or column not in frame.columns:
                continue
            want = frame[column].iloc[p]
            try:
                got = float(text)
            except ValueError:
                got = text
            same = (got == want or (isinstance(got, float) and math.isnan(got) and math.isnan(float(want)))
                    if isinstance(got, float) else str(want) == got)
            if not same:
                mismatched.append((p, column, text, want))
    expect(not mismatched, f"show --csv equals the file's numbers: {mismatched[:3]}")
    expect({r["status"] for r in rows} == {"complete", "failed"}, "status column (a point fails)")


def kind_of(x):
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def same_number(got, want, nonfinite, name):
    """A JSON number equals the stored double exactly; a null stands for the non-finite value
    that `nonfinite[name]` names."""
    want = float(want)
    if got is None:
        return not math.isfinite(want) and nonfinite.get(name) == kind_of(want)
    return math.isfinite(want) and float(got) == want and name not in nonfinite


def parsed(proc, what):
    """stdout is exactly one JSON document (json.loads refuses anything after it)."""
    try:
        return json.loads(proc.stdout)
    except ValueError as err:
        failures.append(f"{what}: stdout is not one JSON document ({err}): {proc.stdout[:200]!r}")
        return None


def check_results_json(doc, h5path, what):
    """Every number of a show/run --json document equals the results file's, read with h5py."""
    bad = []
    with h5py.File(h5path, "r") as f:
        shape = f["sweep/status"].shape
        status = np.array(f["sweep/status"].asstr()[()], dtype=object).ravel()
        axes = [a for a in f["sweep"].attrs["axes"].decode().split(",") if a]
        expect(doc["sweep"]["axes"] == axes and tuple(doc["sweep"]["shape"]) == shape,
               f"{what}: sweep axes and shape")
        expect(len(doc["points"]) == status.size, f"{what}: one entry per point")
        for attr in ("fairmc_version", "git_sha", "command_line", "created_utc", "updated_utc"):
            if attr in f.attrs:
                expect(doc["provenance"][attr] == f.attrs[attr].decode(), f"{what}: provenance {attr}")
        if "git_dirty" in f.attrs:
            expect(doc["provenance"]["git_dirty"] == int(f.attrs["git_dirty"]), f"{what}: git_dirty")
        if "history" in f:
            expect(len(doc["provenance"]["history"]) == f["history/kind"].shape[0], f"{what}: history")
        expect(doc["experiment"]["seed"] == int(f.attrs["seed"]) and
               doc["experiment"]["draws"] == int(f.attrs["draws"]), f"{what}: seed and draws")
        expect(doc["experiment"]["resolved"] == f["config/resolved"].asstr()[()].item()
               if f["config/resolved"].shape else doc["experiment"]["resolved"] ==
               f["config/resolved"].asstr()[()], f"{what}: resolved configuration")
        summary = f["summary"]
        for p, point in enumerate(doc["points"]):
            at = np.unravel_index(p, shape) if shape else ()
            expect(point["point"] == p and point["status"] == status[p], f"{what}: point {p} status")
            for key, value in point["keys"].items():
                d = f["sweep"][key]
                axis = axes.index(d.attrs["axis"].decode())
                stored = (d.asstr()[()] if d.dtype.kind == "O" else d[()])[at[axis]]
                if not (value == stored and type(value) is (str if d.dtype.kind == "O" else
                                                          int if d.dtype.kind == "i" else float)):
                    bad.append((p, key, value, stored))
            g = f[f"points/{p}"]
            for m, stats in point["metrics"].items():
                row = g[f"stats/{m}"][()]
                fields = g[f"stats/{m}"].attrs["fields"].decode().split(",")
                nonfinite = stats.get("nonfinite", {})
                expect(set(fields) <= set(stats), f"{what}: every statistic of {m}")
                for field, want in zip(fields, row):
                    if not same_number(stats[field], want, nonfinite, field):
                        bad.append((p, m, field, stats[field], want))
                    # ... and /summary, as xarray reads it.
                    var = {"mean": m, "q50": f"{m}_median"}.get(field, f"{m}_{field}")
                    if var in summary:
                        if not same_number(stats[field], summary[var][()][at], nonfinite, field):
                            bad.append((p, var, stats[field]))
                if f"{m}_inf" in summary and stats["pos_inf"] is not None:
                    if stats["pos_inf"] + stats["neg_inf"] != summary[f"{m}_inf"][()][at]:
                        bad.append((p, f"{m}_inf"))
            for c, v in point["constants"].items():
                if c == "nonfinite":
                    continue
                if not same_number(v, summary[c][()][at], point["constants"].get("nonfinite", {}), c):
                    bad.append((p, c, v))
            if "draws_used" in summary and not same_number(point["draws_used"], summary["draws_used"][()][at],
                                                           {}, "draws_used"):
                bad.append((p, "draws_used"))
            for r, ratio in point["ratios"].items():
                row = g[f"ratios/{r}"][()]
                for field, want in zip(g[f"ratios/{r}"].attrs["fields"].decode().split(","), row):
                    if not same_number(ratio[field], want, ratio.get("nonfinite", {}), field):
                        bad.append((p, r, field))
        for fit in doc["fits"]:
            want = summary[fit["name"]][()].ravel()
            expect(tuple(fit["shape"]) == summary[fit["name"]].shape, f"{what}: {fit['name']} shape")
            for i, (got, w) in enumerate(zip(fit["values"], want)):
                if not same_number(got, w, fit.get("nonfinite", {}), str(i)):
                    bad.append((fit["name"], i, got, w))
        if "checks" in f:
            top = f["checks"]
            expect(doc["checks"]["verdict"] == top.attrs["verdict"].decode(), f"{what}: checks verdict")
            expect([c["name"] for c in doc["checks"]["checks"]] == list(top.keys()) or
                   sorted(c["name"] for c in doc["checks"]["checks"]) == sorted(top.keys()),
                   f"{what}: every check")
            for c in doc["checks"]["checks"]:
                g = top[c["name"]]
                expect(c["verdict"] == g.attrs["verdict"].decode(), f"{what}: check {c['name']}")
                for i, row in enumerate(c["points"]):
                    for col in g:
                        want = g[col].asstr()[()][i] if g[col].dtype.kind == "O" else g[col][()][i]
                        got = row[col]
                        ok = (got == want if g[col].dtype.kind in "Oi" else
                              same_number(got, want, row.get("nonfinite", {}), col))
                        if not ok:
                            bad.append((c["name"], i, col, got, want))
        else:
            expect(doc["checks"] is None, f"{what}: no /checks, checks null")
    total = {"nan": 0, "inf": 0, "-inf": 0}

    def count(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "nonfinite" and isinstance(v, dict):
                    for kind in v.values():
                        total[kind] += 1
                else:
                    count(v)
        elif isinstance(node, list):
            for v in node:
                count(v)
    count(doc)
    expect(total == doc["nonfinite_values"], f"{what}: every null named ({total} vs {doc['nonfinite_values']})")
    expect(not bad, f"{what}: equals the file value by value: {bad[:4]}")


with tempfile.TemporaryDirectory(prefix="fairmc-cli-json-") as tmp:
    with open(os.path.join(tmp, "grid.yaml"), "w") as f:
        f.write("experiment: cli_json\nscenario: demo\nseed: 5\ndraws: 80\nblock: 20\n"
                "description: \"quotes \\\" and a backslash \\\\ and \u00e9\"\n"
                "population: {agents: 3}\nsweep:\n  grid: {population.agents: [2, 5, 9], mechanism.work: [1, 2]}\n"
                "  zip: {mechanism.fail_for_agents: [0, 9], mechanism.fail_from_draw: [0, 3]}\n"
                "fits:\n  - {metric: max, against: population.agents, log: true}\n"
                "ratios: [{name: gap_over_max, num: gap, den: max}]\n"
                "checks:\n  - {name: max_is_closed_form, claim: c, mean: max, equals: expected_max}\n"
                "  - {name: max_in_unit_interval, claim: d, draws: max, in: [0, 1]}\n")
    plan = fairmc("plan", "grid.yaml", "--json", cwd=tmp)
    pdoc = parsed(plan, "plan --json")
    run = fairmc("run", "grid.yaml", "-o", "out", "--json", "-j", "2", cwd=tmp)
    rdoc = parsed(run, "run --json")
    show = fairmc("show", "out", "--json", cwd=tmp)
    sdoc = parsed(show, "show --json")
    h5path = os.path.join(tmp, "out", "results.h5")
    expect(run.returncode == 1 and "failed" in run.stderr, "run --json: a point fails (exit 1)", run)
    if sdoc:
        expect(sdoc["fairmc_json"] == "show" and sdoc["schema_version"] == 1, "show --json header")
        expect(sdoc["experiment"]["description"] == 'quotes " and a backslash \\ and \u00e9',
               f"strings escaped: {sdoc['experiment']['description']!r}")
        check_results_json(sdoc, h5path, "show --json")
        expect({p["status"] for p in sdoc["points"]} == {"complete", "failed"}, "statuses")
        expect(sdoc["nonfinite_values"]["nan"] > 0, "a failed point's statistics are nulls, counted")
        expect(sdoc["checks"] and len(sdoc["checks"]["checks"]) == 2, "show --json has the checks")
    if rdoc:
        expect(rdoc["run"]["exit_code"] == run.returncode == 1 and rdoc["run"]["failed_points"] == 2,
               f"run --json: exit code and failed points in 'run': {rdoc['run']}")
        check_results_json(rdoc, h5path, "run --json")
        if sdoc:
            expect(rdoc["points"] == sdoc["points"] and rdoc["fits"] == sdoc["fits"],
                   "run --json holds what show --json shows")
    if pdoc and sdoc:
        expect(len(pdoc["points"]) == len(sdoc["points"]) == 12, "plan --json: every point")
        expect([p["keys"] for p in pdoc["points"]] == [p["keys"] for p in sdoc["points"]],
               "plan --json: the swept keys, typed as the file stores them")
        expect([p["stream_key"] for p in pdoc["points"]] == [p["stream_key"] for p in sdoc["points"]],
               "plan --json: stream keys")
        expect(pdoc["points"][0]["metrics"] == list(sdoc["points"][0]["metrics"]),
               "plan --json: metrics")
        expect(pdoc["total_draws"] == 12 * 80, "plan --json: total draws")
        expect(pdoc["experiment"]["resolved"] == sdoc["experiment"]["resolved"] ==
               fairmc("plan", "grid.yaml", "--resolved", cwd=tmp).stdout,
               "plan --json: the resolved configuration, as stored and as plan --resolved prints it")
    keys = fairmc("plan", "grid.yaml", "--keys", cwd=tmp).stdout.split()
    expect({"draws", "seed", "block", "population.agents", "mechanism.work", "mechanism.fail_for_agents",
            "description"} <= set(keys) and not any(k.split(".")[0] in ("sweep", "fits", "checks", "ratios")
                                                    for k in keys) and keys == sorted(set(keys)),
           f"plan --keys: the keys an override can set ({keys})")
    quiet = fairmc("run", "grid.yaml", "-o", "out_q", "--json", "--quiet", cwd=tmp)
    expect(parsed(quiet, "run --json --quiet") is not None and "draws in" not in quiet.stderr,
           "run --json --quiet: the document, no progress lines", quiet)
    listed = fairmc("list", "--json", cwd=tmp)
    ldoc = parsed(listed, "list --json")
    text = fairmc("list", cwd=tmp).stdout
    if ldoc:
        names = [s["name"] for s in ldoc["scenarios"]]
        expect("demo" in names and "power" in names, f"list --json: every scenario ({names})")
        for s in ldoc["scenarios"]:
            expect(f"{s['name']} - {s['help']}" in text, f"list --json: {s['name']} as in list")
            for m in s["metrics"]:
                # unit: the catalogue's (Described::unit; "" where a scenario declares none yet).
                expect(isinstance(m["unit"], str) and m["help"] and m["name"] in text,
                       f"list --json: metric {m['name']}")
    one = parsed(fairmc("list", "demo", "--json", cwd=tmp), "list demo --json")
    expect(one and [s["name"] for s in one["scenarios"]] == ["demo"], "list SCENARIO --json")
    # Stored files: the fuzzer's seeds (checks with -inf bounds, NaN statistics) and a version 1 file.
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    for stored in ("fuzz/results_corpus/checks.h5", "fuzz/results_corpus/demo.h5", "e2e/data/format1_demo.h5"):
        path = os.path.join(root, stored)
        doc = parsed(fairmc("show", path, "--json", cwd=tmp), f"show --json {stored}")
        if doc:
            check_results_json(doc, path, f"show --json {stored}")
    both = fairmc("show", "out", "--json", "--csv", cwd=tmp)
    expect(both.returncode == 2 and "--json" in both.stderr and both.stdout == "",
           "show --csv --json refused", both)
    both = fairmc("plan", "grid.yaml", "--json", "--resolved", cwd=tmp)
    expect(both.returncode == 2 and both.stdout == "", "plan --resolved --json refused", both)


# Range checks and extra arguments, every subcommand: exit 2, nothing on stdout, one line on stderr
# naming the option (or argument) and, for numbers, the accepted range; nothing is written.
with tempfile.TemporaryDirectory(prefix="fairmc-cli-opts-") as tmp:
    with open(os.path.join(tmp, "x.yaml"), "w") as f:
        f.write("experiment: cli_opts\nscenario: demo\ndraws: 20\nblock: 10\npopulation: {agents: 3}\n")
    ok = fairmc("run", "x.yaml", "-o", "done", "--quiet", cwd=tmp)
    expect(ok.returncode == 0, "a valid run for the cases that need a results file", ok)
    threads = "[0, 1024] (worker threads (-j/--threads)"
    seconds = "[0, 1000000]"
    shard = "0 <= I < K"
    cases = [
        # (arguments, what stderr must contain)
        (["run", "x.yaml", "-j", "-1"], ["-j -1", threads]),
        (["run", "x.yaml", "--threads=-1"], ["-j -1", threads]),
        (["run", "x.yaml", "-j", "abc"], ["'abc' is not a whole number", threads]),
        (["run", "x.yaml", "-j", "4x"], ["'4x' is not a whole number", threads]),
        (["run", "x.yaml", "-j", "1.5"], ["'1.5'", threads]),
        (["run", "x.yaml", "-j", "1025"], ["out of range", threads]),
        (["run", "x.yaml", "-j", "99999999999999999999999"], ["overflows", threads]),
        (["run", "x.yaml", "-j", ""], ["no value", threads]),
        (["run", "x.yaml", "-j", "1", "-j", "2"], ["--threads", "more than once"]),
        (["run", "x.yaml", "--checkpoint", "-1"], ["--checkpoint -1", seconds]),
        (["run", "x.yaml", "--checkpoint", "nan"], ["'nan' is not a number", seconds]),
        (["run", "x.yaml", "--checkpoint", "inf"], ["'inf' is not a number", seconds]),
        (["run", "x.yaml", "--checkpoint", "5s"], ["'5s' is not a number", seconds]),
        (["run", "x.yaml", "--checkpoint", "1e400"], ["1e400", seconds]),
        (["run", "x.yaml", "--checkpoint", "1e7"], ["out of range", seconds]),
        (["run", "x.yaml", "--checkpoint", "0x10"], ["'0x10'", seconds]),
        (["run", "x.yaml", "--shard", "3/2"], ["--shard 3/2", shard]),
        (["run", "x.yaml", "--shard", "-1/2"], ["--shard -1/2", shard]),
        (["run", "x.yaml", "--shard", "0/0"], ["--shard 0/0", shard]),
        (["run", "x.yaml", "--shard", "1/2/3"], ["--shard 1/2/3", shard]),
        (["run", "x.yaml", "--shard", "a/b"], ["--shard a/b", shard]),
        (["run", "x.yaml", "--shard", "1/"], ["--shard 1/", shard]),
        (["run", "x.yaml", "--shard", "99999999999999999999/99999999999999999999"], ["--shard", shard]),
        (["run", "x.yaml", "-o", ""], ["--output ''", "empty"]),
        (["run", "x.yaml", "--config-dir", ""], ["--config-dir ''", "empty"]),
        (["plan", "x.yaml", "--config-dir", ""], ["--config-dir ''", "empty"]),
        (["run", "--resume", ""], ["--resume ''", "empty"]),
        (["run", "--resume", "done", "-o", "other"], ["-o other", "--resume"]),
        (["run", "--resume", "done", "--overwrite"], ["--overwrite"]),
        (["run", "--resume", "done", "x.yaml", "x.yaml"], ["extra argument"]),
        (["run", "--resume", "done", "seed=4"], ["seed", "only sweep values (and draws)"]),
        (["run", "--resume", "done", "draws=-1"], ["draws", "[1, "]),
        (["run", "x.yaml", "draws=-5"], ["draws=-5", "[1, "]),
        (["run", "x.yaml", "draws=0"], ["draws=0", "[1, "]),
        (["run", "x.yaml", "draws=abc"], ["draws=abc", "[1, "]),
        (["run", "x.yaml", "draws=5x"], ["draws=5x", "[1, "]),
        (["run", "x.yaml", "draws=1e99"], ["draws=1e99", "[1, "]),
        (["run", "x.yaml", "draws=99999999999999999999999"], ["draws=", "[1, "]),
        (["run", "x.yaml", "seed=-1"], ["seed=-1", "[0, "]),
        (["run", "x.yaml", "seed=1.5"], ["seed=1.5", "[0, "]),
        (["run", "x.yaml", "seed=18446744073709551616"], ["seed=", "[0, "]),
        (["run", "x.yaml", "block=0"], ["block=0", "[1, "]),
        (["run", "x.yaml", "population.agents=-2"], ["population.agents=-2", "[1, "]),
        (["run", "x.yaml", "draws="], ["draws=", "no value"]),
        (["run", "x.yaml", "extra.yaml"], ["extra.yaml", "key=value"]),
        (["run", "x.yaml", "--quiet=1"], ["--quiet", "does not take"]),
        (["run", "x.yaml", "--nope"], ["--nope"]),
        (["run"], ["no experiment file"]),
        (["plan"], ["no experiment file"]),
        (["plan", "x.yaml", "extra.yaml"], ["extra.yaml", "key=value"]),
        (["plan", "x.yaml", "-j", "2"], ["-j"]),
        (["plan", "x.yaml", "draws=-1"], ["draws=-1", "[1, "]),
        (["show"], ["no results file"]),
        (["show", "done", "done"], ["extra argument"]),
        (["show", "done", "--nope"], ["--nope"]),
        (["list", "nope"], ["unknown scenario 'nope'"]),
        (["list", "--nope"], ["--nope"]),
        (["merge", "done"], ["at least two"]),
        (["merge", "done", "done"], ["-o DIR"]),
        (["merge", "done", "done", "-o", ""], ["-o DIR"]),
        (["version", "x"], ["extra argument"]),
        (["--version", "x"], ["extra argument"]),
        (["help", "nope"], ["no command 'nope'"]),
        (["help", "run", "x"], ["extra argument"]),
        (["nope"], ["unknown command 'nope'"]),
    ]
    before = sorted(os.listdir(tmp))
    for args, needles in cases:
        proc = fairmc(*args, cwd=tmp)
        lines = proc.stderr.strip().splitlines()
        expect(proc.returncode == 2 and proc.stdout == "" and lines and
               all(n in lines[0] for n in needles) and
               (len(lines) == 1 or args == ["nope"]),  # an unknown command adds the usage
               f"{' '.join(args)!r} refused with exit 2 in one line naming {needles}", proc)
    expect(sorted(os.listdir(tmp)) == before, f"refusals wrote nothing ({sorted(os.listdir(tmp))})")
    for args in (["help", "run"], ["help", "list"], ["run", "--help"], ["show", "--help"]):
        proc = fairmc(*args, cwd=tmp)
        expect(proc.returncode == 0 and proc.stdout.startswith("fairmc "), f"{args} prints help", proc)
    proc = fairmc("run", "x.yaml", "-o", "plus", "-j", "+1", "--checkpoint", "0.5", "--quiet", cwd=tmp)
    expect(proc.returncode == 0, "-j +1 --checkpoint 0.5 accepted", proc)

for f in failures:
    print("FAIL:", f)
print(f"{'FAILED' if failures else 'OK'}: command-line conventions ({len(failures)} failures)")
sys.exit(1 if failures else 0)
