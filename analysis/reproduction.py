"""docs/reproduction.md: the papers' figures and claims beside what fairmc measures (issue 18).

    /usr/bin/python3 analysis/reproduction.py plan SCENARIO          # used by scripts/reproduce.sh
    /usr/bin/python3 analysis/reproduction.py write [--papers power,scf] [--command C] [...]
    /usr/bin/python3 analysis/reproduction.py verify                  # is docs/reproduction.md current?

Inputs, per paper (scenario = power | objective | persuasion | scf, or any other
reproduction/<scenario>.yaml): the manifest reproduction/<scenario>.yaml (experiments with their
reproduce-size overrides and plot scripts; the paper's items with the checks and figures that
reproduce them), the hand-written intro reproduction/<scenario>.md, and what
scripts/reproduce.sh leaves in out/reproduce/<scenario>/: one results directory per experiment
(<experiment-file-stem>/results.h5 and the PNGs the plot wrote), runs.tsv (per experiment: exit
status and wall time of `fairmc run` and of the plot) and meta.tsv (cores, threads, wall time).

The manifest (validated before anything runs; an error exits 2):

    paper: 000_6e9ef5c838f6b90c.txt       # file name under ../shared/papers (its number heads the section)
    title: Equality of Power and Fair Public Decision-making
    scenario: power                        # = the file name
    experiments:                           # every paper experiment, in paper order (bench_* excluded)
      - file: experiments/power/lambda_convergence.yaml
        overrides: [draws=40]              # `fairmc run` overrides giving the reproduce size ([] = as is)
        plot: analysis/plot_power.py       # optional; run as `python3 PLOT OUTDIR OUTDIR`
    items:                                 # the paper's figures / tables / theorems, in paper order
      - paper: "Figure 2"                  # what, in the paper
        reported: "spread falls as n^(-5/8)"   # the paper's values as printed
        experiment: power_lambda_convergence   # the `experiment:` name of one listed file
        figures: [power_lambda_convergence.png]  # optional: PNGs its plot writes
        checks: [lambda_spread_slope_m2]   # optional: checks of that experiment shown in the row

The intro reproduction/<scenario>.md has three short sections, "What the paper says", "What fairmc
measures", "Where they differ"; its headings are moved to level 3 and its relative links (written
relative to reproduction/, e.g. ../docs/scenarios/power.md#errata) rewritten relative to docs/.

`write` regenerates the sections of the papers named by --papers (default: every paper with a
manifest) and keeps every other paper's section as it stands in docs/reproduction.md; a paper with
neither a manifest nor a previous section gets a one-line "not yet reproduced" section. It copies
the PNGs each regenerated paper's items name to docs/img/reproduction/<scenario>/ (removing that
folder's old ones). Each section is delimited by `<!-- reproduction:begin S -->` / `<!-- reproduction:end S -->`
and carries two machine-readable comments: `reproduction:summary` (counts, build, wall time; the
overview table is rebuilt from them) and `reproduction:digest` (a digest of the manifest, of the
intro and of each experiment's `experiment`+`claim`+`checks`).

`write --papers none` only rebuilds the header and the overview from the sections (after a merge
of two branches that each regenerated one paper: their overview rows conflict, their sections do
not). `verify` recomputes those digests from the YAML files and exits 1 when docs/reproduction.md is not
the output for the current experiment files (tests/analysis/test_reproduction_current.py); it
never looks at numbers. Exit status of every command: 0 ok, 1 failure, 2 usage error or an invalid
manifest.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import math
import os
import re
import shutil
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
PAPERS = ("power", "objective", "persuasion", "scf")  # paper order (000..003)
TITLES = {"power": "Paper 000: Equality of Power and Fair Public Decision-making",
          "objective": "Paper 001: Participatory Objective Design via Preference Elicitation",
          "persuasion": "Paper 002: Fair Multi-agent Persuasion with Submodular Constraints",
          "scf": "Paper 003: Welfare and Cost Aggregation for Multi-Agent Control"}
DOC = os.path.join("docs", "reproduction.md")
IMG = os.path.join("docs", "img", "reproduction")
OUT = os.path.join("out", "reproduce")

MANIFEST_KEYS = {"paper", "title", "scenario", "experiments", "items"}
EXPERIMENT_KEYS = {"file", "overrides", "plot"}
ITEM_KEYS = {"paper", "reported", "experiment", "figures", "checks"}
MAX_POINTS_SHOWN = 12  # per check in the items table; the rest are summarised by the worst point


class UsageError(Exception):
    """Invalid command line or manifest: exit status 2."""


# ----------------------------------------------------------------------------- manifests

def manifest_path(root: str, scenario: str) -> str:
    return os.path.join(root, "reproduction", scenario + ".yaml")


def intro_path(root: str, scenario: str) -> str:
    return os.path.join(root, "reproduction", scenario + ".md")


def scenarios(root: str) -> list:
    """The four papers in paper order, then any other manifest's scenario (sorted)."""
    extra = []
    folder = os.path.join(root, "reproduction")
    if os.path.isdir(folder):
        extra = sorted(f[:-5] for f in os.listdir(folder)
                       if f.endswith(".yaml") and f[:-5] not in PAPERS)
    return list(PAPERS) + extra


def _load_yaml(path: str):
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except yaml.YAMLError as e:
        raise UsageError(f"{path}: not valid YAML: {e}") from None


