"""Figures of scenario `objective` (paper 001, Participatory Objective Design).

    /usr/bin/python3 analysis/plot_objective.py RESULTS_DIR [OUT_DIR]

Reads RESULTS_DIR/results.h5 written by `fairmc run experiments/objective/X.yaml -o RESULTS_DIR`
and writes PNGs into OUT_DIR (default RESULTS_DIR). The figure is chosen by what the file holds
(swept keys, metrics, constants; figure_for), so a renamed or new objective experiment gets the
figure of the paper experiment it resembles, and one that resembles none gets analysis/plot.py's
overview of every metric (<experiment>.png). The paper experiments:
  objective_headline               loss/gain vs aversion + Figures 1 and 2 (per-item scatter)
  objective_fig1_fig2_items        Figures 1 and 2: realised per-item loss/gain under Eqs. 14, 23
  objective_fig4_fig5_dissimilar   Figures 4 and 5 (Eq. 40, Theorem D.1) and loss vs γ (Cor. D.2)
  objective_independent_agents     Lemma E.1 / Cor. E.2: quadratic loss in the aversion level
  objective_independent_priors     Lemma E.1 for one prior: simulated mean vs quadrature
  objective_multi_agent_agents     Theorem 3.4: relative loss vs n below max_j c_j
  objective_sweep_items            loss and gain vs m
  objective_sweep_aversion[_drawn] price of fairness, gain/loss, IT vs aversion
  objective_many_independent_agents Theorem 3.6 rate vs n
  objective_clustered              Theorem 3.5: loss vs number of clusters
  objective_strategic_band         Figure 3 (Appendix C) from simulated best responses; violation rates
  objective_strategic_joint        Appendix C, m = 2: single-item vs joint deviations
Every figure marks simulated means with 95% intervals and the paper's closed forms as lines; style,
legends placed off the data and slope texts come from analysis/figure_style.py.
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fairmc  # noqa: E402
import figure_style as fs  # noqa: E402
import plot  # noqa: E402


# --- closed forms (mirror scenarios/objective/two_agent.cpp) ------------------------------------
def loss_j(a1, a2, r):
    """Eq. (14)."""
    return np.where((a2 < a1) & (a2 >= r * a1), a1 - a2, 0.0)


def gain_j(a1, a2, d, delta):
    """Eq. (23) with r_1(Δ) = (1 − Δ)/(1 + Δ)."""
    r = (1 - delta) / (1 + delta)
    return np.where((a2 < a1) & (a2 > r * a1), (1 + d) * a2 - (1 - d) * a1, 0.0)


def quadratic_majorant(x, a1, r):
    """Eq. (40)."""
    c = 1 - r
    w = 1 - r * a1
    left = -x * (c / r) * (x / (r * a1) - 2)
    right = c * a1 / w**2 * (1 - x) * (x + 1 - 2 * r * a1)
    return np.where(x < r * a1, left, right)


def dissimilar_item_bound(a1, norm1, gamma, tau, r):
    """Theorem D.1, Eqs. (37)–(38)."""
    c = 1 - r
    g = gamma * norm1
    if g > 1:
        return c * a1
    gt = g**tau
    return np.where(a1 < g, c * (1 + 2 / r) * g ** (1 - tau), np.where(a1 < g + gt, 2 * c * gt, 0.0))


# --- helpers ------------------------------------------------------------------------------------
def const(ds, name, default=np.nan):
    if name not in ds.variables:
        return default
    v = np.asarray(ds[name].values, dtype=float)
    return v


def errbar(ax, x, ds, metric, label, **kw):
    y = np.asarray(ds[metric].values, dtype=float)
    lo = np.asarray(ds[metric + "_ci_lo"].values, dtype=float)
    hi = np.asarray(ds[metric + "_ci_hi"].values, dtype=float)
    ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt="o", capsize=3, label=label, **kw)


def gain_over_loss(ax, x, ds, **kw):
    """E[gain]/E[loss], the paper's gain/loss: the ratio metric with its jackknife interval.
    Files written before ratio metrics only have gain_to_loss, the mean of per-draw ratios, whose
    Student-t interval is not a confidence interval for anything (heavy tail); plotted then with
    a label saying so."""
    if "gain_over_loss" in ds.variables:
        y = np.asarray(ds["gain_over_loss_bias_corrected"].values, dtype=float)
        lo = np.asarray(ds["gain_over_loss_ci_lo"].values, dtype=float)
        hi = np.asarray(ds["gain_over_loss_ci_hi"].values, dtype=float)
        ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt="o", capsize=3,
                    label="E[gain]/E[loss] (95% jackknife)", **kw)
        # E[loss] not distinguishable from 0 (ci -+inf) or one group (NaN): matplotlib drops
        # such bars, which reads as exact; an open marker says there is no interval.
        unbounded = ~(np.isfinite(lo) & np.isfinite(hi)) & np.isfinite(y)
        if unbounded.any():
            ax.plot(np.asarray(x, dtype=float)[unbounded], y[unbounded], "o", mfc="white",
                    color=kw.get("color"), label="no bounded 95% interval (E[loss] may be 0)")
    else:
        errbar(ax, x, ds, "gain_to_loss", "mean of gain/loss per draw (no valid interval)", **kw)


def axis_values(ds, key):
    return np.asarray(ds[key].values, dtype=float)


def violations(ds):
    if "bound_violated_max" in ds.variables:
        return int(np.nansum(np.asarray(ds["bound_violated_max"].values) > 0))
    return int(np.nansum(np.asarray(ds["bound_violated"].values) > 0))


def one_panel():
    fig, axes = fs.figure(1, 1)
    return fig, axes[0, 0]


def row(n):
    fig, axes = fs.figure(1, n)
    return fig, axes[0]


def save(fig, out_dir, name):
    """Legends placed where they cover no data, then the file; a panel without a y label is a
    defect (issue 17), so it stops here rather than reaching a paper."""
    unlabelled = [ax.get_title() or "?" for ax in fig.axes if ax.get_visible() and not ax.get_ylabel()]
    if unlabelled:
        raise ValueError(f"plot_objective: {name}: panels without a y label: {unlabelled}")
    fs.legends(fig.axes)
    path = fs.save(fig, os.path.join(out_dir, name))
    print(f"plot_objective: wrote {path}")


def pick_point(ds, key, value):
    x = axis_values(ds, key)
    return int(np.argmin(np.abs(x - value)))


# --- figures ------------------------------------------------------------------------------------
def figure1_2(results, ds, out_dir, point, alpha, beta, prefix):
    """Figures 1 and 2: realised per-item terms of item 1 (draws) under the paper's curves."""
    ratio = fairmc.open_draws(results, "probe_ratio")[point]
    a1 = fairmc.open_draws(results, "probe_a1")[point]
    loss = fairmc.open_draws(results, "probe_loss")[point]
    gain = fairmc.open_draws(results, "probe_gain")[point]
    delta = fairmc.open_draws(results, "delta")[point]
    ok = np.isfinite(ratio) & np.isfinite(a1) & (a1 > 0)
    if alpha is None:  # not swept: from the file's r_1 = (1 - d) / (1 + d), d = β_1 + α_2
        r = float(np.ravel(const(ds, "r1"))[point])
        d = (1 - r) / (1 + r)
    else:
        d = beta + alpha  # β_1 + α_2 for homogeneous aversion
        r = (1 - d) / (1 + d)
    aversion = f"β$_1$+α$_2$={d:g}" if alpha is None else f"α={alpha:g}, β={beta:g}"
    grid = np.linspace(0, 1.2, 600)
    fig, ax = one_panel()
    ax.plot(grid, loss_j(1.0, grid, r), color="0.4", label="loss$_j$/a$_{1j}$, Eq. (14)")
    ax.scatter(ratio[ok], loss[ok] / a1[ok], s=4, alpha=0.3, color="C0", label="realised, item 1")
    ax.axvline(r, ls=":", color="k")
    ax.annotate(f"$r_1$={r:.3f}, peak $c_1$={1 - r:.3f}", (r, 1 - r), xytext=(8, -12), textcoords="offset points")
    ax.set_xlabel("$a_{2j}/a_{1j}$")
    ax.set_ylabel("per-item loss / $a_{1j}$")
    ax.set_title(f"Figure 1: loss$_j$ ({aversion})")
    save(fig, out_dir, f"{prefix}_fig1_loss_j.png")

    fig, ax = one_panel()
    med_delta = np.nanmedian(delta[ok]) if ok.any() else d
    ax.plot(grid, gain_j(1.0, grid, d, d), color="C1", label="gain$_j$/a$_{1j}$, Eq. (23), Δ$_1$=β$_1$+α$_2$")
    ax.plot(grid, gain_j(1.0, grid, d, med_delta), color="C1", ls="--", label=f"Eq. (23), median Δ$_1$={med_delta:.3f}")
    ax.plot(grid, loss_j(1.0, grid, r), color="0.6", label="loss$_j$/a$_{1j}$ (Fig. 1)")
    ax.scatter(ratio[ok], gain[ok] / a1[ok], s=4, alpha=0.3, color="C3", label="realised gain, item 1")
    ax.axhline(2 * d, ls=":", color="k")
    ax.annotate(f"max $\\tilde c_1$={2 * d:.2f}", (0.02, 2 * d), xytext=(0, 3), textcoords="offset points")
    ax.set_xlabel("$a_{2j}/a_{1j}$")
    ax.set_ylabel("per-item gain / $a_{1j}$")
    ax.set_title("Figure 2: gain$_j$ and loss$_j$")
    save(fig, out_dir, f"{prefix}_fig2_gain_j.png")


