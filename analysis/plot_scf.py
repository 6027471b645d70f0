"""Figures of the scf scenario (paper 003, social cost functions).

    /usr/bin/python3 analysis/plot_scf.py RESULTS_DIR [OUT_DIR]

RESULTS_DIR is one results directory (holding results.h5) or a directory of them; every scf
results file found is plotted by its experiment name:
  scf_figure5 / scf_headline -> scf_figure5.png: Figure 5(b)-(d), link delays, fast-link shares
                                and commuter costs per SCF, with the delays the paper prints;
  scf_figure5_gamma          -> scf_figure5_gamma.png: fast flow and costs against gamma, with the
                                closed form (200 + 4 gamma)/(5 + gamma/8);
  scf_table1_invariance      -> scf_table1.png: how often each SCF's ranking / choice changed under
                                each level's transformations, boxes where Table I predicts none;
  scf_water                  -> scf_water.png: farmers' allocations against the water supply, with
                                the proportional rule of Appendix A and the closed form of eq. (2);
  scf_water_random, scf_water_quadratic, scf_traffic_random
                             -> <experiment>.png: per-SCF distributions of total cost, worst-off
                                cost and inequality over the random populations.
OUT_DIR defaults to each results directory.
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

LEVELS = ["onc", "olc", "cnc", "cnc_ratio", "cuc", "cfc", "rfc"]
LEVEL_LABELS = ["ONC\nper-agent φ_i", "OLC\ncommon φ", "CNC\na_i J+b_i", "CNC b=0\na_i J",
                "CUC\na J+b_i", "CFC\na J+b", "ratio\na J"]
SCF_LABELS = {
    "equilibrium": "Wardrop equilibrium\n(no control)",
    "utilitarian": "Σ J (CUC)",
    "weighted_sum": "Σ c J (CUC)",
    "rawls_max": "max J (OLC)",
    "leximin": "leximin (OLC)",
    "kth_largest": "k-th largest (OLC)",
    "nash_reference": "Nash vs x0 (CNC)",
    "nash_negative": "Nash, J<0 (CNC b=0)",
    "sum_plus_gamma_max": "Σ J + γ max J (CFC)",
    "mean_plus_gamma_max": "mean + γ(max-mean) (CFC)",
    "mean_plus_gamma_mad": "mean + γ MAD (CFC)",
    "dictator": "dictator",
}


def scalar(ds, name):
    v = np.asarray(ds[name].values).ravel()
    return float(v[0]) if v.size else np.nan


def present(ds, prefix, order):
    return [s for s in order if f"{prefix}{s}" in ds.variables]


def plot_figure5(ds, out):
    scfs = present(ds, "fast_delay_", ["utilitarian", "sum_plus_gamma_max", "nash_reference",
                                        "rawls_max", "leximin", "equilibrium"])
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    x = np.arange(len(scfs))
    w = 0.38
    fast = [scalar(ds, f"fast_delay_{s}") for s in scfs]
    slow = [scalar(ds, f"slow_delay_{s}") for s in scfs]
    ax = axes[0]
    ax.bar(x - w / 2, fast, w, label="fast link 1.5 x", color="tab:green")
    ax.bar(x + w / 2, slow, w, label="slow link 40 + x", color="tab:gray")
    for i, s in enumerate(scfs):
        for off, kind in ((-w / 2, "fast"), (w / 2, "slow")):
            name = f"paper_{kind}_delay_{s}"
            if name in ds.variables:
                ax.plot(i + off, scalar(ds, name), "k_", ms=22, mew=2.5,
                        label="paper (Fig. 5)" if (i == 0 and kind == "fast") else None)
        ax.text(i - w / 2, fast[i] + 1, f"{fast[i]:.1f}", ha="center", fontsize=8)
        ax.text(i + w / 2, slow[i] + 1, f"{slow[i]:.1f}", ha="center", fontsize=8)
    ax.set_xticks(x, [SCF_LABELS[s] for s in scfs], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("link delay O2 → D")
    ax.set_title("Link delays at each SCF's optimum")
    ax.legend(fontsize=8, loc="lower right")
    ax = axes[1]
    for g, (label, color) in enumerate((("long-distance (40)", "tab:blue"),
                                        ("short-distance (40)", "tab:orange"))):
        vals = [scalar(ds, f"share_fast_g{g + 1}_{s}") for s in scfs]
        ax.bar(x + (g - 0.5) * w, vals, w, label=label, color=color)
    ax.set_xticks(x, [SCF_LABELS[s] for s in scfs], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of the group on the fast link")
    ax.set_title("Allocation (frequentist, footnote 5)")
    ax.legend(fontsize=8)
    ax = axes[2]
    for g, (label, color) in enumerate((("long-distance", "tab:blue"),
                                        ("short-distance", "tab:orange"))):
        vals = [scalar(ds, f"group_cost_g{g + 1}_{s}") for s in scfs]
        ax.bar(x + (g - 0.5) * w, vals, w, label=label, color=color)
    ax.set_xticks(x, [SCF_LABELS[s] for s in scfs], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("commuter's expected delay (incl. O1 → O2)")
    ax.set_title("Commuters' costs")
    ax.legend(fontsize=8)
    fig.suptitle("Figure 5 reproduced: (b) CUC Σ J, (c) CFC Σ J + 80 max J, (d) CNC Π(J^eq − J)")
    fig.tight_layout()
    fig.savefig(out, dpi=130)
    plt.close(fig)


def plot_figure5_gamma(ds, out):
    key = "mechanism.sum_max_gamma"
    g = np.asarray(ds[key].values, dtype=float)
    s = "sum_plus_gamma_max"
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    ax = axes[0]
    ax.semilogx(g, ds[f"fast_flow_{s}"].values, "o", ms=4, label="solver")
    gg = np.logspace(np.log10(g.min()), np.log10(g.max()), 400)
    closed = np.clip((200 + 4 * gg) / (5 + gg / 8), 0, 80)
    ax.semilogx(gg, closed, "k-", lw=1, label="closed form (200+4γ)/(5+γ/8)")
    ax.axhline(40, color="tab:green", ls=":", label="utilitarian (40)")
    ax.axhline(32, color="tab:red", ls=":", label="Rawls max (32)")
    ax.axvline(80, color="gray", ls="--", lw=0.8)
    ax.annotate("Fig. 5(c): γ = 80\nfast delay 52", (80, 104 / 3), xytext=(150, 37), fontsize=8,
                arrowprops={"arrowstyle": "->"})
    ax.set_xlabel("γ in Σ J + γ max J")
    ax.set_ylabel("commuters on the fast link")
    ax.legend(fontsize=8)
    ax.set_title("Efficiency-equity dial of the CFC social cost")
    ax = axes[1]
    total = np.asarray(ds[f"total_cost_{s}"].values) / 80.0
    worst = np.asarray(ds[f"worst_cost_{s}"].values)
    sc = ax.scatter(total, worst, c=np.log10(g), cmap="viridis")
    fig.colorbar(sc, ax=ax, label="log10 γ")
    ax.set_xlabel("mean commuter delay")
    ax.set_ylabel("worst-off commuter delay")
    ax.set_title("Trade-off traced by γ")
    fig.tight_layout()
    fig.savefig(out, dpi=130)
    plt.close(fig)


def plot_table1(ds, out):
    scfs = [s for s in SCF_LABELS if f"ranking_changed_{s}_onc" in ds.variables]
    agents_key = "population.agents"
    has_sweep = agents_key in ds.dims
    sel = ds.isel({agents_key: -1}) if has_sweep else ds
    n_label = f"{int(ds[agents_key].values[-1])} agents" if has_sweep else ""
    fig, axes = plt.subplots(1, 2, figsize=(15, 6.5))
    for ax, what in zip(axes, ("ranking_changed", "choice_changed")):
        M = np.array([[scalar(sel, f"{what}_{s}_{lv}") for lv in LEVELS] for s in scfs])
        # Trivially invariant cells (one agent, gamma = 0 or 1) carry no prediction: NaN.
        E = np.array([[scalar(sel, f"table1_invariant_{s}_{lv}")
                       if f"table1_invariant_{s}_{lv}" in ds.variables else np.nan
                       for lv in LEVELS] for s in scfs])
        im = ax.imshow(M, cmap="Reds", vmin=0, vmax=1, aspect="auto")
        for i in range(len(scfs)):
            for j in range(len(LEVELS)):
                ax.text(j, i, f"{M[i, j]:.2f}", ha="center", va="center", fontsize=8,
                        color="white" if M[i, j] > 0.6 else "black")
                if E[i, j] == 1:
                    ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False,
                                               ec="tab:blue", lw=2))
        ax.set_xticks(range(len(LEVELS)), LEVEL_LABELS, fontsize=8)
        ax.set_yticks(range(len(scfs)), [SCF_LABELS[s].replace("\n", " ") for s in scfs],
                      fontsize=8)
        ax.set_title(f"share of profiles whose {what.split('_')[0]} changed ({n_label})")
        fig.colorbar(im, ax=ax, fraction=0.04)
    mismatch = 0
    for s in scfs:
        for lv in LEVELS:
            if f"table1_invariant_{s}_{lv}" not in ds.variables:
                continue
            # Per sweep point; NaN = a trivially invariant cell at that point (not a prediction).
            e = np.asarray(ds[f"table1_invariant_{s}_{lv}"].values).ravel()
            r = np.asarray(ds[f"ranking_changed_{s}_{lv}"].values).ravel()
            for ei, ri in zip(e, r):
                if not np.isnan(ei):
                    mismatch += int(ri > 0 if ei == 1 else ri == 0)
    fig.suptitle("Definition 3 / Table I: blue boxes = invariance predicted by Theorem 1 and "
                 f"Figure 2 (mismatches over all agent counts: {mismatch})")
    fig.tight_layout()
    fig.savefig(out, dpi=130)
    plt.close(fig)


def plot_water(ds, out):
    key = "population.supply"
    X = np.asarray(ds[key].values, dtype=float)
    scfs = present(ds, "x1_", ["utilitarian", "weighted_sum", "rawls_max", "sum_plus_gamma_max",
                               "mean_plus_gamma_max", "nash_reference", "nash_negative"])
    styles = ["-", "--", "-.", ":"]
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    ax = axes[0]
    for k, s in enumerate(scfs):
        # Several SCFs coincide here; line styles and marker sizes keep each visible.
        ax.plot(X, np.asarray(ds[f"x1_{s}"].values) / X, styles[k % 4], marker="o",
                ms=2 + 1.5 * (len(scfs) - k) / 2, lw=1.2, label=SCF_LABELS[s])
    ax.plot(X, np.asarray(ds["appendix_a_x1"].values) / X, "k--", lw=1,
            label="Appendix A: c_1/Σc")
    ax.plot(X, np.asarray(ds["eq2_x1"].values) / X, "k:", lw=1.5, label="eq. (2) closed form")
    ax.set_xlabel("available water X")
    ax.set_ylabel("share of farmer 1 (high-value crops, small field)")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=7)
    ax.set_title("Water allocation per SCF (Section IV-A)")
    ax = axes[1]
    for k, s in enumerate(scfs):
        ax.plot(X, np.asarray(ds[f"worst_cost_{s}"].values), styles[k % 4], lw=1.5,
                label=SCF_LABELS[s])
    ax.set_xlabel("available water X")
    ax.set_ylabel("worst-off farmer's cost")
    ax.set_title("Worst-off cost")
    fig.tight_layout()
    fig.savefig(out, dpi=130)
    plt.close(fig)


def plot_distributions(path, ds, out, title):
    """Per-SCF box plots over the random populations. Total and worst-off costs are shown as
    paired excesses over the best SCF for that criterion on the same population (common random
    numbers), since the spread between populations would otherwise hide the differences."""
    ineq = "cost_gini_" if any(v.startswith("cost_gini_") for v in ds.variables) else "cost_sd_"
    scfs = present(ds, "total_cost_", list(SCF_LABELS))
    base_total = "utilitarian" if "utilitarian" in scfs else None
    base_worst = next((s for s in ("leximin", "rawls_max") if s in scfs), None)
    pts = fairmc.point_table(path)
    npoints = len(pts)
    columns = (
        ("total_cost_", base_total,
         "total cost" + (" − utilitarian optimum" if base_total else "")),
        ("worst_cost_", base_worst,
         "worst-off cost" + (" − max/leximin optimum" if base_worst else "")),
        (ineq, None, "inequality (" + ("Gini" if "gini" in ineq else "s.d.") + " of costs)"),
    )
    fig, axes = plt.subplots(npoints, 3, figsize=(16, 3.6 * npoints), squeeze=False)
    for p in range(npoints):
        label = ", ".join(f"{k}={pts.iloc[p][k]:g}" for k in pts.columns
                          if k.startswith("population.") or k.startswith("mechanism."))
        for c, (prefix, base, what) in enumerate(columns):
            ax = axes[p][c]
            ref = fairmc.open_draws(path, prefix + base)[p] if base else 0.0
            data, names = [], []
            for s in scfs:
                try:
                    d = fairmc.open_draws(path, prefix + s)[p] - ref
                except KeyError:
                    continue
                d = d[np.isfinite(d)]
                if d.size:
                    data.append(d)
                    names.append(SCF_LABELS[s].replace("\n", " ") + f"  (n={d.size})")
            if data:
                ax.boxplot(data, vert=False, showfliers=False)
                ax.set_yticks(range(1, len(names) + 1), names, fontsize=7)
            ax.axvline(0, color="gray", lw=0.6)
            ax.set_xlabel(what)
            if c == 1:
                ax.set_title(f"{title} {label}")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def plot_one(path, out_dir):
    attrs = fairmc.root_attrs(path)
    if attrs.get("scenario") != "scf":
        return None
    exp = attrs.get("experiment", "")
    ds = fairmc.open_summary(path)
    os.makedirs(out_dir, exist_ok=True)
    if exp in ("scf_figure5", "scf_headline"):
        out = os.path.join(out_dir, "scf_figure5.png")
        plot_figure5(ds, out)
    elif exp == "scf_figure5_gamma":
        out = os.path.join(out_dir, "scf_figure5_gamma.png")
        plot_figure5_gamma(ds, out)
    elif exp == "scf_table1_invariance":
        out = os.path.join(out_dir, "scf_table1.png")
        plot_table1(ds, out)
    elif exp == "scf_water":
        out = os.path.join(out_dir, "scf_water.png")
        plot_water(ds, out)
    else:
        out = os.path.join(out_dir, f"{exp}.png")
        titles = {"scf_traffic_random": "Random commuter populations (Fig. 5 network):",
                  "scf_water_random": "Random farmers, linear costs:",
                  "scf_water_quadratic": "Random agents, quadratic costs:"}
        plot_distributions(path, ds, out, titles.get(exp, exp))
    return out


def main(argv) -> int:
    if len(argv) not in (1, 2):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    root = argv[0]
    files = []
    if os.path.isfile(root) or os.path.isfile(os.path.join(root, "results.h5")):
        files = [fairmc.results_path(root)]
    else:
        for d, _, names in os.walk(root):
            if "results.h5" in names:
                files.append(os.path.join(d, "results.h5"))
    if not files:
        print(f"plot_scf: no results.h5 under {root}", file=sys.stderr)
        return 1
    for f in sorted(files):
        out_dir = argv[1] if len(argv) == 2 else os.path.dirname(f)
        out = plot_one(f, out_dir)
        if out:
            print(f"plot_scf: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
