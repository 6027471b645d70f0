"""One look for every fairmc figure: sizes, fonts, colours, panels, legends, slopes, saving.

    import figure_style as fs
    fig, axes = fs.figure(1, 2)                     # panels in a grid, always a 2-D array
    fs.panel(axes[0, 0], xlabel="n", ylabel="gap", logx=True, title="...")
    fs.legend(axes[0, 0])                           # placed where it covers no data
    fs.slope_text(-1.002, 0.013)                    # 'slope -1.002 ± 0.013'
    fs.save(fig, "out.pdf")                         # format from the extension: png, pdf, svg

Used by analysis/plot.py (generic plots of any metric) and the paper figure scripts. Needs Debian's
python3-matplotlib and python3-numpy.
"""

from __future__ import annotations

import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

FORMATS = ("png", "pdf", "svg")
PANEL_SIZE = (6.0, 4.2)  # inches per panel
DPI = 130  # raster output only
COLORS = plt.get_cmap("tab10").colors  # colour i for series i: consistent across figures
MARKERS = "osD^v<>ph*"
RC = {
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "legend.fontsize": 8,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": matplotlib.cycler(color=COLORS),
    "savefig.dpi": DPI,
    "pdf.fonttype": 42,  # embed TrueType: text stays text in PDF and editable
    "svg.fonttype": "none",
    "figure.max_open_warning": 0,
}
plt.rcParams.update(RC)


def color(i: int):
    return COLORS[i % len(COLORS)]


def marker(i: int) -> str:
    return MARKERS[i % len(MARKERS)]


def figure(nrows: int = 1, ncols: int = 1, *, size=None, **kwargs):
    """A figure of nrows x ncols panels of PANEL_SIZE each; axes is always a 2-D array."""
    w, h = size or PANEL_SIZE
    kwargs.setdefault("squeeze", False)
    kwargs.setdefault("layout", "constrained")  # makes room for labels and outside legends
    return plt.subplots(nrows, ncols, figsize=(w * ncols, h * nrows), **kwargs)


def panel(ax, *, ylabel: str, xlabel: str | None = None, title: str | None = None,
          logx: bool = False, logy: bool = False):
    """Label and scale one panel. A y label is required: a figure without one is a defect."""
    if not ylabel:
        raise ValueError("figure_style.panel: every panel needs a y label")
    ax.set_ylabel(ylabel)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    return ax


def _inside(box: Bbox, xy: np.ndarray) -> np.ndarray:
    return (xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1)


def _segments_hit(box: Bbox, xy: np.ndarray, closed: bool = False, samples: int = 24) -> bool:
    """Whether a polyline (display coordinates) enters box; segments are sampled, not just ends."""
    xy = xy[np.all(np.isfinite(xy), axis=1)]
    if len(xy) == 0:
        return False
    if closed:
        xy = np.vstack([xy, xy[:1]])
    if len(xy) > 1:
        t = np.linspace(0.0, 1.0, samples)[:, None, None]
        xy = (xy[:-1][None] * (1 - t) + xy[1:][None] * t).reshape(-1, 2)
    return bool(np.any(_inside(box, xy)))


def _artists_xy(ax):
    """Display-coordinate polylines of everything drawn in ax: lines, markers, error bars, bars."""
    out = []
    for line in ax.lines:
        if not line.get_visible():
            continue
        xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
        out.append((xy, line.get_linestyle() in ("None", "none", "", " "), False))
    for coll in ax.collections:
        if not coll.get_visible():
            continue
        offsets = coll.get_offsets()
        if len(offsets) and np.ma.count(offsets) and not np.all(np.asarray(offsets) == 0):
            xy = coll.get_offset_transform().transform(np.asarray(offsets, dtype=float))
            out.append((xy, True, False))
        for path in coll.get_paths():
            xy = coll.get_transform().transform(path.vertices)
            out.append((xy, False, False))
    for patch in ax.patches:
        xy = patch.get_transform().transform(patch.get_path().vertices)
        out.append((xy, False, True))
    return out


def _layout(fig):
    """Run the figure's layout (constrained layout moves the axes) without rasterizing."""
    if hasattr(fig, "draw_without_rendering"):
        fig.draw_without_rendering()
    else:
        fig.canvas.draw()


