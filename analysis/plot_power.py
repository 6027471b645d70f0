"""Figures of the `power` scenario (paper 000, Equality of Power), one PNG per panel group.

    /usr/bin/python3 analysis/plot_power.py RESULTS_DIR [OUT_DIR]

Reads RESULTS_DIR/results.h5 (or the .h5 itself) and, according to what it holds (not its name, so
renamed and new experiments of the scenario work), writes to OUT_DIR (default: beside the results):
  lambda_dev_mean swept over population.agents -> power_lambda_convergence.png for the experiments
      power_lambda_convergence and power_headline, <experiment>.png for any other
      lambda spread, share outside Definition 2.1's band, net movement and the normal agents'
      worst deviation (with Lemma 3.3's bound in 1-D) against n, log-log, one line per setting,
      with the fitted slopes stored in the results in the legend.
  power_hz_vs_equal_power -> power_hz_vs_equal_power.png
      distance to each iteration's own limit against the iteration count, and the outcome's
      shift when one issue axis is rescaled, for Hylland-Zeckhauser and equal power.
  power_equal_c_counterexample -> power_equal_c_counterexample.png
      lambda_i's coefficient of variation and the share outside the best eps-band against n,
      equal c (Appendix E) beside Section 5's fixed point.
  anything else -> <experiment>.png, analysis/plot.py's overview of every metric.
Style, legends placed off the data and slopes with their standard errors: analysis/figure_style.py.
"""

from __future__ import annotations

import itertools
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fairmc  # noqa: E402
import figure_style as fs  # noqa: E402
import plot  # noqa: E402

AGENTS = "population.agents"


def _text(v):
    """A coordinate value as legend text (bytes decoded, 2.0 -> "2")."""
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def _label(ds, sel):
    """A legend label for one slice: 'm=2 fixed_point' style."""
    parts = []
    for dim, idx in sel.items():
        if dim == "zip":
            for name, coord in ds.coords.items():
                if coord.dims == ("zip",) and name != "zip":
                    parts.append(f"{name.split('.')[-1]}={_text(coord.values[idx])}")
        else:
            parts.append(f"{dim.split('.')[-1]}={_text(ds[dim].values[idx])}")
    return ", ".join(parts).replace("issues=", "m=").replace("construction=", "")


def _series(ds, metric, along):
    """[(label, x, mean, lo, hi, (fit_slope, fit_slope_sem))] for `metric` along `along`."""
    var = ds[metric]
    others = [d for d in var.dims if d != along]
    out = []
    for combo in itertools.product(*[range(ds.sizes[d]) for d in others]):
        sel = dict(zip(others, combo))
        sub = var.isel(sel)
        lo = ds[metric + "_ci_lo"].isel(sel).values
        hi = ds[metric + "_ci_hi"].isel(sel).values
        fit = f"fit_{metric}_vs_{along}"
        slope = (np.nan, np.nan)
        if fit + "_slope" in ds:
            at = {k: v for k, v in sel.items() if k in ds[fit + "_slope"].dims}
            slope = tuple(float(ds[fit + s].isel(at).values) if fit + s in ds else np.nan
                          for s in ("_slope", "_slope_sem"))
        out.append((_label(ds, sel), ds[along].values.astype(float), sub.values, lo, hi, slope))
    return out


def _loglog(ax, ds, metric, ylabel, title=None, along=AGENTS):
    """metric's means and 95% intervals against n, log-log, one series per other sweep value,
    each labelled with the slope ± sem of the experiment's fit (when it declares one)."""
    for i, (label, x, y, lo, hi, (slope, sem)) in enumerate(_series(ds, metric, along)):
        ok = np.isfinite(y) & (y > 0)
        if not ok.any():
            continue
        yerr = np.vstack([np.clip(y - lo, 0, None), np.clip(hi - y, 0, None)])[:, ok]
        if np.isfinite(slope):
            label = f"{label}: {fs.slope_text(slope, sem)}" if label else fs.slope_text(slope, sem)
        ax.errorbar(x[ok], y[ok], yerr=yerr, marker=fs.marker(i), color=fs.color(i), ms=4,
                    capsize=2, label=label or None)
    fs.panel(ax, ylabel=ylabel, xlabel="agents n", title=title, logx=True, logy=True)