def _fail(path: str, where: str, message: str):
    raise UsageError(f"{path}: {where}: {message}")


def _check_keys(path, where, entry, accepted, required):
    if not isinstance(entry, dict):
        _fail(path, where, f"expected a mapping with keys {', '.join(sorted(accepted))}")
    unknown = sorted(set(entry) - accepted)
    if unknown:
        _fail(path, where, f"unknown key '{unknown[0]}' (accepted: {', '.join(sorted(accepted))})")
    for key in required:
        if key not in entry:
            _fail(path, where, f"missing key '{key}'")


def experiment_stem(file: str) -> str:
    return os.path.splitext(os.path.basename(file))[0]


def load_manifest(root: str, scenario: str) -> dict:
    """The manifest, validated against the experiment files it names (UsageError when invalid).

    Adds "_experiments": [{file, stem, overrides, plot, name, claim, checks (the YAML list)}] and
    "_by_name": {experiment name: that entry}.
    """
    path = manifest_path(root, scenario)
    m = _load_yaml(path)
    _check_keys(path, "top level", m, MANIFEST_KEYS, MANIFEST_KEYS - {"items"})
    if m["scenario"] != scenario:
        _fail(path, "scenario", f"'{m['scenario']}' but the file is named {scenario}.yaml")
    if not isinstance(m["experiments"], list) or not m["experiments"]:
        _fail(path, "experiments", "expected a non-empty list")
    entries, by_name, stems = [], {}, set()
    for i, e in enumerate(m["experiments"]):
        where = f"experiments[{i}]"
        _check_keys(path, where, e, EXPERIMENT_KEYS, {"file"})
        file = e["file"]
        full = os.path.join(root, file)
        if not isinstance(file, str) or not os.path.isfile(full):
            _fail(path, where + ".file", f"no such experiment file '{file}'")
        stem = experiment_stem(file)
        if stem in stems:
            _fail(path, where + ".file", f"two experiments with the file stem '{stem}' (the output "
                  f"directories out/reproduce/{scenario}/<stem> would collide)")
        stems.add(stem)
        overrides = e.get("overrides") or []
        if not isinstance(overrides, list) or not all(isinstance(o, (str, int, float)) for o in overrides):
            _fail(path, where + ".overrides", "expected a list of key=value strings")
        overrides = [str(o) for o in overrides]
        for o in overrides:
            if "=" not in o or "\t" in o or "\n" in o:
                _fail(path, where + ".overrides", f"'{o}' is not a key=value override")
        plot = e.get("plot") or ""
        if plot and not os.path.isfile(os.path.join(root, plot)):
            _fail(path, where + ".plot", f"no such plot script '{plot}'")
        exp = _load_yaml(full)
        if not isinstance(exp, dict) or not isinstance(exp.get("experiment"), str):
            _fail(full, "experiment", "the experiment file has no `experiment:` name")
        checks = exp.get("checks") or []
        entry = {"file": file, "stem": stem, "overrides": overrides, "plot": plot,
                 "name": exp["experiment"], "claim": exp.get("claim") or "", "checks": checks,
                 "check_names": [c.get("name") for c in checks if isinstance(c, dict)]}
        if entry["name"] in by_name:
            _fail(path, where + ".file", f"experiment name '{entry['name']}' appears twice")
        by_name[entry["name"]] = entry
        entries.append(entry)
    items = m.get("items") or []
    if not isinstance(items, list):
        _fail(path, "items", "expected a list")
    for i, it in enumerate(items):
        where = f"items[{i}]"
        _check_keys(path, where, it, ITEM_KEYS, {"paper", "reported", "experiment"})
        if it["experiment"] not in by_name:
            _fail(path, where + ".experiment", f"'{it['experiment']}' is not the `experiment:` name of "
                  f"any listed file (names: {', '.join(by_name)})")
        for key in ("figures", "checks"):
            if not isinstance(it.get(key, []), list):
                _fail(path, f"{where}.{key}", "expected a list")
        known = by_name[it["experiment"]]["check_names"]
        for c in it.get("checks", []):
            if c not in known:
                _fail(path, where + ".checks", f"'{c}' is not a check of {it['experiment']} "
                      f"(its checks: {', '.join(known) or 'none'})")
    m["_experiments"] = entries
    m["_by_name"] = by_name
    m["items"] = items
    return m


# ----------------------------------------------------------------------------- digests

def _digest(obj) -> str:
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def digest_line(root: str, scenario: str) -> str:
    """`<!-- reproduction:digest S ... -->` for the current files: what a regenerated section must
    carry. Covers the manifest (parsed, so comments and layout do not count), the intro's text and
    each listed experiment's name, claim and checks (parsed): never a number of a result."""
    path = manifest_path(root, scenario)
    if not os.path.isfile(path):
        return f"<!-- reproduction:digest {scenario} none -->"
    raw = _load_yaml(path)
    parts = [f"manifest={_digest(raw)}"]
    intro = intro_path(root, scenario)
    parts.append("intro=" + (_digest(open(intro, encoding="utf-8").read()) if os.path.isfile(intro) else "none"))
    for e in (raw.get("experiments") or []) if isinstance(raw, dict) else []:
        file = e.get("file") if isinstance(e, dict) else None
        if not isinstance(file, str):
            continue
        full = os.path.join(root, file)
        if os.path.isfile(full):
            exp = _load_yaml(full) or {}
            d = _digest({k: exp.get(k) for k in ("experiment", "claim", "checks")}) if isinstance(exp, dict) else "invalid"
        else:
            d = "missing"
        parts.append(f"{file}={d}")
    return f"<!-- reproduction:digest {scenario} {' '.join(parts)} -->"