def legend_covers_data(ax, leg, layout: bool = True) -> bool:
    """Whether the legend box overlaps any drawn data (markers, lines, error bars, bars, images).
    layout=False trusts the axes' current position (legend() lays the figure out once)."""
    fig = ax.figure
    if layout:
        _layout(fig)
    box = leg.get_window_extent(fig.canvas.get_renderer()).padded(2)
    for xy, points_only, closed in _artists_xy(ax):
        if points_only:
            if np.any(_inside(box, xy[np.all(np.isfinite(xy), axis=1)])):
                return True
        elif _segments_hit(box, xy, closed):
            return True
    for im in ax.images:
        if box.overlaps(im.get_window_extent()):
            return True
    return False


def legends(axes, **kwargs) -> list:
    """legend() for many panels of one figure with a single layout pass (a pass per panel makes
    big figures slow)."""
    axes = [ax for ax in np.ravel(axes) if ax.get_visible()]
    if axes:
        _layout(axes[0].figure)
    return [legend(ax, layout=False, **kwargs) for ax in axes]


def legend(ax, *, outside: bool = False, layout: bool = True, **kwargs):
    """A legend that covers no data: the first free corner or edge inside the panel, else outside
    on the right (save() then widens the figure to keep it). Returns the Legend, or None when
    nothing is labelled."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    if not outside:
        if layout:
            _layout(ax.figure)
        for loc in ("best", "upper right", "upper left", "lower left", "lower right",
                    "center right", "center left", "upper center", "lower center"):
            leg = ax.legend(loc=loc, **kwargs)
            if not legend_covers_data(ax, leg, layout=False):
                return leg
            leg.remove()
    return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kwargs)


def _decimals(sem: float) -> int:
    """Decimal places that show sem with two significant digits (at least 1, at most 6)."""
    if not (np.isfinite(sem) and sem > 0):
        return 3
    return int(min(6, max(1, 1 - math.floor(math.log10(sem)))))


def slope_text(slope: float, sem: float, name: str = "slope") -> str:
    """'slope -1.002 ± 0.013': the slope rounded where its standard error's 2nd digit is.
    Without a standard error (fewer than 3 points) it says so instead of showing a bare number."""
    if not np.isfinite(slope):
        return f"{name} n/a"
    if not np.isfinite(sem):
        return f"{name} {slope:.3f} (no sem: < 3 points)"
    d = _decimals(sem)
    return f"{name} {slope:.{d}f} ± {sem:.{d}f}"


def loglog_slope(x, y):
    """Least-squares slope of log y on log x and its standard error (positive finite values only),
    the same fit as fairmc's `fits:` with log: true (docs/results-format.md)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = (x > 0) & (y > 0) & np.isfinite(x) & np.isfinite(y)
    k = int(ok.sum())
    if k < 2:
        return np.nan, np.nan
    lx, ly = np.log(x[ok]), np.log(y[ok])
    slope, intercept = np.polyfit(lx, ly, 1)
    if k < 3:
        return float(slope), np.nan
    resid = ly - (intercept + slope * lx)
    sem = np.sqrt(resid @ resid / (k - 2) / np.sum((lx - lx.mean()) ** 2))
    return float(slope), float(sem)


def is_log_spaced(values) -> bool:
    """Whether numeric sweep values look log-spaced: positive, spanning at least a factor 20, and
    more evenly spaced in log than in linear scale (logspace, also rounded, qualifies)."""
    try:
        v = np.unique(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        return False
    v = v[np.isfinite(v)]
    if len(v) < 2 or v[0] <= 0 or v[-1] / v[0] < 20:
        return False
    if len(v) == 2:
        return v[-1] / v[0] >= 100
    dl, dv = np.diff(np.log(v)), np.diff(v)
    return bool(dl.std() / dl.mean() < dv.std() / dv.mean())


def format_of(out: str, fmt: str | None = None) -> str:
    """The output format: fmt if given (it must agree with out's extension), else the extension."""
    ext = os.path.splitext(out)[1].lstrip(".").lower()
    if fmt is None:
        fmt = ext or "png"
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    if ext and ext != fmt:
        raise ValueError(f"--format {fmt} disagrees with the extension of {out}")
    return fmt


def save(fig, out: str, fmt: str | None = None) -> str:
    """Write fig to out (format from the extension or fmt), creating the directory; close fig.
    bbox_inches='tight' keeps legends placed outside the panels."""
    fmt = format_of(out, fmt)
    d = os.path.dirname(out)
    if d:
        os.makedirs(d, exist_ok=True)
    fig.savefig(out, format=fmt, bbox_inches="tight")
    plt.close(fig)
    return out
