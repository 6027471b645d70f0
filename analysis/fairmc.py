"""Load fairmc results files (docs/results-format.md) into xarray, pandas and numpy.

    import fairmc
    ds = fairmc.open_summary("results/demo")          # xarray.Dataset, labelled by the sweep
    df = fairmc.summary_frame("results/demo")         # pandas.DataFrame, one row per sweep point
    draws = fairmc.open_draws("results/demo", "max")  # {point index: numpy array} (keep_draws: true)
    pts = fairmc.point_table("results/demo")          # parameters, status and error of each point
    fairmc.ratio_names("results/objective")            # ratio metrics (E[num]/E[den]) in /summary
    fairmc.warnings("results/objective")               # [(point, metric, warning)] unreliable intervals
    long = fairmc.tidy_frame("results/demo")          # long frame: point, swept keys, name, kind, statistic, value
    runs = fairmc.runs("results")                     # one row per results file under a directory
    fairmc.checks("results/demo")                      # [dict] the experiment's checks and verdicts
    fairmc.checks_verdict("results/demo")              # "pass" | "fail" | "undetermined" | ""

Install as a package (from the checkout, with Debian's Python packages only):
    python3 -m venv --system-site-packages ~/fairmc-env
    ~/fairmc-env/bin/pip install --no-build-isolation --no-deps ./analysis

Every function accepts a results directory (the `-o` of `fairmc run`) or the .h5 file itself.
Command line: `python3 analysis/fairmc.py RESULTS` prints the summary frame.
Needs Debian's python3-h5py, -numpy, -pandas; open_summary also needs python3-xarray and
python3-netcdf4.
"""

from __future__ import annotations

import os
import sys

import h5py
import numpy as np
import pandas as pd

FORMAT = "fairmc-results"
FORMAT_VERSION = 2  # 2 adds checksums, quantiles, diagnostics, ratios and fit chi2/dof to 1
READS_VERSIONS = (1, 2)

__version__ = "0.1.0"  # the fairmc release this reader belongs to (CMakeLists.txt project VERSION)

__all__ = ["results_path", "open_summary", "summary_frame", "open_draws", "point_table", "root_attrs",
           "ratio_names", "warnings", "history", "tidy_frame", "runs", "checks", "checks_verdict"]


def results_path(path) -> str:
    """The results file for `path`: a results directory (holding results.h5) or the file itself."""
    path = os.fspath(path)
    if os.path.isdir(path):
        path = os.path.join(path, "results.h5")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such results file")
    return path


def _text(v):
    """HDF5 strings arrive as bytes (fixed-length attributes, variable-length datasets)."""
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray) and v.dtype.kind in "OS":
        return np.array([_text(x) for x in v.ravel()], dtype=object).reshape(v.shape)
    return v


