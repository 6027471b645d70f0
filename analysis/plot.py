"""Plot any metric of any fairmc results file over its sweep.

    /usr/bin/python3 analysis/plot.py RESULTS METRIC [--x KEY] [--hue KEY] [--panel KEY]
        [--sel KEY=VALUE ...] [--ref NAME ...] [--no-ref] [--logx] [--logy] [--linear]
        [--format png|pdf|svg] [--out FILE]

RESULTS is a results directory (the -o of `fairmc run`) or its results.h5. Draws the mean of METRIC
at every sweep point with its 95% Student-t interval (/summary's METRIC_ci_lo, METRIC_ci_hi) against
the swept key --x (default: the longest sweep axis), one series per value of --hue (default: the
next axis) and one panel per value of --panel (default: a third axis; more axes must be fixed with
--sel KEY=VALUE). KEY may be a dotted key or its last part (`agents` for `population.agents`).

Reference lines: the per-point constants (bounds, closed forms) whose name shares the metric's
(`expected_max` for `max`, `rho_min` for `rho`), plus any named with --ref; --no-ref draws none.
A `fits:` entry of METRIC against the x key is drawn as a dotted line with its slope ± sem (from
the file) in the legend. The x axis is logarithmic when the key's values are log-spaced, the y
axis when the fit is log-log; --logx/--logy force them, --linear turns the automatic ones off.
The figure goes to --out (default RESULTS/<experiment>_<METRIC>.<format>); the format comes from
--format or the extension of --out (default png).

Exit codes: 0 written, 1 unreadable results, 2 usage (unknown metric or key: the error lists the
available ones). Errors are one line on stderr. Needs Debian's python3-matplotlib, -h5py, -pandas.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field

import h5py
import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fairmc  # noqa: E402
import figure_style as fs  # noqa: E402

NO_INTERVAL = "open marker: no 95% interval (one draw, or unbounded)"
STAT_SUFFIXES = ("_sem", "_sd", "_ci_lo", "_ci_hi", "_n", "_min", "_max", "_bias_corrected",
                 "_q05", "_q25", "_median", "_q75", "_q95", "_undefined", "_inf", "_top_share",
                 "_half_variance", "_drift_z", "_unreliable")
# Per-point bookkeeping in /summary that is neither a metric nor a constant.
BOOKKEEPING = ("draws_used", "status", "precision_met")


class PlotError(Exception):
    """A one-line error with an exit code (2: usage, 1: the results cannot be read)."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


@dataclass
class Results:
    """A results file ready to plot: one frame row per sweep point plus the sweep's structure."""

    path: str
    attrs: dict
    frame: pd.DataFrame  # fairmc.summary_frame + a column "@<axis>" = the point's index on it
    axes: list  # axis names in order (a grid key or "zip")
    keys: dict  # swept key -> its axis
    metrics: list
    constants: list
    fit_log: dict = field(default_factory=dict)  # fit_<m>_vs_<k> -> True when log-log

    @property
    def name(self) -> str:
        return str(self.attrs.get("experiment", "results"))

    def axis_len(self, axis: str, frame=None) -> int:
        return int((self.frame if frame is None else frame)["@" + axis].nunique())

    def numeric(self, key: str) -> bool:
        return pd.api.types.is_numeric_dtype(self.frame[key])

    def resolve_key(self, name: str, what: str = "key") -> str:
        """A swept key from its dotted name or its unique last part(s)."""
        if name in self.keys:
            return name
        hits = [k for k in self.keys if k.endswith("." + name)]
        if len(hits) == 1:
            return hits[0]
        avail = ", ".join(self.keys) or "none: the experiment has no sweep"
        why = "ambiguous" if hits else "unknown"
        raise PlotError(f"{why} {what} {name!r} for {self.name}; swept keys: {avail}")

    def resolve_metric(self, name: str) -> str:
        if name in self.metrics or name in self.constants:
            return name
        extra = f" (constants: {', '.join(self.constants)})" if self.constants else ""
        raise PlotError(f"unknown metric {name!r} in {self.name}; available metrics: "
                        f"{', '.join(self.metrics)}{extra}")


