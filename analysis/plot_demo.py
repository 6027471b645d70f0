"""Figures of demo-scenario experiments (experiments/demo.yaml): the gap 1 - E[max of n uniforms].

    /usr/bin/python3 analysis/plot_demo.py RESULTS_DIR [OUT_DIR]

Any experiment of the demo scenario, whatever its name: when it reports `max` and the constant
`expected_max` over a swept population.agents, it draws the simulated gap with 95% Student-t error
bars against n on log-log axes beside the exact gap 1/(n+1) = 1 - expected_max (lower panel: their
ratio), one series per value of any other sweep axis, and writes OUT_DIR/<experiment>_max_gap.png
(demo_max_gap.png for experiments/demo.yaml). The legend gives the least-squares log-log slope ± sem
of each simulated gap (the claim: about -1) and that of the exact gap over the same n. Any other
demo experiment gets analysis/plot.py's generic panels (every metric over its sweep) in
OUT_DIR/<experiment>.png. OUT_DIR defaults to RESULTS_DIR.
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_style as fs  # noqa: E402
import plot  # noqa: E402

KEY = "population.agents"


def has_gap_figure(res: plot.Results) -> bool:
    """The gap figure needs max, expected_max and a swept number of agents with >= 2 values."""
    return ("max" in res.metrics and "expected_max" in res.constants and KEY in res.keys
            and res.axis_len(res.keys[KEY]) > 1)


def plot_gap(res: plot.Results, out: str) -> str:
    frame = res.frame
    others = [a for a in res.axes if a != res.keys[KEY] and res.axis_len(a) > 1]
    hue = None
    if others:  # the first other axis gives the series, further ones are fixed at their first value
        hue_axis = others[0]
        hue = next(k for k, a in res.keys.items() if a == hue_axis)
        for a in others[1:]:
            frame = frame[frame["@" + a] == 0]
    series = [(None, frame)] if hue is None else list(frame.groupby(hue, sort=False))

    fig, axes = fs.figure(2, 1, size=(7, 3.4), sharex=True,
                          gridspec_kw={"height_ratios": [3, 1]})
    ax, rax = axes[0, 0], axes[1, 0]
    exact_slope = np.nan
    all_n = []
    for i, (hv, rows) in enumerate(series):
        rows = rows.sort_values(KEY)
        n = rows[KEY].to_numpy(dtype=float)
        gap = 1.0 - rows["max"].to_numpy(dtype=float)
        lo = 1.0 - rows["max_ci_hi"].to_numpy(dtype=float)  # interval of 1 - m = 1 - (that of m)
        hi = 1.0 - rows["max_ci_lo"].to_numpy(dtype=float)
        exact = 1.0 - rows["expected_max"].to_numpy(dtype=float)  # = 1/(n+1)
        slope, sem = fs.loglog_slope(n, gap)
        exact_slope, _ = fs.loglog_slope(n, exact)
        yerr = np.nan_to_num(np.vstack([np.clip(gap - lo, 0, None), np.clip(hi - gap, 0, None)]))
        what = "simulated 1 - E[max] (95% CI)" if hue is None else f"{hue} = {hv:g}"
        ax.errorbar(n, gap, yerr=yerr, fmt=fs.marker(i), ms=5, capsize=3, color=fs.color(i),
                    label=f"{what}: {fs.slope_text(slope, sem)}")
        # Lower panel: simulated / exact, where the error bars are visible at every n.
        rax.errorbar(n, gap / exact, yerr=yerr / exact, fmt=fs.marker(i), ms=4, capsize=3,
                     color=fs.color(i))
        all_n.extend(n)
    n_all = np.unique(all_n)
    fine = np.geomspace(n_all.min(), n_all.max(), 200)
    ax.plot(fine, 1.0 / (fine + 1.0), "-", color="0.3", lw=1.2,
            label=f"exact 1/(n+1): slope {exact_slope:.3f} over these n")
    rax.axhline(1.0, color="0.3", lw=1.2)
    fs.panel(ax, ylabel="1 - E[max of n uniforms]", logx=True, logy=True,
             title=f"{res.name}: gap of the maximum ({res.attrs.get('draws', '?')} draws/point)")
    fs.panel(rax, ylabel="simulated / exact", xlabel=f"n = {KEY}", logx=True)
    fs.legend(ax)
    return fs.save(fig, out)


def plot_one(path, out_dir) -> str:
    res = plot.load(path)
    scenario = res.attrs.get("scenario")
    if scenario != "demo":
        raise plot.PlotError(f"{path} is a {scenario!r} experiment, not demo: use "
                             f"analysis/plot_{scenario}.py or analysis/plot.py")
    if has_gap_figure(res):
        return plot_gap(res, os.path.join(out_dir, f"{res.name}_max_gap.png"))
    return plot.overview(res, os.path.join(out_dir, f"{res.name}.png"))


def main(argv) -> int:
    if len(argv) not in (1, 2):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    results = argv[0]
    out_dir = argv[1] if len(argv) == 2 else (results if os.path.isdir(results)
                                              else os.path.dirname(results))
    try:
        out = plot_one(results, out_dir or ".")
    except plot.PlotError as e:
        print(f"plot_demo: {e}", file=sys.stderr)
        return e.code
    print(f"plot_demo: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