# ----------------------------------------------------------------------------- numbers

def _finite(x) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def fmt_num(x, sig: int = 4) -> str:
    """A number with `sig` significant digits; integers as integers; n/a for NaN/None."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if isinstance(x, float) and math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if float(x) == int(x) and abs(x) < 1e15:
        return str(int(x))
    s = f"{x:.{sig}g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s


def fmt_pm(value, error) -> str:
    """value ± error, the error to 2 significant digits and the value to the same decimal place;
    a shared power of ten, (1.23 ± 0.04)e-5, when the numbers are tiny or huge."""
    if not _finite(value):
        return fmt_num(value)
    if not _finite(error) or error <= 0:
        return fmt_num(value, 6)
    big = max(abs(value), error)
    if big >= 1e6 or big < 1e-3:
        p = math.floor(math.log10(big))
        return f"({fmt_pm(value / 10 ** p, error / 10 ** p)})e{p}"
    if error < 1e-6 * abs(value):  # round-off: the value to 7 digits, the error on its own
        return f"{fmt_num(value, 7)} ± {fmt_num(error, 2)}"
    decimals = 1 - math.floor(math.log10(error))
    if float(f"{error:.{max(decimals, 0)}f}") >= 10 ** (2 - decimals):  # 9.96 -> 10: one digit less
        decimals -= 1
    if decimals >= 0:
        return f"{value:.{decimals}f} ± {error:.{decimals}f}"
    q = 10 ** -decimals
    return f"{round(value / q) * q} ± {round(error / q) * q}"


def fmt_seconds(s) -> str:
    if not _finite(s):
        return "n/a"
    if s < 60:
        return f"{s:.1f} s"
    m, sec = divmod(int(round(s)), 60)
    return f"{m} min {sec:02d} s"


def cell(text) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


# ----------------------------------------------------------------------------- results

def read_checks(results_dir: str) -> list:
    import fairmc
    return fairmc.checks(results_dir)


def sweep_layout(results_dir: str) -> tuple:
    """(axes, {axis: [(key, values)]}) from /sweep: the axes in order (a point's index is
    row-major over them, last fastest) and the swept keys with their values along each axis."""
    import h5py
    import fairmc
    with h5py.File(fairmc.results_path(results_dir), "r") as f:
        if "sweep" not in f:
            return [], {}
        sweep = f["sweep"]
        axes = [a for a in fairmc._text(sweep.attrs.get("axes", "")).split(",") if a]
        keys = {}
        for k, d in sweep.items():
            if k in ("status", "error") or "axis" not in d.attrs:
                continue
            values = [fairmc._text(v) for v in d[()]]
            keys.setdefault(fairmc._text(d.attrs["axis"]), []).append((k, values))
    return axes, keys


def labels_over(axes: list, keys: dict, drop: str = "") -> dict:
    """{index: "agents=10, issues=2"} over the axes (without the one of key `drop`, as a fit's
    shape lacks its own axis); keys are named by their last dotted part unless two collide."""
    drop_axis = next((a for a, ks in keys.items() if any(k == drop for k, _ in ks)), None)
    axes = [a for a in axes if a != drop_axis and a in keys]
    if not axes:
        return {}
    names = [k for a in axes for k, _ in keys[a]]
    short = {k: k.rsplit(".", 1)[-1] for k in names}
    if len(set(short.values())) < len(short):
        short = {k: k for k in names}
    sizes = [len(keys[a][0][1]) for a in axes]

    def text(v):
        return fmt_num(float(v), 6) if isinstance(v, (int, float)) else str(v)

    out = {}
    for i in range(math.prod(sizes)):
        rest, coords = i, []
        for n in reversed(sizes):
            rest, c = divmod(rest, n)
            coords.append(c)
        coords.reverse()
        out[i] = ", ".join(f"{short[k]}={text(vals[c])}" for a, c in zip(axes, coords) for k, vals in keys[a])
    return out


def read_tsv(path: str) -> list:
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def _float(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return float("nan")


def _canon(obj):
    """Parsed YAML made comparable across emitters: numbers (and number-like strings, as PyYAML
    reads 1e-9 as text) as floats, whitespace in text collapsed."""
    if isinstance(obj, dict):
        return {str(k): _canon(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_canon(v) for v in obj]
    if isinstance(obj, bool) or obj is None:
        return obj
    if isinstance(obj, (int, float)):
        return float(obj)
    text = " ".join(str(obj).split())
    try:
        return float(text)
    except ValueError:
        return text


def _ran_text(results_dir: str):
    """The claim and checks the results were computed for (/config/resolved, the experiment as
    run), canonical; None when the file does not say."""
    import h5py
    import fairmc
    with h5py.File(fairmc.results_path(results_dir), "r") as f:
        if "config" not in f or "resolved" not in f["config"]:
            return None
        ran = yaml.safe_load(fairmc._text(f["config"]["resolved"][()])) or {}
    return _canon({"claim": ran.get("claim") or "", "checks": ran.get("checks") or []})


def load_runs(root: str, scenario: str, manifest: dict) -> dict:
    """What scripts/reproduce.sh left: per experiment stem {run_rc, run_s, plot_rc, plot_s, dir,
    attrs, checks, sweep, labels, problem, stale, points}, and meta {cores, threads, wall_seconds, ...}."""
    import fairmc
    base = os.path.join(root, OUT, scenario)
    runs = {r[0]: r for r in read_tsv(os.path.join(base, "runs.tsv")) if r and r[0] != "stem"}
    meta = {r[0]: r[1] for r in read_tsv(os.path.join(base, "meta.tsv")) if len(r) >= 2}
    out = {}
    for e in manifest["_experiments"]:
        r = runs.get(e["stem"], [])
        d = os.path.join(base, e["stem"])
        info = {"dir": d, "run_rc": r[1] if len(r) > 1 else "", "run_s": _float(r[2] if len(r) > 2 else ""),
                "plot_rc": r[3] if len(r) > 3 else "", "plot_s": _float(r[4] if len(r) > 4 else ""),
                "attrs": None, "checks": [], "labels": {}, "sweep": ([], {}), "problem": "", "stale": False, "points": 0}
        if os.path.isfile(os.path.join(d, "results.h5")):
            info["attrs"] = fairmc.root_attrs(d)
            info["checks"] = read_checks(d)
            info["sweep"] = sweep_layout(d)
            info["labels"] = labels_over(*info["sweep"])
            info["points"] = len(fairmc.point_table(d))
            if _ran_text(d) != _canon({"claim": e["claim"], "checks": e["checks"]}):
                info["stale"] = True
                info["problem"] = (f"{d}/results.h5 is older than {e['file']} (its claim or checks "
                                   f"changed since the run): run scripts/reproduce.sh {scenario} again")
        else:
            info["problem"] = f"no results file in {d}" + (
                f" (fairmc run exited {info['run_rc']})" if info["run_rc"] else " (not run)")
        out[e["stem"]] = info
    return {"experiments": out, "meta": meta}


# ----------------------------------------------------------------------------- figures

def figure_names(manifest: dict, available=lambda stem, f: True) -> dict:
    """{(stem, png name): file name in docs/img/reproduction/<scenario>/} for the PNGs the paper's
    items name (`figures:`) and `available(stem, name)` accepts, in item order. Two experiments'
    figures of the same name: the later one is named <stem>_<name>. scripts/gallery.py links to them."""
    taken, out = set(), {}
    for it in manifest["items"]:
        stem = manifest["_by_name"][it["experiment"]]["stem"]
        for f in it.get("figures", []):
            if (stem, f) in out or not available(stem, f):
                continue
            name = f if f not in taken else f"{stem}_{f}"
            taken.add(name)
            out[(stem, f)] = name
    return out


def collect_figures(root: str, scenario: str, manifest: dict) -> dict:
    """Copies the PNGs the paper's items name (`figures:`) from the result directories to
    docs/img/reproduction/<scenario>/, after removing that folder's old PNGs (figures no item shows
    are not committed). Returns {(stem, png name): path relative to docs/}; names as figure_names."""
    dest = os.path.join(root, IMG, scenario)
    if os.path.isdir(dest):
        for f in os.listdir(dest):
            if f.endswith(".png"):
                os.remove(os.path.join(dest, f))
    src = lambda stem, f: os.path.join(root, OUT, scenario, stem, f)  # noqa: E731
    out = {}
    for (stem, f), name in figure_names(manifest, lambda stem, f: os.path.isfile(src(stem, f))).items():
        os.makedirs(dest, exist_ok=True)
        shutil.copyfile(src(stem, f), os.path.join(dest, name))
        out[(stem, f)] = "/".join(("img", "reproduction", scenario, name))
    return out


# ----------------------------------------------------------------------------- markdown

def _doc_link(target: str, base: str) -> str:
    """A link written relative to `base` (a folder of the repository), rewritten relative to docs/."""
    if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/")):
        return target
    path, _, anchor = target.partition("#")
    new = os.path.relpath(os.path.normpath(os.path.join(base, path)), "docs").replace(os.sep, "/")
    return new + ("#" + anchor if anchor else "")


def intro_markdown(root: str, scenario: str) -> str:
    """reproduction/<scenario>.md with its links made relative to docs/ and its headings moved
    down so that its top level is ###."""
    path = intro_path(root, scenario)
    if not os.path.isfile(path):
        return f"*No intro yet (reproduction/{scenario}.md).*"
    text = open(path, encoding="utf-8").read().strip()
    levels = [len(m.group(1)) for m in re.finditer(r"^(#{1,6})\s", text, re.M)]
    shift = 3 - min(levels) if levels else 0
    if shift:
        text = re.sub(r"^(#{1,6})(\s)", lambda m: "#" * min(6, len(m.group(1)) + shift) + m.group(2),
                      text, flags=re.M)
    return re.sub(r"(\]\()([^)\s]+)(\))", lambda m: m.group(1) + _doc_link(m.group(2), "reproduction")
                  + m.group(3), text)