def plot_lambda_convergence(ds, out_dir, name="power_lambda_convergence.png"):
    fig, axes = fs.figure(2, 2)
    _loglog(axes[0, 0], ds, "lambda_dev_mean", r"mean$_i\,|1-\lambda_i/\lambda^*|$",
            "mean deviation from $\\lambda^*$")
    _loglog(axes[0, 1], ds, "frac_outside_eps", "share of agents outside the band",
            r"outside $(1-\varepsilon)\lambda^*\leq\lambda_i\leq\lambda^*$ (Def. 2.1)")
    _loglog(axes[1, 0], ds, "net_movement_rel",
            r"$\|\sum_i\delta_i\| / \sum_i\|\delta_i\|$", "net movement")
    ax = axes[1, 1]
    _loglog(ax, ds, "lambda_dev_max_normal", r"max$_{i\in\hat N}\,|1-\lambda_i/\lambda^*|$",
            r"worst normal agent ($\hat N$)")
    for bound, bound_name in (("lemma33_bound", "Lemma 3.3"), ("lemma_c5_bound", "Lemma C.5")):
        if bound in ds:
            for label, x, y, _, _, _ in _series(ds, bound, AGENTS):
                if np.isfinite(y).any():  # C.5 is NaN (vacuous) unless eta > 0
                    ax.plot(x, y, "k--", lw=1, label=f"{bound_name} bound" + (f" ({label})" if label else ""))
    fs.legends(axes)
    fig.suptitle(f"{ds.attrs.get('experiment', '')}: equal-power equal-$\\lambda$ equilibrium vs n "
                 f"({ds.attrs.get('draws', '?')} draws/point, 95% CI)")
    return [fs.save(fig, os.path.join(out_dir, name))]


def plot_hz(ds, out_dir):
    budget, factor = "mechanism.budget", "mechanism.rescale.factor"
    budgets = [_text(b) for b in ds[budget].values]
    factors = ds[factor].values.astype(float)
    names = {"hz": "Hylland-Zeckhauser  $\\sum_j\\delta_{ij}^2\\leq\\gamma$",
             "equal_power": "equal power  $\\sum_j q_j\\delta_{ij}^2\\leq\\gamma$"}
    fig, axes = fs.figure(1, 3)
    axes = axes[0]
    ax = axes[0]
    checkpoints = sorted((int(v[len("to_limit_t"):]), v) for v in ds.data_vars
                         if v.startswith("to_limit_t") and v[len("to_limit_t"):].isdigit())
    i1 = int(np.argmin(np.abs(factors - 1.0)))
    for b_idx, b in enumerate(budgets):
        t = np.array([c[0] for c in checkpoints])
        y = np.array([float(ds[c[1]].isel({budget: b_idx, factor: i1}).values) for c in checkpoints])
        ax.plot(t, y, marker=fs.marker(b_idx), color=fs.color(b_idx), ms=4, label=names.get(b, b))
    fs.panel(ax, ylabel="distance to own limit / spread", xlabel="iteration t",
             title="convergence to each procedure's limit", logx=True, logy=True)
    for ax, metric, title in ((axes[1], "rescale_shift", "iterate $x_T$: shift when issue 1 is rescaled"),
                              (axes[2], "limit_rescale_shift", "limit point: shift when issue 1 is rescaled")):
        for b_idx, b in enumerate(budgets):
            y = ds[metric].isel({budget: b_idx}).values.astype(float)
            hi = ds[metric + "_ci_hi"].isel({budget: b_idx}).values.astype(float)
            keep = factors != 1.0
            ax.errorbar(factors[keep], np.maximum(y[keep], 1e-18),
                        yerr=np.maximum(hi[keep] - y[keep], 0), marker=fs.marker(b_idx),
                        color=fs.color(b_idx), ms=5, capsize=2, label=names.get(b, b))
        ax.axhline(1e-15, color="gray", ls=":", lw=1, label="rounding level")
        fs.panel(ax, ylabel="||outcome(rescaled) - outcome|| / spread",
                 xlabel="rescale factor of issue 1 (y -> s y, w -> w / s^2)", title=title,
                 logx=True, logy=True)
    if "scaled_final_to_limit" in ds and "hz" in budgets:
        # The rescaled HZ run's own distance to its limit after T steps: where it is comparable to
        # rescale_shift, the iterate's shift is a finite-horizon transient (issue 14 item 2).
        far = ds["scaled_final_to_limit"].isel({budget: budgets.index("hz")}).values.astype(float)
        axes[1].plot(factors, np.maximum(far, 1e-18), "k--", lw=1,
                     label="HZ rescaled run: distance to its own limit at T")
    if "equal_power" in budgets and "limit_gap" in ds:
        gap = ds["limit_gap"].isel({budget: budgets.index("equal_power")}).values
        axes[2].plot(factors, np.maximum(gap, 1e-18), "k--", lw=1, label="EP limit vs HZ limit")
    fs.legends(axes)
    fig.suptitle(f"{ds.attrs.get('experiment', '')}: Section 1.2 iterations "
                 f"({ds.attrs.get('draws', '?')} draws/point)")
    return [fs.save(fig, os.path.join(out_dir, "power_hz_vs_equal_power.png"))]


