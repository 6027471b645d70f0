"""Figures of the `power` scenario (paper 000, Equality of Power), one PNG per panel group.

    /usr/bin/python3 analysis/plot_power.py RESULTS_DIR [OUT_DIR]

Reads RESULTS_DIR/results.h5 (or the .h5 itself) and, according to its experiment, writes to
OUT_DIR (default: beside the results):
  power_lambda_convergence / power_headline -> power_lambda_convergence.png
      lambda spread, share outside Definition 2.1's band, net movement and the normal agents'
      worst deviation (with Lemma 3.3's bound in 1-D) against n, log-log, one line per setting,
      with the fitted slopes stored in the results in the legend.
  power_hz_vs_equal_power -> power_hz_vs_equal_power.png
      distance to each iteration's own limit against the iteration count, and the outcome's
      shift when one issue axis is rescaled, for Hylland-Zeckhauser and equal power.
  power_equal_c_counterexample -> power_equal_c_counterexample.png
      lambda_i's coefficient of variation and the share outside the best eps-band against n,
      equal c (Appendix E) beside Section 5's fixed point.
"""

from __future__ import annotations

import itertools
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fairmc  # noqa: E402

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
    """[(label, x, mean, lo, hi, fit_slope)] for `metric` along dimension `along`."""
    var = ds[metric]
    others = [d for d in var.dims if d != along]
    out = []
    for combo in itertools.product(*[range(ds.sizes[d]) for d in others]):
        sel = dict(zip(others, combo))
        sub = var.isel(sel)
        lo = ds[metric + "_ci_lo"].isel(sel).values
        hi = ds[metric + "_ci_hi"].isel(sel).values
        fit = f"fit_{metric}_vs_{along}_slope"
        slope = np.nan
        if fit in ds:
            slope = float(ds[fit].isel({
k: v for k, v in sel.items() if k in ds[fit].dims}).values)
        out.append((_label(ds, sel), ds[along].values.astype(float), sub.values, lo, hi, slope))
    return out


def _loglog(ax, ds, metric, title, along=AGENTS, floor=None):
    for label, x, y, lo, hi, slope in _series(ds, metric, along):
        ok = np.isfinite(y) & (y > 0)
        if not ok.any():
            continue
        yerr = np.vstack([np.clip(y - lo, 0, None), np.clip(hi - y, 0, None)])[:, ok]
        if np.isfinite(slope):
            label = f"{label} (slope {slope:+.2f})"
        ax.errorbar(x[ok], y[ok], yerr=yerr, marker="o", ms=4, capsize=2, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("agents n")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)