def erratum_link(erratum: str) -> str:
    if not erratum:
        return ""
    if re.match(r"^[a-z][a-z0-9+.-]*:", erratum):
        return f"[{cell(erratum)}]({erratum})"
    if "/" in erratum or "#" in erratum or erratum.endswith(".md"):
        target = _doc_link(erratum, ".")
        label = erratum.rsplit("/", 1)[-1]
        return f"[{cell(label)}]({target})"
    return cell(erratum)


VERDICT = {"pass": "pass", "fail": "**FAIL**", "undetermined": "undetermined", "not run": "not run"}


PASS_IF = {"<=": "≤", ">=": "≥", "==": "=", "<": "<", ">": ">"}


def _statistic(c: dict, info: dict) -> str:
    """"NAME = STAT, pass if ≤ THRESHOLD (at WORST POINT)" from the check's attributes."""
    stat = fmt_num(c.get("statistic"), 3)
    thr = fmt_num(c.get("threshold"), 3)
    name = c.get("statistic_name") or "statistic"
    m = re.fullmatch(r"statistic\s*(<=|>=|==|<|>)\s*(\S+)", str(c.get("pass_if", "")).strip())
    if m:
        bound = thr if m.group(2) == "threshold" else fmt_num(_float(m.group(2)), 3)
        text = f"{name} = {stat}, pass if {PASS_IF[m.group(1)]} {bound}"
    else:
        text = f"{name} = {stat} vs {thr}"
    v = c.get("violations", -1)
    if isinstance(v, (int, float)) and v >= 0 and "violat" not in name:
        text += f"; {int(v)} violation{'s' if v != 1 else ''}"
    wp = c.get("worst_point", -1)
    if isinstance(wp, (int, float)) and wp >= 0 and c.get("points_evaluated", 0) > 1:
        text += f" (at {check_labels(c, info).get(int(wp), f'point {int(wp)}')})"
    return cell(text)