def load(path) -> Results:
    """Read a results file (fairmc.summary_frame) and classify its /summary variables."""
    try:
        file = fairmc.results_path(path)
        attrs = fairmc.root_attrs(file)
        frame = fairmc.summary_frame(file)
        with h5py.File(file, "r") as f:
            sweep = f["sweep"]
            axes_attr = sweep.attrs.get("axes", b"")
            axes_attr = axes_attr.decode() if isinstance(axes_attr, bytes) else str(axes_attr)
            axes = [a for a in axes_attr.split(",") if a]
            keys = {}
            for name, d in sweep.items():
                if name not in ("status", "error"):
                    a = d.attrs["axis"]
                    keys[name] = a.decode() if isinstance(a, bytes) else str(a)
            shape = tuple(sweep["status"].shape)
            fit_log = {}
            for name, d in f["summary"].items():
                if name.startswith("fit_") and name.endswith("_slope"):
                    ln = d.attrs.get("long_name", b"")
                    ln = ln.decode() if isinstance(ln, bytes) else str(ln)
                    fit_log[name[: -len("_slope")]] = "linear" not in ln
    except (OSError, ValueError, KeyError) as e:
        raise PlotError(f"{path}: {str(e).splitlines()[0] if str(e) else type(e).__name__}", 1)
    pos = np.unravel_index(np.asarray(frame.index), shape) if shape else ()
    for i, axis in enumerate(axes):
        frame["@" + axis] = pos[i]
    cols = [c for c in frame.columns if c not in keys and not c.startswith("@")]
    metrics = [c for c in cols if c + "_ci_lo" in frame.columns and c + "_ci_hi" in frame.columns
               and c + "_n" in frame.columns]
    stats = {m + s for m in metrics for s in STAT_SUFFIXES}
    constants = [c for c in cols if c not in metrics and c not in stats and c != "zip"
                 and not c.startswith(BOOKKEEPING)
                 and not c.startswith("fit_") and pd.api.types.is_numeric_dtype(frame[c])]
    return Results(os.fspath(path), attrs, frame, axes, keys, metrics, constants, fit_log)


def related_constants(res: Results, metric: str) -> list:
    """Constants whose name shares the metric's: expected_max ~ max, rho_min ~ rho,
    paper_fast_delay_x ~ fast_delay_x, strategic_band_lo ~ strategic_band_share."""
    head = metric.split("_")[0]
    out = []
    for c in res.constants:
        if (c.endswith("_" + metric) or c.startswith(metric + "_") or metric.startswith(c + "_")
                or (len(head) > 2 and c.split("_")[0] == head)):
            out.append(c)
    return out


def _short(key: str) -> str:
    return key.rsplit(".", 1)[-1] if key != "zip" else key


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{v:g}"
    return str(v)


def _where(res: Results, key: str, rows) -> str:
    """'key = value' for the group rows, naming every key of key's axis (zipped keys move
    together, so a zip series is labelled by all of them)."""
    keys = [k for k, a in res.keys.items() if a == res.keys[key]]
    keys = [key] + [k for k in keys if k != key]
    return ", ".join(f"{_short(k)} = {_fmt(rows[k].iloc[0])}" for k in keys)


def choose_layout(res: Results, frame, x=None, hue=None, panel=None):
    """(x key, hue key, panel key), each None when absent. Axes of length 1 (after --sel) are
    ignored; more than three varying axes is an error naming them."""
    varying = [a for a in res.axes if res.axis_len(a, frame) > 1]

    def key_of_axis(axis):
        ks = [k for k, a in res.keys.items() if a == axis]
        num = [k for k in ks if res.numeric(k)]
        return (num or ks)[0]

    chosen = {}
    for role, name in (("x", x), ("hue", hue), ("panel", panel)):
        if name is not None:
            k = res.resolve_key(name, f"--{role} key")
            if res.keys[k] in [res.keys[c] for c in chosen.values()]:
                raise PlotError(f"--{role} {k} is on the same sweep axis as another chosen key")
            chosen[role] = k
    used = {res.keys[k] for k in chosen.values()}
    free = [a for a in varying if a not in used]
    if "x" not in chosen and free:
        # The longest axis, numeric keys first: the natural abscissa of a sweep.
        best = max(free, key=lambda a: (res.numeric(key_of_axis(a)), res.axis_len(a, frame)))
        chosen["x"] = key_of_axis(best)
        free.remove(best)
    for role in ("hue", "panel"):
        if role not in chosen and free:
            chosen[role] = key_of_axis(free.pop(0))
    if free:
        left = ", ".join(key_of_axis(a) for a in free)
        raise PlotError(f"{res.name} has more sweep axes than x, hue and panel ({left} left): "
                        f"fix them with --sel KEY=VALUE")
    return chosen.get("x"), chosen.get("hue"), chosen.get("panel")


