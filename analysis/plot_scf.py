"""Figures of the scf scenario (paper 003, social cost functions).

    /usr/bin/python3 analysis/plot_scf.py RESULTS_DIR [OUT_DIR]

RESULTS_DIR is one results directory (holding results.h5) or a directory of them; every scf
results file found is plotted. The figure is chosen by the metrics and sweep keys the file holds,
not by the experiment's name, so renamed and new experiments get the figure they have data for:
  ranking_changed_<scf>_<level>          -> Table I: how often each SCF's ranking / choice changed
                                            under each level's transformations, boxes where Table I
                                            predicts none (experiments/scf/table1.yaml);
  fast_flow_sum_plus_gamma_max over a swept mechanism.sum_max_gamma
                                         -> fast flow and costs against gamma, with the closed form
                                            (200 + 4 gamma)/(5 + gamma/8) (figure5_gamma.yaml);
  x1_<scf>, appendix_a_x1, eq2_x1 over a swept population.supply
                                         -> farmers' allocations against the water supply, with the
                                            proportional rule of Appendix A and eq. (2) (water.yaml);
  fast_delay_<scf>, slow_delay_<scf>, share_fast_g1_<scf>
                                         -> Figure 5(b)-(d): link delays, fast-link shares and
                                            commuter costs per SCF, with the delays the paper
                                            prints (figure5.yaml, headline.yaml);
  total_cost_<scf> with keep_draws: true -> per-SCF distributions of total cost, worst-off cost and
                                            inequality over the random populations
                                            (traffic_random.yaml, water_random.yaml, ...);
  anything else                          -> analysis/plot.py's generic panels, every metric over
                                            the sweep with 95% intervals.
The figure is written to OUT_DIR/<experiment>.png (scf_figure5.png for scf_figure5 and
scf_headline, scf_table1.png for scf_table1_invariance, as before). OUT_DIR defaults to each
results directory.
"""

from __future__ import annotations

import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fairmc  # noqa: E402
import figure_style as fs  # noqa: E402
import plot  # noqa: E402

plt = fs.plt

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


def label(s: str) -> str:
    """The display name of an SCF (its metric suffix for SCFs this script does not know yet)."""
    return SCF_LABELS.get(s, s)


def scfs_of(ds, prefix: str, suffix: str = "") -> list:
    """SCF names s with a variable prefix + s + suffix: the known ones in SCF_LABELS order, then
    any new ones in file order."""
    names = [v for v in ds.variables if not any(
        v.endswith(t) and v[: -len(t)] in ds.variables for t in plot.STAT_SUFFIXES)]
    found = [v[len(prefix): len(v) - len(suffix)] for v in names
             if v.startswith(prefix) and v.endswith(suffix) and len(v) > len(prefix) + len(suffix)]
    return [s for s in SCF_LABELS if s in found] + [s for s in found if s not in SCF_LABELS]


def scalar(ds, name):
    v = np.asarray(ds[name].values).ravel()
    return float(v[0]) if v.size else np.nan


def present(ds, prefix, order):
    return [s for s in order if f"{prefix}{s}" in ds.variables]