def check_labels(c: dict, info: dict) -> dict:
    """{point: label} for the check's points: sweep points, or for a slope the points of the fit's
    shape (the sweep without the fitted key's axis)."""
    m = re.match(r"slope of \S+ against (\S+)", str(c.get("subject", "")))
    if m:
        return labels_over(*info["sweep"], drop=m.group(1))
    return info["labels"]


def _values(c: dict, info: dict) -> str:
    """A check's estimates with errors, point by point (the worst one when there are many); for a
    `draws` subject the violating draws; the target beside an `equals` estimate."""
    pts = c.get("points") or []
    comparison = str(c.get("comparison", ""))
    labels = check_labels(c, info)

    def one(p, with_label=True):
        # A lone point is labelled unless it is the experiment's only one or a whole-sweep slope.
        lone = len(pts) == 1 and len(labels) <= 1
        label = "" if lone or not with_label else labels.get(int(p["point"]), f"point {p['point']}")
        value = fmt_pm(p.get("estimate"), p.get("error"))  # for `draws`: the extreme draw
        t = p.get("target")
        if _finite(t) and not comparison.startswith("in "):
            value += f" ({'target' if comparison.startswith('equals') else 'bound'} {fmt_num(t, 6)})"
        v = p.get("violations", -1)
        if isinstance(v, (int, float)) and v > 0:
            at_least = "≥ " if c.get("violations_exact") == 0 else ""  # counted from the sketch
            value += f"; {at_least}{int(v)} violating draw{'s' if v != 1 else ''}"
        bad = " ✗" if p.get("verdict") == "fail" else (" ?" if p.get("verdict") == "undetermined" else "")
        return (f"{label}: " if label else "") + value + bad

    if len(pts) > 1 and len({one(p, False) for p in pts}) == 1:
        shown = f"all {len(pts)} points: {one(pts[0], False)}"
    elif len(pts) <= MAX_POINTS_SHOWN:
        shown = "; ".join(one(p) for p in pts)
    else:
        worst = [p for p in pts if p["point"] == c.get("worst_point")] or pts[:1]
        failed = sum(p.get("verdict") == "fail" for p in pts)
        shown = f"{len(pts)} points ({failed} failed); worst: " + one(worst[0])
    head = f"`{c['name']}` {VERDICT.get(c.get('verdict'), c.get('verdict'))}"
    return cell(f"{head}: {c.get('subject', '')} {c.get('comparison', '')}: {shown}")


def _summary_comment(scenario: str, summary: dict) -> str:
    text = json.dumps(summary, sort_keys=True).replace(">", "\\u003e").replace("--", "-\\u002d")
    return f"<!-- reproduction:summary {scenario} {text} -->"


def paper_heading(manifest: dict, scenario: str) -> str:
    number = str(manifest.get("paper", "")).split("_", 1)[0]
    return f"## {'Paper ' + number + ': ' if number else ''}{manifest['title']} (`{scenario}`)"