def headline(results, ds, out_dir):
    alpha = axis_values(ds, "mechanism.alpha")
    beta = axis_values(ds, "mechanism.beta")
    x = alpha + beta
    fig, ax = row(2)
    errbar(ax[0], x, ds, "loss", "loss (simulated)")
    errbar(ax[0], x, ds, "loss_bound_items", "Σ$_j$ loss$_j$, Eq. (14)")
    ax[0].plot(x, const(ds, "expected_loss_bound_symmetric"), "k-", label="E[Σ 1{min≥r max}(max−min)], Eq. (77)")
    ax[0].plot(x, const(ds, "expected_loss_bound_e2"), "k--", label="$c_m^2$ m, Eq. (74)")
    ax[0].set_xlabel("α + β")
    ax[0].set_ylabel("loss")
    ax[0].set_title(f"Two agents, m=20, U(0,1): loss (violations: {violations(ds)})")
    errbar(ax[1], x, ds, "gain", "gain (simulated)", color="C3")
    errbar(ax[1], x, ds, "gain_bound", "Σ$_j$ gain$_j$, Prop. 4.1", color="C1")
    errbar(ax[1], x, ds, "loss", "loss", color="C0")
    ax[1].set_xlabel("α + β")
    ax[1].set_ylabel("gain, loss")
    ax[1].set_title("gain >= Σ gain$_j$ ≫ loss")
    save(fig, out_dir, "objective_headline_loss_gain.png")
    p = pick_point(ds, "mechanism.alpha", 0.2)
    figure1_2(results, ds, out_dir, p, alpha[p], beta[p], "objective_headline")


