"""Figure of the demo experiment (experiments/demo.yaml): the gap 1 - E[max of n uniforms].

    /usr/bin/python3 analysis/plot_demo.py RESULTS_DIR [OUT_DIR]

Plots the simulated gap with 95% Student-t error bars against population.agents on log-log axes,
beside the exact gap 1/(n+1) = 1 - expected_max (lower panel: their ratio), and writes OUT_DIR/demo_max_gap.png (OUT_DIR
defaults to RESULTS_DIR). The title gives the least-squares log-log slope of the simulated gap
(the claim: about -1) and, for comparison, that of the exact gap over the same n.
"""

from __future__ import annotations

import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fairmc  # noqa: E402

KEY = "population.agents"


def loglog_slope(x, y):
    """Least-squares slope of log y on log x and its standard error (positive values only)."""
    ok = (x > 0) & (y > 0) & np.isfinite(x) & np.isfinite(y)
    lx, ly = np.log(x[ok]), np.log(y[ok])
    if ok.sum() < 2:
        return np.nan, np.nan
    slope, intercept = np.polyfit(lx, ly, 1)
    if ok.sum() < 3:
        return slope, np.nan
    resid = ly - (intercept + slope * lx)
    sem = np.sqrt(resid @ resid / (ok.sum() - 2) / np.sum((lx - lx.mean()) ** 2))
    return slope, sem


def main(argv) -> int:
    if len(argv) not in (1, 2):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    results = argv[0]
    out_dir = argv[1] if len(argv) == 2 else (results if os.path.isdir(results) else os.path.dirname(results))
    ds = fairmc.open_summary(results)
    if KEY not in ds.variables:
        print(f"plot_demo: {results} does not sweep {KEY}", file=sys.stderr)
        return 1
    dim = ds[KEY].dims[0]
    for other in [d for d in ds["max"].dims if d != dim]:  # other sweep axes: their first value
        ds = ds.isel({other: 0})

    n = np.asarray(ds[KEY].values, dtype=float)
    order = np.argsort(n)
    n = n[order]
    gap = 1.0 - ds["max"].values[order]
    lo = 1.0 - ds["max_ci_hi"].values[order]  # the interval of 1 - m is 1 - (interval of m)
    hi = 1.0 - ds["max_ci_lo"].values[order]
    exact = 1.0 - ds["expected_max"].values[order]  # = 1/(n+1)

    slope, slope_sem = loglog_slope(n, gap)
    exact_slope, _ = loglog_slope(n, exact)

    fig, (ax, rax) = plt.subplots(2, 1, figsize=(7, 6.5), dpi=120, sharex=True,
                                  gridspec_kw={"height_ratios": [3, 1]})
    yerr = np.vstack([np.clip(gap - lo, 0, None), np.clip(hi - gap, 0, None)])
    ax.errorbar(n, gap, yerr=yerr, fmt="o", ms=5, capsize=3, color="C0",
                label="simulated 1 - E[max] (95% CI)")
    fine = np.geomspace(n.min(), n.max(), 200)
    ax.plot(fine, 1.0 / (fine + 1.0), "-", color="C1", lw=1.5, label="exact 1/(n+1)")
    ax.plot(n, exact, "s", mfc="none", color="C1", ms=7, label="expected_max constant")
    ax.set_xscale("log")
    ax.set_yscale("log")
    # Lower panel: simulated / exact, where the error bars are visible at every n.
    rax.errorbar(n, gap / exact, yerr=yerr / exact, fmt="o", ms=4, capsize=3, color="C0")
    rax.axhline(1.0, color="C1", lw=1.5)
    rax.set_ylabel("simulated / exact")
    rax.set_xlabel("n = population.agents")
    rax.grid(True, which="both", alpha=0.3)
    ax.set_ylabel("1 - E[max of n uniforms]")
    draws = ds.attrs.get("draws", "?")
    ax.set_title(f"{ds.attrs.get('experiment', 'demo')}: fitted log-log slope "
                 f"{slope:.3f} ± {slope_sem:.3f}\n(exact 1/(n+1) over these n: {exact_slope:.3f}; "
                 f"{draws} draws/point)", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    os.makedirs(out_dir or ".", exist_ok=True)
    out = os.path.join(out_dir or ".", "demo_max_gap.png")
    fig.savefig(out)
    print(f"plot_demo: wrote {out} (slope {slope:.3f} ± {slope_sem:.3f}, exact {exact_slope:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