def paper_section(root: str, scenario: str, manifest: dict, runs: dict, figures: dict,
                  command: str) -> tuple:
    """(markdown of the paper's section, list of problems, terminal table of its checks)."""
    exps = manifest["_experiments"]
    meta = runs["meta"]
    problems = []
    passed = failed = undetermined = 0
    shas = []
    checks_by_exp = {}
    for e in exps:
        info = runs["experiments"][e["stem"]]
        if info["problem"]:
            problems.append(info["problem"])
        if info["attrs"] is not None and not info["stale"]:
            checks = info["checks"]
            sha = str(info["attrs"].get("git_sha", "")) + ("-dirty" if info["attrs"].get("git_dirty") else "")
            if sha and sha not in shas:
                shas.append(sha)
        else:  # no (usable) results: the experiment file's checks, not run
            checks = [{"name": n, "claim": c.get("claim", ""), "source": c.get("source", ""),
                       "erratum": c.get("erratum", ""), "verdict": "not run", "points": []}
                      for n, c in zip(e["check_names"], e["checks"])]
        checks_by_exp[e["stem"]] = checks
        for c in checks:
            v = c.get("verdict")
            passed += v == "pass"
            failed += v == "fail"
            undetermined += v not in ("pass", "fail")
    wall = _float(meta.get("wall_seconds"))
    if not _finite(wall):
        wall = sum(i["run_s"] + (i["plot_s"] if _finite(i["plot_s"]) else 0)
                   for i in runs["experiments"].values() if _finite(i["run_s"]))
    summary = {"title": manifest["title"], "paper": manifest.get("paper", ""),
               "experiments": len(exps), "passed": passed, "failed": failed,
               "undetermined": undetermined, "wall_seconds": round(wall, 1) if _finite(wall) else None,
               "build": ", ".join(shas), "cores": meta.get("cores", ""), "threads": meta.get("threads", ""),
               "date": meta.get("start_utc", "") or _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "command": command or f"scripts/reproduce.sh {scenario}"}
    L = [f"<!-- reproduction:begin {scenario} -->", digest_line(root, scenario),
         _summary_comment(scenario, summary), paper_heading(manifest, scenario), ""]
    threads = summary["threads"]
    L.append(f"Paper `{manifest.get('paper', '')}` (../shared/papers). Reproduced "
             f"{summary['date'][:10]} by `{summary['command']}` with build "
             f"`{summary['build'] or 'unknown'}` on {summary['cores'] or '?'} cores"
             f"{'' if threads in ('', '0') else f' ({threads} threads)'} in {fmt_seconds(wall)}. "
             f"Checks: {passed} passed, {failed} failed, {undetermined} undetermined.")
    L.append("")
    L.append(intro_markdown(root, scenario))
    L.append("")
    if manifest["items"]:
        L += ["### The paper's figures and tables beside fairmc's", "",
              "| paper item | what the paper reports | fairmc figure | fairmc's values |",
              "|---|---|---|---|"]
        for it in manifest["items"]:
            e = manifest["_by_name"][it["experiment"]]
            info = runs["experiments"][e["stem"]]
            figs = []
            for f in it.get("figures", []):
                link = figures.get((e["stem"], f))
                if link:
                    figs.append(f"[![{f}]({link})]({link})")
                else:
                    figs.append(f"({f} not produced)")
                    problems.append(f"{manifest_path(root, scenario)}: item '{it['paper']}': figure "
                                    f"{f} was not written by {e['plot'] or 'any plot'} for {e['file']}")
            by_name = {c["name"]: c for c in checks_by_exp[e["stem"]]}
            values = [_values(by_name[n], info) if by_name[n].get("points") is not None
                      and by_name[n].get("verdict") != "not run" else f"`{n}` not run"
                      for n in it.get("checks", []) if n in by_name]
            L.append(f"| {cell(it['paper'])} | {cell(it['reported'])} | {' '.join(figs)} | "
                     f"{'<br>'.join(values) or '—'} |")
        L.append("")
    L += ["### Experiments", "",
          "| experiment | file | reproduce size (overrides) | points × draws | wall time (run + plot) | checks | status |",
          "|---|---|---|---|---|---|---|"]
    for e in exps:
        info = runs["experiments"][e["stem"]]
        a = info["attrs"] or {}
        size = f"{info['points']} × {a.get('draws', '?')}" if a else "—"
        checks = checks_by_exp[e["stem"]]
        counts = f"{sum(c.get('verdict') == 'pass' for c in checks)}/{len(checks)} pass" if checks else "none"
        status = "ok"
        if info["run_rc"] not in ("", "0"):
            status = {"1": "failed points", "3": "check not passed"}.get(info["run_rc"], f"exit {info['run_rc']}")
        if info["plot_rc"] not in ("", "0", "-"):
            status += f"; plot exit {info['plot_rc']}"
        if info["problem"]:
            status = cell(info["problem"].replace(root + os.sep, ""))
        t = fmt_seconds(info["run_s"]) + (f" + {fmt_seconds(info['plot_s'])}" if _finite(info["plot_s"]) else "")
        L.append(f"| `{e['name']}` | [{e['file']}](../{e['file']}) | "
                 f"{' '.join('`' + o + '`' for o in e['overrides']) or '(as in the file)'} | {size} | "
                 f"{t} | {counts} | {status} |")
    L.append("")
    L += ["### Every check", "",
          "| experiment | check | claim | source | verdict | statistic vs threshold | erratum |",
          "|---|---|---|---|---|---|---|"]
    for e in exps:
        checks = checks_by_exp[e["stem"]]
        if not checks:
            claim = runs["experiments"][e["stem"]]["attrs"] or {}
            L.append(f"| `{e['name']}` | (no checks) | {cell(claim.get('claim') or e['claim'])} | | — | | |")
        for c in checks:
            stat = _statistic(c, runs["experiments"][e["stem"]]) if c.get("verdict") != "not run" else ""
            L.append(f"| `{e['name']}` | `{c['name']}` | {cell(c.get('claim', ''))} | "
                     f"{cell(c.get('source', ''))} | {VERDICT.get(c.get('verdict'), cell(c.get('verdict')))} | "
                     f"{stat} | {erratum_link(c.get('erratum', ''))} |")
    L += ["", f"<!-- reproduction:end {scenario} -->"]
    verdicts = {"pass": "pass", "fail": "FAIL", "undetermined": "undet", "not run": "norun"}
    table = [f"{scenario}: {passed} checks passed, {failed} failed, {undetermined} undetermined "
             f"({len(exps)} experiments, {fmt_seconds(wall)})"]
    for e in exps:
        if not checks_by_exp[e["stem"]]:
            table.append(f"  {'-':5}  {e['name']}: no checks")
        for c in checks_by_exp[e["stem"]]:
            claim = " ".join(str(c.get("claim", "")).split())
            table.append(f"  {verdicts.get(c.get('verdict'), c.get('verdict')):5}  "
                         f"{e['name']}/{c['name']}: {claim if len(claim) <= 100 else claim[:99] + '…'}")
    return "\n".join(L), problems, table