def select(res: Results, sel) -> pd.DataFrame:
    """The frame rows matching every KEY=VALUE of sel."""
    frame = res.frame
    for item in sel or []:
        if "=" not in item:
            raise PlotError(f"--sel {item!r}: expected KEY=VALUE")
        name, value = item.split("=", 1)
        k = res.resolve_key(name, "--sel key")
        col = frame[k]
        if res.numeric(k):
            try:
                mask = np.isclose(col.astype(float), float(value), rtol=1e-12, atol=0)
            except ValueError:
                raise PlotError(f"--sel {item!r}: {k} is numeric") from None
        else:
            mask = col.astype(str) == value
        if not mask.any():
            vals = ", ".join(_fmt(v) for v in pd.unique(col))
            raise PlotError(f"--sel {item!r}: no such value; {k} takes {vals}")
        frame = frame[mask]
    return frame


def draw(ax, res: Results, frame, metric: str, x=None, hue=None, refs=(), logx=None, logy=None,
         fits=True, legend=True):
    """Draw metric over x (one series per hue value) into ax, with intervals, reference constants
    and fits. logx/logy None = automatic. Sets the panel's labels; returns the Legend (None with
    legend=False: place many panels' legends at once with figure_style.legends)."""
    is_metric = metric in res.metrics
    series = [(None, frame)] if hue is None else list(frame.groupby(hue, sort=False))
    xs_all = frame[x] if x is not None else None
    numeric_x = x is not None and res.numeric(x)
    if x is not None and not numeric_x:  # categorical: positions along the axis, ticks = values
        order = frame.sort_values("@" + res.keys[x])
        cats = list(pd.unique(order[x].astype(str)))
        ax.set_xticks(range(len(cats)), cats, rotation=30 if max(map(len, cats)) > 6 else 0)
    auto_logx = numeric_x and fs.is_log_spaced(xs_all)
    logx = auto_logx if logx is None else logx
    fit = f"fit_{metric}_vs_{x}" if x is not None else None
    has_fit = fits and fit is not None and fit + "_slope" in frame.columns
    fit_log = res.fit_log.get(fit, bool(logx)) if has_fit else False
    ys = frame[metric].to_numpy(dtype=float)
    if logy is None:
        logy = bool(has_fit and fit_log and np.all(ys[np.isfinite(ys)] > 0))

    def xvals(rows):
        if x is None:
            return np.zeros(len(rows))
        if numeric_x:
            return rows[x].to_numpy(dtype=float)
        return np.array([cats.index(str(v)) for v in rows[x]], dtype=float)

    ref_drawn = set()
    for i, (hv, rows) in enumerate(series):
        rows = rows.sort_values("@" + res.keys[x]) if x is not None else rows
        xv = xvals(rows)
        y = rows[metric].to_numpy(dtype=float)
        label = metric if hue is None else _where(res, hue, rows)
        if has_fit:
            slope = rows[fit + "_slope"].to_numpy(dtype=float)[0]
            sem = rows[fit + "_slope_sem"].to_numpy(dtype=float)[0] \
                if fit + "_slope_sem" in rows else np.nan
            label += f" ({'log-log ' if fit_log else ''}{fs.slope_text(slope, sem)})"
        c = fs.color(i)
        if is_metric:
            lo = rows[metric + "_ci_lo"].to_numpy(dtype=float)
            hi = rows[metric + "_ci_hi"].to_numpy(dtype=float)
            # A point without a 95% interval (one draw, no finite draw, or a ratio whose
            # denominator may be 0: NaN or +-inf ends) gets no bar, which would read as an
            # exact value, but an open marker and a legend entry saying so.
            bounded = np.isfinite(lo) & np.isfinite(hi)
            yerr = np.vstack([np.where(bounded, np.clip(y - lo, 0, None), 0),
                              np.where(bounded, np.clip(hi - y, 0, None), 0)])
            joined = "-" if len(xv) > 1 and numeric_x else ""  # categories are not a line
            ax.errorbar(xv, y, yerr=yerr, fmt=fs.marker(i) + joined,
                        ms=4, lw=1, capsize=3, color=c,
                        label=label + (" (95% CI)" if i == 0 and hue is None else ""))
            open_pts = ~bounded & np.isfinite(y)
            if open_pts.any():
                ax.plot(xv[open_pts], y[open_pts], fs.marker(i), ms=6, mfc="white", color=c,
                        lw=0, label=NO_INTERVAL if NO_INTERVAL not in ax.get_legend_handles_labels()[1]
                        else None)
        else:
            ax.plot(xv, y, fs.marker(i) + ("-" if numeric_x else ""), ms=4, lw=1, color=c,
                    label=label)
        if has_fit:
            slope = rows[fit + "_slope"].to_numpy(dtype=float)[0]
            icpt = rows[fit + "_intercept"].to_numpy(dtype=float)[0]
            ok = np.isfinite(xv) & ((xv > 0) if fit_log else True)
            if np.isfinite(slope) and np.isfinite(icpt) and ok.sum() >= 2:
                fx = (np.geomspace if fit_log else np.linspace)(xv[ok].min(), xv[ok].max(), 100)
                fy = np.exp(icpt) * fx ** slope if fit_log else icpt + slope * fx
                ax.plot(fx, fy, ":", color=c, lw=1.2)
        for j, ref in enumerate(refs):
            rv = rows[ref].to_numpy(dtype=float)
            if not np.any(np.isfinite(rv)):
                continue
            whole = frame[ref].to_numpy(dtype=float)
            if np.nanmin(whole) == np.nanmax(whole) or x is None:
                if ref not in ref_drawn:  # one value everywhere: a horizontal line
                    ax.axhline(np.nanmax(whole), color="0.35", lw=1,
                               ls=("--", "-.", (0, (5, 1, 1, 1)))[j % 3], label=ref)
                    ref_drawn.add(ref)
                continue
            ax.plot(xv, rv, ls=("--", "-.", (0, (5, 1, 1, 1)))[j % 3], color=c, lw=1, alpha=0.8,
                    label=ref if ref not in ref_drawn else None)
            ref_drawn.add(ref)
    if x is None:
        ax.set_xticks([0], [res.name])
    what = "mean, 95% CI" if is_metric else "per-point constant"
    fs.panel(ax, ylabel=f"{metric} ({what})", xlabel=x if x is not None else "(no sweep)",
             logx=bool(logx and numeric_x), logy=bool(logy))
    return fs.legend(ax) if legend else None