def plot_lambda_convergence(ds, out_dir):
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    _loglog(axes[0, 0], ds, "lambda_dev_mean", r"mean$_i\,|1-\lambda_i/\lambda^*|$")
    _loglog(axes[0, 1], ds, "frac_outside_eps",
            r"share outside $(1-\varepsilon)\lambda^*\leq\lambda_i\leq\lambda^*$ (Def. 2.1)")
    _loglog(axes[1, 0], ds, "net_movement_rel", r"net movement $\|\sum_i\delta_i\| / \sum_i\|\delta_i\|$")
    ax = axes[1, 1]
    _loglog(ax, ds, "lambda_dev_max_normal", r"max over normal agents $\hat N$ of $|1-\lambda_i/\lambda^*|$")
    for bound, name in (("lemma33_bound", "Lemma 3.3"), ("lemma_c5_bound", "Lemma C.5")):
        if bound in ds:
            for label, x, y, _, _, _ in _series(ds, bound, AGENTS):
                if np.isfinite(y).any():  # C.5 is NaN (vacuous) unless eta > 0
                    ax.plot(x, y, "k--", lw=1, label=f"{name} bound ({label})")
    ax.legend(fontsize=7)
    fig.suptitle(f"{ds.attrs.get('experiment', '')}: equal-power equal-$\\lambda$ equilibrium vs n "
                 f"({ds.attrs.get('draws', '?')} draws/point, 95% CI)", fontsize=11)
    fig.tight_layout()
    path = os.path.join(out_dir, "power_lambda_convergence.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return [path]


def plot_hz(ds, out_dir):
    budget, factor = "mechanism.budget", "mechanism.rescale.factor"
    budgets = [_text(b) for b in ds[budget].values]
    factors = ds[factor].values.astype(float)
    names = {"hz": "Hylland-Zeckhauser  $\\sum_j\\delta_{ij}^2\\leq\\gamma$",
             "equal_power": "equal power  $\\sum_j q_j\\delta_{ij}^2\\leq\\gamma$"}
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    ax = axes[0]
    # The means only: to_limit_t<k> exactly (not its _sem, _q05, ... companions).
    checkpoints = sorted((int(v[len("to_limit_t"):]), v) for v in ds.data_vars
                         if re.fullmatch(r"to_limit_t\d+", v))
    i1 = int(np.argmin(np.abs(factors - 1.0)))
    for b_idx, b in enumerate(budgets):
        t = np.array([c[0] for c in checkpoints])
        y = np.array([float(ds[c[1]].isel({budget: b_idx, factor: i1}).values) for c in checkpoints])
        ax.loglog(t, y, marker="o", ms=4, label=names.get(b, b))
    ax.set_xlabel("iteration t")
    ax.set_ylabel("distance to own limit / spread")
    ax.set_title("convergence to each procedure's limit", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    for ax, metric, title in ((axes[1], "rescale_shift", "iterate $x_T$: shift when issue 1 is rescaled"),
                              (axes[2], "limit_rescale_shift", "limit point: shift when issue 1 is rescaled")):
        for b_idx, b in enumerate(budgets):
            y = ds[metric].isel({budget: b_idx}).values.astype(float)
            hi = ds[metric + "_ci_hi"].isel({budget: b_idx}).values.astype(float)
            keep = factors != 1.0
            ax.errorbar(factors[keep], np.maximum(y[keep], 1e-18),
                        yerr=np.maximum(hi[keep] - y[keep], 0), marker="o", ms=5, capsize=2,
                        label=names.get(b, b))
        ax.axhline(1e-15, color="gray", ls=":", lw=1)
        ax.text(factors.min(), 2e-15, "rounding level", fontsize=7, color="gray")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("rescale factor of issue 1 (y -> s y, w -> w / s^2)")
        ax.set_ylabel("||outcome(rescaled) - outcome|| / spread")
        ax.set_title(title, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    if "scaled_final_to_limit" in ds and "hz" in budgets:
        # The rescaled HZ run's own distance to its limit after T steps: where it is comparable to
        # rescale_shift, the iterate's shift is a finite-horizon transient (issue 14 item 2).
        far = ds["scaled_final_to_limit"].isel({budget: budgets.index("hz")}).values.astype(float)
        axes[1].plot(factors, np.maximum(far, 1e-18), "k--", lw=1,
                     label="HZ rescaled run: distance to its own limit at T")
        axes[1].legend(fontsize=8)
    gap = ds["limit_gap"].isel({budget: budgets.index("equal_power")}).values if "equal_power" in budgets else None
    if gap is not None:
        axes[2].plot(factors, np.maximum(gap, 1e-18), "k--", lw=1, label="EP limit vs HZ limit")
        axes[2].legend(fontsize=8)
    fig.suptitle(f"{ds.attrs.get('experiment', '')}: Section 1.2 iterations "
                 f"({ds.attrs.get('draws', '?')} draws/point)", fontsize=11)
    fig.tight_layout()
    path = os.path.join(out_dir, "power_hz_vs_equal_power.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return [path]


def plot_equal_c(ds, out_dir):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    _loglog(axes[0], ds, "lambda_cv", r"coefficient of variation of $\lambda_i$ (exhausting agents)")
    _loglog(axes[1], ds, "frac_outside_eps_best", r"share outside the best band $[(1-\varepsilon)\lambda,\lambda]$")
    fig.suptitle(f"{ds.attrs.get('experiment', '')}: equal c (Appendix E) vs Section 5 fixed point", fontsize=11)
    fig.tight_layout()
    path = os.path.join(out_dir, "power_equal_c_counterexample.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return [path]


def main(argv) -> int:
    if len(argv) not in (1, 2):
        print("usage: plot_power.py RESULTS_DIR [OUT_DIR]", file=sys.stderr)
        return 2
    results = argv[0]
    out_dir = argv[1] if len(argv) == 2 else (results if os.path.isdir(results) else os.path.dirname(results) or ".")
    os.makedirs(out_dir, exist_ok=True)
    ds = fairmc.open_summary(results)
    experiment = str(ds.attrs.get("experiment", ""))
    if experiment in ("power_lambda_convergence", "power_headline") or (
            AGENTS in ds.dims and "lambda_dev_mean" in ds and "mechanism.construction" not in ds.dims):
        written = plot_lambda_convergence(ds, out_dir)
    elif "mechanism.budget" in ds.dims:
        written = plot_hz(ds, out_dir)
    elif "mechanism.construction" in ds.dims:
        written = plot_equal_c(ds, out_dir)
    else:
        print(f"plot_power: don't know how to plot experiment {experiment!r}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