def not_reproduced_section(root: str, scenario: str) -> str:
    has = os.path.isfile(manifest_path(root, scenario))
    why = ("its manifest exists: run `scripts/reproduce.sh " + scenario + "`" if has
           else f"no manifest reproduction/{scenario}.yaml yet")
    return "\n".join([f"<!-- reproduction:begin {scenario} -->",
                      f"<!-- reproduction:digest {scenario} none -->",
                      f"## {TITLES[scenario] + ' ' if scenario in TITLES else ''}(`{scenario}`)", "",
                      f"Not yet reproduced ({why}).", "",
                      f"<!-- reproduction:end {scenario} -->"])


SECTION_RE = re.compile(r"<!-- reproduction:begin (\S+) -->.*?<!-- reproduction:end \1 -->", re.S)
SUMMARY_RE = re.compile(r"<!-- reproduction:summary (\S+) (\{.*?\}) -->")
DIGEST_RE = re.compile(r"<!-- reproduction:digest (\S+) .*?-->")


def existing_sections(doc_path: str) -> dict:
    if not os.path.isfile(doc_path):
        return {}
    text = open(doc_path, encoding="utf-8").read()
    return {m.group(1): m.group(0) for m in SECTION_RE.finditer(text)}


def code(text) -> str:
    return f"`{cell(text)}`" if text else ""


def overview(order: list, sections: dict) -> list:
    L = ["| paper | experiments | checks passed | failed | undetermined | wall time | command | build | cores | date (UTC) |",
         "|---|---|---|---|---|---|---|---|---|---|"]
    for s in order:
        m = SUMMARY_RE.search(sections[s])
        if not m:
            L.append(f"| [{TITLES.get(s, s)}](#{anchor_of(sections[s])}) | not yet reproduced | | | | | | | | |")
            continue
        d = json.loads(m.group(2))
        number = str(d.get("paper", "")).split("_", 1)[0]
        title = (f"Paper {number}: " if number else "") + str(d.get("title", s))
        L.append(f"| [{cell(title)}](#{anchor_of(sections[s])}) | {d['experiments']} | "
                 f"{d['passed']} | {d['failed']} | {d['undetermined']} | {fmt_seconds(d.get('wall_seconds'))} | "
                 f"{code(d.get('command'))} | {code(d.get('build'))} | {d.get('cores', '')} | "
                 f"{str(d.get('date', ''))[:16].replace('T', ' ')} |")
    return L


def anchor_of(section: str) -> str:
    """GitHub's anchor for the section's ## heading."""
    m = re.search(r"^## (.*)$", section, re.M)
    title = m.group(1) if m else ""
    a = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
    return a


HEADER = """\
# Reproducing the papers

<!-- Generated by analysis/reproduction.py: do not edit. `make reproduce` (scripts/reproduce.sh all)
regenerates it; scripts/reproduce.sh PAPER regenerates one paper's section. -->

The overview says how each paper's section was produced: the command, the build (git sha from the
results files' provenance, `-dirty` when built from uncommitted changes), the machine's cores, the
wall time of its experiments and figures, and when it ran. The page is the output of `make
reproduce` (`scripts/reproduce.sh all`; one paper: `scripts/reproduce.sh
power|objective|persuasion|scf`). It runs every experiment of each paper's manifest
(`reproduction/<scenario>.yaml`) at its reproduce size with `fairmc run --check`, draws the figures
into `docs/img/reproduction/`, and writes, per paper: what the paper says and where fairmc differs
(`reproduction/<scenario>.md`), each figure or table of the paper beside fairmc's figure and values
(estimate ± one standard error), and every check of every experiment with its verdict and statistic,
as stored in the results file's `/checks` (docs/results-format.md). A check at 4 standard errors
over P points fails by chance with probability about P × 6e-5 even when the claim holds. A check
that cites an erratum states what the simulation shows where the paper differs.
tests/analysis/test_reproduction_current.py fails when an experiment's claim or checks, a manifest
or an intro changed since this page was generated (it never compares numbers).
"""


def render(order: list, sections: dict) -> str:
    """The page: the header, the overview (from each section's summary comment), the sections."""
    text = [HEADER, "## Overview", ""] + overview(order, sections) + [""]
    for s in order:
        text += [sections[s], ""]
    return "\n".join(text).rstrip("\n") + "\n"