def plot(res: Results, metric: str, out: str, *, fmt=None, x=None, hue=None, panel=None,
         sel=None, refs=None, no_ref=False, logx=None, logy=None) -> str:
    """The figure of metric (one panel per value of the panel key) written to out."""
    metric = res.resolve_metric(metric)
    frame = select(res, sel)
    x, hue, panel = choose_layout(res, frame, x, hue, panel)
    ref_list = [] if no_ref else related_constants(res, metric)
    for r in refs or []:
        if r not in res.constants and r not in res.metrics:
            raise PlotError(f"unknown --ref {r!r} in {res.name}; constants: "
                            f"{', '.join(res.constants) or 'none'}")
        if r not in ref_list:
            ref_list.append(r)
    ref_list = [r for r in ref_list if r != metric]
    groups = [(None, frame)] if panel is None else list(
        frame.sort_values("@" + res.keys[panel]).groupby(panel, sort=False))
    ncols = min(3, len(groups))
    nrows = -(-len(groups) // ncols)
    fig, axes = fs.figure(nrows, ncols)
    for i, (pv, rows) in enumerate(groups):
        ax = axes.flat[i]
        draw(ax, res, rows, metric, x, hue, ref_list, logx, logy, legend=False)
        if panel is not None:
            ax.set_title(_where(res, panel, rows))
    for ax in list(axes.flat)[len(groups):]:
        ax.set_visible(False)
    fs.legends(axes)
    scen = res.attrs.get("scenario", "?")
    title = f"{res.name} ({scen}): {metric}"
    if sel:
        title += "  [" + ", ".join(sel) + "]"
    fig.suptitle(title)
    return fs.save(fig, out, fmt)


def overview(res: Results, out: str, metrics=None, max_panels: int = 12) -> str:
    """Every metric (or the given ones, at most max_panels) in a grid of panels, each over the
    automatic x and hue with extra axes fixed at their first value: the generic figure the paper
    scripts fall back to for an experiment they have no dedicated figure for."""
    everything = list(metrics or res.metrics)
    metrics = everything[:max_panels]
    if not metrics:
        raise PlotError(f"{res.name}: no metrics to plot")
    frame = res.frame
    varying = [a for a in res.axes if res.axis_len(a, frame) > 1]
    for axis in varying[2:]:  # x and hue; fix the rest at their first value
        frame = frame[frame["@" + axis] == 0]
    x, hue, _ = choose_layout(res, frame)
    ncols = min(3, len(metrics))
    nrows = -(-len(metrics) // ncols)
    fig, axes = fs.figure(nrows, ncols)
    for ax, m in zip(axes.flat, metrics):
        draw(ax, res, frame, m, x, hue, related_constants(res, m), legend=False)
        ax.set_title(m)
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    fs.legends(axes)
    fixed = [f"{_short(k)} = {_fmt(frame[k].iloc[0])}" for k, a in res.keys.items()
             if a in varying[2:]]
    more = (f"\nfirst {len(metrics)} of {len(everything)} metrics; the others: "
            f"analysis/plot.py RESULTS METRIC" if len(everything) > len(metrics) else "")
    fig.suptitle(f"{res.name} ({res.attrs.get('scenario', '?')})"
                 + (f"  [{', '.join(fixed)}]" if fixed else "") + more)
    return fs.save(fig, out)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse prints the whole usage otherwise)
        raise PlotError(message, 2)


def parse(argv):
    p = _Parser(prog="plot.py", description="Plot any metric of a fairmc results file.",
                epilog="See the module docstring (analysis/plot.py) for details.")
    p.add_argument("results")
    p.add_argument("metric")
    p.add_argument("--x", metavar="KEY")
    p.add_argument("--hue", metavar="KEY")
    p.add_argument("--panel", metavar="KEY")
    p.add_argument("--sel", metavar="KEY=VALUE", action="append", default=[])
    p.add_argument("--ref", metavar="NAME", action="append", default=[])
    p.add_argument("--no-ref", action="store_true")
    p.add_argument("--logx", action="store_true")
    p.add_argument("--logy", action="store_true")
    p.add_argument("--linear", action="store_true", help="no automatic log axes")
    p.add_argument("--format", choices=fs.FORMATS)
    p.add_argument("--out", metavar="FILE")
    return p.parse_args(argv)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        a = parse(argv)
        res = load(a.results)
        metric = res.resolve_metric(a.metric)
        if a.out:
            out = a.out
        else:
            d = a.results if os.path.isdir(a.results) else os.path.dirname(a.results)
            out = os.path.join(d or ".", f"{res.name}_{metric}.{a.format or 'png'}")
        try:
            fmt = fs.format_of(out, a.format)
        except ValueError as e:
            raise PlotError(str(e)) from None
        auto = None if not a.linear else False
        out = plot(res, metric, out, fmt=fmt, x=a.x, hue=a.hue, panel=a.panel, sel=a.sel,
                   refs=a.ref, no_ref=a.no_ref, logx=True if a.logx else auto,
                   logy=True if a.logy else auto)
    except PlotError as e:
        print(f"plot.py: error: {e}", file=sys.stderr)
        return e.code
    print(f"plot.py: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