def _plain(v):
    """An attribute value as a plain Python object (str, int, float)."""
    v = _text(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


def _open(path) -> h5py.File:
    f = h5py.File(results_path(path), "r")
    fmt = _text(f.attrs.get("format", b""))
    if fmt != FORMAT:
        f.close()
        raise ValueError(f"{path}: not a fairmc results file (format attribute {fmt!r})")
    version = int(f.attrs.get("format_version", -1))
    if version not in READS_VERSIONS:
        f.close()
        raise ValueError(f"{path}: results format_version {version}; this loader reads "
                         f"{', '.join(map(str, READS_VERSIONS))}")
    return f


def root_attrs(path) -> dict:
    """The root attributes (experiment, scenario, seed, draws, claim, ...) as plain Python values."""
    with _open(path) as f:
        return {k: _plain(v) for k, v in f.attrs.items()}


def _sweep_layout(f: h5py.File):
    """(axes, keys, shape): axis names in order, {key: axis name}, the sweep shape."""
    sweep = f["sweep"]
    axes_attr = _text(sweep.attrs.get("axes", ""))
    axes = [a for a in axes_attr.split(",") if a]
    keys = {}
    for name, d in sweep.items():
        if name in ("status", "error"):
            continue
        keys[name] = _text(d.attrs["axis"])
    shape = tuple(sweep["status"].shape)
    return axes, keys, shape


def open_summary(path):
    """/summary as an xarray.Dataset with the sweep as dimensions and coordinates.

    For a zip sweep the zipped keys become coordinates along "zip". Root attributes and every 0-d
    fit_* variable (a fit with no other sweep axis left) are copied into ds.attrs, and
    ds.attrs["sweep_axes"] holds /sweep's "axes" attribute (axis names, comma-separated).
    """
    import xarray as xr

    file = results_path(path)
    attrs = root_attrs(file)
    with h5py.File(file, "r") as f:
        axes, keys, _ = _sweep_layout(f)
    with xr.open_dataset(file, group="summary") as opened:
        ds = opened.load()
    zipped = [k for k, a in keys.items() if a == "zip" and k in ds.variables]
    if zipped:
        ds = ds.set_coords(zipped)
    ds.attrs.update(attrs)
    ds.attrs["sweep_axes"] = ",".join(axes)
    for name, var in ds.data_vars.items():
        if name.startswith("fit_") and var.ndim == 0:
            ds.attrs[name] = float(var.values)
    return ds


def _fit_against(name: str, keys) -> str | None:
    """The swept key of a fit_<metric>_vs_<key>_<slope|intercept|slope_sem> variable."""
    for suffix in ("_slope_sem", "_chi2_dof", "_intercept", "_slope"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            for key in sorted(keys, key=len, reverse=True):
                if stem.endswith("_vs_" + key):
                    return key
    return None


def summary_frame(path) -> pd.DataFrame:
    """One row per sweep point (index "point" = /points/<i>), built with h5py alone.

    Columns: the swept keys, then every /summary variable. Fit variables, which lack the axis they
    were fitted along, are repeated along it.
    """
    with _open(path) as f:
        axes, keys, shape = _sweep_layout(f)
        n = int(np.prod(shape, dtype=np.int64))
        # Point index = row-major (C order) position in the sweep shape, last axis fastest.
        coords = np.unravel_index(np.arange(n), shape) if shape else ()
        columns = {}
        for key, axis in keys.items():
            values = _text(f["sweep"][key][()])
            columns[key] = np.asarray(values)[coords[axes.index(axis)]] if shape else np.asarray(values)
        summary = f["summary"]
        for name, d in summary.items():
            if not isinstance(d, h5py.Dataset):
                continue
            if _text(d.attrs.get("CLASS", b"")) == "DIMENSION_SCALE" or name in keys:
                continue  # coordinates: already columns
            values = d[()]
            if d.shape != shape:
                against = _fit_against(name, keys)
                if against is None:
                    raise ValueError(f"/summary/{name}: shape {d.shape} does not fit the sweep {shape}")
                values = np.broadcast_to(np.expand_dims(values, axes.index(keys[against])), shape)
            columns[name] = np.asarray(values).reshape(n)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(n, name="point"))
    return frame


def open_draws(path, metric: str) -> dict:
    """{point index: numpy array of every draw of `metric`, in draw order} (needs keep_draws: true)."""
    out = {}
    with _open(path) as f:
        points = f["points"]
        for name in sorted(points, key=int):
            g = points[name]
            if "draws" not in g:
                raise KeyError(
                    f"{results_path(path)}: no per-draw values at /points/{name}/draws: the experiment "
                    f"ran with keep_draws: false (set keep_draws: true and run it again)")
            if metric not in g["draws"]:
                raise KeyError(f"{results_path(path)}: no metric {metric!r} in /points/{name}/draws "
                               f"(has {', '.join(g['draws'])})")
            out[int(name)] = g["draws"][metric][()]
    return out


def _param(text: str):
    """A swept value as stored in a point attribute (canonical text) as a Python value."""
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        out, chars = [], iter(text[1:-1])
        for c in chars:  # the writer escapes only '"' and '\\' with a backslash
            out.append(next(chars, "") if c == "\\" else c)
        return "".join(out)
    try:
        return float(text)
    except ValueError:
        return text  # lists, mappings, null: left as canonical text


def point_table(path) -> pd.DataFrame:
    """The attributes of every /points/<i> (index "point"): swept parameters (numbers as float,
    strings unquoted), stream_key, status, error, and the per-point constants."""
    rows = []
    with _open(path) as f:
        _, keys, _ = _sweep_layout(f)
        points = f["points"]
        for name in sorted(points, key=int):
            row = {}
            for k, v in points[name].attrs.items():
                v = _plain(v)
                if k in keys and isinstance(v, str):
                    v = _param(v)
                row[k] = v
            rows.append(row)
    return pd.DataFrame(rows, index=pd.RangeIndex(len(rows), name="point"))


def ratio_names(path) -> list:
    """The ratio metrics in /summary (name, E[num]/E[den] over paired draws, with _sem,
    _bias_corrected, _ci_lo, _ci_hi and _n beside it); [] for format_version 1."""
    with _open(path) as f:
        return [name for name, d in f["summary"].items()
                if isinstance(d, h5py.Dataset) and "ratio_num" in d.attrs]


def warnings(path) -> list:
    """[(point, metric, warning)] for every metric whose normal interval the engine flags as
    unreliable (heavy tails, +-inf draws, overflowing variance, drift between the halves of the
    blocks); [] for format_version 1."""
    out = []
    with _open(path) as f:
        points = f["points"]
        for name in sorted(points, key=int):
            stats = points[name].get("stats")
            if stats is None:
                continue
            for metric, d in stats.items():
                if "warning" in d.attrs:
                    out.append((int(name), metric, _text(d.attrs["warning"])))
    return out


def history(path) -> pd.DataFrame:
    """/history: one row per fairmc invocation that wrote the file (new, resume, grow, overwrite,
    merge), oldest first; columns kind, command_line, overrides, fairmc_version, git_sha, git_dirty, start_utc,
    end_utc, wall_seconds, host, threads, ranks, libraries, note. A file written before /history
    existed gives one row (kind "unknown") from its root attributes."""
    with _open(path) as f:
        if "history" not in f:
            a = {k: _plain(v) for k, v in f.attrs.items()}
            return pd.DataFrame([{
                "kind": "unknown", "command_line": a.get("command_line", ""),
                "fairmc_version": a.get("fairmc_version", ""), "git_sha": a.get("git_sha", ""),
                "start_utc": a.get("created_utc", ""), "end_utc": a.get("updated_utc", ""),
                "note": "reconstructed from the root attributes"}], index=pd.RangeIndex(1, name="run"))
        g = f["history"]
        columns = {name: np.asarray(_text(g[name][()])) for name in g}
    n = len(columns["kind"])
    return pd.DataFrame(columns, index=pd.RangeIndex(n, name="run"))


# Suffixes of the per-metric and per-ratio variables in /summary (docs/results-format.md), longest
# first so that "_ci_lo" is not read as "_lo".
METRIC_STATISTICS = ("half_variance", "undefined", "top_share", "unreliable", "drift_z", "median",
                     "ci_lo", "ci_hi", "sem", "min", "max", "q05", "q25", "q75", "q95", "inf",
                     "sd", "n")
RATIO_STATISTICS = ("bias_corrected", "ci_lo", "ci_hi", "sem", "n")
FIT_STATISTICS = ("slope_sem", "chi2_dof", "intercept", "slope")
_CONSTANT_LONG_NAME = "per-point constant (closed form or bound)"


def _metric_names(f: h5py.File) -> list:
    """Every metric any point reports, in first-seen order (/points/<i>/metrics)."""
    seen = {}
    for name in sorted(f["points"], key=int):
        g = f["points"][name]
        if "metrics" in g:
            for m in _text(g["metrics"][()]):
                seen.setdefault(str(m), None)
        elif "stats" in g:
            for m in g["stats"]:
                seen.setdefault(m, None)
    return list(seen)


def _classify(name: str, metrics, ratios, constants):
    """(name, kind, statistic) of a /summary variable: kind is metric, ratio, constant, fit or
    other; the statistic is "mean" (metrics), "estimate" (ratios), "value" (constants) or the suffix."""
    if name in constants:
        return name, "constant", "value"
    if name == "draws_used":
        return name, "run", "value"
    if name in ratios:
        return name, "ratio", "estimate"
    if name in metrics:
        return name, "metric", "mean"
    if name.startswith("fit_"):
        for stat in FIT_STATISTICS:
            if name.endswith("_" + stat):
                return name[: -len(stat) - 1], "fit", stat
    # The longest metric or ratio name that leaves a known suffix wins (a metric "max" and its
    # statistic "max_max" are told apart by the suffix list, not by guessing).
    for pool, kind, stats in ((ratios, "ratio", RATIO_STATISTICS), (metrics, "metric", METRIC_STATISTICS)):
        for base in sorted(pool, key=len, reverse=True):
            if name.startswith(base + "_") and name[len(base) + 1:] in stats:
                return base, kind, name[len(base) + 1:]
    return name, "other", "value"


def tidy_frame(path) -> pd.DataFrame:
    """/summary as a long ("tidy") frame: one row per sweep point and /summary number.

    Columns: point, the swept keys, name (metric, ratio, constant or fit), kind ("metric",
    "ratio", "constant", "fit", "run" for draws_used, "status" or "other"), statistic ("mean", "sem", "ci_lo", ...;
    "estimate" for a ratio, "value" for a constant, "slope"/"slope_sem"/... for a fit) and value.
    Ready for seaborn/plotnine or `df.pivot_table`. Fits are repeated along the axis they were
    fitted against, as in summary_frame(); the point status is a row of kind "status" with its
    text in value.
    """
    wide = summary_frame(path)
    with _open(path) as f:
        _, keys, _ = _sweep_layout(f)
        metrics = set(_metric_names(f))
        ratios = {name for name, d in f["summary"].items()
                  if isinstance(d, h5py.Dataset) and "ratio_num" in d.attrs}
        constants = {name for name, d in f["summary"].items()
                     if isinstance(d, h5py.Dataset)
                     and str(_text(d.attrs.get("long_name", b""))).endswith(_CONSTANT_LONG_NAME)}
    key_columns = [k for k in keys if k in wide.columns]
    frames = []
    for column in wide.columns:
        if column in key_columns:
            continue
        if column == "status":
            name, kind, stat = "status", "status", "value"
        else:
            name, kind, stat = _classify(column, metrics, ratios, constants)
        part = wide[key_columns].copy()
        part["name"], part["kind"], part["statistic"] = name, kind, stat
        part["value"] = wide[column].to_numpy(dtype=object if kind == "status" else None)
        frames.append(part.reset_index())
    columns = ["point", *key_columns, "name", "kind", "statistic", "value"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def runs(directory, recursive: bool = True) -> pd.DataFrame:
    """One row per fairmc results file under `directory` (results.h5 or any .h5 whose root says
    format "fairmc-results"), sorted by path: path, experiment, scenario, seed, draws, block,
    points, complete, points_failed, created_utc, updated_utc, fairmc_version, git_sha, git_dirty,
    format_version, invocations (entries in /history) and checks (the /checks verdict, "" when
    the experiment has none). Files that are not fairmc results are skipped; unreadable ones get a
    row with the reason in `error`."""
    directory = os.fspath(directory)
    found = []
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        found += [os.path.join(root, name) for name in sorted(files) if name.endswith(".h5")]
        if not recursive:
            break
    rows = []
    for path in found:
        try:
            with h5py.File(path, "r") as f:
                if _plain(f.attrs.get("format", "")) != FORMAT:
                    continue
                a = {k: _plain(v) for k, v in f.attrs.items()}
                points = len(f["points"]) if "points" in f else 0
                invocations = len(f["history"]["kind"]) if "history" in f else 1
                verdict = _plain(f["checks"].attrs.get("verdict", "")) if "checks" in f else ""
        except OSError as e:  # a damaged or foreign file: say so, keep going
            rows.append({"path": path, "error": str(e)})
            continue
        rows.append({"path": path, **{k: a.get(k) for k in (
            "experiment", "scenario", "seed", "draws", "block")}, "points": points,
            "complete": a.get("complete"), "points_failed": a.get("points_failed"),
            **{k: a.get(k) for k in ("created_utc", "updated_utc", "fairmc_version", "git_sha",
                                     "git_dirty", "format_version")},
            "invocations": invocations, "checks": verdict, "error": ""})
    columns = ["path", "experiment", "scenario", "seed", "draws", "block", "points", "complete",
               "points_failed", "created_utc", "updated_utc", "fairmc_version", "git_sha",
               "git_dirty", "format_version", "invocations", "checks", "error"]
    return pd.DataFrame(rows, columns=columns)


def _in_creation_order(g: h5py.Group) -> list:
    """A group's member names in the order fairmc wrote them (creation order is tracked)."""
    names = []
    try:
        g.id.links.iterate(lambda n: names.append(_text(n)), idx_type=h5py.h5.INDEX_CRT_ORDER)
    except (ValueError, RuntimeError, KeyError):
        names = list(g)
    return names


_CHECK_TEXT = ("claim", "source", "erratum", "subject", "comparison", "verdict", "statistic_name")
_CHECK_FLOAT = ("statistic", "threshold")
_CHECK_INT = ("worst_point", "points_evaluated", "points_failed", "points_undetermined",
              "violations")
_CHECK_COLUMNS = ("point", "estimate", "error", "target", "lo", "hi", "verdict")


def checks(path) -> list:
    """The experiment's checks (/checks, docs/results-format.md), in declared order; [] when the
    file has none. Each is a dict: name, claim, source, erratum, subject, comparison, verdict,
    statistic, statistic_name, threshold, worst_point, points_evaluated, points_failed,
    points_undetermined, violations, and points: [{point, estimate, error, target, lo, hi,
    verdict}] (one per selected point, in point order; for a slope, `point` indexes the fit's
    shape). Also pass_if, violations_exact, and per point statistic, threshold, violations."""
    out = []
    with _open(path) as f:
        if "checks" not in f:
            return out
        top = f["checks"]
        for name in _in_creation_order(top):
            g = top[name]
            a = g.attrs
            c = {"name": name}
            for k in _CHECK_TEXT + ("pass_if",):
                c[k] = _text(a[k]) if k in a else ""
            for k in _CHECK_FLOAT:
                c[k] = float(a[k])
            for k in _CHECK_INT + ("violations_exact",):
                c[k] = int(a[k]) if k in a else -1
            cols = {k: _text(g[k][()]) for k in g if isinstance(g[k], h5py.Dataset)}
            n = len(cols.get("point", []))
            rows = []
            for i in range(n):
                row = {}
                for k, v in cols.items():
                    x = v[i]
                    row[k] = x if isinstance(x, str) else (int(x) if v.dtype.kind == "i" else float(x))
                rows.append(row)
            c["points"] = rows
            out.append(c)
    return out


def checks_verdict(path) -> str:
    """The verdict over all checks: "pass", "fail" or "undetermined" (the worst of them); "" when
    the file has no /checks."""
    with _open(path) as f:
        if "checks" not in f:
            return ""
        return _text(f["checks"].attrs["verdict"])


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: python3 analysis/fairmc.py RESULTS   (a results directory or results.h5)",
              file=sys.stderr)
        return 2
    attrs = root_attrs(argv[0])
    print(f"{attrs.get('experiment')} (scenario {attrs.get('scenario')}), seed {attrs.get('seed')}, "
          f"{attrs.get('draws')} draws/point, {'complete' if attrs.get('complete') else 'INCOMPLETE'}")
    if attrs.get("claim"):
        print(f"claim: {attrs['claim']}")
    with pd.option_context("display.max_columns", None, "display.width", 200,
                           "display.max_rows", None):
        print(summary_frame(argv[0]).to_string())
    for point, metric, text in warnings(argv[0]):
        print(f"warning: point {point}: metric {metric}: {text}")
    for c in checks(argv[0]):
        print(f"check {c['name']}: {c['verdict']}: {c['subject']} {c['comparison']} "
              f"({c['statistic_name']} = {c['statistic']:.4g} at point {c['worst_point']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