def plot_figure5(ds, out):
    order = ["utilitarian", "sum_plus_gamma_max", "nash_reference", "rawls_max", "leximin",
             "equilibrium"]
    scfs = present(ds, "fast_delay_", order)
    scfs += [s for s in scfs_of(ds, "fast_delay_") if s not in scfs]
    fig, axes = fs.figure(1, 3, size=(5, 4.8))
    axes = axes[0]
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
    ax.set_xticks(x, [label(s) for s in scfs], rotation=30, ha="right", fontsize=8)
    fs.panel(ax, ylabel="link delay O2 → D", title="Link delays at each SCF's optimum")
    fs.legend(ax)
    ax = axes[1]
    for g, (group, color) in enumerate((("long-distance (40)", "tab:blue"),
                                        ("short-distance (40)", "tab:orange"))):
        vals = [scalar(ds, f"share_fast_g{g + 1}_{s}") for s in scfs]
        ax.bar(x + (g - 0.5) * w, vals, w, label=group, color=color)
    ax.set_xticks(x, [label(s) for s in scfs], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    fs.panel(ax, ylabel="share of the group on the fast link",
             title="Allocation (frequentist, footnote 5)")
    fs.legend(ax)
    ax = axes[2]
    for g, (group, color) in enumerate((("long-distance", "tab:blue"),
                                        ("short-distance", "tab:orange"))):
        vals = [scalar(ds, f"group_cost_g{g + 1}_{s}") for s in scfs]
        ax.bar(x + (g - 0.5) * w, vals, w, label=group, color=color)
    ax.set_xticks(x, [label(s) for s in scfs], rotation=30, ha="right", fontsize=8)
    fs.panel(ax, ylabel="commuter's expected delay (incl. O1 → O2)", title="Commuters' costs")
    fs.legend(ax)
    fig.suptitle("Figure 5 reproduced: (b) CUC Σ J, (c) CFC Σ J + 80 max J, (d) CNC Π(J^eq − J)")
    fs.save(fig, out)


def plot_figure5_gamma(ds, out):
    key = "mechanism.sum_max_gamma"
    g = np.asarray(ds[key].values, dtype=float)
    s = "sum_plus_gamma_max"
    fig, axes = fs.figure(1, 2, size=(6, 4.5))
    axes = axes[0]
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
    fs.panel(ax, xlabel="γ in Σ J + γ max J", ylabel="commuters on the fast link",
             title="Efficiency-equity dial of the CFC social cost", logx=True)
    fs.legend(ax)
    ax = axes[1]
    total = np.asarray(ds[f"total_cost_{s}"].values) / 80.0
    worst = np.asarray(ds[f"worst_cost_{s}"].values)
    sc = ax.scatter(total, worst, c=np.log10(g), cmap="viridis")
    fig.colorbar(sc, ax=ax, label="log10 γ")
    fs.panel(ax, xlabel="mean commuter delay", ylabel="worst-off commuter delay",
             title="Trade-off traced by γ")
    fs.save(fig, out)


def plot_table1(ds, out):
    scfs = scfs_of(ds, "ranking_changed_", "_onc")
    agents_key = "population.agents"
    has_sweep = agents_key in ds.dims and ds.sizes[agents_key] > 0
    sel = ds.isel({agents_key: -1}) if has_sweep else ds
    n_label = f"{int(ds[agents_key].values[-1])} agents" if has_sweep else ""
    fig, axes = fs.figure(1, 2, size=(7.5, 6.5))
    for ax, what in zip(axes[0], ("ranking_changed", "choice_changed")):
        M = np.array([[scalar(sel, f"{what}_{s}_{lv}") if f"{what}_{s}_{lv}" in ds.variables
                       else np.nan for lv in LEVELS] for s in scfs])
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
        ax.set_yticks(range(len(scfs)), [label(s).replace("\n", " ") for s in scfs],
                      fontsize=8)
        fs.panel(ax, ylabel="social cost function", xlabel="invariance level (Table I)",
                 title=f"share of profiles whose {what.split('_')[0]} changed ({n_label})")
        ax.grid(False)
        fig.colorbar(im, ax=ax, fraction=0.04)
    mismatch = 0
    for s in scfs:
        for lv in LEVELS:
            if (f"table1_invariant_{s}_{lv}" not in ds.variables
                    or f"ranking_changed_{s}_{lv}" not in ds.variables):
                continue
            # Per sweep point; NaN = a trivially invariant cell at that point (not a prediction).
            e = np.asarray(ds[f"table1_invariant_{s}_{lv}"].values).ravel()
            r = np.asarray(ds[f"ranking_changed_{s}_{lv}"].values).ravel()
            for ei, ri in zip(e, r):
                if not np.isnan(ei):
                    mismatch += int(ri > 0 if ei == 1 else ri == 0)
    fig.suptitle("Definition 3 / Table I: blue boxes = invariance predicted by Theorem 1 and "
                 f"Figure 2 (mismatches over all agent counts: {mismatch})")
    fs.save(fig, out)


def plot_water(ds, out):
    key = "population.supply"
    X = np.asarray(ds[key].values, dtype=float)
    scfs = [s for s in scfs_of(ds, "x1_") if s != "appendix_a"]
    styles = ["-", "--", "-.", ":"]
    fig, axes = fs.figure(1, 2, size=(6.5, 4.8))
    axes = axes[0]
    ax = axes[0]
    for k, s in enumerate(scfs):
        # Several SCFs coincide here; line styles and marker sizes keep each visible.
        ax.plot(X, np.asarray(ds[f"x1_{s}"].values) / X, styles[k % 4], marker="o",
                ms=2 + 1.5 * (len(scfs) - k) / 2, lw=1.2, label=label(s))
    ax.plot(X, np.asarray(ds["appendix_a_x1"].values) / X, "k--", lw=1,
            label="Appendix A: c_1/Σc")
    ax.plot(X, np.asarray(ds["eq2_x1"].values) / X, "k:", lw=1.5, label="eq. (2) closed form")
    ax.set_ylim(-0.02, 1.02)
    fs.panel(ax, xlabel="available water X",
             ylabel="share of farmer 1 (high-value crops, small field)",
             title="Water allocation per SCF (Section IV-A)")
    fs.legend(ax)
    ax = axes[1]
    for k, s in enumerate(scfs):
        if f"worst_cost_{s}" in ds.variables:
            ax.plot(X, np.asarray(ds[f"worst_cost_{s}"].values), styles[k % 4], lw=1.5,
                    label=label(s))
    fs.panel(ax, xlabel="available water X", ylabel="worst-off farmer's cost",
             title="Worst-off cost (line styles as on the left)")
    fs.save(fig, out)


def plot_distributions(path, ds, out, title):
    """Per-SCF box plots over the random populations. Total and worst-off costs are shown as
    paired excesses over the best SCF for that criterion on the same population (common random
    numbers), since the spread between populations would otherwise hide the differences."""
    ineq = "cost_gini_" if any(v.startswith("cost_gini_") for v in ds.variables) else "cost_sd_"
    scfs = scfs_of(ds, "total_cost_")
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
    fig, axes = fs.figure(npoints, 3, size=(5.4, 3.6))
    for p in range(npoints):
        where = ", ".join(f"{k}={plot._fmt(pts.iloc[p][k])}" for k in pts.columns
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
                    names.append(label(s).replace("\n", " ") + f"  (n={d.size})")
            if data:
                ax.boxplot(data, vert=False, showfliers=False)
                ax.set_yticks(range(1, len(names) + 1), names, fontsize=7)
            ax.axvline(0, color="gray", lw=0.6)
            fs.panel(ax, xlabel=what, ylabel="social cost function",
                     title=f"{title} {where}" if c == 1 else None)
    fs.save(fig, out)


# Output names of the experiments shipped in experiments/scf/ whose figure predates the
# <experiment>.png rule (docs/gallery.md lists them).
LEGACY_NAMES = {"scf_figure5": "scf_figure5.png", "scf_headline": "scf_figure5.png",
                "scf_table1_invariance": "scf_table1.png"}
TITLES = {"scf_traffic_random": "Random commuter populations (Fig. 5 network):",
          "scf_water_random": "Random farmers, linear costs:",
          "scf_water_quadratic": "Random agents, quadratic costs:"}


def _swept(res: plot.Results, key: str) -> bool:
    return key in res.keys and res.axis_len(res.keys[key]) > 1


def _has_draws(path) -> bool:
    with h5py.File(fairmc.results_path(path), "r") as f:
        return "points" in f and "0" in f["points"] and "draws" in f["points"]["0"]


def figure_kind(path, res: plot.Results) -> str:
    """Which figure the file has data for, from its metrics and sweep (not its name)."""
    names = set(res.metrics) | set(res.constants)

    def some(prefix, suffix=""):
        return any(n.startswith(prefix) and n.endswith(suffix) for n in names)

    if some("ranking_changed_", "_onc"):
        return "table1"
    if _swept(res, "mechanism.sum_max_gamma") and {
            "fast_flow_sum_plus_gamma_max", "total_cost_sum_plus_gamma_max",
            "worst_cost_sum_plus_gamma_max"} <= names:
        return "gamma"
    if _swept(res, "population.supply") and {"appendix_a_x1", "eq2_x1"} <= names and some("x1_"):
        return "water"
    if some("fast_delay_") and some("slow_delay_") and some("share_fast_g1_") and some(
            "share_fast_g2_") and some("group_cost_g1_") and some("group_cost_g2_"):
        return "figure5"
    if some("total_cost_") and some("worst_cost_") and _has_draws(path):
        return "distributions"
    return "generic"


def plot_one(path, out_dir):
    """Plot one scf results file into out_dir; None (skipped) for other scenarios."""
    res = plot.load(path)
    if res.attrs.get("scenario") != "scf":
        return None
    exp = res.name
    out = os.path.join(out_dir, LEGACY_NAMES.get(exp, f"{exp}.png"))
    kind = figure_kind(path, res)
    if kind == "generic":
        return plot.overview(res, out)
    ds = fairmc.open_summary(path)
    os.makedirs(out_dir, exist_ok=True)
    if kind == "table1":
        plot_table1(ds, out)
    elif kind == "gamma":
        plot_figure5_gamma(ds, out)
    elif kind == "water":
        plot_water(ds, out)
    elif kind == "figure5":
        plot_figure5(ds, out)
    else:
        plot_distributions(path, ds, out, TITLES.get(exp, f"{exp}:"))
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
    status = 0
    for f in sorted(files):
        out_dir = argv[1] if len(argv) == 2 else os.path.dirname(f)
        try:
            out = plot_one(f, out_dir)
        except plot.PlotError as e:
            print(f"plot_scf: {e}", file=sys.stderr)
            status = max(status, e.code)
            continue
        if out:
            print(f"plot_scf: wrote {out}")
        elif len(files) == 1:
            print(f"plot_scf: {f} is not an scf experiment: use its plot_<scenario>.py or "
                  f"analysis/plot.py", file=sys.stderr)
            return 2
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