def plot_equal_c(ds, out_dir):
    fig, axes = fs.figure(1, 2)
    _loglog(axes[0, 0], ds, "lambda_cv", r"CV of $\lambda_i$",
            r"coefficient of variation of $\lambda_i$ (exhausting agents)")
    _loglog(axes[0, 1], ds, "frac_outside_eps_best", "share of agents outside the band",
            r"outside the best band $[(1-\varepsilon)\lambda,\lambda]$")
    fs.legends(axes)
    fig.suptitle(f"{ds.attrs.get('experiment', '')}: equal c (Appendix E) vs Section 5 fixed point")
    return [fs.save(fig, os.path.join(out_dir, "power_equal_c_counterexample.png"))]


# The figure names of the experiments the paper figures were first drawn for; any other experiment
# of the same shape gets <experiment>.png.
LAMBDA_FIGURE = {"power_lambda_convergence": "power_lambda_convergence.png",
                 "power_headline": "power_lambda_convergence.png"}


def main(argv) -> int:
    if len(argv) not in (1, 2):
        print("usage: plot_power.py RESULTS_DIR [OUT_DIR]", file=sys.stderr)
        return 2
    results = argv[0]
    out_dir = argv[1] if len(argv) == 2 else (results if os.path.isdir(results) else os.path.dirname(results) or ".")
    os.makedirs(out_dir, exist_ok=True)
    ds = fairmc.open_summary(results)
    experiment = str(ds.attrs.get("experiment", "")) or "power"
    if ds.attrs.get("scenario") != "power":
        print(f"plot_power: {results} is a {ds.attrs.get('scenario')!r} experiment, not power; "
              f"use analysis/plot.py or analysis/plot_{ds.attrs.get('scenario')}.py", file=sys.stderr)
        return 2
    if "mechanism.budget" in ds.dims and "rescale_shift" in ds:
        written = plot_hz(ds, out_dir)
    elif "mechanism.construction" in ds.dims and "lambda_cv" in ds:
        written = plot_equal_c(ds, out_dir)
    elif AGENTS in ds.dims and "lambda_dev_mean" in ds:
        written = plot_lambda_convergence(ds, out_dir,
                                          LAMBDA_FIGURE.get(experiment, f"{experiment}.png"))
    else:  # no dedicated figure: every metric over the sweep (analysis/plot.py)
        try:
            written = [plot.overview(plot.load(results), os.path.join(out_dir, f"{experiment}.png"))]
        except plot.PlotError as e:
            print(f"plot_power: {e}", file=sys.stderr)
            return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