def fig4_fig5(results, ds, out_dir):
    gammas = axis_values(ds, "population.gamma")
    r = float(np.ravel(const(ds, "r1"))[0])
    m = 50
    # Figure 4: loss_j and its quadratic majorant in a_2j for a fixed a_1j.
    a1 = 0.8
    xs = np.linspace(0, 1, 500)
    fig, ax = one_panel()
    ax.plot(xs, loss_j(a1, xs, r), color="0.3", label="loss$_j$, Eq. (14)")
    ax.plot(xs, quadratic_majorant(xs, a1, r), color="C3", label="quadratic majorant, Eq. (40)")
    ax.set_xlabel("$a_{2j}$")
    ax.set_ylabel("loss$_j$")
    ax.set_title(f"Figure 4 ($a_{{1j}}$={a1}, $r_1$={r:.3f})")
    save(fig, out_dir, "objective_fig4_quadratic_majorant.png")
    # Figure 5: Theorem D.1's per-item bound in a_1j, with realised per-item losses of item 1.
    p = pick_point(ds, "population.gamma", 0.01)
    g = gammas[p]
    a1d = fairmc.open_draws(results, "probe_a1")[p]
    lossd = fairmc.open_draws(results, "probe_loss")[p]
    ok = np.isfinite(a1d)
    norm1 = m / 2.0
    grid = np.linspace(0, 1, 800)
    fig, ax = one_panel()
    ax.plot(grid, dissimilar_item_bound(grid, norm1, g, 0.5, r), color="C3",
            label=f"Eq. (38), τ=1/2, γ||a$_1$||=γm/2={g * norm1:.2f}")
    ax.scatter(a1d[ok], lossd[ok], s=5, alpha=0.4, label="realised loss of item 1")
    ax.set_xlabel("$a_{1j}$")
    ax.set_ylabel("loss$_j$ bound")
    ax.set_title(f"Figure 5: γ-dissimilar agents (γ={g:g}, m={m})")
    save(fig, out_dir, "objective_fig5_dissimilar_item_bound.png")
    # Loss vs γ: simulated, the per-draw Theorem D.1 bound and Corollary D.2.
    fig, ax = one_panel()
    errbar(ax, gammas, ds, "loss", "loss (simulated)")
    errbar(ax, gammas, ds, "loss_bound_dissimilar", "Theorem D.1 (per draw, mean)")
    ax.plot(gammas, const(ds, "expected_loss_bound_d2"), "k-", label="Cor. D.2 (Eq. 67 at τ=2/3): mc(3+2/r)(γm)$^{4/3}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("γ")
    ax.set_ylabel("loss")
    ax.set_title(f"Two γ-dissimilar agents (violations: {violations(ds)})")
    save(fig, out_dir, "objective_dissimilar_loss_vs_gamma.png")


def independent(ds, out_dir):
    alpha = axis_values(ds, "mechanism.alpha")
    c = np.ravel(const(ds, "c_m"))
    fig, ax = one_panel()
    errbar(ax, c, ds, "loss_bound_symmetric", "Σ 1{min≥r max}(max−min), simulated")
    errbar(ax, c, ds, "loss", "loss, simulated")
    ax.plot(c, const(ds, "expected_loss_bound_symmetric"), "k-", label="exact, Eq. (77)")
    ax.plot(c, const(ds, "expected_loss_bound_e2"), "k--", label="$c_m^2$ m, Eq. (74)")
    ax.plot(c, const(ds, "expected_loss_leading_e3"), "k:", label="$c_m^2$ Σκ/2, Eq. (79)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("$c_m(α, β)$")
    ax.set_ylabel("expected loss")
    ax.set_title(f"Two independent agents, U(0,1), m=10 (α=β∈[{alpha.min():g},{alpha.max():g}])")
    save(fig, out_dir, "objective_independent_quadratic_loss.png")


def single_point(ds, out_dir, name):
    fig, ax = one_panel()
    labels, sims, errs, exact = [], [], [], []
    for metric, constant in [("loss_bound_symmetric", "expected_loss_bound_symmetric"), ("loss", "expected_loss_leading_e3")]:
        if metric in ds.variables:
            labels.append(metric)
            sims.append(float(np.ravel(ds[metric].values)[0]))
            errs.append(4 * float(np.ravel(ds[metric + "_sem"].values)[0]))
            exact.append(float(np.ravel(const(ds, constant))[0]) if constant in ds.variables else np.nan)
    xs = np.arange(len(labels))
    ax.bar(xs - 0.2, sims, 0.4, yerr=errs, capsize=4, label="simulated ± 4 sem")
    ax.bar(xs + 0.2, exact, 0.4, label="closed form / quadrature")
    ax.set_xticks(xs, labels, fontsize=8)
    ax.set_ylabel("expected value")
    ax.set_title(name)
    save(fig, out_dir, f"{name}.png")


def multi_agent_agents(ds, out_dir):
    n = axis_values(ds, "population.agents")
    fig, ax = row(2)
    errbar(ax[0], n, ds, "pof_bertsimas", "relative loss = PoF (Eq. 6)")
    ax[0].plot(n, np.broadcast_to(const(ds, "relative_loss_bound"), n.shape), "k-", label="max$_j$ $c_j$ (Theorem 3.4)")
    ax[0].plot(n, 1 - 1 / np.sqrt(n), "k:", label="1 − 1/√n (proportional / envy-free)")
    ax[0].set_xscale("log")
    ax[0].set_xlabel("agents n")
    ax[0].set_ylabel("relative loss")
    ax[0].set_title(f"Theorem 3.4: independent of n (violations: {violations(ds)})")
    gain_over_loss(ax[1], n, ds)
    errbar(ax[1], n, ds, "individual_tradeoff", "individual tradeoff (Eq. 8)")
    ax[1].set_xscale("log")
    ax[1].set_yscale("log")
    ax[1].set_xlabel("agents n")
    ax[1].set_ylabel("E[gain]/E[loss], individual tradeoff")
    save(fig, out_dir, "objective_multi_agent_vs_n.png")


def sweep_items(ds, out_dir):
    m = axis_values(ds, "population.items")
    fig, ax = one_panel()
    errbar(ax, m, ds, "loss", "loss")
    errbar(ax, m, ds, "gain", "gain")
    errbar(ax, m, ds, "loss_bound", "Theorem 3.4 bound (mean)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("items m")
    ax.set_ylabel("loss, gain")
    slope = ds.attrs.get("fit_loss_vs_population.items_slope", np.nan)
    sem = ds.attrs.get("fit_loss_vs_population.items_slope_sem", np.nan)
    ax.set_title(f"n=5: loss and gain vs m (loss {fs.slope_text(float(slope), float(sem))})")
    save(fig, out_dir, "objective_sweep_items.png")


def sweep_aversion(ds, out_dir, name):
    key = "mechanism.alpha" if "mechanism.alpha" in ds.variables else "mechanism.alpha_max"
    a = axis_values(ds, key)
    fig, ax = row(2)
    errbar(ax[0], a, ds, "pof_bertsimas", "relative loss (Eq. 6)")
    ax[0].plot(a, np.ravel(const(ds, "c_multi")), "k-", label="max$_j$ $c_j$ (Theorem 3.4)")
    ax[0].set_xlabel(key)
    ax[0].set_ylabel("relative loss")
    ax[0].set_title(f"n=10, m=10 (violations: {violations(ds)})")
    gain_over_loss(ax[1], a, ds)
    errbar(ax[1], a, ds, "individual_tradeoff", "individual tradeoff")
    ax[1].set_xlabel(key)
    ax[1].set_ylabel("E[gain]/E[loss], individual tradeoff")
    ax[1].set_yscale("log")
    save(fig, out_dir, f"{name}.png")


def many_independent(ds, out_dir):
    n = axis_values(ds, "population.agents")
    fig, ax = one_panel()
    errbar(ax, n, ds, "loss", "loss")
    ax.plot(n, np.ravel(const(ds, "thm36_rate")), "k-", label="Σ$_j c_j^2 κ_j^2 b_j n$ (Eq. 22, no constant)")
    errbar(ax, n, ds, "loss_bound", "Theorem 3.4 bound (mean)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("agents n (n b = 5)")
    ax.set_ylabel("loss")
    ax.set_title("Theorem 3.6: independent agents")
    save(fig, out_dir, "objective_many_independent_agents.png")


def clustered(ds, out_dir):
    k = axis_values(ds, "population.clusters")
    fig, ax = one_panel()
    errbar(ax, k, ds, "loss", "loss")
    errbar(ax, k, ds, "loss_bound", "Theorem 3.4 bound (mean)")
    ax.set_yscale("log")
    ax.set_xlabel("clusters K")
    ax.set_ylabel("loss")
    ax.set_title(f"Theorem 3.5: clustered agents (violations: {violations(ds)})")
    save(fig, out_dir, "objective_clustered.png")


def _strategic_point(results, items, alpha):
    """Point index of (population.items, mechanism.alpha) in a strategic_band run, or None."""
    table = fairmc.point_table(results)
    hit = table[(table["population.items"] == items) & np.isclose(table["mechanism.alpha"], alpha)]
    return int(hit.index[0]) if len(hit) else None


def figure3_panel(ax, results, ds, point, items, alpha):
    """Figure 3 from simulated best responses of item 1: x = a_1j/a'_2j, y = report a'_1j/a'_2j."""
    draws = {k: fairmc.open_draws(results, k)[point]
             for k in ("probe_true_ratio", "probe_br_lo", "probe_br_hi", "probe_br_nearest")}
    x = draws["probe_true_ratio"]
    ok = np.isfinite(x) & np.isfinite(draws["probe_br_nearest"])
    x, lo, hi, near = (np.asarray(draws[k])[ok] for k in
                       ("probe_true_ratio", "probe_br_lo", "probe_br_hi", "probe_br_nearest"))
    r = (1 - 2 * alpha) / (1 + 2 * alpha)  # r(α_1, α_m) with α_1 = α'_2 = α_m = alpha
    rho_max = float(np.ravel(const(ds, "rho_max"))[0])
    # Best-responding reports: the hull [br_lo, br_hi] (an arrow where it reaches the grid's end,
    # i.e. is unbounded) and the one closest to the truth, red when it lies outside the r^2 band.
    outside = (near < r**2 * (1 - 1e-12)) | (near > (1 + 1e-12) / r**2)
    ax.vlines(x, lo * x, hi * x, color="0.75", lw=0.6, label="best-responding reports (hull)")
    top = hi >= rho_max * (1 - 1e-12)
    ax.scatter(x[top], hi[top] * x[top], marker="^", s=6, color="0.6")
    ax.scatter(x[~outside], (near * x)[~outside], s=8, color="C0", label="best response closest to the truth")
    ax.scatter(x[outside], (near * x)[outside], s=14, color="C3",
               label=f"... outside the $r^2$ band ({int(outside.sum())}/{len(x)})")
    grid = np.logspace(np.log10(max(x.min(), 1e-3) / 2), np.log10(x.max() * 2), 200)
    ax.plot(grid, grid, "k-", lw=0.8, label="truthful")
    ax.plot(grid, r**2 * grid, "C1-", lw=1, label=f"$r^2$ band (Prop. C.1), r={r:.3f}")
    ax.plot(grid, grid / r**2, "C1-", lw=1)
    ax.plot(grid, r * grid, "C2--", lw=0.8, label="$r$ band (end of proof)")
    ax.plot(grid, grid / r, "C2--", lw=0.8)
    for edge in (r, 1 / r):  # regions (1)-(3) of the proof for the belief a'_2j = 1
        ax.axvline(edge, color="0.5", ls=":", lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("true $a_{1j}$ / belief $a'_{2j}$ (item 1)")
    ax.set_ylabel("report $a'_{1j}$ / $a'_{2j}$")
    ax.set_title(f"Figure 3, simulated: m={items}, α$_1$=α'$_2$=α$_m$={alpha:g}")


def strategic(results, ds, out_dir):
    """Appendix C: simulated best responses (mechanism strategic) against Prop. C.1's band."""
    items = axis_values(ds, "population.items")
    alphas = axis_values(ds, "mechanism.alpha")
    a_fig = alphas[int(np.argmin(np.abs(alphas - 0.1)))]
    panels = [m for m in (1, int(items.max())) if _strategic_point(results, m, a_fig) is not None]
    fig, ax = fs.figure(1, len(panels))
    for k, m in enumerate(panels):
        figure3_panel(ax[0, k], results, ds, _strategic_point(results, m, a_fig), m, a_fig)
    save(fig, out_dir, "objective_fig3_strategic_band.png")

    fig, ax = row(2)
    for k, al in enumerate(alphas):
        sel = {"mechanism.alpha": k}
        for metric, style, name in (("band_violated", "o-", "$r^2$ band (statement)"),
                                    ("proof_band_violated", "s--", "$r$ band (end of proof)"),
                                    ("global_band_violated", "x:", "best single deviation overall")):
            y = np.asarray(ds[metric].isel(sel).values, dtype=float)
            lo = np.asarray(ds[metric + "_ci_lo"].isel(sel).values, dtype=float)
            hi = np.asarray(ds[metric + "_ci_hi"].isel(sel).values, dtype=float)
            ax[0].errorbar(items * (1 + 0.03 * k), y, yerr=[y - lo, hi - y], fmt=style, color=f"C{k}",
                           capsize=2, ms=4, label=f"α={al:g}: {name}")
        g = np.asarray(ds["gain_outside_band_max"].isel(sel).values, dtype=float)
        ax[1].plot(items, np.maximum(g, 0), "o-", color=f"C{k}", label=f"α={al:g}: max gain outside the band")
        dev = np.asarray(ds["deviation_max"].isel(sel).values, dtype=float)
        ax[1].plot(items, dev - 1, "s--", color=f"C{k}", label=f"α={al:g}: mean deviation factor − 1")
        ax[1].axhline(1 / ((1 - 2 * al) / (1 + 2 * al)) ** 2 - 1, color=f"C{k}", lw=0.6, ls=":")
    ax[0].set_xscale("log")
    ax[0].set_xlabel("items m")
    ax[0].set_ylabel("share of draws with a violation")
    ax[0].set_title("Prop. C.1 per item (other items truthful)")
    ax[1].set_xscale("log")
    ax[1].set_yscale("symlog", linthresh=1e-3)
    ax[1].set_ylim(bottom=0)
    ax[1].set_xlabel("items m")
    ax[1].set_ylabel("gain − 1, deviation factor − 1")
    ax[1].set_title("gain of the best report outside the band; dotted: $1/r^2 - 1$")
    save(fig, out_dir, "objective_strategic_violations.png")


def strategic_joint(ds, out_dir):
    """m = 2: violations of the band by single-item deviations vs joint deviations."""
    a = axis_values(ds, "mechanism.alpha_max")
    fig, ax = one_panel()
    errbar(ax, a, ds, "band_violated", "single item, other truthful ($r^2$ band)")
    errbar(ax, a, ds, "proof_band_violated", "single item ($r$ band)")
    errbar(ax, a, ds, "global_band_violated", "best single-item deviation overall")
    errbar(ax, a, ds, "joint_band_violated", "joint deviations of both items")
    ax.set_xlabel("α$_m$ (α$_1$, α'$_2$ ~ U(0, α$_m$))")
    ax.set_ylabel("share of draws with a violation")
    ax.set_title("Prop. C.1, m = 2: which reading holds")
    save(fig, out_dir, "objective_strategic_joint.png")


def kept_draws(results) -> bool:
    """Whether the run kept every draw (keep_draws: true), which the per-item scatter figures need."""
    import h5py
    with h5py.File(fairmc.results_path(results), "r") as f:
        return "draws" in f["points"].get("0", {})


def figure_for(name: str, ds, results):
    """The figure function for a results file: by experiment name for the paper's experiments,
    else by what the file holds (swept keys, metrics, constants), so a renamed or new experiment
    of the scenario gets the figure of the experiment it resembles; None: no dedicated figure.
    (Content alone cannot tell every paper experiment apart: multi_agent_agents and
    many_independent_agents both sweep n with the same constants.)"""
    by_name = {
        "objective_headline": headline,
        "objective_fig1_fig2_items": lambda r, d, o: figure1_2(r, d, o, 0, None, None, "objective"),
        "objective_fig4_fig5_dissimilar": fig4_fig5,
        "objective_independent_agents": lambda r, d, o: independent(d, o),
        "objective_independent_priors": lambda r, d, o: single_point(d, o, name),
        "objective_multi_agent_agents": lambda r, d, o: multi_agent_agents(d, o),
        "objective_sweep_items": lambda r, d, o: sweep_items(d, o),
        "objective_sweep_aversion": lambda r, d, o: sweep_aversion(d, o, name),
        "objective_sweep_aversion_drawn": lambda r, d, o: sweep_aversion(d, o, name),
        "objective_weak_aversion": lambda r, d, o: sweep_aversion(d, o, name),
        "objective_many_independent_agents": lambda r, d, o: many_independent(d, o),
        "objective_clustered": lambda r, d, o: clustered(d, o),
        "objective_strategic_band": lambda r, d, o: strategic(r, d, o),
        "objective_strategic_joint": lambda r, d, o: strategic_joint(d, o),
    }
    if name in by_name:
        return by_name[name]
    has = lambda *names: all(v in ds.variables for v in names)  # noqa: E731
    swept = lambda key: key in ds.variables and ds[key].size > 1  # noqa: E731
    draws = kept_draws(results)
    rules = [
        (draws and has("probe_ratio", "r1") and not any(ds[k].size > 1 for k in ds.dims),
         lambda r, d, o: figure1_2(r, d, o, 0, None, None, name)),
        (draws and has("probe_br_nearest") and swept("population.items") and swept("mechanism.alpha"),
         lambda r, d, o: strategic(r, d, o)),
        (has("joint_band_violated") and swept("mechanism.alpha_max"),
         lambda r, d, o: strategic_joint(d, o)),
        (draws and has("loss_bound_dissimilar", "r1") and swept("population.gamma"), fig4_fig5),
        (draws and has("loss_bound_items", "probe_ratio", "mechanism.beta")
         and swept("mechanism.alpha"), headline),
        (has("c_m", "expected_loss_bound_symmetric") and swept("mechanism.alpha"),
         lambda r, d, o: independent(d, o)),
        (has("thm36_rate") and swept("population.agents"), lambda r, d, o: many_independent(d, o)),
        (has("relative_loss_bound") and swept("population.agents"),
         lambda r, d, o: multi_agent_agents(d, o)),
        (has("loss_bound") and swept("population.clusters"), lambda r, d, o: clustered(d, o)),
        (has("loss_bound") and swept("population.items"), lambda r, d, o: sweep_items(d, o)),
        (has("c_multi") and (swept("mechanism.alpha") or swept("mechanism.alpha_max")),
         lambda r, d, o: sweep_aversion(d, o, name)),
    ]
    for applies, draw in rules:
        if applies:
            return draw
    return None


def main(argv) -> int:
    if len(argv) not in (1, 2):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    results = argv[0]
    out_dir = argv[1] if len(argv) == 2 else (results if os.path.isdir(results) else os.path.dirname(results))
    os.makedirs(out_dir, exist_ok=True)
    ds = fairmc.open_summary(results)
    name = str(ds.attrs.get("experiment", "")) or "objective"
    if ds.attrs.get("scenario") != "objective":
        print(f"plot_objective: {results} is a {ds.attrs.get('scenario')!r} experiment, not objective; "
              f"use analysis/plot.py or analysis/plot_{ds.attrs.get('scenario')}.py", file=sys.stderr)
        return 2
    draw = figure_for(name, ds, results)
    if draw is not None:
        draw(results, ds, out_dir)
        return 0
    try:  # no dedicated figure: every metric over the sweep (analysis/plot.py)
        path = plot.overview(plot.load(results), os.path.join(out_dir, f"{name}.png"))
    except plot.PlotError as e:
        print(f"plot_objective: {e}", file=sys.stderr)
        return 1
    print(f"plot_objective: wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