def write_doc(root: str, papers: list, command: str, doc: str = None) -> int:
    """Regenerates the sections of `papers` (copying their figures), keeps the others; 1 when some
    experiment has no usable results or a figure is missing (the page is written all the same)."""
    doc = doc or os.path.join(root, DOC)
    order = scenarios(root)
    old = existing_sections(doc)
    sections, problems, tables = {}, [], []
    for s in order:
        if s in papers:
            m = load_manifest(root, s)
            runs = load_runs(root, s, m)
            figures = collect_figures(root, s, m)
            sections[s], p, t = paper_section(root, s, m, runs, figures, command)
            problems += p
            tables += t
        elif s in old:
            sections[s] = old[s]
        else:
            sections[s] = not_reproduced_section(root, s)
    os.makedirs(os.path.dirname(doc), exist_ok=True)
    tmp = doc + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(render(order, sections))
    os.replace(tmp, doc)
    print("\n".join(tables))  # the run ends with every claim and its verdict
    for p in problems:
        print(f"reproduction: {p}", file=sys.stderr)
    return 1 if problems else 0


def verify(root: str, doc: str = None) -> list:
    """Problems that make docs/reproduction.md not the output for the current files ([] = current)."""
    doc = doc or os.path.join(root, DOC)
    if not os.path.isfile(doc):
        return [f"{doc} does not exist: run `make reproduce`"]
    sections = existing_sections(doc)
    out = []
    order = scenarios(root)
    text = open(doc, encoding="utf-8").read()
    if re.search(r"^(<<<<<<<|>>>>>>>|=======$)", text, re.M):
        out.append(f"{doc}: has merge conflict markers: rerun the papers whose sections conflict "
                   f"(scripts/reproduce.sh PAPER), or, when only the overview conflicts, "
                   f"`/usr/bin/python3 analysis/reproduction.py write --papers none`")
    if all(s in sections for s in order) and text != render(order, sections):
        out.append(f"{doc}: the header or the overview is not what analysis/reproduction.py writes for "
                   f"its sections (edited by hand, or a merge): run `/usr/bin/python3 "
                   f"analysis/reproduction.py write --papers none` (keeps every section)")
    for s in order:
        have = sections.get(s)
        want = digest_line(root, s)
        if have is None:
            out.append(f"{doc}: no section for {s}: run `scripts/reproduce.sh {s}`"
                       if os.path.isfile(manifest_path(root, s)) else
                       f"{doc}: no section for {s} (not even 'not yet reproduced'): run `make reproduce`")
            continue
        m = DIGEST_RE.search(have)
        got = m.group(0) if m else ""
        if got == want:
            continue
        if got.endswith(" none -->"):
            out.append(f"{doc}: the {s} section says 'not yet reproduced' but reproduction/{s}.yaml "
                       f"exists: run `scripts/reproduce.sh {s}` and commit docs/reproduction.md and "
                       f"docs/img/reproduction/{s}/")
            continue
        if want.endswith(" none -->"):
            out.append(f"{doc}: the {s} section is generated from reproduction/{s}.yaml, which no "
                       f"longer exists: run `make reproduce`")
            continue
        old = dict(p.split("=", 1) for p in got[:-4].split()[3:] if "=" in p)
        new = dict(p.split("=", 1) for p in want[:-4].split()[3:] if "=" in p)
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        what = {"manifest": f"reproduction/{s}.yaml", "intro": f"reproduction/{s}.md"}
        names = ", ".join(what.get(k, k) for k in changed) or f"reproduction/{s}.yaml (new)"
        out.append(f"{doc}: the {s} section is not current: {names} changed since it was generated: "
                   f"run `scripts/reproduce.sh {s}` and commit docs/reproduction.md and docs/img/reproduction/{s}/")
    return out


def plan(root: str, scenario: str) -> str:
    """One tab-separated line per experiment: stem, file, plot (or -), overrides..."""
    m = load_manifest(root, scenario)
    return "".join("\t".join([e["stem"], e["file"], e["plot"] or "-"] + e["overrides"]) + "\n"
                   for e in m["_experiments"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="reproduction.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.dirname(HERE), help="repository root (default: this checkout)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("plan", help="print the experiments of one manifest (tab-separated)")
    p.add_argument("scenario")
    w = sub.add_parser("write", help="regenerate docs/reproduction.md")
    w.add_argument("--papers", default="", help="comma-separated scenarios to regenerate (default: every manifest; "
                   "none: only the header and overview, every section kept, e.g. after a merge)")
    w.add_argument("--command", default="", help="the command that produced the results, for the page")
    w.add_argument("--doc", default=None, help="output file (default: ROOT/docs/reproduction.md)")
    v = sub.add_parser("verify", help="exit 1 unless docs/reproduction.md is current with the YAML files")
    v.add_argument("--doc", default=None)
    try:
        a = ap.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    root = os.path.abspath(a.root)
    sys.path.insert(0, HERE)
    try:
        if a.cmd == "plan":
            if not os.path.isfile(manifest_path(root, a.scenario)):
                raise UsageError(f"no manifest {manifest_path(root, a.scenario)}")
            sys.stdout.write(plan(root, a.scenario))
            return 0
        if a.cmd == "write":
            papers = [] if a.papers == "none" else [s for s in a.papers.split(",") if s] or [
                s for s in scenarios(root) if os.path.isfile(manifest_path(root, s))]
            for s in papers:
                if not os.path.isfile(manifest_path(root, s)):
                    raise UsageError(f"no manifest {manifest_path(root, s)}")
            return write_doc(root, papers, a.command, a.doc)
        problems = verify(root, a.doc)
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    except UsageError as e:
        print(f"reproduction: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
